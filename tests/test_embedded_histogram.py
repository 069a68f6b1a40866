"""The search histogram counts articles by month: from the month field, or,
for an index written before that field, from days summed into months; that
older index is searched and written as it is, and `reindex` adds the field."""

from __future__ import annotations

import json

import tantivy

from store.embedded import EmbeddedStore
from store.embedded_schema import build_schema, document_fields, register_tokenizers
from store.records import EnrichedArticle, SearchRequest

DATES = ["1969-12-31", "2019-01-01", "2019-01-31", "2019-02-01", "2019-12-31", "2020-01-15", "2020-01-15", None]


def articles(prefix: str) -> list[EnrichedArticle]:
    return [EnrichedArticle(id=f"{prefix}{n}", text="harbour news", published=date) for n, date in enumerate(DATES)]


EXPECTED = [
    {"date": "1969-12", "count": 1},
    {"date": "2019-01", "count": 2},
    {"date": "2019-02", "count": 1},
    {"date": "2019-12", "count": 1},
    {"date": "2020-01", "count": 2},
]


def write_index_without_month(data_dir, batch: list[EnrichedArticle]) -> None:
    """An index of the schema before the month field, as an older Parallax wrote it."""
    path = data_dir / "index-1"
    path.mkdir(parents=True)
    (data_dir / "CURRENT").write_text("index-1", encoding="utf-8")
    index = tantivy.Index(build_schema(with_month=False), path=str(path))
    register_tokenizers(index)
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    for article in batch:
        fields = document_fields(article)
        fields.pop("month", None)
        writer.add_json(json.dumps(fields))
    writer.commit()
    writer.wait_merging_threads()


def histogram(store: EmbeddedStore, q: str = "harbour") -> list[dict]:
    return store.search(SearchRequest(q=q)).histogram


def test_histogram_counts_months(tmp_path):
    store = EmbeddedStore(tmp_path)
    store.index(articles("a"))
    assert histogram(store) == EXPECTED


def test_an_index_without_the_month_field_is_searched_written_and_reindexed(tmp_path):
    write_index_without_month(tmp_path, articles("old"))
    store = EmbeddedStore(tmp_path)
    assert histogram(store) == EXPECTED
    store.index(articles("new"))  # written as it is
    doubled = [{"date": b["date"], "count": 2 * b["count"]} for b in EXPECTED]
    assert histogram(EmbeddedStore(tmp_path)) == doubled
    assert store.reindex()["articles"] == 2 * len(DATES)
    reopened = EmbeddedStore(tmp_path)
    assert reopened._has_month
    assert histogram(reopened) == doubled
