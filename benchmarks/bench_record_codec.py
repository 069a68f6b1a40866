"""CPU cost of the stored record: preparing a document (what each enrichment
lane does per article after enriching it) and decoding a stored record (what
a search does per hit), per article, in microseconds of process CPU.

    python benchmarks/bench_record_codec.py --data DIR [--into DIR] [-n 2000] [--rounds 3]

`--data`: an embedded data folder; its first N records are decoded as a search
hit decodes them (`to_record(..., mentions=False)`) and as an article page does
(with mentions), then prepared again by the store of `--into` (default: a copy
of DIR's dictionaries in a temporary folder, so the lanes' compression uses
the dictionary DIR's own records use). Prints the record's compressed size too.
Each figure is the best of `--rounds`. Runs on older code as well (no
dictionary: the figures then are zlib's), for a before/after comparison.
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tantivy  # noqa: E402

from store.embedded import EmbeddedStore  # noqa: E402
from store.embedded_schema import RECORD_FIELD, to_record  # noqa: E402


def best_microseconds(work: Callable[[], Any], count: int, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        work()
        best = min(best, time.process_time() - started)
    return best / count * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="embedded data folder to read records from")
    parser.add_argument("--into", help="data folder whose store prepares the documents (default: see above)")
    parser.add_argument("-n", type=int, default=2000, help="records")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    source = EmbeddedStore(args.data, create=False)
    searcher = source._any_searcher()
    hits = searcher.search(tantivy.Query.all_query(), args.n, count=False).hits
    documents = [searcher.doc(address) for _, address in hits]
    payloads = [bytes(d.to_dict()[RECORD_FIELD][0]) for d in documents]
    count = len(documents)
    articles = [to_record(d) for d in documents]

    with tempfile.TemporaryDirectory() as scratch:
        into = Path(args.into) if args.into else Path(scratch) / "into"
        if not args.into and (Path(args.data) / "dictionaries").exists():
            shutil.copytree(Path(args.data) / "dictionaries", into / "dictionaries")
        target = EmbeddedStore(into)
        prepared = [target.prepare(a) for a in articles]
        record_bytes = sum(len(base64.b64decode(json.loads(p)[RECORD_FIELD])) for p in prepared) / count
        print(f"{count:,} records of {args.data}; stored payload {sum(map(len, payloads)) / count:,.0f} B as read")
        print(f"  prepared again by the store of {into if args.into else 'a copy of its dictionaries'}")
        print(f"  record as prepared now            {record_bytes:9,.0f} B")
        timings: dict[str, Callable[[], Any]] = {
            "prepare (a lane, per article)": lambda: [target.prepare(a) for a in articles],
            "decode a search hit (no mentions)": lambda: [to_record(d, mentions=False) for d in documents],
            "decode a whole record": lambda: [to_record(d) for d in documents],
        }
        for name, work in timings.items():
            print(f"  {name:34} {best_microseconds(work, count, args.rounds):9,.1f} us")


if __name__ == "__main__":
    main()
