"""Quotes by one person, optionally only those whose own words mention
something: "what has X said about Y?" as a page and as JSON.

Every matching quote is read, then ordered (newest article first by
default, or oldest with sort=oldest; in text order within one article) and
paged, so the total is exact and no date is skipped.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from store import lookups

from .params import BadParameter, parse_int
from .store_access import get_store

bp = Blueprint("quotes", __name__)

MAX_QUOTES = 10_000  # quotes read for one speaker before ordering
QUOTE_SORTS = ("newest", "oldest")


def quotes_by(speaker: str, words: str, page: int, size: int, sort: str = "newest") -> dict[str, Any]:
    store = get_store()
    found = store.search_quotes(speaker, words, size=MAX_QUOTES)
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
    rows.sort(key=lambda r: r["start"])  # text order within an article (stable below)
    rows.sort(key=lambda r: (r["published"] or "", r["article"]), reverse=sort == "newest")
    if sort == "newest":  # undated articles last either way
        rows.sort(key=lambda r: r["published"] is None)
    start = (page - 1) * size
    return {
        "speaker": speaker,
        "q": words,
        "sort": sort,
        "total": len(rows),
        "truncated": len(found) >= MAX_QUOTES,
        "page": page,
        "size": size,
        "quotes": rows[start : start + size],
    }


def find_quotes() -> dict:
    speaker = (request.args.get("speaker") or "").strip()
    words = (request.args.get("q") or "").strip()
    if not speaker:
        raise BadParameter("give 'speaker': a person's name as the person facet shows it")
    size = parse_int(request.args.get("size"), 50, "size", 1, 200)
    page = parse_int(request.args.get("page"), 1, "page", 1, 10_000)
    sort = request.args.get("sort") or "newest"
    if sort not in QUOTE_SORTS:
        raise BadParameter(f"'sort' must be one of {', '.join(QUOTE_SORTS)}")
    canonical = lookups.resolve_value(get_store(), "person", speaker)  # any spelling of a known name
    return quotes_by(canonical, words, page, size, sort)


@bp.get("/quotes")
def quotes_page():
    return render_template("quotes.html", **find_quotes())


@bp.get("/quotes.json")
def quotes_json():
    return jsonify(find_quotes())
