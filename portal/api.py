"""The JSON API (DESIGN.md contract): /api/search, /api/articles/<id>.
/api/compare and /api/stories live with the comparison blueprint."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from .articles import _load, article_json
from .params import search_request_from_args
from .quotes import find_quotes
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
    """Quotes by one speaker, optionally mentioning words: ?speaker=NAME&q=WORDS."""
    return jsonify(find_quotes())


@bp.get("/stats")
def api_stats():
    return jsonify(get_store().stats())
