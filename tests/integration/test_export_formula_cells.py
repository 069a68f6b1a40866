"""A CSV export opened in a spreadsheet must not run a headline as a
formula: cells starting with =, +, -, @ get a leading apostrophe; the JSON
Lines export keeps the text as written. Invented articles, a real tantivy
index, the real portal over HTTP."""

from __future__ import annotations

import csv
import io
import json

import pytest
from support import LiveServer

from store.embedded import EmbeddedStore
from store.records import EnrichedArticle

HOSTILE_TITLES = {
    "f1": '=HYPERLINK("http://example.invalid/x","click")',
    "f2": "+1 555 0100 is the number to call",
    "f3": "@SUM(A1:A9) and other tricks",
    "f4": "-2 degrees in the fictional town of Vellmar",
}
PLAIN_TITLE = "A quiet day in the fictional town of Vellmar"


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    from portal import create_app

    data = tmp_path_factory.mktemp("formula-export")
    store = EmbeddedStore(data)
    articles = [
        EnrichedArticle(id=key, text=f"Fictional article {key} about Vellmar.", title=title, outlet="Test Gazette")
        for key, title in [*HOSTILE_TITLES.items(), ("p1", PLAIN_TITLE)]
    ]
    assert len(store.index(articles).indexed) == len(articles)
    store.close()
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def test_csv_cells_that_a_spreadsheet_would_run_start_with_an_apostrophe(portal):
    status, text = portal.get("/search.csv?q=Vellmar&all=1")
    assert status == 200
    titles = {row["id"]: row["title"] for row in csv.DictReader(io.StringIO(text))}
    assert titles == {**{k: "'" + v for k, v in HOSTILE_TITLES.items()}, "p1": PLAIN_TITLE}


def test_jsonl_keeps_the_titles_as_written(portal):
    status, text = portal.get("/search.jsonl?q=Vellmar&all=1")
    assert status == 200
    titles = {row["id"]: row["title"] for row in map(json.loads, text.splitlines())}
    assert titles == {**HOSTILE_TITLES, "p1": PLAIN_TITLE}
