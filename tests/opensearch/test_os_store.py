"""OpenSearchStore against the fake node: what the backend sends is valid
by the specification, and what it reports to the user is right."""

from __future__ import annotations

import socket

import pytest
from fake_node import assert_clean
from os_samples import sample_article

from store import Settings, open_store
from store.interface import QuerySyntaxError, StoreError
from store.opensearch import OpenSearchStore
from store.records import SearchRequest

pytestmark = pytest.mark.shared_corpus


def articles(n: int = 3):
    outlets = ["BBC", "The Independent", "Metro"]
    return [sample_article(f"a{i}", outlet=outlets[i % 3], published=f"2022-0{4 + i % 2}-0{1 + i}") for i in range(n)]


def test_index_creates_a_versioned_index_behind_the_alias(node, os_store):
    report = os_store.index(articles())
    assert report.indexed == ["a0", "a1", "a2"] and report.failed == {}
    assert node.aliases == {"parallax-test": {"parallax-test-v1"}}
    assert set(node.indices["parallax-test-v1"].docs) == {"a0", "a1", "a2"}
    assert_clean(node)


def test_indexing_twice_overwrites_by_id(node, os_store):
    os_store.index(articles())
    os_store.index(articles())
    assert len(node.indices["parallax-test-v1"].docs) == 3
    assert os_store.stats()["articles"] == 3
    assert_clean(node)


def test_rejected_articles_are_reported_failed_not_indexed(node, os_store):
    node.reject_ids = {"a1"}
    report = os_store.index(articles())
    assert report.indexed == ["a0", "a2"]
    assert list(report.failed) == ["a1"] and "mapper_parsing_exception" in report.failed["a1"]
    assert_clean(node)


def test_overloaded_cluster_is_retried_with_backoff(node, os_store):
    node.throttle = {"a0": 2, "a2": 99}
    report = os_store.index(articles())
    assert sorted(report.indexed) == ["a0", "a1"]
    assert "overloaded" in report.failed["a2"]
    bulks = [r for r in node.received if r.path.endswith("/_bulk")]
    assert len(bulks) == 1 + os_store.max_retries  # the first send, then retries of the 429s only
    assert_clean(node)


def test_unreachable_cluster_is_a_clear_store_error():
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    store = OpenSearchStore.from_settings(Settings(opensearch_url=f"http://127.0.0.1:{port}", index="x"), timeout=2)
    with pytest.raises(StoreError, match=r"Cannot reach OpenSearch at http://127.0.0.1:\d+ .*OPENSEARCH_URL"):
        store.index(articles(1))
    with pytest.raises(StoreError, match="Cannot reach OpenSearch"):
        store.search(SearchRequest(q="bucha"))


def test_refused_request_is_a_clear_store_error(node, os_store):
    os_store.index(articles())
    node.fail_next = ("_search$", 400, "search_phase_execution_exception", "all shards failed")
    with pytest.raises(
        StoreError,
        match=r"rejected the request while searching \(HTTP 400\): search_phase_execution_exception: all shards failed",
    ):
        os_store.search(SearchRequest(q="bucha"))


def test_a_failed_refresh_does_not_lose_acknowledged_articles(node, os_store, caplog):
    # A refresh can fail after the bulk was acknowledged (a node lost in
    # between); the articles are stored and must be reported as indexed.
    node.fail_next = ("_refresh$", 500, "no_shard_available_action_exception", "no shard available")
    report = os_store.index(articles())
    assert sorted(report.indexed) == sorted(a.id for a in articles()) and report.failed == {}
    assert "refresh after indexing failed" in caplog.text


def test_bad_user_query_is_refused_before_sending(node, os_store):
    with pytest.raises(QuerySyntaxError):
        os_store.search(SearchRequest(q='"unclosed phrase'))
    assert not any(r.path.endswith("_search") for r in node.received)


def test_search_facets_and_histogram(node, os_store):
    os_store.index(articles())
    response = os_store.search(SearchRequest(q="bucha", filters={"outlet": ["BBC"]}))
    assert [h.id for h in response.hits] == ["a0"] and response.total == 1
    outlets = {f.value: (f.count, f.selected) for f in response.facets["outlet"]}
    # The outlet facet ignores its own filter: all three outlets keep counts.
    assert outlets == {"BBC": (1, True), "Metro": (1, False), "The Independent": (1, False)}
    assert response.facets["person"][0].value == "Volodymyr Zelensky" and response.facets["person"][0].count == 1
    assert response.histogram == [{"date": "2022-04", "count": 1}]
    assert "&lt;b&gt;" in response.hits[0].snippet_html  # escaped HTML, never raw tags
    assert "<b>" in response.hits[0].snippet  # plain text outside HTML
    assert_clean(node)


