"""Template helpers: URLs built from the current search state."""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, url_for
from werkzeug.routing import BuildError

from .params import request_to_args, toggle_facet


def register_filters(app: Flask) -> None:
    @app.template_global()
    def search_url(request, endpoint: str = "search.search_page", **changes) -> str:
        return url_for(endpoint) + _query(request_to_args(request, **changes))

    @app.template_global()
    def facet_url(request, facet: str, value: str) -> str:
        return url_for("search.search_page") + _query(toggle_facet(request, facet, value))

    @app.template_global()
    def endpoint_url(role: str, **values) -> str | None:
        """URL of the page playing `role` (see ROLE_PATHS), or None."""
        endpoint = _endpoint_for_rule(ROLE_PATHS[role])
        if endpoint is None:
            return None
        try:
            return url_for(endpoint, **values)
        except BuildError:
            return None

    @app.template_global()
    def filter_url(facet: str, value: str) -> str:
        """A fresh search filtered on one facet value (from an article page)."""
        return url_for("search.search_page") + _query([(facet, value)])


# Pages other blueprints offer, by role: the search and article templates
# link to them when they exist, without importing those blueprints.
ROLE_PATHS = {"compare": "/compare", "story": "/stories/<story_id>"}


def _endpoint_for_rule(rule: str) -> str | None:
    from flask import current_app

    for candidate in current_app.url_map.iter_rules():
        if candidate.rule == rule:
            return candidate.endpoint
    return None


def _query(pairs: list[tuple[str, str]]) -> str:
    return "?" + urlencode(pairs) if pairs else ""
