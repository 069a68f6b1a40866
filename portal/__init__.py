"""The Parallax portal: a Flask application factory with one blueprint per
area (search, articles, quotes, compare, api). It reads only through the store
interface; configuration comes from environment variables (or the mapping
passed to `create_app`, which tests use)."""

from __future__ import annotations

import logging
import os
from typing import Any

from flask import Flask, Response

from store import open_store

# Sent with every response. The portal serves only its own CSS (no scripts,
# no inline styles, no third-party resources), so the policy allows nothing
# else: an article's text that slipped through escaping could not run or
# load anything. "same-origin" keeps search terms (in our URLs) from being
# sent to the outlets whose article links a reader follows.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the portal. Config keys: PARALLAX_BACKEND, PARALLAX_DATA,
    and OpenSearch settings (read by the store from the environment)."""
    app = Flask(__name__)
    app.config.update(
        PARALLAX_BACKEND=os.environ.get("PARALLAX_BACKEND", "embedded"),
        PARALLAX_DATA=os.environ.get("PARALLAX_DATA"),
    )
    if config:
        app.config.update(config)
    app.json.sort_keys = False
    app.extensions["parallax.store"] = open_store(app.config["PARALLAX_BACKEND"], app.config["PARALLAX_DATA"])

    from . import api, articles, compare, quotes, search
    from .errors import register_error_handlers
    from .filters import register_filters

    app.register_blueprint(search.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(quotes.bp)
    app.register_blueprint(api.bp)
    register_error_handlers(app)
    register_filters(app)

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    logging.getLogger(__name__).info("portal ready on %s backend", app.config["PARALLAX_BACKEND"])
    return app
