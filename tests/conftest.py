"""Fixtures shared by every test folder.

`shared_dir` is ../shared beside the checkout (corpora, gold annotations,
the OpenSearch API specification). Tests that use it are marked
`shared_corpus`; when the folder is missing they skip on a developer's
machine but FAIL in CI (CI is set), so a CI run cannot pass by not
looking.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_opensearch import start_cluster
from support import require_shared


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return require_shared()


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return require_shared("corpus", "seeds")


@pytest.fixture(scope="session")
def opensearch_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live OpenSearch node: OPENSEARCH_URL when set, else one started
    with scripts/opensearch-local for this session and stopped after it."""
    if os.environ.get("OPENSEARCH_URL"):
        yield os.environ["OPENSEARCH_URL"]
        return
    cluster = start_cluster(tmp_path_factory.mktemp("opensearch-node"))
    try:
        yield cluster.url
    finally:
        cluster.stop()
