"""The production schema, written down once: OpenSearch index settings and
mappings as JSON. The embedded (tantivy) schema mirrors these top-level
fields one for one (`store.embedded`), and a test holds them together."""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

_HERE = Path(__file__).parent


@cache
def _read(name: str) -> dict:
    return json.loads((_HERE / f"{name}.json").read_text(encoding="utf-8"))


def load(name: str = "articles") -> dict:
    """The settings-and-mappings body of one index, as a fresh dict."""
    return copy.deepcopy(_read(name))


def article_fields() -> dict[str, dict]:
    """Top-level field definitions of the article index."""
    return load("articles")["mappings"]["properties"]
