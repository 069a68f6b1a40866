"""Acceptance: `parallax index ../shared/corpus/seeds --backend opensearch`
and the portal's searches, against the fake OpenSearch node, send only
requests the API specification accepts."""

from __future__ import annotations

import importlib.util

import pytest
from fake_node import assert_clean
from os_spec import SHARED, require_shared

pytestmark = [pytest.mark.shared_corpus, pytest.mark.slow]

# The portal's query-string shapes: q syntax, facets, dates, sort, paging.
PORTAL_SEARCHES = [
    "",
    "q=bucha",
    'q="war crimes" OR genocide -putin&sort=date',
    "q=bucha&outlet=BBC&outlet=The+Independent&person=Volodymyr+Zelensky&place=Bucha",
    "q=kyiv&from=2022-04-01&to=2022-05-31&page=2&size=1",
    "place=Bucha&place=Kyiv&sort=date",
    "q=(kyiv OR kiev) AND NOT putin",
    "q=buch*&sort=date",
    "q=zelenskyy&outlet=metro&place=kiev",
]


def _missing(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is None
    except ModuleNotFoundError:
        return True


@pytest.fixture
def indexed_seeds(node, monkeypatch, tmp_path):
    if _missing("parallax.cli") or _missing("indexer.pipeline"):
        pytest.skip("the CLI (parallax.cli) and indexer pipeline are not written yet")
    seeds = SHARED / "corpus" / "seeds"
    require_shared(seeds)
    from parallax.cli import main

    monkeypatch.setenv("OPENSEARCH_URL", node.url)
    monkeypatch.setenv("PARALLAX_BACKEND", "opensearch")
    monkeypatch.setenv("PARALLAX_INDEX", "parallax-articles")
    monkeypatch.setenv("PARALLAX_DATA", str(tmp_path / "data"))
    exit_code = main(["index", str(seeds), "--backend", "opensearch", "--workers", "1"])
    assert exit_code == 0
    return node


def test_cli_index_of_the_seeds_sends_only_valid_requests(indexed_seeds):
    node = indexed_seeds
    docs = node.indices["parallax-articles-v1"].docs
    assert len(docs) == 3
    assert all(doc["outlet"] and doc["text"] for doc in docs.values())
    assert any(r.path.endswith("/_bulk") for r in node.received)
    assert_clean(node)


def test_portal_searches_send_only_valid_bodies(indexed_seeds):
    if _missing("portal.api"):
        pytest.skip("the portal is not written yet")
    from portal import create_app

    node = indexed_seeds
    app = create_app({"PARALLAX_BACKEND": "opensearch", "TESTING": True})
    client = app.test_client()
    before = len(node.received)
    for query in PORTAL_SEARCHES:
        response = client.get(f"/api/search?{query}")
        assert response.status_code == 200, (query, response.get_json())
        payload = response.get_json()
        assert set(payload) >= {"total", "page", "hits", "facets"}
        assert set(payload["facets"]) == {"outlet", "person", "place", "org"}
        assert client.get(f"/?{query}").status_code == 200
    searches = [r for r in node.received[before:] if r.path.endswith("/_search")]
    assert len(searches) >= 2 * len(PORTAL_SEARCHES)
    # Each selected filter reached OpenSearch as a post_filter.
    assert any("post_filter" in (r.body or {}) for r in searches)
    article_id = next(iter(node.indices["parallax-articles-v1"].docs))
    article = client.get(f"/api/articles/{article_id}")
    assert article.status_code == 200 and article.get_json()["id"] == article_id
    assert client.get("/api/stats").get_json()["articles"] == 3
    rules = {rule.rule for rule in app.url_map.iter_rules()}
    if "/api/compare" in rules:
        ids = "&".join(f"id={i}" for i in node.indices["parallax-articles-v1"].docs)
        assert client.get(f"/api/compare?{ids}").status_code == 200
        # One article is not a comparison: a clear 400, not a 500.
        assert client.get(f"/api/compare?id={article_id}").status_code == 400
    assert_clean(node)
