"""Fixtures for the OpenSearch backend tests: the API specification (loaded
once per session), a fake OpenSearch node validating every request, and an
OpenSearchStore pointed at it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))  # os_spec, fake_node, spec_overrides

from fake_node import FakeNode  # noqa: E402
from os_spec import SPEC_ROOT, SpecValidator, require_shared, shared_spec  # noqa: E402

from store import Settings  # noqa: E402
from store.opensearch import OpenSearchStore  # noqa: E402


@pytest.fixture(scope="session")
def spec() -> SpecValidator:
    require_shared(SPEC_ROOT / "spec")
    return shared_spec()


@pytest.fixture
def node(spec: SpecValidator) -> Iterator[FakeNode]:
    fake = FakeNode(spec).start()
    yield fake
    fake.stop()


@pytest.fixture
def os_store(node: FakeNode) -> Iterator[OpenSearchStore]:
    # Tiny backoff so 429 retries do not slow the suite down.
    settings = Settings(opensearch_url=node.url, index="parallax-test")
    store = OpenSearchStore.from_settings(settings, initial_backoff=0.01, max_backoff=0.05)
    yield store
    store.close()
