"""Index a corpus with the real `parallax index` and print wall time, peak
memory (summed over the process tree, sampled twice a second), rate, the
CPU time of each process (the parent and the enrichment workers) and the
pipeline's own per-stage timing (read, enrich, prepare, write, commit,
group) from the ledger's summary of the run.

    python benchmarks/bench_index.py ../shared/corpus/allsides/articles.jsonl.gz [--data DIR] [-- extra index args]

Figures are printed, not asserted: speed is measured here, never in tests.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _tree(pid: int) -> list[int]:
    """pid and all its descendants, from /proc (Linux)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo += children.get(current, [])
    return found


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _cpu_seconds(pid: int) -> float:
    """utime + stime of one process, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _last_run_summary(data: str) -> dict:
    import sqlite3

    with sqlite3.connect(Path(data) / "ledger.sqlite") as db:
        row = db.execute("SELECT summary FROM runs ORDER BY run_id DESC LIMIT 1").fetchone()
    return json.loads(row[0] or "{}") if row else {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--data", help="data directory (default: a new temporary one)")
    parser.add_argument("--workers", type=int)
    args = parser.parse_args()
    data = args.data or tempfile.mkdtemp(prefix="parallax-bench-")
    # The default output a user gets when stderr is a pipe (progress lines, not a bar): the
    # benchmark measures what users run, progress reporting included.
    command = [sys.executable, "-m", "parallax.cli", "--data", data, "index", *args.paths]
    if args.workers:
        command += ["--workers", str(args.workers)]
    started = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak_tree = peak_single = 0.0
    cpu: dict[int, float] = {}  # last CPU seconds seen per process of the tree
    while process.poll() is None:
        tree = _tree(process.pid)
        sizes = [_rss_mib(p) for p in tree]
        peak_tree, peak_single = max(peak_tree, sum(sizes)), max(peak_single, max(sizes, default=0))
        for pid in tree:
            cpu[pid] = max(cpu.get(pid, 0.0), _cpu_seconds(pid))
        time.sleep(0.5)
    out, err = process.communicate()
    wall = time.monotonic() - started
    print(out[-3000:])
    print(err[-1500:] if process.returncode else "\n".join(err.splitlines()[-3:]), file=sys.stderr)
    stats = subprocess.run(
        [sys.executable, "-m", "parallax.cli", "--data", data, "status"], capture_output=True, text=True
    ).stdout
    articles = json.loads(stats[: stats.index("}") + 1])["articles"]
    parent_cpu = cpu.pop(process.pid, 0.0)
    summary = _last_run_summary(data)
    print(
        json.dumps(
            {
                "inputs": args.paths,
                "data": data,
                "exit_code": process.returncode,
                "articles_in_index": articles,
                "wall_seconds": round(wall, 1),
                "articles_per_second": round(articles / wall, 1) if wall else None,
                "peak_rss_mib_process_tree": round(peak_tree),
                "peak_rss_mib_largest_process": round(peak_single),
                "cpu_seconds_parent_sampled": round(parent_cpu, 1),
                "cpu_seconds_workers_sampled": [round(c, 1) for c in cpu.values() if c > 0.5],
                "pipeline_timing": summary.get("timing"),
                "stories": (summary.get("stories") or {}).get("timing"),
                "cores": os.cpu_count(),
                "load_average_at_end": os.getloadavg(),
            },
            indent=2,
        )
    )
    return process.returncode


if __name__ == "__main__":
    sys.exit(main())
