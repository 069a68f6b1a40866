"""Every request body the OpenSearch backend builds, validated against the
official API specification (plus the strict key pass), without a cluster."""

from __future__ import annotations

import pytest
from os_samples import portal_searches, sample_article
from os_spec import check_document

import mappings
from store import opensearch_query as q
from store.interface import QuerySyntaxError
from store.query import parse_query
from store.records import FACETS, SearchRequest

pytestmark = pytest.mark.shared_corpus
SEARCH = ("POST", "/parallax-articles/_search")


def ndjson(actions: list[dict]) -> list[dict]:
    """Bulk lines as opensearch-py's expand_action writes them."""
    from opensearchpy.helpers.actions import expand_action

    lines: list[dict] = []
    for action in actions:
        head, data = expand_action(dict(action))
        lines.append(head)
        if data is not None:
            lines.append(data)
    return lines


def test_strict_pass_catches_misspellings_the_plain_schema_lets_through(spec):
    body = {
        "query": {"bool": {"must": [{"mach": {"text": "bucha"}}]}},
        "aggs": {"outlets": {"term": {"field": "outlet"}}},
        "sort": [{"published": {"ordr": "desc"}}],
    }
    problems = " ".join(spec.validate_request(*SEARCH, body))
    assert "['mach']" in problems
    assert "['term']" in problems
    assert "['ordr']" in problems


def test_bulk_lines_are_checked_in_pairs(spec):
    lines = [
        {"index": {"_index": "p", "_id": "1"}},
        {"id": "1"},
        {"upsert": {"_index": "p", "_id": "2"}},
        {"id": "2"},
        {"update": {"_index": "p", "_id": "1"}},
        {"dok": {"story": "s"}},
    ]
    problems = " ".join(spec.validate_bulk_lines(lines))
    assert "line 3" in problems and "['upsert']" in problems
    assert "line 6" in problems and "['dok']" in problems


def test_index_creation_body_is_valid(spec):
    body = q.index_body(shards=3, replicas=1, alias="parallax-articles")
    assert spec.validate_request("PUT", "/parallax-articles-v1", body) == []
    assert body["settings"]["index"] == {"number_of_shards": 3, "number_of_replicas": 1}
    assert body["aliases"] == {"parallax-articles": {}}


def test_mapping_serves_facets_and_quote_queries():
    fields = mappings.article_fields()
    for facet in FACETS:
        assert fields[q.FACET_FIELDS[facet]]["type"] == "keyword"
    quotes = fields["quotes"]
    assert quotes["type"] == "nested"
    assert quotes["properties"]["speaker_canonical"]["type"] == "keyword"
    assert quotes["properties"]["text"]["type"] == "text"
    analysis = mappings.load()["settings"]["analysis"]
    news = analysis["analyzer"]["news_english"]
    assert "asciifolding" in news["filter"]


def test_every_portal_search_body_is_valid(spec):
    searches = portal_searches()
    assert len(searches) >= 24
    failures = {}
    for request in searches:
        body = q.search_body(request, parse_query(request.q))
        problems = spec.validate_request(*SEARCH, body)
        if problems:
            failures[repr(request)] = problems
    assert failures == {}


def test_facet_counts_exclude_only_their_own_filter():
    request = SearchRequest(
        q="bucha", filters={"outlet": ["BBC", "CNN"], "person": ["Volodymyr Zelensky"]}, date_from="2022-04-01"
    )
    body = q.search_body(request, parse_query(request.q))
    outlet_clause = {"terms": {"outlet": ["BBC", "CNN"]}}
    person_clause = {"terms": {"person": ["Volodymyr Zelensky"]}}
    assert body["post_filter"] == {"bool": {"filter": [outlet_clause, person_clause]}}
    assert body["aggs"]["facet_outlet"]["filter"] == person_clause
    assert body["aggs"]["facet_person"]["filter"] == outlet_clause
    assert body["aggs"]["facet_place"]["filter"] == {"bool": {"filter": [outlet_clause, person_clause]}}
    # Dates narrow hits and every count, so they are in the query, not post_filter.
    assert "range" in str(body["query"]) and "outlet" not in str(body["query"])
    # Selected values are counted even outside the top facet_size.
    assert body["aggs"]["facet_outlet"]["aggs"]["selected"]["terms"]["include"] == ["BBC", "CNN"]


