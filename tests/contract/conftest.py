"""The backend contract suite runs every test against each backend: the
embedded index, and a live OpenSearch node (OPENSEARCH_URL, else one that
the session starts with scripts/opensearch-local); each OpenSearch test
uses its own throw-away alias and indices."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from store import Settings
from store.interface import Store


def _embedded(tmp_path: Path) -> Iterator[Store]:
    from store.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path / "data")
    yield store
    store.close()


def _opensearch(url: str) -> Iterator[Store]:
    from store.opensearch import OpenSearchStore

    alias = f"parallax-contract-{uuid.uuid4().hex[:10]}"
    store = OpenSearchStore.from_settings(Settings(opensearch_url=url, index=alias, index_replicas=0))
    yield store
    # Remove every index this test created (the alias goes with them).
    store.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
    store.close()


@pytest.fixture(
    params=[
        "embedded",
        pytest.param("opensearch", marks=pytest.mark.opensearch_live),
    ]
)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store of each backend."""
    if request.param == "embedded":
        yield from _embedded(tmp_path)
    else:
        yield from _opensearch(request.getfixturevalue("opensearch_url"))
