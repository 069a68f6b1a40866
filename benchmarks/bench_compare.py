"""Server time of a three-article comparison.

  PARALLAX_DATA=/path/to/index python benchmarks/bench_compare.py [--repeat 20] [--samples 20]

Picks up to `--samples` sets of three articles that share a story (else
the first three articles the store returns) and times, for each, the
whole request through the real portal (Flask test client: store reads,
comparison, JSON) and the comparison alone. Prints medians and p90 in ms.
No assertions: a benchmark reports figures.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from portal import create_app  # noqa: E402
from portal.compare.comparison import build_comparison  # noqa: E402


def triples(store, samples: int) -> list[list[str]]:
    stories: dict[str, list[str]] = {}
    first: list[str] = []
    for article in store.scan():
        if len(first) < 3:
            first.append(article.id)
        if article.story:
            stories.setdefault(article.story, []).append(article.id)
    sets = [ids[:3] for ids in stories.values() if len(ids) >= 3][:samples]
    return sets or [first]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return round(values[min(len(values) - 1, int(q * len(values)))], 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--samples", type=int, default=20)
    args = parser.parse_args()
    app = create_app()
    store = app.extensions["parallax.store"]
    client = app.test_client()
    request_ms, build_ms, sizes = [], [], []
    for ids in triples(store, args.samples):
        url = "/api/compare?" + "&".join(f"id={i}" for i in ids)
        client.get(url)  # warm caches
        articles = store.get_many(ids)
        sizes.append(sum(len(a.text or "") for a in articles))
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            response = client.get(url)
            request_ms.append(1000 * (time.perf_counter() - t0))
            assert response.status_code == 200, response.get_data(as_text=True)
            t0 = time.perf_counter()
            build_comparison(articles)
            build_ms.append(1000 * (time.perf_counter() - t0))
    print(
        json.dumps(
            {
                "comparisons": len(sizes),
                "repeats": args.repeat,
                "chars_per_comparison_median": int(statistics.median(sizes)),
                "request_ms": {
                    "median": pct(request_ms, 0.5),
                    "p90": pct(request_ms, 0.9),
                    "max": round(max(request_ms), 1),
                },
                "build_comparison_ms": {"median": pct(build_ms, 0.5), "p90": pct(build_ms, 0.9)},
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