def test_query_syntax_reaches_the_body():
    body = q.search_body(
        SearchRequest(q='kyiv OR kiev "war crimes" -putin'), parse_query('kyiv OR kiev "war crimes" -putin')
    )
    must = body["query"]["bool"]["must"]
    assert [c["multi_match"]["query"] for c in must[0]["bool"]["should"]] == ["kyiv", "kiev"]
    fields = [*q.TEXT_FIELDS, q.ALIAS_FIELD]
    assert must[1]["multi_match"] == {"query": "war crimes", "fields": fields, "type": "phrase"}
    assert body["query"]["bool"]["must_not"][0]["multi_match"]["query"] == "putin"


@pytest.mark.parametrize(
    "request_, message",
    [
        (SearchRequest(date_from="April 2022"), "YYYY-MM-DD"),
        (SearchRequest(date_to="2022-02-30"), "not a calendar date"),
        (SearchRequest(page=1001, size=10), "first 10000"),
        (SearchRequest(sort="popularity"), "Unknown sort"),
        (SearchRequest(filters={"colour": ["red"]}), "Unknown filter"),
    ],
)
def test_bad_requests_are_user_errors_before_anything_is_sent(request_, message):
    with pytest.raises(QuerySyntaxError, match=message):
        q.search_body(request_, parse_query(request_.q))


def test_other_search_bodies_are_valid(spec):
    bodies = {
        "more_like_this": q.more_like_this_body("a1", 5, "2022-04-04", 7),
        "more_like_this_no_window": q.more_like_this_body("a1", 5),
        "quotes": q.quotes_query("Volodymyr Zelensky", "genocide"),
        "stats": q.stats_body(),
        "stories": q.stories_body(60000),
        "facet_counts": q.facet_counts_body(
            SearchRequest(q="bucha", filters={"outlet": ["BBC"], "person": ["X"]}),
            parse_query("bucha"),
            "person",
            60000,
        ),
        "export_first_page": q.export_body(SearchRequest(q="krak*", sort="date"), parse_query("krak*"), 1000, None),
        "export_next_page": q.export_body(
            SearchRequest(filters={"org": ["UN"]}), parse_query(""), 1000, [1.5, "article-id"]
        ),
        "alias_only": q.search_body(
            SearchRequest(q='"Volodymyr Zelenskyy" bucha', names_only="Volodymyr Zelenskyy", facet_size=0, size=5),
            parse_query('"Volodymyr Zelenskyy" bucha'),
        ),
        "without_aliases": q.search_body(
            SearchRequest(q="zelenskyy", alias_mode="never", facet_size=0), parse_query("zelenskyy")
        ),
    }
    assert {name: spec.validate_request(*SEARCH, body) for name, body in bodies.items()} == dict.fromkeys(bodies, [])
    assert spec.validate_request(*SEARCH, q.SCAN_QUERY, params=["scroll", "size"]) == []


def test_admin_bodies_are_valid(spec):
    assert spec.validate_request("POST", "/_aliases", q.alias_swap_body("p", "p-v3", ["p-v1", "p-v2"])) == []
    assert (
        spec.validate_request("POST", "/p/_delete_by_query", q.ids_query(["a1", "a2"]), params=["refresh", "conflicts"])
        == []
    )
    assert spec.validate_request("POST", "/p/_mget", {"ids": ["a1"]}) == []


def test_bulk_index_and_story_lines_are_valid_and_fit_the_mapping(spec):
    articles = [sample_article("a1"), sample_article("a2", story=None, published=None, entities=[], quotes=[])]
    index_lines = ndjson([q.index_action("parallax-articles", a) for a in articles])
    story_lines = ndjson(
        [q.story_action("parallax-articles", "a1", "s2"), q.story_action("parallax-articles", "a2", None)]
    )
    for lines in (index_lines, story_lines):
        assert spec.validate_request("POST", "/_bulk", lines, content_type="application/x-ndjson") == []
    fields = mappings.article_fields()
    assert [check_document(line, fields) for line in index_lines[1::2]] == [[], []]
    assert check_document(story_lines[1]["doc"], fields) == []
    # The derived facet fields are there, so terms aggregations can count them.
    assert index_lines[1]["person"] == ["Volodymyr Zelensky"] and index_lines[1]["place"] == ["Bucha", "Kyiv"]


def test_mapping_check_would_catch_a_field_the_mapping_lacks():
    source = q.article_to_source(sample_article())
    source["sentiment"] = 0.4
    source["published"] = "4 April 2022"
    problems = check_document(source, mappings.article_fields())
    assert any("sentiment" in p for p in problems) and any("published" in p for p in problems)
