"""A search with very many matches counts its facets over a uniform share of
them (the articles whose sample number falls in a range) and scales the
counts; `facet_counts="exact"` counts every match. Invented articles, a real
tantivy index; the thresholds are lowered so a few thousand articles cross
them, and every estimate is checked against the exact count."""

from __future__ import annotations

import dataclasses
import json
import math
from collections import Counter

import pytest
import tantivy
from support import SAMPLED_ARTICLES as ARTICLES
from support import skewed_news_corpus as corpus

import store.embedded as embedded
from store.embedded import EmbeddedStore
from store.embedded_schema import SAMPLE_RANGE, build_schema, document_fields, register_tokenizers, sample_number
from store.records import EnrichedArticle, SearchRequest


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    articles = corpus()
    data = tmp_path_factory.mktemp("sampled")
    store = EmbeddedStore(data)
    for start in range(0, ARTICLES, 1_000):  # three segments
        store.index(articles[start : start + 1_000])
    return data, articles


@pytest.fixture()
def lowered(monkeypatch):
    monkeypatch.setattr(embedded, "SAMPLE_ABOVE", 1_000)
    monkeypatch.setattr(embedded, "SAMPLE_COUNTED", 400)


def exact_counts(articles: list[EnrichedArticle], facet: str, keep=lambda a: True) -> Counter[str]:
    counts: Counter[str] = Counter()
    for article in filter(keep, articles):
        if facet == "outlet":
            counts[article.outlet] += 1
        else:
            counts.update({e.canonical for e in article.entities})
    return counts


