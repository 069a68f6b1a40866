"""Real OpenSearch nodes for tests, started with scripts/opensearch-local
exactly as a developer starts them (separate JVMs on loopback).

Without Java or Maven the live tests skip and say so; in CI (CI set) they
fail instead, so a CI run cannot pass by not running them."""

from __future__ import annotations

import gzip
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from support import REPO_ROOT

from store.opensearch import OpenSearchStore
from store.settings import Settings

LAUNCHER = REPO_ROOT / "scripts" / "opensearch-local"
# A first start builds the launcher with Maven, which downloads OpenSearch's
# jars when ~/.m2 does not have them yet.
START_TIMEOUT = 900


def require_java_and_maven() -> None:
    missing = [tool for tool in ("java", "mvn") if not shutil.which(tool)]
    if missing:
        message = f"{' and '.join(missing)} not found: a live OpenSearch node cannot be started here"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def _ports_free(first: int, count: int) -> bool:
    for port in range(first, first + count):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                return False
    return True


def free_port_run(count: int) -> int:
    """The first of `count` consecutive free loopback ports."""
    for _ in range(200):
        first = random.randint(20000, 40000)
        if _ports_free(first, count):
            return first
    raise RuntimeError(f"no run of {count} free ports found")


@dataclass
class LocalCluster:
    url: str
    directory: Path
    nodes: list[dict]

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{n['http_port']}" for n in self.nodes]

    def kill(self, index: int) -> None:
        """kill -9 one node: no shutdown, no flush, as a crash."""
        os.kill(self.nodes[index]["pid"], signal.SIGKILL)

    def stop(self) -> None:
        subprocess.run([str(LAUNCHER), "stop", "--dir", str(self.directory)], capture_output=True, timeout=120)


def start_cluster(directory: Path, nodes: int = 1) -> LocalCluster:
    """`scripts/opensearch-local start` on free ports; fails the test with
    the launcher's own message when the node does not come up."""
    require_java_and_maven()
    port = free_port_run(nodes)
    result = subprocess.run(
        [str(LAUNCHER), "start", "--nodes", str(nodes), "--port", str(port), "--dir", str(directory)],
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
    )
    if result.returncode != 0:
        pytest.fail(f"scripts/opensearch-local start failed:\n{result.stderr[-3000:]}")
    url = result.stdout.strip().splitlines()[-1]
    state = json.loads((directory / "cluster.json").read_text())
    assert state["url"] == url
    return LocalCluster(url=url, directory=directory, nodes=state["nodes"])


def write_sample(source: Path, target: Path, count: int, skip: int = 0) -> Path:
    """`count` articles (after `skip`) of a gzipped JSON Lines corpus, as a
    new .jsonl file (the corpus itself stays in ../shared)."""
    with gzip.open(source, "rt", encoding="utf-8") as lines, open(target, "w", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, skip, skip + count))
    return target


def live_store(url: str, alias: str, **settings: Any) -> OpenSearchStore:
    """An OpenSearchStore on `url` using the alias `alias` (and its indices)."""
    return OpenSearchStore.from_settings(Settings(opensearch_url=url, index=alias, **settings))
