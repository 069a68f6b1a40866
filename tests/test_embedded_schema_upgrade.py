"""An embedded index written under an older schema (before a field was
added to mappings/articles.json) answers with "run parallax reindex", and
`reindex` can then read it and rebuild it under the current schema."""

from __future__ import annotations

import json

import pytest
import tantivy

import mappings
from store.embedded import EmbeddedStore
from store.embedded_schema import ANALYZER, news_analyzer
from store.interface import StoreError
from store.records import SearchRequest


def write_old_index(data_dir, dropped: tuple[str, ...]) -> None:
    """An index whose schema lacks `dropped`, holding one article."""
    builder = tantivy.SchemaBuilder()
    for name, spec in mappings.article_fields().items():
        if name in dropped:
            continue
        kind = spec.get("type", "object")
        if kind in ("keyword", "text"):
            builder.add_text_field(name, stored=True, tokenizer_name="raw" if kind == "keyword" else ANALYZER)
        elif kind == "date":
            builder.add_date_field(name, stored=True, indexed=True, fast=True)
        elif kind == "boolean":
            builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
        else:
            builder.add_json_field(name, stored=True)
    path = data_dir / "index-1"
    path.mkdir(parents=True)
    (data_dir / "CURRENT").write_text("index-1", encoding="utf-8")
    index = tantivy.Index(builder.build(), path=str(path))
    index.register_tokenizer(ANALYZER, news_analyzer())
    writer = index.writer(heap_size=50_000_000, num_threads=1)
    doc = tantivy.Document()
    doc.add_text("id", "old-1")
    doc.add_text("text", "Harbour works resumed after the storm.")
    doc.add_text("outlet", "Harbour Gazette")
    doc.add_json("entities", json.dumps({"items": []}))
    writer.add_document(doc)
    writer.commit()
    writer.wait_merging_threads()


def test_older_schema_asks_for_reindex_and_reindex_upgrades_it(tmp_path):
    write_old_index(tmp_path, dropped=("alias", "aliases"))
    store = EmbeddedStore(tmp_path)
    with pytest.raises(StoreError, match="parallax reindex"):
        store.search(SearchRequest(q="harbour"))
    result = store.reindex()
    assert result["articles"] == 1
    assert [h.id for h in store.search(SearchRequest(q="harbour")).hits] == ["old-1"]
    assert [h.id for h in EmbeddedStore(tmp_path).search(SearchRequest(q="storm")).hits] == ["old-1"]
