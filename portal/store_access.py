"""How views reach the store: the one the application factory opened."""

from __future__ import annotations

from flask import current_app

from store import Store


def get_store() -> Store:
    return current_app.extensions["parallax.store"]
