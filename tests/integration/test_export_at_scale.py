"""Exports stream every match: 3,000 AllSides articles through the real
portal over HTTP give a header and 3,000 CSV rows, and as many JSON lines.

The articles are read by the indexer's own record reader and written
straight into a real tantivy index, without entity enrichment (which the
export does not need and which would cost minutes here); the full
`parallax index` path at this size was measured by hand (portal report).
"""

from __future__ import annotations

import csv
import gzip
import io
import itertools
import json

import pytest
from support import LiveServer, require_shared

from indexer.sources.reader import record_to_article
from store.embedded import EmbeddedStore
from store.records import EnrichedArticle

pytestmark = [pytest.mark.shared_corpus, pytest.mark.slow]
ARTICLES = 3_000


@pytest.fixture(scope="module")
def allsides_portal(tmp_path_factory):
    from portal import create_app

    source = require_shared("corpus", "allsides", "articles.jsonl.gz")
    data = tmp_path_factory.mktemp("allsides-export")
    store = EmbeddedStore(data)
    with gzip.open(source, "rt", encoding="utf-8") as lines:
        articles = [record_to_article(json.loads(line), "allsides") for line in itertools.islice(lines, ARTICLES)]
    report = store.index(EnrichedArticle.from_dict(a.to_dict()) for a in articles)
    assert len(report.indexed) == ARTICLES
    store.close()
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def test_csv_all_has_a_header_and_every_article(allsides_portal):
    status, text = allsides_portal.get("/search.csv?q=&all=1")
    assert status == 200
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == ARTICLES + 1
    assert len({row[0] for row in rows[1:]}) == ARTICLES  # no article twice across pages
    assert rows[0][:6] == ["id", "title", "outlet", "published", "url", "authors"]


def test_jsonl_all_honours_a_filter(allsides_portal):
    _, facets = allsides_portal.get("/api/facets/outlet?size=1")
    outlet, count = facets["values"][0]["value"], facets["values"][0]["count"]
    status, text = allsides_portal.get(f"/search.jsonl?all=1&outlet={outlet.lower().replace(' ', '+')}")
    assert status == 200
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == count and {r["outlet"] for r in rows} == {outlet}


def test_without_all_only_the_page_is_exported(allsides_portal):
    _, text = allsides_portal.get("/search.csv?q=&size=25")
    assert len(list(csv.reader(io.StringIO(text)))) == 26
