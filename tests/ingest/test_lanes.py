"""An index run with worker lanes (the default on a machine with more than
one core, for an input of at least a window): the grouping features the
lanes compute and ship are exactly those of the stored articles, the story
ids the run writes are the ones a full regroup of them decides (the lanes
rewrite those records), and the sentence vectors are WordLlama's own."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np

from indexer.pipeline import POOL_THRESHOLD, index_paths
from indexer.stories import StoryParams, cache_path, cluster
from indexer.stories.cache import FeatureCache
from indexer.stories.embedding import _BATCH, _model, embed
from indexer.stories.features import features_of
from store.embedded import EmbeddedStore

OUTLETS = ("Civic Wire", "Daily Post", "Harbour Gazette")
SYLLABLES = ("ka", "lo", "mer", "tin", "vosh", "ral", "ped", "quo", "zan", "bel", "dru", "fen")


def _made_up_words(rng: random.Random, n: int) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(3)) for _ in range(n)]


def _corpus(path: Path, events: int) -> Path:
    """`events` made-up happenings, each told by three outlets on nearby days
    in their own order of the same specific words, plus filler."""
    rng = random.Random(13)
    filler = _made_up_words(rng, 400)
    lines = []
    for event in range(events):
        specific = _made_up_words(rng, 8)
        day = 1 + event % 25
        for k, outlet in enumerate(OUTLETS):
            told = rng.sample(specific, len(specific))
            text = (
                f"Residents of {told[0].title()} said {told[1]} {told[2]} flooded the {told[3]} on the "
                f"{1 + event}th. " + " ".join(rng.sample(filler, 60)) + ". " + " ".join(told[4:]) + "."
            )
            record = {
                "id": f"e{event:03d}-{k}",
                "title": f"{told[0].title()} {told[1]} {told[2]}",
                "text": text,
                "outlet": outlet,
                "published": f"2025-03-{day + k % 2:02d}",
                "url": f"https://{outlet.split()[0].lower()}.example/{event}-{k}",
            }
            lines.append(json.dumps(record))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_lanes_ship_the_stored_articles_features_and_the_run_writes_the_regroups_story_ids(tmp_path):
    events = POOL_THRESHOLD // len(OUTLETS) + 20  # more than one window: worker lanes
    corpus = _corpus(tmp_path / "corpus.jsonl", events)
    store = EmbeddedStore(tmp_path / "data")
    summary = index_paths([corpus], store, workers=2, progress=False)
    assert summary.indexed == events * len(OUTLETS) and summary.ok
    assert "lanes_grouping_features_cpu" in summary.timing  # computed in the lanes, not read back

    stored = sorted(store.scan(), key=lambda a: a.id)
    cache = FeatureCache(cache_path(store), StoryParams().hash_bits)
    try:
        cached = {r.id: r for r in cache.by_ids([a.id for a in stored])}
    finally:
        cache.close()
    for expected in features_of(stored, StoryParams()):
        got = cached[expected.id].features
        assert (got.day, got.outlet) == (expected.day, expected.outlet)
        assert got.terms.tobytes() == expected.terms.tobytes()
        assert got.counts.tobytes() == expected.counts.tobytes()
        assert got.vector is not None and expected.vector is not None
        assert got.vector.tobytes() == expected.vector.tobytes()

    decided = cluster(stored)
    written = {a.id: (a.story, a.thread) for a in stored}
    assert written == decided
    assert sum(1 for story, _ in written.values() if story) >= events  # the happenings were grouped


def test_sentence_vectors_are_wordllamas_own_bit_for_bit():
    rng = random.Random(5)
    words = _made_up_words(rng, 300) + ["Kremlin", "denied", "flood", "Tuesday's", "évacués", "1,100"]
    # Lengths from nothing to far past a batch's shortest, so padding differs in every batch.
    texts = ["", "."] + [" ".join(rng.choices(words, k=rng.randint(1, 400))) for _ in range(2 * _BATCH + 7)]
    ours = embed(texts)
    theirs = np.asarray(_model().embed(texts, norm=False, batch_size=_BATCH), dtype=np.float32).astype(np.float16)
    assert ours.shape == theirs.shape
    assert ours.view(np.uint16).tobytes() == theirs.view(np.uint16).tobytes()
    assert not ours[0].any()  # an empty text: zeros
