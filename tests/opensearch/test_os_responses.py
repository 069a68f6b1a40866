"""Response parsing on responses shaped like the specification's test
stories (spec tests/ folder: real request/response pairs), and the full
responses the backend expects checked against the response schemas."""

from __future__ import annotations

import copy

import pytest
import yaml
from os_spec import SPEC_ROOT

from store import opensearch_query as q
from store.records import SearchRequest

pytestmark = pytest.mark.shared_corpus
STORIES = SPEC_ROOT / "tests" / "default"


def story_response(relative: str, chapter: int = 0) -> dict:
    with open(STORIES / relative, encoding="utf-8") as handle:
        story = yaml.safe_load(handle)
    return copy.deepcopy(story["chapters"][chapter]["response"]["payload"])


def test_terms_buckets_from_the_terms_story_become_facet_values(spec):
    buckets = story_response("_core/search/aggregations/terms.yaml")["aggregations"]["directors"]
    response = {"aggregations": {"facet_person": {"doc_count": 3, "values": buckets}}}
    facets = q.parse_search_response(
        response, SearchRequest(filters={"person": ["Bennett Miller", "Ada Lovelace"]})
    ).facets
    assert [(v.value, v.count, v.selected) for v in facets["person"]] == [
        ("Bennett Miller", 2, True),
        ("Ada Lovelace", 0, True),  # selected, not in the buckets: kept so it can be unticked
    ]
    assert facets["outlet"] == [] and facets["place"] == []


def test_histogram_buckets_use_key_as_string(spec):
    buckets = story_response("_core/search/aggregations/historgram.yaml")["aggregations"]["movies"]
    histogram = q.parse_histogram({"months": buckets})
    assert histogram == [{"date": "1900.0", "count": 2}, {"date": "2000.0", "count": 1}]


def test_total_as_int_and_hits_without_id_or_highlight(spec):
    payload = story_response("_core/search/rest_total_hits_as_int.yaml", chapter=0)
    assert payload["hits"]["total"] == 2
    parsed = q.parse_search_response(payload, SearchRequest())
    assert parsed.total == 2 and len(parsed.hits) == 2
    assert parsed.hits[0].snippet == "" and parsed.hits[0].title == "Moneyball"


def test_total_as_object(spec):
    payload = story_response("_core/search/rest_total_hits_as_int.yaml", chapter=1)
    assert isinstance(payload["hits"]["total"], dict)
    assert q.parse_search_response(payload, SearchRequest()).total == payload["hits"]["total"]["value"]


def test_bulk_not_found_item_from_the_bulk_story_reads_as_a_reason(spec):
    item = story_response("_core/bulk.yaml", chapter=1)["items"][0]["delete"]
    assert item["status"] == 404
    assert "HTTP 404" in q.bulk_item_reason(item)


FULL_SEARCH_RESPONSE = {
    "took": 3,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 12, "relation": "eq"},
        "max_score": 3.2,
        "hits": [
            {
                "_index": "parallax-articles-v1",
                "_id": "bbc-1",
                "_score": 3.2,
                "_source": {
                    "id": "bbc-1",
                    "title": "Bucha",
                    "outlet": "BBC",
                    "published": "2022-04-03",
                    "url": "https://bbc.example/1",
                    "story": "s1",
                    "title_derived": True,
                },
                "highlight": {"text": ["bodies in <mark>Bucha</mark> &amp; Irpin", "<mark>Bucha</mark> again"]},
            }
        ],
    },
    "aggregations": {
        "facet_outlet": {
            "doc_count": 12,
            "values": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [{"key": "BBC", "doc_count": 7}, {"key": "CNN", "doc_count": 5}],
            },
            "selected": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 0,
                "buckets": [{"key": "BBC", "doc_count": 7}],
            },
        },
        "facet_person": {
            "doc_count": 7,
            "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
        },
        "facet_place": {
            "doc_count": 7,
            "values": {
                "doc_count_error_upper_bound": 0,
                "sum_other_doc_count": 2,
                "buckets": [{"key": "Bucha", "doc_count": 7}],
            },
        },
        "histogram": {
            "doc_count": 7,
            "months": {
                "buckets": [
                    {"key_as_string": "2022-04", "key": 1648771200000, "doc_count": 6},
                    {"key_as_string": "2022-05", "key": 1651363200000, "doc_count": 0},
                    {"key_as_string": "2022-06", "key": 1654041600000, "doc_count": 1},
                ]
            },
        },
    },
}


def test_full_search_response_is_spec_shaped_and_parsed(spec):
    assert spec.validate_response("POST", "/parallax-articles/_search", 200, FULL_SEARCH_RESPONSE) == []
    parsed = q.parse_search_response(
        FULL_SEARCH_RESPONSE, SearchRequest(q="bucha", filters={"outlet": ["BBC"]}, page=2)
    )
    assert (parsed.total, parsed.page) == (12, 2)
    hit = parsed.hits[0]
    assert (hit.id, hit.outlet, hit.score, hit.story, hit.title_derived) == ("bbc-1", "BBC", 3.2, "s1", True)
    assert hit.snippet_html == "bodies in <mark>Bucha</mark> &amp; Irpin \u2026 <mark>Bucha</mark> again"
    assert hit.snippet == "bodies in Bucha & Irpin \u2026 Bucha again"
    assert [hit.snippet[a:b] for a, b in hit.highlights] == ["Bucha", "Bucha"]
    assert [(v.value, v.count, v.selected) for v in parsed.facets["outlet"]] == [("BBC", 7, True), ("CNN", 5, False)]
    assert parsed.facets["person"] == []
    assert parsed.histogram == [{"date": "2022-04", "count": 6}, {"date": "2022-06", "count": 1}]


def test_stats_response_is_spec_shaped_and_parsed(spec):
    response = {
        "took": 1,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 3, "relation": "eq"}, "max_score": None, "hits": []},
        "aggregations": {
            "outlets": {"value": 3},
            "stories": {"value": 1},
            "first": {"value": 1.6489728e12, "value_as_string": "2022-04-03"},
            "last": {"value": None},
        },
    }
    assert spec.validate_response("POST", "/parallax-articles/_search", 200, response) == []
    assert q.parse_stats(response) == {
        "articles": 3,
        "outlets": 3,
        "stories": 1,
        "first_published": "2022-04-03",
        "last_published": None,
    }