def test_sample_numbers_are_spread_evenly_and_stable():
    numbers = [sample_number(f"article-{n}") for n in range(20_000)]
    assert all(0 <= n < SAMPLE_RANGE for n in numbers)
    in_first_quarter = sum(n < SAMPLE_RANGE // 4 for n in numbers)
    assert abs(in_first_quarter / len(numbers) - 0.25) < 0.01
    assert sample_number("article-1") == sample_number("article-1")
    assert sample_number("article-1") != sample_number("article-2")


def test_below_the_threshold_every_match_is_counted(indexed, lowered):
    data, articles = indexed
    response = EmbeddedStore(data).search(SearchRequest(q="harbour"))
    assert response.total == ARTICLES // 3
    assert response.facets_sampled is None
    expected = exact_counts(articles, "outlet", lambda a: "harbour" in a.text)
    assert {v.value: v.count for v in response.facets["outlet"]} == dict(expected)


def test_above_it_facets_are_estimated_from_a_share_and_the_rest_stays_exact(indexed, lowered):
    data, articles = indexed
    store = EmbeddedStore(data)
    sampled = store.search(SearchRequest(q="news"))
    exact = store.search(SearchRequest(q="news", facet_counts="exact"))
    assert exact.facets_sampled is None
    # The largest power-of-two share that still counts SAMPLE_COUNTED matches.
    in_share = sum(sample_number(a.id) < SAMPLE_RANGE // 4 for a in articles)
    assert 400 <= in_share < 1_600
    assert sampled.facets_sampled == dict.fromkeys(
        ("outlet", "person", "place", "org"), {"share": 1 / 4, "counted": in_share}
    )
    # The total, the hits and the histogram are never estimated.
    assert (sampled.total, sampled.histogram) == (exact.total, exact.histogram) == (ARTICLES, sampled.histogram)
    assert [h.id for h in sampled.hits] == [h.id for h in exact.hits]
    truth = exact_counts(articles, "outlet")
    assert {v.value: v.count for v in exact.facets["outlet"]} == dict(truth)
    for value in sampled.facets["outlet"]:
        assert value.count % 4 == 0  # a share's count, scaled
        error = math.sqrt(truth[value.value] * 3)  # standard error of the scaled count
        assert abs(value.count - truth[value.value]) <= 4 * error + 4, value
    # The most frequent outlet and person stand out in the share too.
    assert sampled.facets["outlet"][0].value == exact.facets["outlet"][0].value
    assert sampled.facets["person"][0].value == exact.facets["person"][0].value


def test_the_same_search_gets_the_same_estimates(indexed, lowered):
    data, _ = indexed
    first = EmbeddedStore(data).search(SearchRequest(q="news")).to_dict()
    again = EmbeddedStore(data).search(SearchRequest(q="news")).to_dict()
    assert first["facets"] == again["facets"] and first["facets_sampled"] == again["facets_sampled"]


def test_a_selected_value_is_counted_exactly(indexed, monkeypatch):
    monkeypatch.setattr(embedded, "SAMPLE_ABOVE", 100)
    monkeypatch.setattr(embedded, "SAMPLE_COUNTED", 50)
    data, articles = indexed
    person = "Person 0"
    response = EmbeddedStore(data).search(SearchRequest(q="news", filters={"person": [person], "outlet": ["Outlet 1"]}))
    assert set(response.facets_sampled or {}) == {"outlet", "person", "place", "org"}
    truth = exact_counts(articles, "person", lambda a: a.outlet == "Outlet 1")
    chosen = [v for v in response.facets["person"] if v.selected]
    assert [(v.value, v.count) for v in chosen] == [(person, truth[person])]
    outlet = [v for v in response.facets["outlet"] if v.selected]
    holding = exact_counts(articles, "outlet", lambda a: person in {e.canonical for e in a.entities})
    assert [(v.value, v.count) for v in outlet] == [("Outlet 1", holding["Outlet 1"])]


def test_a_selected_facet_is_sampled_by_its_own_matches(indexed, lowered):
    """The outlet facet of a search in one rare outlet counts every outlet's
    articles (its own filter left out): 3,000, sampled, while the other
    facets count the search's few hundred matches exactly."""
    data, articles = indexed
    store = EmbeddedStore(data)
    request = SearchRequest(q="news", filters={"outlet": ["Outlet 11"]})
    response = store.search(request)
    assert response.total == sum(a.outlet == "Outlet 11" for a in articles) < 1_000
    assert set(response.facets_sampled or {}) == {"outlet"}
    assert response.facets_sampled["outlet"]["share"] == 1 / 4
    truth = exact_counts(articles, "outlet")
    for value in response.facets["outlet"]:
        if value.selected:
            assert value.count == truth[value.value] == response.total
        else:
            assert (
                value.count % 4 == 0
                and abs(value.count - truth[value.value]) <= 4 * math.sqrt(truth[value.value] * 3) + 4
            )
    exact = store.search(dataclasses.replace(request, facet_counts="exact"))
    assert exact.facets_sampled is None
    assert {v.value: v.count for v in exact.facets["outlet"]} == dict(truth)
    assert response.facets["person"] == exact.facets["person"]
    people = exact_counts(articles, "person", lambda a: a.outlet == "Outlet 11")
    assert all(v.count == people[v.value] for v in exact.facets["person"])


def test_an_index_without_the_sample_field_counts_exactly_and_reindex_adds_it(tmp_path, lowered):
    articles = corpus()[:1_500]
    path = tmp_path / "index-1"
    path.mkdir()
    (tmp_path / "CURRENT").write_text("index-1", encoding="utf-8")
    index = tantivy.Index(build_schema(with_sample=False), path=str(path))
    register_tokenizers(index)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for article in articles[:1_000]:
        writer.add_json(json.dumps(document_fields(article)))  # the sample number is left out
    writer.commit()
    writer.wait_merging_threads()

    store = EmbeddedStore(tmp_path)
    store.index(articles[1_000:])  # written as it is
    response = store.search(SearchRequest(q="news"))
    assert response.total == 1_500 and response.facets_sampled is None
    assert {v.value: v.count for v in response.facets["outlet"]} == dict(exact_counts(articles, "outlet"))

    assert store.reindex()["articles"] == 1_500
    reopened = EmbeddedStore(tmp_path)
    assert reopened.search(SearchRequest(q="news")).facets_sampled is not None
