"""Incremental story grouping: index the rest of a corpus into a copy of a
data directory that holds (and has grouped) its first part, and print how
long the regrouping took, how many articles it reread, and how its events
differ from a full regroup (`parallax stories`) of the same articles.

    # once: the first 35,434 AllSides records, grouped
    PARALLAX_DATA=/tmp/first parallax index first.jsonl.gz && PARALLAX_DATA=/tmp/first parallax stories
    python benchmarks/bench_incremental.py --base /tmp/first last1000.jsonl.gz

Figures are printed, not asserted (speed is measured here, never in tests).
The base directory is not modified: the run works on a copy.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.pipeline import index_paths  # noqa: E402
from indexer.stories import group_stories  # noqa: E402
from store import Settings, open_store  # noqa: E402


def partition(store) -> dict[str, frozenset[str]]:
    """article id -> the ids of its event (itself alone when in none)."""
    members: dict[str, set[str]] = {}
    events = {}
    for article in store.scan():
        events[article.id] = article.story
        if article.story:
            members.setdefault(article.story, set()).add(article.id)
    return {i: frozenset(members[s]) if s else frozenset([i]) for i, s in events.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base", type=Path, required=True, help="data directory holding the first part, grouped")
    parser.add_argument("paths", nargs="+", help="the articles to add")
    parser.add_argument("--keep", type=Path, help="work in this directory (kept) instead of a temporary copy")
    parser.add_argument(
        "--incremental-only",
        action="store_true",
        help="skip the full regroup afterwards (the kept directory then holds the incremental result)",
    )
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="parallax-incremental-"))
    if work.exists():
        shutil.rmtree(work)
    shutil.copytree(args.base, work)
    try:
        store = open_store(Settings(backend="embedded", data_dir=work))
        started = time.perf_counter()
        summary = index_paths(args.paths, store, progress=False)
        total = time.perf_counter() - started
        incremental = summary.stories or {}
        after_incremental = partition(store)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if args.incremental_only:
            full, after_full = {}, after_incremental
        else:
            full = group_stories(store)
            after_full = partition(store)
        # Without the full regroup there is nothing to compare: say so rather than print 0.
        differ = (
            None
            if args.incremental_only
            else sorted(i for i in after_full if after_full[i] != after_incremental.get(i))
        )
        print(
            json.dumps(
                {
                    "added": summary.indexed,
                    "index_run_s": round(total, 1),
                    "regroup_mode": incremental.get("mode"),
                    "regroup_s": incremental.get("seconds"),
                    "regroup_cpu_s": incremental.get("cpu_seconds"),
                    "regroup_region_articles": incremental.get("region_articles"),
                    "regroup_changed": incremental.get("changed"),
                    "peak_rss_mib_of_index_run": round(peak_mib),
                    "full_regroup_s": full.get("seconds"),
                    "full_regroup_cpu_s": full.get("cpu_seconds"),
                    "full_regroup_changed": full.get("changed"),
                    "articles_whose_event_differs_full_vs_incremental": (
                        "not compared (--incremental-only)" if differ is None else len(differ)
                    ),
                    "of_articles": len(after_full),
                    "examples": (differ or [])[:10],
                },
                indent=1,
            )
        )
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
