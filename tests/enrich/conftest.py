"""Fixtures for the enrichment tests: one offline Extractor per session
(loading the gazetteer takes a second or two)."""

from __future__ import annotations

import pytest

from indexer.enrich.extract import Extractor


@pytest.fixture(scope="session")
def offline() -> Extractor:
    # A pipeline name that cannot exist forces the built-in offline pipeline.
    return Extractor(model="parallax-test-no-such-pipeline")
