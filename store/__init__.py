"""Record types, the store interface and its two backends.

`open_store()` is the one place that turns configuration (arguments or
environment) into a backend, so the CLI, the portal and the tests agree.
"""

from __future__ import annotations

import os
from pathlib import Path

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

BACKENDS = ("embedded", "opensearch")
DEFAULT_DATA_DIR = "parallax-data"


def data_dir_from_env(data_dir: str | os.PathLike | None = None) -> Path:
    """The data directory: the argument, else PARALLAX_DATA, else ./parallax-data."""
    return Path(data_dir or os.environ.get("PARALLAX_DATA") or DEFAULT_DATA_DIR).expanduser()


def open_store(backend: str | None = None, data_dir: str | os.PathLike | None = None, **options) -> Store:
    """Open the configured backend.

    backend: "embedded" (default) or "opensearch"; else PARALLAX_BACKEND.
    data_dir: where the embedded index lives; else PARALLAX_DATA.
    options: passed to the backend (OpenSearch: url, user, password, ...).
    """
    backend = (backend or os.environ.get("PARALLAX_BACKEND") or "embedded").lower()
    if backend == "embedded":
        from .embedded import EmbeddedStore

        return EmbeddedStore(data_dir_from_env(data_dir), **options)
    if backend == "opensearch":
        from .opensearch import OpenSearchStore

        return OpenSearchStore.from_env(**options)
    raise StoreError(f"Unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")


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
    "open_store",
    "data_dir_from_env",
    "BACKENDS",
]
