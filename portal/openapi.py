"""The OpenAPI 3.1 description of the JSON API, served at /api/openapi.json.

Written as data with a few helpers (shared parameters, the error shape) so
each operation reads in a few lines. tests/api/test_openapi.py runs
schemathesis against it: no 5xx, and every response matches its schema.
"""

from __future__ import annotations

from typing import Any

from store.records import FACETS

from .exports import EXPORT_COLUMNS

STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
INTEGER = {"type": "integer"}
STRINGS = {"type": "array", "items": STRING}


def _obj(required: dict[str, Any], optional: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"type": "object", "required": list(required), "properties": {**required, **(optional or {})}}


def _query(name: str, schema: dict[str, Any], description: str, required: bool = False) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": required, "schema": schema, "description": description}


def _path(name: str, description: str, schema: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": schema or STRING, "description": description}


def _json(schema_ref: str, description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


ERROR = _json("#/components/schemas/Error", "The request could not be served; `error` says why")
PAGE = _query("page", {"type": "integer", "minimum": 1, "maximum": 10000}, "1-based page number")

SEARCH_PARAMETERS = [
    _query("q", STRING, 'Query: words, "phrases", -excluded, NOT, AND, OR, (groups), prefix*; see /help'),
    *[
        {
            "name": facet,
            "in": "query",
            "schema": STRINGS,
            "style": "form",
            "explode": True,
            "description": f"Filter on {facet} (repeatable: OR within, AND across); any case, accents or a known alias",
        }
        for facet in FACETS
    ],
    _query("from", {"type": "string", "format": "date"}, "Published on or after (YYYY-MM-DD)"),
    _query("to", {"type": "string", "format": "date"}, "Published on or before (YYYY-MM-DD)"),
    _query("sort", {"type": "string", "enum": ["relevance", "date"]}, "Order of the hits"),
    _query("story", STRING, "Only the articles of one story"),
    _query(
        "facet_counts",
        {"type": "string", "enum": ["auto", "exact"]},
        "auto: a search with very many matches counts its facets over a uniform share of them (see"
        " `facets_sampled`); exact: over all of them, however many",
    ),
]

FACET_VALUE = _obj({"value": STRING, "count": INTEGER, "selected": {"type": "boolean"}})
HIT = _obj(
    {
        "id": STRING,
        "title": NULLABLE_STRING,
        "outlet": NULLABLE_STRING,
        "published": NULLABLE_STRING,
        "url": NULLABLE_STRING,
        "snippet": {"type": "string", "description": "Plain text (no markup, no HTML entities)"},
        "snippet_html": {"type": "string", "description": "The same text HTML-escaped, matches in <mark>"},
        "highlights": {
            "type": "array",
            "items": {"type": "array", "items": INTEGER, "minItems": 2, "maxItems": 2},
            "description": "[start, end) offsets of the matches in `snippet`",
        },
    },
    {
        "score": {"type": ["number", "null"]},
        "story": NULLABLE_STRING,
        "title_derived": {"type": "boolean"},
        "authors": STRINGS,
    },
)
MONTH_COUNT = _obj({"date": STRING, "count": INTEGER})
QUOTE_ROW = _obj(
    {"article": STRING, "text": STRING, "start": INTEGER, "end": INTEGER},
    {
        "title": NULLABLE_STRING,
        "outlet": NULLABLE_STRING,
        "published": NULLABLE_STRING,
        "speaker": NULLABLE_STRING,
        "speaker_canonical": NULLABLE_STRING,
        "speaker_id": NULLABLE_STRING,
    },
)
QUOTES = _obj(
    {
        "speaker": STRING,
        "q": STRING,
        "sort": {"type": "string", "enum": ["newest", "oldest"]},
        "total": INTEGER,
        "page": INTEGER,
        "size": INTEGER,
        "quotes": {"type": "array", "items": {"$ref": "#/components/schemas/QuoteRow"}},
    },
    {"truncated": {"type": "boolean"}},
)

SCHEMAS: dict[str, Any] = {
    "Error": _obj({"error": STRING}),
    "FacetValue": FACET_VALUE,
    "Hit": HIT,
    "MonthCount": MONTH_COUNT,
    "QuoteRow": QUOTE_ROW,
    "Quotes": QUOTES,
    "SearchResponse": _obj(
        {
            "total": INTEGER,
            "page": INTEGER,
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "facets": {
                "type": "object",
                "properties": {
                    f: {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}} for f in FACETS
                },
            },
            "histogram": {"type": "array", "items": {"$ref": "#/components/schemas/MonthCount"}},
        },
        {
            "alias_matches": {
                "type": "array",
                "items": _obj({"term": STRING, "names": STRINGS, "articles": INTEGER}),
                "description": "Query words that also matched other names of an entity",
            },
            "filters": {
                "type": "object",
                "additionalProperties": STRINGS,
                "description": "The filters as applied: stored values for what was typed",
            },
            "facets_sampled": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "additionalProperties": _obj(
                            {
                                "share": {"type": "number", "description": "Fraction of the facet's matches counted"},
                                "counted": INTEGER,
                            }
                        ),
                    },
                ],
                "description": "null: every facet counted over all its matches; otherwise, by facet, the"
                " uniform share of its matches it was counted over: its counts are estimates (the share's,"
                " scaled). The total, the histogram and the selected values' counts are always exact",
            },
        },
    ),
    "FacetPage": _obj(
        {
            "facet": {"type": "string", "enum": list(FACETS)},
            "values": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
            "total": {"type": "integer", "description": "Values matching `contains`, over all pages"},
        },
        {"page": INTEGER, "size": INTEGER, "contains": STRING},
    ),
    "Article": _obj(
        {
            "id": STRING,
            "text": STRING,
            "entities": {
                "type": "array",
                "items": _obj({"text": STRING, "label": STRING, "start": INTEGER, "end": INTEGER, "canonical": STRING}),
            },
            "quotes": {"type": "array", "items": _obj({"text": STRING, "start": INTEGER, "end": INTEGER})},
        },
        {
            "title": NULLABLE_STRING,
            "outlet": NULLABLE_STRING,
            "published": NULLABLE_STRING,
            "url": NULLABLE_STRING,
            "authors": STRINGS,
            "story": NULLABLE_STRING,
            "boilerplate": STRINGS,
        },
    ),
    "Stats": _obj({"articles": INTEGER, "outlets": INTEGER, "stories": INTEGER}),
    "EntityPage": _obj(
        {
            "kind": {"type": "string", "enum": ["people", "places", "organisations", "outlets"]},
            "facet": STRING,
            "name": {"type": "string", "description": "The stored name (the one asked may be spelled otherwise)"},
            "total": INTEGER,
            "articles": {
                "type": "array",
                "items": _obj({"id": STRING}, {"title": NULLABLE_STRING, "outlet": NULLABLE_STRING}),
            },
            "histogram": {"type": "array", "items": {"$ref": "#/components/schemas/MonthCount"}},
            "by_outlet": {
                "type": "array",
                "items": _obj(
                    {
                        "outlet": STRING,
                        "histogram": {"type": "array", "items": {"$ref": "#/components/schemas/MonthCount"}},
                    }
                ),
            },
            "related": {
                "type": "object",
                "additionalProperties": {"type": "array", "items": {"$ref": "#/components/schemas/FacetValue"}},
            },
        },
        {
            "quotes": {"$ref": "#/components/schemas/Quotes"},
            "coordinates": {"oneOf": [{"type": "null"}, _obj({"lat": {"type": "number"}, "lon": {"type": "number"}})]},
        },
    ),
    "StoryList": _obj(
        {
            "total": INTEGER,
            "page": INTEGER,
            "stories": {
                "type": "array",
                "items": _obj({"id": STRING, "articles": INTEGER, "outlets": STRINGS}, {"latest": NULLABLE_STRING}),
            },
        }
    ),
}


