"""Configuration, read once: arguments, then the environment, then defaults.

The CLI, the portal and the tests build one `Settings` value and pass it
down (`open_store(settings)`, `create_app(settings)`); nothing below reads
`os.environ` again. It lives in `store` because both the indexer side and
the portal side use it, and they may not import each other
(docs/architecture.md).

Environment variables (the names the Dockerfile and docker-compose.yml use):

    PARALLAX_BACKEND          embedded | opensearch        (default embedded)
    PARALLAX_DATA             data directory               (default ./parallax-data)
    PARALLAX_HOST, PARALLAX_PORT   where `parallax serve` listens (127.0.0.1:5000)
    OPENSEARCH_URL            one URL or several, comma-separated (http://localhost:9200)
    OPENSEARCH_USER, OPENSEARCH_PASSWORD, OPENSEARCH_CA_CERTS
    OPENSEARCH_VERIFY_CERTS   false/no/off/0 to skip TLS verification (default on)
    PARALLAX_INDEX            OpenSearch alias             (default parallax-articles)
    PARALLAX_INDEX_SHARDS, PARALLAX_INDEX_REPLICAS   for new OpenSearch indices
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .interface import StoreError

BACKENDS = ("embedded", "opensearch")
_FALSE = {"0", "false", "no", "off"}


def _text(value: str) -> str:
    return value.strip()


def _backend(value: str) -> str:
    backend = value.strip().lower()
    if backend not in BACKENDS:
        raise ValueError(f"choose one of {', '.join(BACKENDS)}")
    return backend


def _whole_number(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValueError("must be a whole number") from None


def _flag(value: str) -> bool:
    return value.strip().lower() not in _FALSE


def _path(value: str) -> Path:
    return Path(value).expanduser()


# Settings field -> (environment variable, how to read its text).
ENVIRONMENT: dict[str, tuple[str, Callable[[str], Any]]] = {
    "backend": ("PARALLAX_BACKEND", _backend),
    "data_dir": ("PARALLAX_DATA", _path),
    "host": ("PARALLAX_HOST", _text),
    "port": ("PARALLAX_PORT", _whole_number),
    "opensearch_url": ("OPENSEARCH_URL", _text),
    "opensearch_user": ("OPENSEARCH_USER", _text),
    "opensearch_password": ("OPENSEARCH_PASSWORD", str),
    "opensearch_verify_certs": ("OPENSEARCH_VERIFY_CERTS", _flag),
    "opensearch_ca_certs": ("OPENSEARCH_CA_CERTS", _text),
    "index": ("PARALLAX_INDEX", _text),
    "index_shards": ("PARALLAX_INDEX_SHARDS", _whole_number),
    "index_replicas": ("PARALLAX_INDEX_REPLICAS", _whole_number),
}


@dataclass(frozen=True)
class Settings:
    """Everything Parallax is configured with; immutable once built."""

    backend: str = "embedded"
    data_dir: Path = Path("parallax-data")
    host: str = "127.0.0.1"
    port: int = 5000
    opensearch_url: str = "http://localhost:9200"
    opensearch_user: str | None = None
    opensearch_password: str | None = field(default=None, repr=False)
    opensearch_verify_certs: bool = True
    opensearch_ca_certs: str | None = None
    index: str = "parallax-articles"
    index_shards: int | None = None
    index_replicas: int | None = None

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, Any] | None = None,
        defaults: Mapping[str, Any] | None = None,
        **arguments: Any,
    ) -> Settings:
        """Arguments (those not None) win, then `environ` (default: the
        process environment; empty values count as unset), then `defaults`,
        then the class defaults. A bad value raises StoreError naming the
        variable."""
        environ = os.environ if environ is None else environ
        known = {f.name for f in fields(cls)}
        unknown = (set(arguments) | set(defaults or {})) - known
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
        values: dict[str, Any] = dict(defaults or {})
        for name, (variable, read) in ENVIRONMENT.items():
            raw = environ.get(variable)
            if raw is None or str(raw).strip() == "":
                continue
            try:
                values[name] = read(str(raw))
            except ValueError as exc:
                raise StoreError(f"{variable}={raw!r}: {exc}") from None
        values.update({name: value for name, value in arguments.items() if value is not None})
        if arguments.get("backend") is not None:
            try:
                values["backend"] = _backend(str(arguments["backend"]))
            except ValueError as exc:
                raise StoreError(f"Unknown backend {arguments['backend']!r}: {exc}") from None
        if "data_dir" in values:
            values["data_dir"] = Path(values["data_dir"]).expanduser()
        return cls(**values)
