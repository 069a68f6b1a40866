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
# (first round terms per segment, how many times as many a deeper round
# reads, candidates counted per value asked for): 1 and 2 leave so much out
# that the counts go deeper, down to every term; 5 and 30 mostly settle on
# the exact second round of the candidates (the cap of 1 sends more of
# them deeper); 1000 reads every term in the first round.
@pytest.mark.parametrize(
    ("first_round_terms", "deeper", "max_candidates"),
    [(1, 2, 3), (2, 8, 3), (5, 2, 1), (5, 8, 3), (30, 8, 3), (1000, 8, 3)],
)
def test_facet_counts_match_counts_by_hand(tmp_path, monkeypatch, seed, first_round_terms, deeper, max_candidates):
    monkeypatch.setattr(embedded, "FACET_FIRST_SEGMENT_TERMS", first_round_terms)
    monkeypatch.setattr(embedded, "FACET_DEEPER", deeper)
    monkeypatch.setattr(embedded, "FACET_MAX_CANDIDATES", max_candidates)
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


# (first round terms on several segments, the one-segment margin past the cut):
# one segment reads the smaller of `size + margin` and the first; a margin of
# 0 reads no value past the cut (never a proof: always deeper).
@pytest.mark.parametrize(("first_round_terms", "margin"), [(1, 5), (3, 5), (1000, 0), (1000, 1), (1000, 5), (1000, 40)])
def test_a_tie_at_the_cut_is_ordered_by_name_in_one_segment(tmp_path, monkeypatch, first_round_terms, margin):
    """One segment: tantivy's counts are exact, but a tie at the cut can run
    past the values it reported; the names tied must still come in order."""
    monkeypatch.setattr(embedded, "FACET_FIRST_SEGMENT_TERMS", first_round_terms)
    monkeypatch.setattr(embedded, "FACET_ONE_SEGMENT_MARGIN", margin)
    rng = random.Random(7)
    names = [f"Tied {n:02d}" for n in range(30)]
    rng.shuffle(names)
    # "Leader" in every article, each tied name in exactly two.
    articles = [
        EnrichedArticle(id=f"a{i}", text="alpha text", entities=[person("Leader"), person(names[i % 30])])
        for i in range(60)
    ]
    store = EmbeddedStore(tmp_path)
    store.index(articles)
    found = store.search(SearchRequest(facet_size=4)).facets["person"]
    assert [(v.value, v.count) for v in found] == [("Leader", 60), ("Tied 00", 2), ("Tied 01", 2), ("Tied 02", 2)]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("margin", [0, 1, 5, 1000])
def test_one_segment_counts_match_counts_by_hand(tmp_path, monkeypatch, seed, margin):
    """One write (one segment), as `parallax index` leaves an archive: the
    first round reads only a few values past the cut; every count and the
    order of ties must still be those counted by hand."""
    monkeypatch.setattr(embedded, "FACET_ONE_SEGMENT_MARGIN", margin)
    articles = [a for batch in skewed_corpus(seed) for a in batch]
    store = EmbeddedStore(tmp_path)
    store.index(articles)
    assert store._searcher().num_segments == 1
    for q, size in [("", 1), ("", 3), ("", 10), ("alpha", 5), ("beta", 1), ("beta", 20)]:
        counts = Counter(n for a in articles if not q or q in a.text for n in a.people())
        expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:size]
        found = store.search(SearchRequest(q=q, facet_size=size)).facets["person"]
        assert [(v.value, v.count) for v in found] == expected


def test_a_facet_filtered_alone_counts_over_the_index_as_it_is_now(tmp_path):
    """A search with no words and one facet filtered counts that facet over
    the whole index, kept between searches: a commit (here by another store
    on the same folder, as `parallax index` beside the portal) changes them."""
    portal = EmbeddedStore(tmp_path)
    writer = EmbeddedStore(tmp_path)
    writer.index([EnrichedArticle(id=f"a{i}", text="text", entities=[person("Ann"), person("Bo")]) for i in range(3)])
    browse = SearchRequest(filters={"person": ["Ann"]}, facet_size=5)

    def people() -> list[tuple[str, int, bool]]:
        return [(v.value, v.count, v.selected) for v in portal.search(browse).facets["person"]]

    assert people() == [("Ann", 3, True), ("Bo", 3, False)]
    assert people() == [("Ann", 3, True), ("Bo", 3, False)]
    writer.index([EnrichedArticle(id=f"b{i}", text="text", entities=[person("Bo")]) for i in range(2)])
    assert people() == [("Bo", 5, False), ("Ann", 3, True)]
    writer.delete(["b0", "b1", "a0"])
    assert people() == [("Ann", 2, True), ("Bo", 2, False)]
    # The hits and the other facets keep to the filter.
    assert portal.search(browse).total == 2


def test_one_search_reads_the_index_once(tmp_path, monkeypatch):
    """The filter look-ups, the search and the alias notes of one `search`
    share one searcher (one reload of the index), as they share one answer."""
    store = EmbeddedStore(tmp_path)
    store.index([EnrichedArticle(id=f"a{i}", text="alpha text", entities=[person("Ann")]) for i in range(3)])
    opened = []
    fresh = store._fresh_searcher
    monkeypatch.setattr(store, "_fresh_searcher", lambda: opened.append(1) or fresh())
    found = store.search(SearchRequest(q="alpha text", filters={"person": ["ann"]}))
    assert found.total == 3 and found.filters == {"person": ["Ann"]}
    assert len(opened) == 1
    assert store._searcher() is not store._searcher()  # outside a search, each call reads the index again
