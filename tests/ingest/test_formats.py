"""Reading what archives hold: saved HTML pages, WARC captures, PDFs, text
in old encodings; and what is not an article (binary, scans, oversized
inputs) named as a failure instead of indexed as garbage."""

from __future__ import annotations

import gzip
import json
import tracemalloc
from pathlib import Path

import pytest
from ingest_builders import (
    AD_WORDS,
    COMMENT_WORDS,
    CP1252_TEXT,
    HTML_FILES,
    LATIN1_TEXT,
    NAV_WORDS,
    PDF_REPORT,
    UTF16_TEXT,
    WARC_PAGES,
    Page,
    write_pdf,
    write_scanned_pdf,
    write_text_files,
    write_warc,
)

from indexer.sources import ReadFailure, SkippedRecords, read_inputs
from indexer.sources.limits import MAX_ARTICLE_BYTES, MIB
from store.records import Article


def _read(*paths):
    items = list(read_inputs(paths))
    articles = [i for i in items if isinstance(i, Article)]
    failures = {Path(f.source.split("#")[0]).name: f.reason for f in items if isinstance(f, ReadFailure)}
    skipped = [i for i in items if isinstance(i, SkippedRecords)]
    return articles, failures, skipped


# -- HTML ---------------------------------------------------------------------


def test_html_page_gives_main_text_without_navigation_ads_or_comments(tmp_path):
    page = HTML_FILES["marsh-road.html"]
    (tmp_path / "page.html").write_bytes(page.html())
    ((article,), failures, _) = _read(tmp_path / "page.html")
    assert not failures
    assert "timber deck" in article.text and "shortest way to school" in article.text
    for junk in (NAV_WORDS, AD_WORDS, COMMENT_WORDS, "All rights reserved"):
        assert junk not in article.text
    assert (article.title, article.published, article.outlet, article.authors, article.url) == (
        "Marsh Road bridge reopens to cyclists",
        "2023-11-02",
        "Fenwick Evening Post",
        ["Dana Okafor"],
        "https://fenwick-post.example/2023/11/02/marsh-road-bridge",
    )
    assert not article.text.startswith(page.title)  # the headline is the title, not the first paragraph


def test_html_page_without_site_name_leaves_the_outlet_to_its_domain(tmp_path):
    page = Page(
        title="Tram depot plans approved",
        canonical="https://www.wexcombe-observer.example/2022/01/05/tram-depot",
        paragraphs=["Plans for a tram depot on the old gasworks site at Wexcombe were approved on Wednesday."],
    )
    (tmp_path / "tram.htm").write_bytes(page.html())
    ((article,), _, _) = _read(tmp_path / "tram.htm")
    assert article.outlet is None  # enrichment names it from the domain, and flags that
    assert article.url == "https://www.wexcombe-observer.example/2022/01/05/tram-depot"
    assert article.published == "2022-01-05"  # from the canonical URL


def test_html_page_in_its_declared_legacy_charset(tmp_path):
    (tmp_path / "fair.htm").write_bytes(HTML_FILES["orchard-fair.htm"].html())
    ((article,), _, _) = _read(tmp_path / "fair.htm")
    assert "café on the green" in article.text
    assert article.extra["encoding"] == "windows-1252"


def test_html_page_with_no_article_text_is_a_named_failure(tmp_path):
    (tmp_path / "empty.html").write_bytes(b"<html><head><title>Home</title></head><body><nav>Home</nav></body></html>")
    articles, failures, _ = _read(tmp_path / "empty.html")
    assert not articles and "no article text" in failures["empty.html"]


# -- WARC ---------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_warc_response_records_are_articles_once_each(tmp_path, name):
    write_warc(tmp_path / name)
    articles, failures, (skipped,) = _read(tmp_path / name)
    assert not failures
    assert [a.url for a in articles] == [uri for uri, _ in WARC_PAGES]
    assert [a.title for a in articles] == [page.title for _, page in WARC_PAGES]
    assert [a.outlet for a in articles] == [page.site_name for _, page in WARC_PAGES]
    assert skipped.counts == {
        "request": 3,
        "warcinfo": 1,
        "not HTML": 1,
        "duplicate (same URL)": 1,
        "duplicate (revisit)": 1,
    }
    assert skipped.reason.startswith("skipped 7 records, not new articles: ")


