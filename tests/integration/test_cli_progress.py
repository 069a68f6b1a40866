"""`parallax index PATH` as a user types it: no --quiet. Progress is a bar
that redraws in a terminal and plain lines in a pipe or a log file; both
show done/total, the rate and the time left."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys

import pytest
from support import REPO_ROOT, require_shared, run_cli, run_in_pty

from indexer.progress import progress_line
from indexer.sources import count_articles

pytestmark = pytest.mark.slow
DEMO = REPO_ROOT / "parallax" / "demo_corpus"


@pytest.fixture(scope="module")
def allsides_500(tmp_path_factory):
    corpus = require_shared("corpus", "allsides", "articles.jsonl.gz")
    path = tmp_path_factory.mktemp("allsides") / "first-500.jsonl"
    with gzip.open(corpus, "rt", encoding="utf-8") as source, open(path, "w", encoding="utf-8") as target:
        for _, line in zip(range(500), source, strict=False):
            target.write(line)
    return path


@pytest.mark.shared_corpus
def test_index_in_a_terminal_draws_a_bar_with_total_rate_and_time_left(tmp_path, allsides_500):
    code, drawn = run_in_pty(
        [sys.executable, "-m", "parallax.cli", "index", str(allsides_500)], env={"PARALLAX_DATA": str(tmp_path)}
    )
    assert code == 0, drawn
    frames = drawn.replace("\r\n", "\n").split("\r")
    # A frame part-way through: "NNN/500 [elapsed<left, rate articles/s]".
    midway = [
        f for f in frames if re.search(r"\b([1-9]\d?|[1-4]\d\d)/500 \[\d\d:\d\d<\d\d:\d\d, +[\d.]+ articles/s", f)
    ]
    assert midway, drawn
    assert "500/500" in drawn
    assert "read 500 articles, indexed 500, failed 0" in drawn


def test_index_to_a_pipe_prints_plain_progress_lines_and_the_summary(tmp_path):
    result = run_cli("index", str(DEMO), data_dir=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "\r" not in result.stderr  # no bar redrawing into a log file
    assert re.search(r"done: 14 articles in \d+ s \([\d.]+ articles/s\)", result.stderr), result.stderr
    assert "read 14 articles, indexed 14, failed 0" in result.stdout


def test_status_piped_into_head_ends_quietly(tmp_path):
    run_cli("index", str(DEMO), data_dir=tmp_path)
    shell = subprocess.run(
        f"{sys.executable} -m parallax.cli status | head -1",
        shell=True,
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={"PARALLAX_DATA": str(tmp_path), "PATH": "/usr/bin:/bin"},
    )
    assert shell.stdout == "{\n"
    assert shell.stderr == "", shell.stderr


def test_status_and_stories_report_the_same_number_of_stories(tmp_path):
    run_cli("index", str(DEMO), data_dir=tmp_path)
    status = run_cli("status", data_dir=tmp_path).stdout
    stats = json.loads(status[: status.index("\n}") + 2])
    regrouped = json.loads(run_cli("stories", data_dir=tmp_path).stdout)
    assert stats["stories"] == regrouped["stories"] > 1


def test_totals_are_counted_before_reading(tmp_path):
    (tmp_path / "a.txt").write_text("One.", encoding="utf-8")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Two.", encoding="utf-8")
    lines = "".join(json.dumps({"id": str(i), "text": "x"}) + "\n" for i in range(7))
    (tmp_path / "sub" / "c.jsonl").write_text(lines, encoding="utf-8")
    with gzip.open(tmp_path / "d.jsonl.gz", "wt", encoding="utf-8") as handle:
        handle.write(lines.rstrip("\n"))  # no newline after the last record
    (tmp_path / "e.json").write_text(json.dumps([{"text": "a"}, {"text": "b"}]), encoding="utf-8")
    assert count_articles([tmp_path]) == 2 + 7 + 7 + 2
    assert count_articles([tmp_path / "missing"]) == 1


def test_progress_lines_show_the_time_left_or_the_rate_alone():
    assert progress_line(100, 400, 10.0) == "100/400 articles (25%), 10.0 articles/s, about 30 s left"
    assert progress_line(50, None, 10.0) == "50 articles, 5.0 articles/s, 10 s elapsed"


def test_a_terminal_that_reports_no_width_still_gets_a_bar(tmp_path):
    code, drawn = run_in_pty(
        [sys.executable, "-m", "parallax.cli", "index", str(DEMO)], env={"PARALLAX_DATA": str(tmp_path)}, columns=0
    )
    assert code == 0, drawn
    assert "14/14 [" in drawn


def test_the_last_progress_line_counts_a_broken_input_apart_from_the_articles(tmp_path):
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    (inputs / "good.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday after the storm.\n")
    (inputs / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    result = run_cli("index", str(inputs), data_dir=tmp_path / "data")
    assert "done: 1 articles, 1 failed in" in result.stderr, result.stderr
    assert "read 1 articles, indexed 1, failed 1" in result.stdout, result.stdout
