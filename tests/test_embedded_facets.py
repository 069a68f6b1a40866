"""Facet counts of the embedded index are exact across segments, also when
the first, cheaper round of counting leaves terms out in some segments (each
segment reports only its top terms): checked against counts made by hand."""

from __future__ import annotations

import random
from collections import Counter

import pytest

import store.embedded as embedded
from store.embedded import EmbeddedStore
from store.records import EnrichedArticle, Entity, SearchRequest


def person(name: str) -> Entity:
    return Entity(name, "PERSON", 0, len(name), name)


def skewed_corpus(seed: int) -> list[list[EnrichedArticle]]:
    """Four writes (four segments); names drawn with skew, so that a name
    frequent overall can be rare in one segment."""
    rng = random.Random(seed)
    # A few names with the query language's special characters: the exact
    # second round counts values through quoted query strings.
    odd = ['Quoted "Nick" Name', "Back\\slash", "a:b (c) [d] ^e", "AND"]
    names = [f"Name {n:03d}" for n in range(60 - len(odd))] + odd
    writes = []
    for w in range(4):
        weights = [rng.random() ** (3 + w) for _ in names]
        batch = []
        for i in range(40):
            chosen = set(rng.choices(names, weights=weights, k=rng.randint(1, 6)))
            word = "alpha" if i % 3 else "beta"
            batch.append(
                EnrichedArticle(id=f"w{w}-{i}", text=f"{word} text", entities=[person(n) for n in sorted(chosen)])
            )
        writes.append(batch)
    return writes


@pytest.mark.parametrize("seed", range(6))
# (first round terms per segment, values read past the cut): 2 and 5 leave
# so much out that the counts fall back to every term; 30 with a margin of
# 10 mostly settles on the exact second round of the candidates; 1000 reads
# every term in the first round.
@pytest.mark.parametrize(("first_round_terms", "tie_margin"), [(2, 2), (5, 2), (30, 10), (1000, 2)])
def test_facet_counts_match_counts_by_hand(tmp_path, monkeypatch, seed, first_round_terms, tie_margin):
    monkeypatch.setattr(embedded, "FACET_FIRST_SEGMENT_TERMS", first_round_terms)
    monkeypatch.setattr(embedded, "FACET_TIE_MARGIN", tie_margin)
    store = EmbeddedStore(tmp_path)
    writes = skewed_corpus(seed)
    for batch in writes:
        store.index(batch)
    articles = [a for batch in writes for a in batch]
    for q, size in [("", 3), ("", 10), ("alpha", 5), ("beta", 1)]:
        counts = Counter(n for a in articles if not q or q in a.text for n in a.people())
        expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
        found = store.search(SearchRequest(q=q, facet_size=size)).facets["person"]
        assert [(v.value, v.count) for v in found] == expected
