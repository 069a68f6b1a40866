"""A search as a file: CSV, JSON Lines and an Atom feed, with every filter
of the search page.

CSV and JSON Lines give the current page by default, or with `all=1` every
match (up to `MAX_EXPORT`), streamed as it is read so a large export never
sits in memory. Columns are stable (`EXPORT_COLUMNS`); list values (authors,
people, places) are joined with "; " in CSV and stay lists in JSON Lines.
A CSV cell that a spreadsheet would run as a formula starts with "'".
Snippets are plain text, with `highlights` as [start, end) offsets.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from flask import Response, render_template, request, stream_with_context, url_for

from store import Store
from store.records import Hit, SearchRequest

from .errors import UserError
from .params import search_request_from_args
from .store_access import get_store

MAX_EXPORT = 100_000
# Articles read per round to add the entity columns to streamed rows.
ENRICH_BATCH = 200
EXPORT_COLUMNS = (
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
)
FEED_SIZE = 50


def export_hits(args) -> tuple[SearchRequest, Iterator[dict[str, Any]]]:
    """The rows of an export (page, or every match with all=1)."""
    everything = (args.get("all") or "") in ("1", "true", "yes")
    search = search_request_from_args(args, default_size=100)
    store = get_store()
    if not everything:
        page = store.search(_no_facets(search))
        return search, _rows(store, page.hits)
    probe = store.search(_no_facets(search, size=1))
    if probe.total > MAX_EXPORT:
        raise UserError(
            f"This search matches {probe.total:,} articles; an export stops at {MAX_EXPORT:,}. "
            "Narrow it with a filter or dates, or export it in parts (from/to)."
        )
    return search, _rows(store, store.iter_hits(_no_facets(search), limit=MAX_EXPORT))


def _no_facets(search: SearchRequest, size: int | None = None) -> SearchRequest:
    from dataclasses import replace

    return replace(search, facet_size=0, size=size or search.size)


def _rows(store: Store, hits: Iterable[Hit]) -> Iterator[dict[str, Any]]:
    """Hits with the entity columns, read from the articles in batches."""
    batch: list[Hit] = []
    for hit in hits:
        batch.append(hit)
        if len(batch) >= ENRICH_BATCH:
            yield from _with_entities(store, batch)
            batch = []
    yield from _with_entities(store, batch)


def _with_entities(store: Store, hits: list[Hit]) -> Iterator[dict[str, Any]]:
    if not hits:
        return
    articles = {a.id: a for a in store.get_many([h.id for h in hits])}
    for hit in hits:
        article = articles.get(hit.id)
        yield {
            "id": hit.id,
            "title": hit.title,
            "outlet": hit.outlet,
            "published": hit.published,
            "url": hit.url,
            "authors": hit.authors,
            "story": hit.story,
            "people": article.people() if article else [],
            "places": article.places() if article else [],
            "organisations": article.organisations() if article else [],
            "snippet": hit.snippet,
            "highlights": hit.highlights,
        }


def csv_response() -> Response:
    _, rows = export_hits(request.args)

    def lines() -> Iterator[str]:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({k: _csv_cell(v) for k, v in row.items()})
            if buffer.tell() > 64_000:
                yield _drain(buffer)
        yield _drain(buffer)

    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": "attachment; filename=search.csv"},
    )


def jsonl_response() -> Response:
    _, rows = export_hits(request.args)

    def lines() -> Iterator[str]:
        for row in rows:
            yield json.dumps(row, ensure_ascii=False) + "\n"

    return Response(
        stream_with_context(lines()),
        mimetype="application/x-ndjson",
        headers={"Content-Disposition": "attachment; filename=search.jsonl"},
    )


# A spreadsheet reads a cell that starts with one of these as a formula
# ("=HYPERLINK(...)" in a headline would run when a reader opens the file).
# OWASP's advice: start such a cell with an apostrophe, which spreadsheets
# hide and which keeps the text as text. JSON Lines keeps the raw value.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value: Any) -> Any:
    if isinstance(value, list):
        if value and isinstance(value[0], list):
            return " ".join(f"{a}-{b}" for a, b in value)
        value = "; ".join(str(v) for v in value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def atom_response() -> Response:
    """The search as an Atom feed, newest first; an undated article's
    entry is dated the day it was indexed (or, for an article indexed
    before that was recorded, when the feed is made)."""
    from dataclasses import replace

    search = replace(search_request_from_args(request.args), sort="date", size=FEED_SIZE, page=1, facet_size=0)
    result = get_store().search(search)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    entries = [
        {
            "hit": hit,
            "updated": f"{hit.published or hit.indexed}T00:00:00Z" if hit.published or hit.indexed else now,
            "link": url_for("articles.article_page", article_id=hit.id, _external=True),
        }
        for hit in result.hits
    ]
    # Newest first by the entry's own date (an undated article counts as of its indexing).
    entries.sort(key=lambda e: str(e["updated"]), reverse=True)
    body = render_template(
        "feed.xml",
        search=search,
        entries=entries,
        updated=max((str(e["updated"]) for e in entries), default=now),
        self_url=request.url,
        alternate_url=url_for("search.search_page", _external=True) + _query_string(),
    )
    return Response(body, mimetype="application/atom+xml")


def _query_string() -> str:
    query = request.query_string.decode("utf-8")
    return "?" + query if query else ""
