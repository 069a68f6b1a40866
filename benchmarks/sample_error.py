"""How far sampled facet counts are from the exact ones: bench_http's mix
(and a few broader searches) answered twice by the store, facet_counts
"auto" and "exact", every facet's top values compared.

    python benchmarks/sample_error.py --data DIR

For each search whose facets were sampled and each facet: the relative
error of every estimated value shown (|estimate - exact| / exact, the exact
count of that value from the exact answer, or counted when it is not in
its top), how many of the exact top 10 are in the estimated top 10, and
whether the first value is the same. Prints JSON; asserts nothing.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_http import query_mix, to_request  # noqa: E402

from store.embedded import EmbeddedStore  # noqa: E402
from store.records import SearchRequest  # noqa: E402

BROADER = {"browse everything": {}, "common word": {"q": "said"}, "two words": {"q": "president trump"}}
SHOWN = 10  # values a reader sees beside the results


def exact_count(store: EmbeddedStore, request: SearchRequest, facet: str, value: str) -> int:
    """Matches of the request without its own filter on `facet`, with `value`."""
    filters = {name: values for name, values in request.filters.items() if name != facet}
    filters[facet] = [value]
    probe = dataclasses.replace(request, filters=filters, size=1, facet_size=0, facet_counts="exact")
    return store.run_search(probe).total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    store = EmbeddedStore(args.data, create=False)
    searches = {**query_mix(store), **BROADER}
    errors: list[float] = []
    report: dict = {"searches": {}}
    for name, params in searches.items():
        request = to_request(params)
        sampled = store.search(request)
        if sampled.facets_sampled is None:
            report["searches"][name] = {"total": sampled.total, "sampled": False}
            continue
        exact = store.search(dataclasses.replace(request, facet_counts="exact"))
        facets = {}
        for facet in sampled.facets_sampled:
            shown = [v for v in sampled.facets[facet][:SHOWN] if not v.selected]
            truth = {v.value: v.count for v in exact.facets[facet]}
            relative = []
            for value in shown:
                real = truth.get(value.value) or exact_count(store, request, facet, value.value)
                relative.append(abs(value.count - real) / real)
            errors += relative
            exact_top = [v.value for v in exact.facets[facet][:SHOWN]]
            estimated_top = [v.value for v in sampled.facets[facet][:SHOWN]]
            facets[facet] = {
                "median_relative_error": round(statistics.median(relative), 4) if relative else None,
                "worst_relative_error": round(max(relative), 4) if relative else None,
                "exact_top_10_in_estimated_top_10": len(set(exact_top) & set(estimated_top)),
                "same_first_value": bool(exact_top) and exact_top[:1] == estimated_top[:1],
            }
        report["searches"][name] = {"total": sampled.total, "sampled": sampled.facets_sampled, "facets": facets}
    report["all_values_shown"] = {
        "values": len(errors),
        "median_relative_error": round(statistics.median(errors), 4) if errors else None,
        "p90_relative_error": round(sorted(errors)[int(0.9 * (len(errors) - 1))], 4) if errors else None,
        "worst_relative_error": round(max(errors), 4) if errors else None,
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
