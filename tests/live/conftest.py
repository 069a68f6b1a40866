"""Fixtures for the tests against live OpenSearch nodes (started with
scripts/opensearch-local; see tests/live_opensearch.py)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from live_opensearch import live_store, write_sample
from support import require_shared

# How many AllSides articles the parity check indexes into both backends.
PARITY_SAMPLE = 3000


@pytest.fixture(scope="session")
def allsides_corpus() -> Path:
    return require_shared("corpus", "allsides", "articles.jsonl.gz")


@pytest.fixture(scope="module")
def parity_stores(
    tmp_path_factory: pytest.TempPathFactory, opensearch_url: str, allsides_corpus: Path, seeds_dir: Path
) -> Iterator[tuple]:
    """(embedded, opensearch): the seeds and the AllSides sample indexed by
    the real pipeline into the embedded store, then the very same enriched
    records written to a fresh OpenSearch alias, so that any difference in
    search results is the engines', not the enrichment's."""
    from indexer.pipeline import index_paths
    from store.embedded import EmbeddedStore

    work = tmp_path_factory.mktemp("parity")
    sample = write_sample(allsides_corpus, work / "allsides-sample.jsonl", PARITY_SAMPLE)
    embedded = EmbeddedStore(work / "data")
    # Story grouping is left out: it takes a third of the time and no search here reads stories.
    summary = index_paths([seeds_dir, sample], embedded, progress=False, group_stories=False)
    assert summary.indexed > PARITY_SAMPLE * 0.95, summary.to_dict()
    alias = f"parallax-parity-{uuid.uuid4().hex[:8]}"  # never an alias of a cluster named in OPENSEARCH_URL
    live = live_store(opensearch_url, alias)
    live.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
    report = live.index(embedded.scan())
    assert not report.failed and len(report.indexed) == summary.indexed
    yield embedded, live
    live.client.indices.delete(index=f"{alias}-v*", ignore_unavailable=True)
    live.close()
    embedded.close()
