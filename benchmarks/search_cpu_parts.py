"""Where the CPU of one search goes, in process: the store answering
bench_http's fixed mix, each part timed (process CPU) where the store calls
tantivy or decodes, beside raw tantivy answering the same queries.

    python benchmarks/search_cpu_parts.py --data DIR [--rounds 10]

Parts: the shared first facet round with the histogram (one aggregation),
the exact second round of facet candidates (filter aggregations), the own
first round of each facet with a value selected, the hits' search, record
decoding, snippets (`to_hit`), the alias notes and filter look-ups, and
`to_dict` + JSON (the alias notes' own searches and decodes also count in
those rows). Prints milliseconds of CPU per search; asserts nothing.
CPU time, not wall time, so the split holds on a loaded machine.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_http import query_mix, raw_tantivy, to_request  # noqa: E402

import store.embedded as embedded  # noqa: E402
import store.lookups as lookups  # noqa: E402
from store import embedded_query as eq  # noqa: E402

CPU: Counter[str] = Counter()


def aggregation_kind(aggregations: dict[str, Any]) -> str:
    if "dates" in aggregations:
        return "facets: shared first round + histogram" if len(aggregations) > 1 else "histogram alone (sampled facets)"
    if "counted" in aggregations:
        return "facets: shared first round over a share"
    first = next(iter(aggregations.values()))
    if "filter" in first:
        return "facets: exact second round (filter aggregations)"
    if first["terms"]["size"] >= embedded.FACET_SEGMENT_TERMS:
        return "facets: every term (no proof)"
    return "facets: own first round of a selected facet"


class TimedSearcher:
    """A searcher whose aggregate/search/doc calls add their CPU to CPU."""

    def __init__(self, searcher: Any):
        self.searcher = searcher

    def __getattr__(self, name: str) -> Any:
        return getattr(self.searcher, name)

    def aggregate(self, query: Any, aggregations: dict[str, Any]) -> Any:
        started = time.process_time()
        result = self.searcher.aggregate(query, aggregations)
        CPU[aggregation_kind(aggregations)] += time.process_time() - started
        return result

    def search(self, *args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = self.searcher.search(*args, **kwargs)
        limit = args[1] if len(args) > 1 else kwargs.get("limit", 10)
        part = "hits: tantivy search" if limit > 1 else "searches of one hit (counts, look-ups)"
        CPU[part] += time.process_time() - started
        return result


def timed(part: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.process_time()
        result = function(*args, **kwargs)
        CPU[part] += time.process_time() - started
        return result

    return wrapper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    store = embedded.EmbeddedStore(args.data, create=False)
    mix = query_mix(store)
    requests = [to_request(params) for params in mix.values()]
    raw = [raw_tantivy(store, request) for request in requests]

    searcher_of = store._searcher
    store._searcher = lambda: TimedSearcher(searcher_of())  # type: ignore[method-assign]
    generator = eq.snippet_generator  # tantivy checks the searcher's type there
    eq.snippet_generator = lambda searcher, *rest: generator(getattr(searcher, "searcher", searcher), *rest)
    embedded.to_record = timed("hits: decode records", embedded.to_record)
    eq.to_hit = timed("hits: snippets and Hit (to_hit)", eq.to_hit)
    lookups.alias_matches = timed("alias notes", lookups.alias_matches)
    lookups.resolve_filters = timed("filter look-ups", lookups.resolve_filters)

    for request in requests:  # warm
        store.search(request)
    CPU.clear()
    started = time.process_time()
    per_shape: Counter[str] = Counter()
    for _ in range(args.rounds):
        for shape, request in zip(mix, requests, strict=True):
            searching = time.process_time()
            response = store.search(request)
            encoding = time.process_time()
            json.dumps(response.to_dict())
            CPU["to_dict + JSON"] += time.process_time() - encoding
            per_shape[shape] += time.process_time() - searching
    searches = args.rounds * len(requests)
    total = (time.process_time() - started) * 1000 / searches
    for run in raw:
        run()
    started = time.process_time()
    for _ in range(args.rounds):
        for run in raw:
            run()
    raw_total = (time.process_time() - started) * 1000 / searches
    report = {
        "segments": store._searcher().num_segments,
        "store_cpu_ms_per_search": round(total, 2),
        "raw_tantivy_cpu_ms_per_search": round(raw_total, 2),
        "parts_ms_per_search": {part: round(cpu * 1000 / searches, 2) for part, cpu in CPU.most_common()},
        "store_cpu_ms_per_shape": {shape: round(cpu * 1000 / args.rounds, 2) for shape, cpu in per_shape.items()},
    }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
