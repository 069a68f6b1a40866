"""Quotes by one person, optionally only those whose own words mention
something: "what has X said about Y?" as a page and as JSON.

Every matching quote is read, then ordered (newest article first by
default, or oldest with sort=oldest; in text order within one article) and
paged, so the total is exact and no date is skipped.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from store import Store, lookups

from .errors import UserError
from .params import parse_int
from .store_access import get_store

bp = Blueprint("quotes", __name__)

MAX_QUOTES = 10_000  # quotes read for one speaker before ordering
QUOTE_SORTS = ("newest", "oldest")


@dataclass(frozen=True)
class QuotesQuery:
    speaker: str  # a person's name; any spelling of a known one
    words: str = ""  # all must occur in the quote itself; empty: every quote
    size: int = 50
    page: int = 1
    sort: str = "newest"  # newest | oldest


def quotes_query_from_args(args: MultiDict) -> QuotesQuery:
    """?speaker=NAME&q=WORDS&size=N&page=N&sort=newest|oldest; UserError without a speaker."""
    speaker = (args.get("speaker") or "").strip()
    if not speaker:
        raise UserError("give 'speaker': a person's name as the person facet shows it")
    words = (args.get("q") or "").strip()
    sort = args.get("sort") or "newest"
    if sort not in QUOTE_SORTS:
        raise UserError(f"'sort' must be one of {', '.join(QUOTE_SORTS)}")
    return QuotesQuery(
        speaker,
        words,
        parse_int(args.get("size"), 50, "size", 1, 200),
        parse_int(args.get("page"), 1, "page", 1, 10_000),
        sort,
    )


def find_quotes(store: Store, query: QuotesQuery) -> dict[str, Any]:
    """One page of the speaker's quotes, each with its article's metadata,
    and the total over all pages."""
    query = replace(query, speaker=lookups.resolve_value(store, "person", query.speaker))
    found = store.search_quotes(query.speaker, query.words, size=MAX_QUOTES)
    articles = {a.id: a for a in store.get_many(list(dict.fromkeys(article_id for article_id, _ in found)))}
    rows = []
    for article_id, quote in found:
        article = articles.get(article_id)
        rows.append(
            {
                "article": article_id,
                "title": article.title if article else None,
                "outlet": article.outlet if article else None,
                "published": article.published if article else None,
                **quote.to_dict(),
            }
        )
    rows.sort(key=lambda r: r["start"])  # text order within an article (the sorts below are stable)
    rows.sort(key=lambda r: (r["published"] or "", r["article"]), reverse=query.sort == "newest")
    if query.sort == "newest":  # undated articles last either way
        rows.sort(key=lambda r: r["published"] is None)
    start = (query.page - 1) * query.size
    return {
        "speaker": query.speaker,
        "q": query.words,
        "sort": query.sort,
        "total": len(rows),
        "truncated": len(found) >= MAX_QUOTES,
        "page": query.page,
        "size": query.size,
        "quotes": rows[start : start + query.size],
    }


@bp.get("/quotes")
def quotes_page() -> ResponseReturnValue:
    return render_template("quotes.html", **find_quotes(get_store(), quotes_query_from_args(request.args)))


@bp.get("/quotes.json")
def quotes_json() -> ResponseReturnValue:
    """Also registered as /api/quotes (portal/api.py)."""
    return jsonify(find_quotes(get_store(), quotes_query_from_args(request.args)))
