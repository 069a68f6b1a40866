"""The Parallax portal: a Flask application factory with one blueprint per
area (search, articles, quotes, compare, api). It reads only through the store
interface; its configuration is one `store.Settings` value."""

from __future__ import annotations

import logging
import os
from collections import ChainMap
from collections.abc import Mapping
from typing import Any

from flask import Flask
from flask.json.provider import DefaultJSONProvider

from store import Settings, open_store


class _InOrderJSON(DefaultJSONProvider):
    """JSON keys in the order the code builds them (facets in display order)."""

    sort_keys = False


def create_app(settings: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the portal.

    settings: a `Settings` value (the CLI passes the one it built); or a test
    configuration, a mapping of Flask config keys in which the environment
    variable names of `store.settings` (PARALLAX_DATA, PARALLAX_BACKEND, ...)
    take precedence over the environment; or None (gunicorn, the Dockerfile:
    `portal:create_app()`), which reads the environment.
    """
    config: Mapping[str, Any] = {}
    if not isinstance(settings, Settings):
        config = settings or {}
        settings = Settings.from_env(ChainMap(dict(config), dict(os.environ)))
    app = Flask(__name__)
    app.config.update({k: v for k, v in config.items() if not k.startswith(("PARALLAX_", "OPENSEARCH_"))})
    app.json = _InOrderJSON(app)
    app.extensions["parallax.settings"] = settings
    app.extensions["parallax.store"] = open_store(settings)

    from . import api, articles, compare, entities, quotes, search
    from .errors import register_error_handlers
    from .filters import register_filters

    app.register_blueprint(search.bp)
    app.register_blueprint(articles.bp)
    app.register_blueprint(compare.bp)
    app.register_blueprint(quotes.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(entities.bp)
    register_error_handlers(app)
    register_filters(app)
    logging.getLogger(__name__).info("portal ready on %s backend", settings.backend)
    return app
