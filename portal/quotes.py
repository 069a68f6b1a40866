"""Quotes by one person, optionally only those whose own words mention
something: "what has X said about Y?" as a page and as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from store import Store

from .errors import UserError
from .params import parse_int
from .store_access import get_store

bp = Blueprint("quotes", __name__)


@dataclass(frozen=True)
class QuotesQuery:
    speaker: str  # a canonical name, as the person facet shows it
    words: str = ""  # all must occur in the quote itself; empty: every quote
    size: int = 50


def quotes_query_from_args(args: MultiDict) -> QuotesQuery:
    """?speaker=NAME&q=WORDS&size=N; UserError without a speaker."""
    speaker = (args.get("speaker") or "").strip()
    if not speaker:
        raise UserError("give 'speaker': a person's name as the person facet shows it")
    words = (args.get("q") or "").strip()
    return QuotesQuery(speaker, words, parse_int(args.get("size"), 50, "size", 1, 200))


def find_quotes(store: Store, query: QuotesQuery) -> dict[str, Any]:
    """The quotes, newest article first, each with its article's metadata."""
    found = store.search_quotes(query.speaker, query.words, size=query.size)
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
    rows.sort(key=lambda r: (r["published"] or "", r["article"], r["start"]), reverse=True)
    return {"speaker": query.speaker, "q": query.words, "quotes": rows}


@bp.get("/quotes")
def quotes_page() -> ResponseReturnValue:
    return render_template("quotes.html", **find_quotes(get_store(), quotes_query_from_args(request.args)))


@bp.get("/quotes.json")
def quotes_json() -> ResponseReturnValue:
    """Also registered as /api/quotes (portal/api.py)."""
    return jsonify(find_quotes(get_store(), quotes_query_from_args(request.args)))
