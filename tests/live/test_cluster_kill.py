"""A three-node cluster loses a node to kill -9 while `parallax index`
writes to it: indexing still finishes with every article present exactly
once, and searches keep answering while the cluster is yellow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from live_opensearch import live_store, start_cluster, write_sample
from opensearchpy import OpenSearch
from opensearchpy import exceptions as os_errors
from support import REPO_ROOT

from store.records import SearchRequest

pytestmark = [pytest.mark.opensearch_live, pytest.mark.shared_corpus, pytest.mark.slow]

ARTICLES = 700  # the kill lands while the first bulk requests are being written
ALIAS = "parallax-kill"
WAIT = 600  # seconds for any one phase on a loaded two-core machine


def wait_for(condition, what: str, timeout: float = WAIT, every: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    pytest.fail(f"timed out waiting for {what}")


def indexed_so_far(client: OpenSearch) -> int:
    try:
        return int(client.count(index=ALIAS)["count"])
    except (os_errors.NotFoundError, os_errors.ConnectionError):
        return 0


def node_with_a_primary(client: OpenSearch, names: list[str]) -> int:
    """A node other than the first holding a primary shard: its loss forces
    a replica to be promoted while writes go on."""
    shards = client.cat.shards(index=f"{ALIAS}-v*", format="json")
    holders = {s["node"] for s in shards if s["prirep"] == "p" and s["state"] == "STARTED"}
    return next(i for i, name in enumerate(names) if i > 0 and name in holders)


def test_kill_a_node_while_indexing(tmp_path: Path, allsides_corpus: Path) -> None:
    cluster = start_cluster(tmp_path / "cluster", nodes=3)
    try:
        sample = write_sample(allsides_corpus, tmp_path / "sample.jsonl", ARTICLES, skip=10_000)
        expected = {json.loads(line)["id"] for line in sample.read_text().splitlines()}
        env = {
            **os.environ,
            "OPENSEARCH_URL": ",".join(cluster.urls),
            "PARALLAX_BACKEND": "opensearch",
            "PARALLAX_INDEX": ALIAS,
            "PARALLAX_INDEX_SHARDS": "3",
            "PARALLAX_INDEX_REPLICAS": "1",
            "PARALLAX_DATA": str(tmp_path / "data"),
        }
        log_path = tmp_path / "index.log"
        with open(log_path, "w") as log:
            indexer = subprocess.Popen(
                [sys.executable, "-m", "parallax.cli", "index", str(sample)],
                env=env,
                cwd=REPO_ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        client = OpenSearch(cluster.urls, timeout=30)
        before_kill = wait_for(lambda: indexed_so_far(client), "the first articles to be written")
        # Kill only once every primary has a started replica: a primary lost
        # before its replica started leaves that shard red (its writes wait on
        # the server), which no client can work around.
        wait_for(lambda: client.cluster.health(index=f"{ALIAS}-v*")["status"] == "green", "the replicas to start")
        victim = node_with_a_primary(client, [n["name"] for n in cluster.nodes])
        cluster.kill(victim)
        wait_for(lambda: client.cluster.health()["status"] != "green", "the cluster to notice the lost node")

        # While the cluster is yellow (the replicas of the lost node are not
        # re-created for a minute), searches keep answering.
        store = live_store(",".join(u for i, u in enumerate(cluster.urls) if i != victim), ALIAS)
        answered_while_yellow, totals = 0, []
        while client.cluster.health()["status"] == "yellow" and answered_while_yellow < 20:
            # Every article (an empty query): the kill can land after the first
            # bulk request, when no word is sure to be among those written yet.
            totals.append(store.search(SearchRequest(q="")).total)
            answered_while_yellow += 1
            time.sleep(0.5)

        returncode = indexer.wait(timeout=WAIT)
        output = log_path.read_text()
        assert returncode == 0, output[-3000:]
        assert f"indexed {len(expected)}, failed 0" in output, output[-3000:]

        store.refresh()
        ids = Counter(article.id for article in store.scan())
        duplicates = {i: n for i, n in ids.items() if n > 1}
        print(
            f"\nkill test: {len(expected)} articles, {before_kill} written before node-{victim} was killed, "
            f"{len(ids)} in the index afterwards, {len(duplicates)} duplicated, "
            f"{answered_while_yellow} searches answered while yellow (totals {totals[:1]}..{totals[-1:]})"
        )
        assert set(ids) == expected and not duplicates
        assert store.stats()["articles"] == len(expected)
        assert answered_while_yellow > 0 and all(t > 0 for t in totals)
        store.close()
    finally:
        cluster.stop()
