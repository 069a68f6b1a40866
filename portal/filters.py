"""Template helpers: URLs built from the current search state."""

from __future__ import annotations

import math
from urllib.parse import urlencode

from flask import Flask, url_for

from .params import request_to_args, toggle_facet


def register_filters(app: Flask) -> None:
    @app.template_global()
    def search_url(request, endpoint: str = "search.search_page", **changes) -> str:
        return url_for(endpoint) + _query(request_to_args(request, **changes))

    @app.template_global()
    def facet_url(request, facet: str, value: str) -> str:
        return url_for("search.search_page") + _query(toggle_facet(request, facet, value))

    @app.template_global()
    def facet_more_url(request, facet: str, contains: str | None = None, listing_page: int | None = None) -> str:
        """The full listing of one facet for the same search (its own
        `page` and `contains` replace the search's)."""
        pairs = request_to_args(request, page=None, size=None)
        pairs += [("contains", contains)] if contains else []
        pairs += [("page", str(listing_page))] if listing_page and listing_page > 1 else []
        return url_for("search.facet_page", facet=facet) + _query(pairs)

    app.add_template_global(rounded_estimate)

    @app.template_global()
    def entity_url(facet: str, value: str) -> str:
        """The page of one person, place, organisation or outlet."""
        kind = {"person": "people", "place": "places", "org": "organisations", "outlet": "outlets"}[facet]
        return url_for("entities.entity_page", kind=kind, name=value)

    @app.template_global()
    def filter_url(facet: str, value: str) -> str:
        """A fresh search filtered on one facet value (from an article page)."""
        return url_for("search.search_page") + _query([(facet, value)])


def rounded_estimate(count: int, share: float) -> str:
    """An estimated count ("≈ 12,300"), the share's count scaled, rounded to
    the order of its standard error, sqrt(count * (1 - share) / share): the
    digits below it are noise a reader should not be shown."""
    error = math.sqrt(count * (1 - share) / share) if 0 < share < 1 else 0
    step = 10 ** int(math.log10(error)) if error >= 10 else 1
    return f"≈ {round(count / step) * step:,}"


def _query(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else ""
