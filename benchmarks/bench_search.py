"""Search latency on an existing index, through the store interface (what
the portal calls per page view: hits, three facets, histogram).

    PARALLAX_DATA=/path/to/data python benchmarks/bench_search.py [--rounds 5]

Prints p50/p95/max milliseconds per query shape; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time

from store import SearchRequest, open_store

SHAPES = {
    "browse everything": SearchRequest(),
    "one word": SearchRequest(q="immigration"),
    "phrase": SearchRequest(q='"supreme court"'),
    "OR and exclusion": SearchRequest(q="tax OR budget -trump"),
    "word + outlet filter": SearchRequest(q="election", filters={"outlet": ["CNN (Online News)", "Fox News"]}),
    "word + person + place": SearchRequest(q="border", filters={"person": ["Donald Trump"], "place": ["Mexico"]}),
    "dates, newest first": SearchRequest(q="senate", date_from="2018-01-01", date_to="2018-12-31", sort="date"),
    "page 5": SearchRequest(q="police", page=5),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    store = open_store()
    print(json.dumps(store.stats()))
    for name, request in SHAPES.items():
        store.search(request)  # warm caches once
        times = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            response = store.search(request)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        print(
            f"{name:24s} total={response.total:6d}  p50={statistics.median(times):7.1f} ms  "
            f"p95={p95:7.1f} ms  max={times[-1]:7.1f} ms"
        )


if __name__ == "__main__":
    main()
