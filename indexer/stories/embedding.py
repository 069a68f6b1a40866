"""Sentence vectors for event similarity: WordLlama's static token
embeddings (the `wordllama` wheel on PyPI bundles its weights and tokenizer,
MIT licence), mean-pooled over an article's title and opening.

Loaded from the installed package's own files, never from the network
(`WordLlama.load` looks for the tokenizer in a folder the wheel does not
ship and would fall back to Hugging Face).  A vector reads across wording
("the Kremlin denied" / "Russia denied") where the TF-IDF terms do not; the
grouping mixes the two for event edges (`params.embedding_weight`,
measured in docs/stories.md).

Vectors are stored uncentred as float16 (512 bytes an article); the
grouping centres them on the corpus mean (static embeddings share a large
common direction, so raw cosines of unrelated articles are high) and
L2-normalises them when it compares.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import numpy as np

MODEL = "wordllama l2_supercat_256"  # part of the feature signature: another model rebuilds the cache
DIMS = 256
_BATCH = 64  # texts per lookup: the padded token block stays a few tens of MB


@cache
def _model() -> Any:
    from importlib.resources import files

    from safetensors import safe_open
    from tokenizers import Tokenizer
    from wordllama.inference import WordLlamaInference

    package = files("wordllama")
    tokenizer = Tokenizer.from_file(str(package / "tokenizers" / "l2_supercat_tokenizer_config.json"))
    with safe_open(str(package / "weights" / "l2_supercat_256.safetensors"), framework="np") as weights:
        table = weights.get_tensor("embedding.weight")
    return WordLlamaInference(table, tokenizer)


def embed(texts: list[str]) -> np.ndarray:
    """One uncentred mean-pooled vector per text, float16 (an empty text: zeros).

    The same vectors, bit for bit, as `WordLlamaInference.embed(texts,
    norm=False)`, at about half its cost: that pads each batch of token ids
    to its longest text and sums the whole padded block times the mask
    (padding is most of it on news text); here each text sums only its own
    token rows, in the same order, in float32, and divides by the same count."""
    out = np.zeros((len(texts), DIMS), np.float32)
    model = _model()
    table = model.embedding
    for start in range(0, len(texts), _BATCH):
        for k, encoded in enumerate(model.tokenize(texts[start : start + _BATCH]), start):
            ids = np.asarray(encoded.ids, dtype=np.int32)[np.asarray(encoded.attention_mask, dtype=bool)]
            if len(ids):
                np.clip(ids, 0, table.shape[0] - 1, out=ids)
                out[k] = np.sum(table[ids], axis=0, dtype=np.float32) / np.float32(len(ids))
    return out.astype(np.float16)


def centred_units(vectors: list[np.ndarray | None], mean: np.ndarray) -> np.ndarray:
    """float32 rows: each vector minus the corpus mean, L2-normalised (a
    missing vector: zeros, so it adds nothing to a similarity)."""
    out = np.zeros((len(vectors), DIMS), np.float32)
    present = [(k, v) for k, v in enumerate(vectors) if v is not None]
    if present:
        have = [k for k, _ in present]
        out[have] = np.stack([v for _, v in present]).astype(np.float32) - mean.astype(np.float32)
        norms = np.linalg.norm(out[have], axis=1, keepdims=True)
        out[have] /= np.where(norms > 0, norms, 1.0)
    return out