def test_search_without_an_index_is_empty(node, os_store):
    assert os_store.search(SearchRequest(q="bucha")).total == 0
    assert os_store.get("a0") is None and os_store.get_many(["a0"]) == []
    assert list(os_store.scan()) == [] and os_store.delete(["a0"]) == 0
    assert os_store.stats()["articles"] == 0
    assert_clean(node)


def test_get_scan_delete_stories_stats(node, os_store):
    os_store.index(articles())
    assert os_store.get("a1") == articles()[1]
    assert [a.id for a in os_store.get_many(["a2", "zz", "a0"])] == ["a2", "a0"]
    assert sorted(a.id for a in os_store.scan()) == ["a0", "a1", "a2"]
    assert os_store.set_stories({"a0": "story-bucha", "a1": "s-new", "zz": "s"}) == 1  # a0 unchanged, zz missing
    assert os_store.get("a1").story == "s-new"
    stats = os_store.stats()
    assert stats["articles"] == 3 and stats["outlets"] == 3 and stats["stories"] == 2
    assert (stats["first_published"], stats["last_published"]) == ("2022-04-01", "2022-05-02")
    assert os_store.delete(["a0", "a0", "zz"]) == 1
    assert os_store.get("a0") is None
    assert_clean(node)


def test_reindex_builds_a_new_version_and_swaps_the_alias(node, os_store):
    os_store.index(articles())
    result = os_store.reindex()
    assert result["index"] == "parallax-test-v2" and result["previous"] == ["parallax-test-v1"]
    assert result["articles"] == 3
    assert node.aliases == {"parallax-test": {"parallax-test-v2"}}
    assert "parallax-test-v1" not in node.indices
    swap = [r.body for r in node.received if r.path == "/_aliases"]
    assert swap == [
        {
            "actions": [
                {"remove": {"index": "parallax-test-v1", "alias": "parallax-test"}},
                {"add": {"index": "parallax-test-v2", "alias": "parallax-test"}},
            ]
        }
    ]
    assert os_store.get("a2") == articles()[2]
    assert_clean(node)


def test_failed_reindex_leaves_readers_on_the_old_index(node, os_store):
    os_store.index(articles())
    node.reject_ids = {"a1"}
    with pytest.raises(StoreError, match="Reindex abandoned: 1 article"):
        os_store.reindex()
    assert node.aliases == {"parallax-test": {"parallax-test-v1"}}
    assert set(node.indices) == {"parallax-test-v1"}
    assert_clean(node)


def test_more_like_this_sends_a_valid_query_and_parses_ids(node, os_store):
    os_store.index(articles())
    similar = os_store.more_like_this("a0", size=5, date_window_days=30)
    assert {i for i, _ in similar} <= {"a0", "a1", "a2"}  # the fake has no relevance; shape only
    body = next(r.body for r in node.received if "more_like_this" in str(r.body))
    assert body["query"]["bool"]["filter"][0]["range"]["published"]["gte"] == "2022-03-02"
    assert os_store.more_like_this("missing") == []
    assert_clean(node)


def test_the_documented_variables_configure_the_store():
    environ = {
        "PARALLAX_BACKEND": "opensearch",
        "OPENSEARCH_URL": "https://search.example:9200",
        "OPENSEARCH_USER": "reader",
        "OPENSEARCH_PASSWORD": "secret",
        "OPENSEARCH_VERIFY_CERTS": "false",
        "PARALLAX_INDEX": "news",
        "PARALLAX_INDEX_REPLICAS": "2",
    }
    store = open_store(Settings.from_env(environ))
    assert isinstance(store, OpenSearchStore)
    connection = store.client.transport.connection_pool.connections[0]
    assert (store.alias, store.url, store.replicas) == ("news", "https://search.example:9200", 2)
    assert connection.host == "https://search.example:9200"
    assert "secret" not in repr(Settings.from_env(environ))
    with pytest.raises(StoreError, match="PARALLAX_INDEX_SHARDS='many': must be a whole number"):
        Settings.from_env({**environ, "PARALLAX_INDEX_SHARDS": "many"})
