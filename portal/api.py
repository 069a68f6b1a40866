"""The JSON API (DESIGN.md contract, described by /api/openapi.json):
/api/search, /api/facets/<facet>, /api/articles/<id>, /api/quotes,
/api/stats. Entity pages and stories have their twins in `entities`;
/api/compare and /api/stories/<id> live with the comparison blueprint."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from store.records import FACETS

from .articles import _load, article_json
from .params import BadParameter, parse_int, search_request_from_args
from .quotes import find_quotes
from .store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_FACET_PAGE = 1_000


@bp.get("/search")
def api_search():
    search = search_request_from_args(request.args)
    result = get_store().search(search).to_dict()
    return jsonify(result)


def facet_page_data(facet: str) -> dict:
    """One page of a facet's values under the search's own arguments, with
    `contains` (case- and accent-insensitive), `page` and `size`."""
    if facet not in FACETS:
        raise BadParameter(f"Unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
    search_args = request.args.copy()
    for own in ("page", "size", "contains"):  # the listing's own arguments, not the search's
        search_args.pop(own, None)
    search = search_request_from_args(search_args)
    contains = (request.args.get("contains") or "").strip()
    page = parse_int(request.args.get("page"), 1, "page", 1, 10_000)
    size = parse_int(request.args.get("size"), 20, "size", 1, MAX_FACET_PAGE)
    return get_store().facet_values(search, facet, contains, page, size).to_dict()


@bp.get("/facets/<facet>")
def api_facets(facet: str):
    return jsonify(facet_page_data(facet))


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


@bp.get("/openapi.json")
def api_openapi():
    from .openapi import document

    return jsonify(document())
