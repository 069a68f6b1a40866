"""Issue 14's acceptance on the seed articles, through the real CLI and the
real portal over HTTP: facet listings, forgiving filters, entity pages,
exports, the Atom feed, alias-aware search, quotes paging, errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import urllib.parse
import xml.etree.ElementTree as ET

import pytest
from markupsafe import escape
from support import LiveServer, run_cli

pytestmark = [pytest.mark.shared_corpus, pytest.mark.slow]
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def portal(tmp_path_factory, seeds_dir):
    from portal import create_app

    data = tmp_path_factory.mktemp("seeds-portal")
    result = run_cli("index", str(seeds_dir), data_dir=data)
    assert result.returncode == 0, result.stdout + result.stderr
    assert run_cli("stories", data_dir=data).returncode == 0
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def q(text: str) -> str:
    return urllib.parse.quote(text)


def test_facet_listing_searches_within_values(portal):
    status, body = portal.get("/api/facets/person?q=Bucha&contains=zel")
    assert status == 200
    assert body["facet"] == "person" and body["total"] == 1
    assert [(v["value"], v["selected"]) for v in body["values"]] == [("Volodymyr Zelensky", False)]
    _, upper = portal.get("/api/facets/person?q=Bucha&contains=ZEL")
    assert upper["values"] == body["values"]
    _, paged = portal.get("/api/facets/place?q=Bucha&size=2&page=2")
    _, first = portal.get("/api/facets/place?q=Bucha&size=2")
    assert paged["total"] == first["total"] > 4 and len(paged["values"]) == 2
    assert not {v["value"] for v in paged["values"]} & {v["value"] for v in first["values"]}
    assert portal.get("/api/facets/colour")[0] == 400


def test_html_facet_more_page_filters_without_javascript(portal):
    status, html = portal.get("/facets/place?q=Bucha&contains=KYI")
    assert status == 200 and "Kyiv" in html and "Mariupol" not in html
    _, search_html = portal.get("/?q=Bucha")
    assert "/facets/person?q=Bucha" in search_html and 'name="contains"' in search_html


def test_forgiving_filter_selects_the_stored_value(portal):
    status, body = portal.get("/api/search?q=&outlet=metro")
    assert status == 200 and body["total"] == 1
    assert body["hits"][0]["outlet"] == "Metro" and body["filters"] == {"outlet": ["Metro"]}
    assert [v["value"] for v in body["facets"]["outlet"] if v["selected"]] == ["Metro"]
    _, html = portal.get("/?outlet=metro")
    assert "Outlet: Metro ✕" in html
    _, kiev = portal.get("/api/search?place=kiev")
    assert kiev["filters"] == {"place": ["Kyiv"]} and kiev["total"] == 3


def test_alias_finds_the_article_and_says_so(portal):
    status, body = portal.get("/api/search?q=Zelenskyy")
    assert status == 200 and body["total"] == 1
    assert body["hits"][0]["outlet"] == "The Independent"
    assert body["alias_matches"] == [{"term": "Zelenskyy", "names": ["Volodymyr Zelensky"], "articles": 1}]
    _, html = portal.get("/?q=Zelenskyy")
    assert 'class="alias-note"' in html and "Volodymyr Zelensky" in html
    _, plain = portal.get("/api/search?q=Zelensky")
    assert plain["alias_matches"] == []


def test_person_page_and_its_json_twin(portal):
    status, body = portal.get("/api/people/" + q("Volodymyr Zelensky"))
    assert status == 200 and body["name"] == "Volodymyr Zelensky" and body["total"] == 1
    assert [a["outlet"] for a in body["articles"]] == ["The Independent"]
    assert body["quotes"]["total"] == 4 and len(body["quotes"]["quotes"]) == 4
    assert "Volodymyr Zelensky" not in {v["value"] for v in body["related"]["person"]}
    assert "Bucha" in {v["value"] for v in body["related"]["place"]}
    status, html = portal.get("/people/" + q("volodymyr zelensky"))
    assert status == 200 and "<h1>Volodymyr Zelensky</h1>" in html and html.count("<blockquote>") == 4
    assert portal.get("/people/Nobody%20Atall")[0] == 404


def test_place_outlet_and_organisation_pages(portal):
    status, body = portal.get("/api/places/kiev")
    assert status == 200 and body["name"] == "Kyiv" and body["total"] == 3
    assert body["coordinates"]["lat"] == pytest.approx(50.45, abs=0.1)
    status, body = portal.get("/api/outlets/metro")
    assert status == 200 and body["name"] == "Metro" and body["total"] == 1
    assert body["by_outlet"][0]["outlet"] == "Metro"
    _, orgs = portal.get("/api/facets/org?size=1")
    name = orgs["values"][0]["value"]
    status, html = portal.get("/organisations/" + q(name))
    assert status == 200 and f"<h1>{escape(name)}</h1>" in html


def test_csv_and_jsonl_export_every_match_with_stable_columns(portal):
    status, text = portal.get("/search.csv?q=&all=1")
    assert status == 200
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 4  # a header and the three seeds
    assert rows[0] == [
        "id",
        "title",
        "outlet",
        "published",
        "url",
        "authors",
        "story",
        "people",
        "places",
        "organisations",
        "snippet",
        "highlights",
    ]
    assert all("&#39;" not in cell and "<mark>" not in cell for row in rows for cell in row)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    independent = next(r for r in records if r["outlet"] == "The Independent")
    assert "Volodymyr Zelensky" in independent["people"].split("; ") and independent["story"]
    status, lines = portal.get("/search.jsonl?q=Bucha&all=1&outlet=metro")
    parsed = [json.loads(line) for line in lines.splitlines()]
    assert [r["outlet"] for r in parsed] == ["Metro"]
    assert isinstance(parsed[0]["places"], list) and "Bucha" in parsed[0]["places"]
    highlighted = [parsed[0]["snippet"][a:b] for a, b in parsed[0]["highlights"]]
    assert highlighted and all(h.lower() == "bucha" for h in highlighted)


def test_atom_feed_of_a_search(portal):
    status, text = portal.get("/search.atom?q=Bucha")
    assert status == 200
    feed = ET.fromstring(text)
    assert feed.tag == ATOM + "feed"
    for required in ("id", "title", "updated"):
        assert feed.find(ATOM + required) is not None and feed.find(ATOM + required).text
    entries = feed.findall(ATOM + "entry")
    assert len(entries) == 3
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.find(ATOM + required).text
        assert entry.find(ATOM + "author/" + ATOM + "name").text
        assert entry.find(ATOM + "link").get("href").startswith(portal.url + "/articles/")
    dates = [e.find(ATOM + "updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)  # newest first
    dated = [d for d in dates if d.startswith("2022")]
    # Two seeds carry no date: their entries are dated the day they were indexed.
    today = dt.datetime.now(dt.UTC).date().isoformat()
    assert sorted(d[:10] for d in dates if d not in dated) == [today, today]


def test_quotes_page_pages_newest_first_with_total(portal):
    _, everything = portal.get("/api/quotes?speaker=" + q("Volodymyr Zelensky"))
    assert everything["total"] == 4 and len(everything["quotes"]) == 4
    starts = [row["start"] for row in everything["quotes"]]
    assert starts == sorted(starts)  # one article: text order
    _, second = portal.get("/api/quotes?size=3&page=2&speaker=" + q("volodymyr zelensky"))
    assert second["total"] == 4 and [r["start"] for r in second["quotes"]] == starts[3:]
    status, html = portal.get("/quotes?size=3&speaker=" + q("Volodymyr Zelensky"))
    assert status == 200 and "<strong>4</strong> quotes" in html and 'rel="next"' in html


def test_query_syntax_errors_are_plain_and_keep_the_query(portal):
    for broken in ("(", "*", "~", "kyiv~2", "title:bucha"):
        status, html = portal.get("/?q=" + q(broken))
        assert status == 400, broken
        assert "/help" in html and 'value="' + broken.replace('"', "&#34;") + '"' in html
        status, body = portal.get("/api/search?q=" + q(broken))
        assert status == 400 and len(body["error"]) > 20
    long_query = "bucha " * 900
    status, html = portal.get("/?q=" + q(long_query))
    shown = re.search(r'class="asked-query"[^>]*>([^<]*)</q>', html).group(1)
    assert status == 200 and shown.endswith("…") and len(shown) <= 121
    title = re.search(r"<title>([^<]*)</title>", html).group(1)
    assert len(title) < 100


def test_prefix_and_operators_over_http(portal):
    _, prefix = portal.get("/api/search?q=" + q("buch*"))
    assert prefix["total"] == 3
    _, both = portal.get("/api/search?q=" + q("Bucha AND NOT Zelensky"))
    assert both["total"] == 2
    _, grouped = portal.get("/api/search?q=" + q("(Zelensky OR Shishimarin) Bucha"))
    assert grouped["total"] == 2


def test_help_and_stories_pages(portal):
    status, html = portal.get("/help")
    assert status == 200 and "krak*" in html and "NOT" in html
    _, search_html = portal.get("/")
    assert 'href="/help"' in search_html
    status, body = portal.get("/api/stories")
    assert status == 200 and body["total"] >= 1
    story = body["stories"][0]
    assert story["articles"] >= 2 and len(story["outlets"]) >= 2
    status, html = portal.get("/stories")
    assert status == 200 and story["id"] in html


def test_an_export_beyond_the_limit_says_so(portal, monkeypatch):
    from portal import exports

    monkeypatch.setattr(exports, "MAX_EXPORT", 2)  # three seeds: over a limit of two
    status, body = portal.get("/search.csv?q=&all=1")
    assert status == 400 and "stops at 2" in body
