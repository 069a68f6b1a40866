"""Issue 15's acceptance: a folder of what an archive holds (a WARC of three
news pages, two saved HTML pages, a PDF, Latin-1, Windows-1252 and UTF-16
text, and a binary file named .txt) indexed by the real `parallax index`
with its default progress output, then searched through the real portal."""

from __future__ import annotations

import sqlite3
import urllib.parse

import pytest
from ingest_builders import (
    CP1252_TEXT,
    HTML_FILES,
    LATIN1_TEXT,
    PDF_REPORT,
    UTF16_TEXT,
    WARC_PAGES,
    build_archive_folder,
)
from support import LiveServer, run_cli

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    folder = build_archive_folder(tmp_path_factory.mktemp("archive") / "holdings")
    data = tmp_path_factory.mktemp("archive-data")
    result = run_cli("index", str(folder), data_dir=data)
    return folder, data, result


@pytest.fixture(scope="module")
def portal(indexed):
    from portal import create_app

    _, data, _ = indexed
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def _search(portal, query: str) -> list[dict]:
    status, body = portal.get("/api/search?" + urllib.parse.urlencode({"q": query}))
    assert status == 200, body
    return body["hits"]


def _article(portal, query: str) -> dict:
    (hit,) = _search(portal, query)
    status, body = portal.get(f"/api/articles/{urllib.parse.quote(hit['id'], safe='')}")
    assert status == 200
    return body


def test_the_binary_file_is_named_as_the_one_failure_and_the_run_exits_1(indexed):
    _, _, result = indexed
    assert result.returncode == 1, result.stdout + result.stderr
    output = result.stdout + result.stderr
    assert "indexed 9" in result.stdout and "failed 1" in result.stdout
    assert "scan.txt: binary content, not text" in output
    assert "crawl.warc.gz: skipped 7 records, not new articles" in output


def test_warc_pages_carry_the_title_date_and_outlet_of_their_metadata(portal):
    for uri, page in WARC_PAGES:
        article = _article(portal, f'"{page.paragraphs[-1].split(",")[0]}"')
        assert (article["title"], article["outlet"], article["url"]) == (page.title, page.site_name, uri)
        assert article["outlet_source"] == "metadata"
        # The opinion page has no date: its capture date (2024-03-15) stands in.
        assert article["published"] == (page.published or "2024-03-15")
    # One hit each (_article): the second capture and the revisit were not indexed again.


def test_the_capture_date_standing_in_is_flagged(indexed):
    """The flag lives in the stored record (the API does not show `extra`)."""
    from store import Settings, open_store
    from store.records import SearchRequest

    _, data, _ = indexed
    store = open_store(Settings(backend="embedded", data_dir=data))
    uri, _ = WARC_PAGES[2]
    (found,) = store.search(SearchRequest(q='"harbour wall"')).hits
    record = store.get(found.id)
    assert record.url == uri and record.extra["published_source"] == "capture"
    # (the embedded store gives RFC 3339 strings inside `extra` back as datetimes)
    assert str(record.extra["captured"]).startswith("2024-03-15") and "09:00:00" in str(record.extra["captured"])
    dated = store.get(store.search(SearchRequest(q="slipway")).hits[0].id)
    assert dated.extra["published_source"] == "metadata"


def test_html_files_and_the_pdf_carry_their_metadata(portal):
    for page in HTML_FILES.values():
        article = _article(portal, f'"{page.paragraphs[0].split(",")[0]}"')
        assert (article["title"], article["outlet"], article["published"], article["url"]) == (
            page.title,
            page.site_name,
            page.published,
            page.canonical,
        )
    pdf = _article(portal, "reservoir levels")
    assert (pdf["title"], pdf["outlet"], pdf["published"], pdf["authors"]) == (
        PDF_REPORT["title"],
        PDF_REPORT["publisher"],
        "2022-06-30",
        [PDF_REPORT["author"]],
    )


def test_text_files_are_searchable_with_accents_and_curly_quotes_intact(portal):
    latin1 = _article(portal, "propriétaires")
    assert latin1["text"] == LATIN1_TEXT.split("\n", 1)[1]
    assert _search(portal, "Größmann")[0]["id"] == latin1["id"]
    cp1252 = _article(portal, "allotment")
    assert cp1252["text"] == CP1252_TEXT.split("\n", 1)[1]
    assert "\u201cWe won\u2019t be moved,\u201d" in cp1252["text"]
    utf16 = _article(portal, "Łąkowa")
    assert utf16["text"] == UTF16_TEXT.split("\n", 1)[1] and "Zoë" in utf16["text"]
    assert latin1["published"] == "2021-05-04" and cp1252["published"] == "2021-06-08"


def test_the_ledger_records_each_text_files_encoding(indexed):
    folder, data, _ = indexed
    with sqlite3.connect(data / "ledger.sqlite") as db:
        rows = dict(db.execute("SELECT source, encoding FROM inputs WHERE status = 'indexed' AND encoding IS NOT NULL"))
    assert rows[str(folder / "latin1.txt")] == "iso-8859-1"
    assert rows[str(folder / "cp1252.txt")] == "windows-1252"
    assert rows[str(folder / "utf16.txt")] == "utf-16 (BOM)"
    assert rows[str(folder / "orchard-fair.htm")] == "windows-1252"
