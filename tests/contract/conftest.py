"""The backend contract suite runs every test against each backend: the
embedded index always, OpenSearch whenever OPENSEARCH_URL names a live
cluster (each test then uses its own throw-away alias and indices)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from store import Settings
from store.interface import Store

LIVE_URL = os.environ.get("OPENSEARCH_URL")


def _embedded(tmp_path: Path) -> Iterator[Store]:
    from store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "data")
    yield store
    store.close()


def _opensearch() -> Iterator[Store]:
    from store.opensearch import OpenSearchStore

    alias = f"parallax-contract-{uuid.uuid4().hex[:10]}"
    settings = replace(Settings.from_env(), index=alias, index_replicas=0)
    store = OpenSearchStore.from_settings(settings)
    yield store
    # Remove every index this test created (the alias goes with them).
    store.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
    store.close()


@pytest.fixture(
    params=[
        "embedded",
        pytest.param(
            "opensearch",
            marks=[
                pytest.mark.opensearch_live,
                pytest.mark.skipif(
                    not LIVE_URL,
                    reason="OPENSEARCH_URL is not set: no live OpenSearch cluster to run the contract against",
                ),
            ],
        ),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    if request.param == "embedded":
        yield from _embedded(tmp_path)
    else:
        yield from _opensearch()
