"""The JSON API (DESIGN.md contract): /api/search, /api/articles/<id>.
/api/compare and /api/stories live with the comparison blueprint."""
from __future__ import annotations

from flask import Blueprint, jsonify, request

from .articles import _load, article_json
from .params import BadParameter, search_request_from_args
from .store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def api_search():
    search = search_request_from_args(request.args)
    result = get_store().search(search).to_dict()
    return jsonify(result)


@bp.get("/articles/<article_id>")
def api_article(article_id: str):
    return jsonify(article_json(_load(article_id)))


@bp.get("/quotes")
def api_quotes():
    """Quotes by one speaker that mention some words: ?speaker=NAME&q=WORDS."""
    speaker = (request.args.get("speaker") or "").strip()
    words = (request.args.get("q") or "").strip()
    if not speaker or not words:
        raise BadParameter("give both 'speaker' (a person's canonical name) and 'q' (words the quote mentions)")
    size = min(int(request.args.get("size", 20)) if (request.args.get("size") or "20").isdigit() else 20, 100)
    found = get_store().search_quotes(speaker, words, size=size)
    return jsonify({"speaker": speaker, "q": words, "quotes": [{"article": article_id, **quote.to_dict()} for article_id, quote in found]})


@bp.get("/stats")
def api_stats():
    return jsonify(get_store().stats())
