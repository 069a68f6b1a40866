"""Bad input gets a clear error and loses nothing else; a broken query is
answered with a message, never a 500."""

from __future__ import annotations

import json

import pytest
from support import LiveServer, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mixed_inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inputs")
    (folder / "good.txt").write_text(
        "Harbour workers in Lisbon voted to strike on Friday.\n\n"
        '"We have waited long enough," said union leader Marta Sousa.',
        encoding="utf-8",
    )
    (folder / "broken.jsonl").write_text(
        json.dumps(
            {
                "id": "j1",
                "outlet": "Example Wire",
                "title": "Port talks fail",
                "published": "2024-05-02",
                "text": "Talks at the port of Lisbon failed on Thursday, Example Wire reported.",
            }
        )
        + "\n{oops\n",
        encoding="utf-8",
    )
    (folder / "empty.txt").write_text("   ", encoding="utf-8")
    (folder / "slides.pdf").write_bytes(b"%PDF-1.4")
    return folder


def test_index_names_failures_indexes_the_rest_and_exits_non_zero(tmp_path, mixed_inputs):
    result = run_cli("index", str(mixed_inputs), data_dir=tmp_path)
    assert result.returncode != 0
    out = result.stdout
    assert "indexed 2" in out and "failed 3" in out
    shown = result.stdout + result.stderr
    for failure in ("broken.jsonl:2", "empty.txt", "slides.pdf"):
        assert shown.count(failure) == 1, shown  # named once, not twice
    status = run_cli("status", data_dir=tmp_path)
    assert '"articles": 2' in status.stdout and "broken.jsonl:2" in status.stdout


def test_clean_input_exits_zero(tmp_path, mixed_inputs):
    result = run_cli("index", str(mixed_inputs / "good.txt"), data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture(scope="module")
def portal(tmp_path_factory, mixed_inputs):
    from portal import create_app

    data = tmp_path_factory.mktemp("portal-data")
    run_cli("index", str(mixed_inputs), data_dir=data)
    with LiveServer(create_app({"PARALLAX_DATA": str(data)})) as server:
        yield server


@pytest.mark.parametrize(
    "query",
    [
        "q=%22unclosed",
        "q=OR",
        "page=0",
        "page=abc",
        "size=100000",
        "from=yesterday",
        "sort=oldest",
        # Other engines' syntax is named, not silently read as "everything" (issue 14).
        "q=%2A%3A%28%5B",
        "q=%28",
        "q=%2A",
        "q=%7E",
    ],
)
def test_bad_queries_get_a_400_with_a_message(portal, query):
    status, body = portal.get(f"/api/search?{query}")
    assert status == 400 and body["error"]
    status, html = portal.get(f"/?{query}")
    assert status == 400 and "error-message" in html


def test_odd_but_valid_queries_work(portal):
    for query in [
        "q=-lisbon",
        "q=port+AND+NOT+harbour",
        "q=%28port+OR+harbour%29+-lisbon",
        "q=harb%2A",
        "q=port+OR+harbour",
        "q=%E2%80%9Cport+talks%E2%80%9D",
        "outlet=Nobody",
    ]:
        status, body = portal.get(f"/api/search?{query}")
        assert status == 200, (query, body)
    _, body = portal.get("/api/search?q=-lisbon")
    assert body["total"] == 0


def test_unknown_article_is_a_404_with_a_message(portal):
    status, body = portal.get("/api/articles/nope")
    assert status == 404 and "nope" in body["error"]
    status, html = portal.get("/articles/nope")
    assert status == 404


def test_search_page_timeline_links_to_a_date_filter(portal):
    status, html = portal.get("/")
    assert status == 200
    assert 'class="timeline"' in html and "from=2024-05-01&amp;to=2024-05-31" in html
