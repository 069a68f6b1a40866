"""Huge inputs are streamed: memory while reading a large JSON Lines file.

    python benchmarks/bench_huge_inputs.py [--gigabytes 2] [--folder DIR]

Writes a JSON Lines file of ordinary generated articles (about 2 KB each,
invented words, no real text) of the given size into a temporary folder,
plus one 50 MB line among them, then streams `read_inputs` over it (the
sources only: enriching a million articles is a different benchmark) and
prints the articles read, the failures (the long line), the time and the
peak resident memory of this process before and after. The file is removed.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from indexer.sources import ReadFailure, read_inputs
from store.records import Article

WORDS = "harbour council vote river bridge ferry strike court school market storm budget mayor union".split()
MIB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gigabytes", type=float, default=2.0)
    parser.add_argument("--folder", help="where to write the file (default: a temporary folder)")
    args = parser.parse_args()
    folder = Path(args.folder or tempfile.mkdtemp(prefix="parallax-huge-"))
    path = folder / "huge.jsonl"
    try:
        started = time.monotonic()
        written = _write(path, int(args.gigabytes * 1024 * MIB))
        wrote_seconds = time.monotonic() - started
        before = _peak_rss_mb()
        started = time.monotonic()
        articles = failures = 0
        for item in read_inputs([path]):
            if isinstance(item, Article):
                articles += 1
            elif isinstance(item, ReadFailure):
                failures += 1
        seconds = time.monotonic() - started
        print(
            json.dumps(
                {
                    "file_gb": round(written / 1024**3, 2),
                    "write_seconds": round(wrote_seconds, 1),
                    "articles_read": articles,
                    "failures": failures,
                    "read_seconds": round(seconds, 1),
                    "mb_per_second": round(written / MIB / seconds, 1),
                    "peak_rss_mb_before_reading": before,
                    "peak_rss_mb_after_reading": _peak_rss_mb(),
                },
                indent=2,
            )
        )
    finally:
        if args.folder:
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def _write(path: Path, size: int) -> int:
    rng = random.Random(13)
    paragraph = " ".join(rng.choice(WORDS) for _ in range(300))
    written = 0
    with open(path, "w", encoding="utf-8") as handle:
        number = 0
        while written < size:
            number += 1
            if number == 100_000:  # one 50 MB line, written in pieces so this process never holds it
                handle.write('{"id": "long", "text": "')
                for _ in range(10):
                    handle.write("word " * MIB)
                handle.write('"}\n')
                written += 50 * MIB + 26
                continue
            line = json.dumps({"id": f"a{number}", "title": f"Story {number}", "text": paragraph}) + "\n"
            handle.write(line)
            written += len(line)
    return written


def _peak_rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


if __name__ == "__main__":
    sys.exit(main())
