"""Reading inputs: formats, metadata lines, manifests, stable ids, and broken
inputs named and skipped without losing the rest."""

from __future__ import annotations

import gzip
import json

from indexer.sources import ReadFailure, read_inputs
from store.records import Article


def _articles(items):
    return [i for i in items if isinstance(i, Article)]


def _failures(items):
    return [i for i in items if isinstance(i, ReadFailure)]


def test_text_file_date_line_is_metadata_not_body(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2023-01-09 The council met on Monday.\n\nIt voted.", encoding="utf-8")
    (article,) = _articles(read_inputs([tmp_path]))
    assert article.published == "2023-01-09"
    assert article.text.startswith("The council met on Monday.")
    assert "date" not in article.text.split()[0]


def test_json_lines_with_research_corpus_fields(tmp_path):
    rows = [
        {
            "id": "abc",
            "outlet": "Daily Example",
            "outlet_domain": "www.example.com",
            "url": "http://example.com/a",
            "published": "2019-03-02T10:00:00Z",
            "authors": ["A. Writer"],
            "title": "Rates rise",
            "topic": "economy",
            "allsides_bias": "center",
            "text": "The bank raised rates.",
        },
    ]
    path = tmp_path / "x.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    (article,) = _articles(read_inputs([path]))
    assert (article.id, article.outlet, article.published, article.title, article.topic) == (
        "abc",
        "Daily Example",
        "2019-03-02",
        "Rates rise",
        "economy",
    )
    assert article.authors == ["A. Writer"]
    assert article.extra["allsides_bias"] == "center"


def test_broken_line_is_named_and_the_rest_are_read(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(
        json.dumps({"id": "1", "text": "First story."})
        + "\n{not json\n"
        + json.dumps({"id": "3", "title": "no text"})
        + "\n"
        + json.dumps({"id": "4", "text": "Fourth story."})
        + "\n",
        encoding="utf-8",
    )
    items = list(read_inputs([path]))
    assert [a.id for a in _articles(items)] == ["1", "4"]
    failures = {f.source: f.reason for f in _failures(items)}
    assert f"{path}:2" in failures and "invalid JSON" in failures[f"{path}:2"]
    assert "no article text" in failures[f"{path}:3"]


def test_unsupported_missing_and_undecodable_inputs_fail_by_name(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    (tmp_path / "latin1.txt").write_bytes("caf\xe9 owners said".encode("latin-1"))
    (tmp_path / "good.txt").write_text("A good article.", encoding="utf-8")
    items = list(read_inputs([tmp_path, tmp_path / "absent.txt"]))
    assert [a.text for a in _articles(items)] == ["A good article."]
    reasons = {f.source.rsplit("/", 1)[-1]: f.reason for f in _failures(items)}
    assert "unsupported file type" in reasons["notes.docx"]
    assert "not UTF-8" in reasons["latin1.txt"]
    assert reasons["absent.txt"] == "no such file or folder"


def test_manifest_supplies_metadata_for_text_files(tmp_path):
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "one.txt").write_text("The mayor resigned.", encoding="utf-8")
    (tmp_path / "manifest.csv").write_text(
        "path,outlet,url,published,title\n"
        "texts/one.txt,The Example Post,https://post.example/one,2024-02-03,Mayor quits\n",
        encoding="utf-8",
    )
    (article,) = _articles(read_inputs([tmp_path]))  # found beside the folder's files
    assert (article.outlet, article.url, article.published, article.title) == (
        "The Example Post",
        "https://post.example/one",
        "2024-02-03",
        "Mayor quits",
    )
    (again,) = _articles(read_inputs([tmp_path / "texts"], manifest=tmp_path / "manifest.csv"))
    assert again.id == article.id


def test_ids_are_stable_and_prefer_own_id_then_url_then_text(tmp_path):
    (tmp_path / "a.txt").write_text("Same words here.", encoding="utf-8")
    first = _articles(read_inputs([tmp_path]))[0].id
    second = _articles(read_inputs([tmp_path]))[0].id
    assert first == second and first.startswith("text-")
    path = tmp_path / "b.jsonl"
    path.write_text(
        json.dumps({"url": "https://www.news.example/story/?utm_source=x", "text": "t"})
        + "\n"
        + json.dumps({"url": "http://news.example/story", "text": "other text"})
        + "\n",
        encoding="utf-8",
    )
    ids = [a.id for a in _articles(read_inputs([path]))]
    assert ids[0] == ids[1] and ids[0].startswith("url-")


def test_outlet_option_fills_only_missing_outlets(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        json.dumps({"id": "1", "text": "x", "outlet": "Own"}) + "\n" + json.dumps({"id": "2", "text": "y"}) + "\n"
    )
    outlets = [a.outlet for a in _articles(read_inputs([path], outlet="Given"))]
    assert outlets == ["Own", "Given"]


def test_placeholder_dates_are_kept_aside_not_stored_as_dates(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(json.dumps({"id": "1", "text": "x", "published": "0001-11-30"}) + "\n", encoding="utf-8")
    (article,) = _articles(read_inputs([path]))
    assert article.published is None
    assert article.extra["published_unparsed"] == "0001-11-30"