def _get(summary: str, parameters: list[dict[str, Any]], ok: dict[str, Any], *errors: int) -> dict[str, Any]:
    responses: dict[str, Any] = {"200": ok}
    for status in errors:
        responses[str(status)] = ERROR
    return {"get": {"summary": summary, "parameters": parameters, "responses": responses}}


def _entity_path(kind: str, what: str) -> dict[str, Any]:
    return _get(
        f"The page of one {what}: articles newest first, over time by outlet, mentioned with it",
        [_path("name", f"The {what}'s name (any case, accents or a known alias)"), PAGE],
        _json("#/components/schemas/EntityPage", f"The {what}"),
        400,
        404,
    )


def document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Parallax JSON API",
            "version": "1.1.0",
            "description": "Search news, list facet values, read articles, quotes, entities and stories. "
            "Exports (CSV, JSON Lines with columns " + ", ".join(EXPORT_COLUMNS) + ") and the Atom feed "
            "take the same arguments as /api/search at /search.csv, /search.jsonl and /search.atom.",
        },
        "paths": {
            "/api/search": _get(
                "Search articles: hits, facets, date histogram",
                [*SEARCH_PARAMETERS, PAGE, _query("size", {"type": "integer", "minimum": 1, "maximum": 100}, "")],
                _json("#/components/schemas/SearchResponse", "One page of hits"),
                400,
            ),
            "/api/facets/{facet}": _get(
                "One page of a facet's values under a search, searched within",
                [
                    _path("facet", "The facet", {"type": "string", "enum": list(FACETS)}),
                    *SEARCH_PARAMETERS,
                    _query("contains", STRING, "Only values containing this (case- and accent-insensitive)"),
                    PAGE,
                    _query("size", {"type": "integer", "minimum": 1, "maximum": 1000}, "Values per page"),
                ],
                _json("#/components/schemas/FacetPage", "The values"),
                400,
            ),
            "/api/articles/{article_id}": _get(
                "One article with its entities and quotes",
                [_path("article_id", "The article id")],
                _json("#/components/schemas/Article", "The article"),
                404,
            ),
            "/api/quotes": _get(
                "Quotes by one person, all of them paged, newest first by default",
                [
                    _query("speaker", {"type": "string", "minLength": 1}, "The person", required=True),
                    _query("q", STRING, "Only quotes whose own words mention all of these"),
                    _query("sort", {"type": "string", "enum": ["newest", "oldest"]}, ""),
                    PAGE,
                    _query("size", {"type": "integer", "minimum": 1, "maximum": 200}, ""),
                ],
                _json("#/components/schemas/Quotes", "The quotes"),
                400,
            ),
            "/api/stats": _get("Counts", [], _json("#/components/schemas/Stats", "Counts"), 503),
            "/api/people/{name}": _entity_path("people", "person"),
            "/api/places/{name}": _entity_path("places", "place"),
            "/api/organisations/{name}": _entity_path("organisations", "organisation"),
            "/api/outlets/{name}": _entity_path("outlets", "outlet"),
            "/api/stories": _get(
                "Stories (events) newest first, with their outlets",
                [PAGE],
                _json("#/components/schemas/StoryList", "The stories"),
                400,
            ),
        },
        "components": {"schemas": SCHEMAS},
    }
