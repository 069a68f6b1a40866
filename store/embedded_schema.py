"""The embedded index's schema: tantivy fields derived from
`mappings/articles.json`, field for field, and the conversion of records to
tantivy documents and back. The OpenSearch counterpart is the mapping itself
plus `opensearch_query.article_to_source` / `source_to_article`.

    keyword            -> raw-tokenised text, fast (facets, filters, sort)
    text               -> the `news_english` analyser (lowercase, accent
                          folding, English stemming), positions for phrases
    date / boolean     -> tantivy date / boolean
    nested / object    -> stored JSON (entities, quotes, extra)
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

import mappings

from .interface import QuerySyntaxError, StoreError
from .records import DERIVED_FIELDS, EnrichedArticle

ANALYZER = "news_english"
# Stored list fields that are not nested objects: read back as lists.
_LIST_FIELDS = ("authors", "boilerplate")


def news_analyzer() -> tantivy.TextAnalyzer:
    """Mirror of the OpenSearch `news_english` analyser: split on non-letters,
    lowercase, fold accents (café = cafe), English stemming."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(64))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("english"))
        .build()
    )


def build_schema() -> tantivy.Schema:
    """The tantivy schema, one field per top-level property of the mapping."""
    builder = tantivy.SchemaBuilder()
    for name, spec in mappings.article_fields().items():
        kind = spec.get("type", "object")
        indexed = spec.get("index", True) is not False
        if kind == "keyword":
            if indexed:
                builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
            else:
                builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
        elif kind == "text":
            builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER, index_option="position")
        elif kind == "date":
            builder.add_date_field(name, stored=True, indexed=True, fast=True)
        elif kind == "boolean":
            builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
        elif kind in ("integer", "long"):
            builder.add_integer_field(name, stored=True, indexed=True, fast=True)
        elif kind in ("nested", "object"):
            builder.add_json_field(name, stored=True, tokenizer_name=ANALYZER)
        else:  # a new mapping type must be mirrored here on purpose
            raise StoreError(f"mappings field {name!r} has type {kind!r}, which the embedded store does not mirror")
    return builder.build()


def to_document(article: EnrichedArticle) -> tantivy.Document:
    """The tantivy document of one article: its fields plus the derived
    facet fields (records.DERIVED_FIELDS)."""
    record = article.to_dict()
    doc = tantivy.Document()
    for name, spec in mappings.article_fields().items():
        value: Any = DERIVED_FIELDS[name](article) if name in DERIVED_FIELDS else record.get(name)
        if value is None or value == [] or value == "":
            continue
        kind = spec.get("type", "object")
        if kind == "date":
            doc.add_date(name, parse_date(value))
        elif kind == "boolean":
            doc.add_boolean(name, bool(value))
        elif kind in ("nested", "object"):
            doc.add_json(name, json.dumps({"items": value} if isinstance(value, list) else value))
        elif isinstance(value, list):
            for item in value:
                doc.add_text(name, str(item))
        else:
            doc.add_text(name, str(value))
    return doc


def to_record(document: tantivy.Document) -> EnrichedArticle:
    """Back from a stored document; derived fields are left out because the
    record recomputes them from its entities."""
    raw = document.to_dict()
    data: dict[str, Any] = {}
    for name, spec in mappings.article_fields().items():
        if name in DERIVED_FIELDS or name not in raw:
            continue
        values = raw[name]
        kind = spec.get("type", "object")
        if kind == "date":
            data[name] = values[0].date().isoformat()
        elif kind in ("nested", "object"):
            value = values[0]
            data[name] = value.get("items", []) if kind == "nested" else value
        elif name in _LIST_FIELDS:
            data[name] = list(values)
        else:
            data[name] = values[0]
    return EnrichedArticle.from_dict(data)


def parse_date(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A date (or the day of a timestamp) as tantivy's UTC datetime; a
    QuerySyntaxError for anything that is not YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    try:
        return dt.datetime.fromisoformat(str(value)[:10]).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise QuerySyntaxError(f"{value!r} is not a date: use YYYY-MM-DD") from exc
