"""Quotes by one person, optionally only those whose own words mention
something: "what has X said about Y?" as a page and as JSON."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template, request

from .params import BadParameter, parse_int
from .store_access import get_store

bp = Blueprint("quotes", __name__)


def find_quotes() -> dict:
    speaker = (request.args.get("speaker") or "").strip()
    words = (request.args.get("q") or "").strip()
    if not speaker:
        raise BadParameter("give 'speaker': a person's name as the person facet shows it")
    size = parse_int(request.args.get("size"), 50, "size", 1, 200)
    store = get_store()
    found = store.search_quotes(speaker, words, size=size)
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
    return {"speaker": speaker, "q": words, "quotes": rows}


@bp.get("/quotes")
def quotes_page():
    return render_template("quotes.html", **find_quotes())


@bp.get("/quotes.json")
def quotes_json():
    return jsonify(find_quotes())
