"""Loading the spaCy pipeline: the configured trained one, else the offline one.

`PARALLAX_SPACY_MODEL` (default `en_core_web_sm`) names an installed package
or a directory saved with `nlp.to_disk`. When it cannot be loaded, the
built-in offline pipeline is used (see `entities.py`). Both end with
`parallax_link`, which gives every entity its canonical name.
"""

from __future__ import annotations

import logging
import os
import threading

import spacy
from spacy.language import Language

from . import entities  # noqa: F401  (registers the pipeline components)

log = logging.getLogger(__name__)

DEFAULT_MODEL = "en_core_web_sm"
OFFLINE_NAME = "parallax-offline"
# Whitespace-separated chunks spaCy's tokenizer keeps the tokens of. Its default
# (10,000) is full after a few hundred articles; past it every new chunk goes
# through the prefix, suffix and infix regexes again (make_doc on 4,000 AllSides
# articles, loaded machine: 2.5-2.7 -> 1.6-2.3 ms an article). A cached chunk
# gives the same tokens; an entry is some tens of bytes.
TOKENIZER_CACHE_CHUNKS = 500_000
_cache: dict[str, tuple[Language, str]] = {}
_lock = threading.Lock()


def configured_model(model: str | None = None) -> str:
    return model or os.environ.get("PARALLAX_SPACY_MODEL") or DEFAULT_MODEL


def build_offline() -> Language:
    """Blank English tokenizer + rule-based entities.

    Only what the rules read: they take words, offsets and spaces from the
    doc (tokens.Tokens) and find sentences themselves, so the offline
    pipeline sets no sentence starts (`parallax_sentences`) and computes no
    lexical attributes (lower case, shape, stop-word and number flags) for
    the words spaCy meets. Measured on 2,000 AllSides articles: about 0.2 ms
    an article for the sentence starts and 0.5 ms for the attributes (less
    in a longer run, as spaCy computes them once for each new word).
    A rule that needs token.is_stop, token.like_num or doc.sents must put
    them back here."""
    nlp = spacy.blank("en")
    nlp.vocab.lex_attr_getters = {}  # type: ignore[attr-defined]  # a real Vocab attribute its stub omits
    nlp.add_pipe("parallax_entities")
    nlp.add_pipe("parallax_link")
    return nlp


def _load_trained(name: str) -> Language:
    # Only what entities need: the parser and lemmatizer cost time for nothing.
    nlp = spacy.load(name, exclude=["lemmatizer"])
    if "ner" not in nlp.pipe_names:
        raise ValueError(f"spaCy pipeline {name!r} has no 'ner' component")
    for pipe in ("parser", "tagger", "attribute_ruler"):
        if pipe in nlp.pipe_names:
            nlp.disable_pipe(pipe)
    # Paragraph-aware sentences for everyone (cheap; the parser is off).
    nlp.add_pipe("parallax_sentences", first=True)
    nlp.add_pipe("parallax_link", last=True)
    return nlp


def load_pipeline(model: str | None = None) -> tuple[Language, str]:
    """(pipeline, name) for `model`, cached per process. The name is the
    trained pipeline's name/path, or "parallax-offline" on fallback."""
    name = configured_model(model)
    with _lock:
        if name in _cache:
            return _cache[name]
        try:
            nlp = _load_trained(name)
            label = name
            log.info("enrichment: using trained spaCy pipeline %s", name)
        except (OSError, ImportError, ValueError) as exc:
            nlp = build_offline()
            label = OFFLINE_NAME
            log.info("enrichment: spaCy pipeline %s unavailable (%s); using the offline pipeline", name, exc)
        nlp.tokenizer.max_cache_size = TOKENIZER_CACHE_CHUNKS  # type: ignore[union-attr]
        _cache[name] = (nlp, label)
        return nlp, label
