"""`parallax index` killed with SIGKILL midway and run again ends with the
index one clean run builds: every article once, each with the same
/api/articles/<id> JSON (text, entities, quotes, story), the ledger and
`parallax status` true about both runs. Killed while the grouping's story
changes are being written (with the compaction), the run again writes them.

3,000 real AllSides articles are enriched about three times over (a clean
run, the killed runs and a continuation): the slowest tests of the suite.
"""

from __future__ import annotations

import gzip
import itertools
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import REPO_ROOT, LiveServer, require_shared, run_cli

pytestmark = [pytest.mark.shared_corpus, pytest.mark.slow]

ARTICLES = 3000
KILL_TIMEOUT_SECONDS = 900


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    source = require_shared("corpus", "allsides", "articles.jsonl.gz")
    path = tmp_path_factory.mktemp("corpus") / "allsides-3000.jsonl.gz"
    with gzip.open(source, "rt", encoding="utf-8") as lines, gzip.open(path, "wt", encoding="utf-8") as out:
        out.writelines(itertools.islice(lines, ARTICLES))
    return path


@pytest.fixture(scope="module")
def clean(corpus, tmp_path_factory) -> Path:
    """The index one uninterrupted run builds."""
    data = tmp_path_factory.mktemp("clean")
    result = run_cli("index", str(corpus), data_dir=data, timeout=KILL_TIMEOUT_SECONDS)
    assert result.returncode == 0, result.stderr
    return data


def _indexed_rows(ledger: Path) -> int:
    try:
        with sqlite3.connect(ledger, timeout=5) as db:
            return db.execute("SELECT COUNT(*) FROM inputs WHERE status = 'indexed'").fetchone()[0]
    except sqlite3.OperationalError:  # not created yet, or being written
        return 0


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _start_index(corpus: Path, data: Path, stderr: int = subprocess.DEVNULL) -> subprocess.Popen:
    """`parallax index CORPUS` as a user starts it, in its own process."""
    return subprocess.Popen(
        [sys.executable, "-m", "parallax.cli", "index", str(corpus)],
        env={**os.environ, "PARALLAX_DATA": str(data)},
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def _kill_after_first_commit(corpus: Path, data: Path) -> int:
    """Start `parallax index`, SIGKILL it once the ledger shows a commit and
    before it finishes; returns how many articles the ledger had then."""
    process = _start_index(corpus, data)
    deadline = time.monotonic() + KILL_TIMEOUT_SECONDS
    try:
        while (rows := _indexed_rows(data / "ledger.sqlite")) == 0:
            assert process.poll() is None, "the run ended before its first commit could be seen"
            assert time.monotonic() < deadline, "no commit within the time allowed"
            time.sleep(0.1)
        workers = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
    assert rows < ARTICLES, "the run had committed everything before the kill"
    # Workers left behind by a killed run notice and stop.
    for _ in range(100):
        if not any(_alive(w) for w in workers):
            break
        time.sleep(0.1)
    assert workers and not any(_alive(w) for w in workers)
    return rows


def _all_articles(data: Path, ids: list[str]) -> dict[str, dict]:
    from portal import create_app

    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        answers = {}
        for article_id in ids:
            status, body = server.get(f"/api/articles/{article_id}")
            assert status == 200, (article_id, body)
            answers[article_id] = body
        return answers


def _article_ids(data: Path) -> list[str]:
    from store.embedded import EmbeddedStore

    store = EmbeddedStore(data, create=False)
    return sorted(article.id for article in store.scan())


def _differences(data: Path, reference: Path, ids: list[str]) -> list[tuple[str, str]]:
    """(article id, field) for every field of /api/articles/<id> that differs."""
    answers, expected = _all_articles(data, ids), _all_articles(reference, ids)
    return [
        (article_id, field)
        for article_id in ids
        for field in sorted(set(answers[article_id]) | set(expected[article_id]))
        if answers[article_id].get(field) != expected[article_id].get(field)
    ]


def test_killed_run_continued_equals_a_clean_run(corpus, clean, tmp_path):
    killed = tmp_path / "killed"
    committed = _kill_after_first_commit(corpus, killed)
    status = run_cli("status", data_dir=killed).stdout
    assert _run_line(status, 1).endswith(f": interrupted, indexed {committed}, failed 0"), status

    again = run_cli("index", str(corpus), data_dir=killed, timeout=KILL_TIMEOUT_SECONDS)
    assert again.returncode == 0, again.stderr
    assert f"skipped {committed} already indexed by run 1" in again.stdout, again.stdout
    assert f"indexed {ARTICLES - committed}," in again.stdout, again.stdout

    ids = _article_ids(clean)
    assert len(ids) == ARTICLES
    assert _article_ids(killed) == ids  # each article once, none missing
    differences = _differences(killed, clean, ids)
    assert not differences, f"{len(differences)} differences, e.g. {differences[:10]}"

    status = run_cli("status", data_dir=killed).stdout
    assert f'"articles": {ARTICLES},' in status
    assert _run_line(status, 1).endswith(f": interrupted, indexed {committed}, failed 0"), status
    assert _run_line(status, 2).endswith(
        f": finished, indexed {ARTICLES - committed}, skipped {committed} already indexed by run 1, failed 0"
    ), status


def _run_line(status: str, run: int) -> str:
    lines = [line for line in status.splitlines() if line.startswith(f"run {run} ")]
    assert len(lines) == 1, status
    return lines[0]


def _kill_while_compacting(corpus: Path, data: Path) -> None:
    """Start `parallax index` and SIGKILL it as soon as it says it is
    compacting: the grouping is done (its feature cache committed) and the
    story changes are being written with the compaction's copy."""
    process = _start_index(corpus, data, stderr=subprocess.PIPE)
    try:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("compacting the index"):
                process.send_signal(signal.SIGKILL)
                break
        process.wait(timeout=KILL_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL, "the run ended before it compacted"


def test_run_killed_while_writing_the_stories_writes_them_when_run_again(corpus, clean, tmp_path):
    killed = tmp_path / "killed"
    _kill_while_compacting(corpus, killed)
    ids = _article_ids(clean)
    assert _article_ids(killed) == ids  # every article was indexed before the kill
    stale = _differences(killed, clean, ids)
    assert stale and {field for _, field in stale} <= {"story", "thread"}, stale[:10]  # the kill came in time

    again = run_cli("index", str(corpus), data_dir=killed, timeout=KILL_TIMEOUT_SECONDS)
    assert again.returncode == 0, again.stderr
    assert f"skipped {ARTICLES} already indexed by run 1" in again.stdout, again.stdout
    differences = _differences(killed, clean, ids)
    assert not differences, f"{len(differences)} differences, e.g. {differences[:10]}"
