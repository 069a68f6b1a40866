"""The JSON API (docs/architecture.md, "JSON API"): /api/search,
/api/articles/<id>, /api/quotes, /api/stats. Each is the same view as its
.json twin on the pages (one data function per resource); /api/compare and
/api/stories live with the comparison blueprint."""

from __future__ import annotations

from flask import Blueprint, jsonify
from flask.typing import ResponseReturnValue

from . import articles, quotes, search
from .store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")

bp.add_url_rule("/search", "api_search", search.search_json)
bp.add_url_rule("/articles/<article_id>", "api_article", articles.article_json_view)
bp.add_url_rule("/quotes", "api_quotes", quotes.quotes_json)


@bp.get("/stats")
def api_stats() -> ResponseReturnValue:
    return jsonify(get_store().stats())