def test_warc_date_comes_from_the_page_and_the_capture_date_only_stands_in_flagged(tmp_path):
    write_warc(tmp_path / "crawl.warc.gz")
    dated, _, undated = _read(tmp_path / "crawl.warc.gz")[0]
    assert dated.published == "2024-03-11" and dated.extra["published_source"] == "metadata"
    assert dated.extra["captured"] == "2024-03-15T09:00:00Z"
    assert undated.published == "2024-03-15" and undated.extra["published_source"] == "capture"


def test_truncated_warc_keeps_what_was_read_and_names_the_break(tmp_path):
    write_warc(tmp_path / "full.warc")
    data = (tmp_path / "full.warc").read_bytes()
    (tmp_path / "cut.warc").write_bytes(data[: len(data) // 2])
    (tmp_path / "junk.warc").write_bytes(data + b"this is not a WARC record\r\n\r\n")
    (tmp_path / "text.warc").write_bytes(b"plain words, not an archive")
    (tmp_path / "full.warc").unlink()
    write_warc(tmp_path / "full.warc.gz")
    packed = (tmp_path / "full.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(packed[: len(packed) - 40])  # a download that stopped early
    (tmp_path / "full.warc.gz").unlink()
    articles, failures, _ = _read(tmp_path)
    found = sorted(Path(a.source.split("#")[0]).name for a in articles)
    assert found == ["cut.warc"] * 2 + ["cut.warc.gz"] * 3 + ["junk.warc"] * 3
    reasons = {source.split("@")[0]: reason for source, reason in failures.items()}
    assert sorted(reasons) == ["cut.warc", "cut.warc.gz", "junk.warc", "text.warc"]
    assert "cut short" in reasons.pop("cut.warc.gz")
    assert all("not a readable WARC record" in reason for reason in reasons.values())


# -- PDF ----------------------------------------------------------------------


def test_born_digital_pdf_is_one_article_with_its_metadata(tmp_path):
    write_pdf(tmp_path / "report.pdf")
    ((article,), failures, _) = _read(tmp_path / "report.pdf")
    assert not failures
    assert (article.title, article.outlet, article.published, article.authors) == (
        PDF_REPORT["title"],
        PDF_REPORT["publisher"],
        "2022-06-30",
        [PDF_REPORT["author"]],
    )
    first, second = article.text.split("\n\n")
    assert first == PDF_REPORT["pages"][0] and second == PDF_REPORT["pages"][1]  # page by page, lines unwrapped


def test_scanned_and_broken_pdfs_are_named_failures(tmp_path):
    write_scanned_pdf(tmp_path / "scan.pdf")
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\n")
    articles, failures, _ = _read(tmp_path)
    assert not articles
    assert "no text layer" in failures["scan.pdf"] and "OCR" in failures["scan.pdf"]
    assert "not a readable PDF" in failures["broken.pdf"]


# -- encodings ------------------------------------------------------------------


def test_text_in_old_encodings_keeps_accents_and_curly_quotes(tmp_path):
    written = write_text_files(tmp_path)
    articles, failures, _ = _read(tmp_path)
    by_name = {a.source.rsplit("/", 1)[-1]: a for a in articles}
    for name, text in written.items():
        assert by_name[name].text == text.split("\n", 1)[1]  # the date line is metadata
    assert {name: a.extra["encoding"] for name, a in by_name.items()} == {
        "latin1.txt": "iso-8859-1",
        "cp1252.txt": "windows-1252",
        "utf16.txt": "utf-16 (BOM)",
    }
    assert by_name["cp1252.txt"].published == "2021-06-08"
    assert "binary content" in failures["scan.txt"]
    assert LATIN1_TEXT and CP1252_TEXT and UTF16_TEXT


def test_utf8_with_and_without_bom(tmp_path):
    (tmp_path / "bom.txt").write_bytes("\ufeffŁódź council met on Monday.".encode())
    (tmp_path / "plain.txt").write_text("Kraków council met on Tuesday.", encoding="utf-8")
    articles, _, _ = _read(tmp_path)
    assert {a.text: a.extra["encoding"] for a in articles} == {
        "Łódź council met on Monday.": "utf-8 (BOM)",
        "Kraków council met on Tuesday.": "utf-8",
    }


def test_binary_and_undecodable_files_are_never_decoded_as_latin1(tmp_path):
    (tmp_path / "controls.txt").write_bytes(bytes(range(1, 9)) * 100 + b"some words")
    (tmp_path / "garbled.txt").write_bytes(bytes(range(0x80, 0x100)) * 4)
    (tmp_path / "nul.txt").write_bytes(b"looks like text\x00but is not")
    articles, failures, _ = _read(tmp_path)
    assert not articles
    assert "control characters" in failures["controls.txt"]
    assert "not text in any common encoding" in failures["garbled.txt"]
    assert "NUL byte at offset 15" in failures["nul.txt"]


# -- huge inputs ------------------------------------------------------------------


def _peak_memory_of(function):
    tracemalloc.start()
    try:
        result = function()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_50_mb_line_is_refused_by_name_with_bounded_memory(tmp_path):
    path = tmp_path / "big.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write(json.dumps({"id": "before", "text": "First."}).encode() + b"\n")
        handle.write(b'{"id": "huge", "text": "' + b"word " * (10 * MIB) + b'"}\n')  # 50 MB
        handle.write(json.dumps({"id": "after", "text": "Last."}).encode() + b"\n")
    (articles, failures, _), peak = _peak_memory_of(lambda: _read(path))
    assert [a.id for a in articles] == ["before", "after"]
    assert "the line is 50.0 MB, over the 8 MB limit" in failures["big.jsonl.gz:2"]
    assert peak < 4 * MAX_ARTICLE_BYTES, f"peak {peak / MIB:.0f} MB while reading a 50 MB line"


def test_oversized_whole_file_inputs_are_refused_before_reading(tmp_path):
    for name in ("dump.txt", "dump.html", "dump.json"):
        with open(tmp_path / name, "wb") as handle:
            handle.truncate(100 * MIB)  # sparse: nothing written
    _, failures, _ = _read(tmp_path)
    assert "over the 8 MB limit" in failures["dump.txt"] and "over the 8 MB limit" in failures["dump.html"]
    assert "over the 64 MB limit: write it as JSON Lines" in failures["dump.json"]


@pytest.mark.slow
def test_a_2_gb_json_lines_file_is_streamed_with_bounded_memory(tmp_path):
    """2 GB in forty 50 MB lines between two good ones; written sparse, so
    the test costs no disk, but every byte is read."""
    path = tmp_path / "archive.jsonl"
    huge_lines, line_bytes = 40, 50 * MIB
    with open(path, "wb") as handle:
        handle.write(json.dumps({"id": "first", "text": "First."}).encode() + b"\n")
        for number in range(1, huge_lines + 1):
            handle.seek(number * line_bytes)
            handle.write(b"\n")
        handle.write(json.dumps({"id": "last", "text": "Last."}).encode() + b"\n")
    assert path.stat().st_size > 2 * 1000**3
    (articles, failures, _), peak = _peak_memory_of(lambda: _read(path))
    assert [a.id for a in articles] == ["first", "last"]
    assert len(failures) == huge_lines and all("over the 8 MB limit" in r for r in failures.values())
    assert peak < 4 * MAX_ARTICLE_BYTES, f"peak {peak / MIB:.0f} MB while streaming 2 GB"


@pytest.mark.parametrize(
    ("label", "encoding", "expected"),
    [
        ("iso-8859-1", "cp1252", "iso-8859-1 (as windows-1252)"),  # as browsers read Latin-1 labels
        ("utf-8", "latin-1", "iso-8859-1"),  # a label the bytes contradict: detected instead
        ("utf-16", "utf-8", "utf-8"),  # a UTF-16 label without a byte-order mark is ignored
        ("no-such-charset", "utf-8", "utf-8"),
    ],
)
def test_a_pages_declared_charset_is_used_only_when_it_fits(tmp_path, label, encoding, expected):
    page = Page(
        title="Caf\u00e9 closes",
        paragraphs=["The \u201ccaf\u00e9\u201d on the quay closed on Monday after forty years."],
    )
    data = page.html().replace(b'charset="utf-8"', f'charset="{label}"'.encode())
    text = (
        data.decode("utf-8").replace("\u201c", '"').replace("\u201d", '"') if encoding == "latin-1" else data.decode()
    )
    (tmp_path / "page.html").write_bytes(text.encode(encoding))
    ((article,), _, _) = _read(tmp_path / "page.html")
    assert "caf\u00e9" in article.text and article.extra["encoding"] == expected
