"""Record types, the store interface, configuration and the two backends.

`open_store(settings)` is the one place that turns a `Settings` value into
a backend, so the CLI, the portal and the tests agree.
"""

from __future__ import annotations

from typing import Any

from .interface import QuerySyntaxError, Store, StoreError
from .records import (
    Article,
    EnrichedArticle,
    Entity,
    FacetValue,
    Hit,
    IndexReport,
    Quote,
    SearchRequest,
    SearchResponse,
)
from .settings import BACKENDS, Settings


def open_store(settings: Settings | None = None, **options: Any) -> Store:
    """Open the backend `settings` name (default: Settings.from_env()).

    options: tuning passed to the backend's constructor (embedded: create;
    OpenSearch: timeout, chunk_size, max_retries, initial_backoff, client...).
    """
    settings = settings or Settings.from_env()
    if settings.backend == "embedded":
        from .embedded import EmbeddedStore

        return EmbeddedStore(settings.data_dir, **options)
    if settings.backend == "opensearch":
        from .opensearch import OpenSearchStore

        return OpenSearchStore.from_settings(settings, **options)
    raise StoreError(f"Unknown backend {settings.backend!r}: choose one of {', '.join(BACKENDS)}")


__all__ = [
    "Article",
    "EnrichedArticle",
    "Entity",
    "FacetValue",
    "Hit",
    "IndexReport",
    "Quote",
    "QuerySyntaxError",
    "SearchRequest",
    "SearchResponse",
    "Store",
    "StoreError",
    "Settings",
    "open_store",
    "BACKENDS",
]
