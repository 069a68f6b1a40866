"""The JSON API (docs/architecture.md, "JSON API"; described by
/api/openapi.json): /api/search, /api/facets/<facet>, /api/articles/<id>,
/api/quotes, /api/stats. Each is the same view as its .json twin on the
pages (one data function per resource); entity pages and stories have
their twins in `entities`; /api/compare and /api/stories/<id> live with the
comparison blueprint."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from store import Store
from store.records import FACETS

from . import articles, quotes, search
from .errors import UserError
from .params import parse_int, search_request_from_args
from .store_access import get_store

bp = Blueprint("api", __name__, url_prefix="/api")

MAX_FACET_PAGE = 1_000

bp.add_url_rule("/search", "api_search", search.search_json)
bp.add_url_rule("/articles/<article_id>", "api_article", articles.article_json_view)
bp.add_url_rule("/quotes", "api_quotes", quotes.quotes_json)


def facet_page_data(store: Store, facet: str, args: MultiDict) -> dict[str, Any]:
    """One page of a facet's values under the search's own arguments, with
    `contains` (case- and accent-insensitive), `page` and `size`."""
    if facet not in FACETS:
        raise UserError(f"Unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
    wanted = search_request_from_args(search.listing_search_args(args))
    contains = (args.get("contains") or "").strip()
    page = parse_int(args.get("page"), 1, "page", 1, 10_000)
    size = parse_int(args.get("size"), 20, "size", 1, MAX_FACET_PAGE)
    return store.facet_values(wanted, facet, contains, page, size).to_dict()


@bp.get("/facets/<facet>")
def api_facets(facet: str) -> ResponseReturnValue:
    return jsonify(facet_page_data(get_store(), facet, request.args))


@bp.get("/stats")
def api_stats() -> ResponseReturnValue:
    return jsonify(get_store().stats())


@bp.get("/openapi.json")
def api_openapi() -> ResponseReturnValue:
    from .openapi import document

    return jsonify(document())
