"""Bulk rate and search latency of the OpenSearch backend on a live node,
beside the embedded backend's, on the same enriched articles.

    scripts/opensearch-local start            # prints the URL
    parallax --data /tmp/bench index ../shared/corpus/allsides/articles.jsonl.gz   # or a sample
    python benchmarks/bench_opensearch.py --data /tmp/bench --url http://127.0.0.1:9200 [--rounds 20]

The articles are read back from the embedded index in --data (enrichment is
not timed), written to a fresh embedded index and a fresh OpenSearch alias
in windows of 1024 (as `parallax index` does), then the search shapes of
bench_search.py run on both. Also times small writes (32 articles per call),
where a refresh per call costs most. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_search import SHAPES  # noqa: E402

from store.embedded import EmbeddedStore  # noqa: E402
from store.opensearch import OpenSearchStore  # noqa: E402
from store.settings import Settings  # noqa: E402

WINDOW = 1024
SMALL = 32


def write_rate(store, articles: list, batch: int) -> float:
    started = time.perf_counter()
    for i in range(0, len(articles), batch):
        report = store.index(articles[i : i + batch])
        assert not report.failed, list(report.failed.items())[:3]
    return len(articles) / (time.perf_counter() - started)


def latencies(store, rounds: int) -> dict[str, tuple[float, float]]:
    figures = {}
    for name, request in SHAPES.items():
        store.search(request)  # warm caches once
        times = []
        for _ in range(rounds):
            started = time.perf_counter()
            store.search(request)
            times.append((time.perf_counter() - started) * 1000)
        times.sort()
        figures[name] = (statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))])
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="a data directory already indexed with the embedded backend")
    parser.add_argument("--url", required=True, help="a live OpenSearch node")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--small", type=int, default=2048, help="articles written 32 at a time")
    args = parser.parse_args()
    articles = list(EmbeddedStore(Path(args.data)).scan())
    print(f"{len(articles)} enriched articles from {args.data}")

    embedded = EmbeddedStore(Path(tempfile.mkdtemp(prefix="bench-embedded-")))
    live = OpenSearchStore.from_settings(Settings(opensearch_url=args.url, index="parallax-bench"))
    small_live = OpenSearchStore.from_settings(Settings(opensearch_url=args.url, index="parallax-bench-small"))
    for store in (live, small_live):
        store.client.indices.delete(index=f"{store.alias}-v*", ignore_unavailable=True)
    small_embedded = EmbeddedStore(Path(tempfile.mkdtemp(prefix="bench-embedded-small-")))

    rates = {
        "embedded": write_rate(embedded, articles, WINDOW),
        "opensearch": write_rate(live, articles, WINDOW),
    }
    small = articles[: args.small]
    small_rates = {
        "embedded": write_rate(small_embedded, small, SMALL),
        "opensearch": write_rate(small_live, small, SMALL),
    }
    print(f"\nbulk write, {WINDOW} per call (articles/s):   " + "  ".join(f"{k} {v:7.0f}" for k, v in rates.items()))
    print(
        f"small writes, {SMALL} per call (articles/s):   " + "  ".join(f"{k} {v:7.0f}" for k, v in small_rates.items())
    )

    figures = {"embedded": latencies(embedded, args.rounds), "opensearch": latencies(live, args.rounds)}
    print(f"\nsearch latency, ms over {args.rounds} rounds   embedded p50   p95   opensearch p50   p95")
    for name in SHAPES:
        (e50, e95), (o50, o95) = figures["embedded"][name], figures["opensearch"][name]
        print(f"{name:38s} {e50:8.1f} {e95:6.1f} {o50:16.1f} {o95:6.1f}")
    for backend, shapes in figures.items():
        print(f"worst p95 {backend}: {max(p95 for _, p95 in shapes.values()):.1f} ms")
    for store in (live, small_live):
        store.client.indices.delete(index=f"{store.alias}-v*", ignore_unavailable=True)


if __name__ == "__main__":
    main()
