"""Search through the HTTP API under gunicorn, beside raw tantivy answering
the same queries in the same run.

    python benchmarks/bench_http.py --data DIR [--workers 2] [--rounds 20] [--throughput 400]

1. Starts `gunicorn -w WORKERS 'portal:create_app()'` on a loopback port and
   reports the time from start to the first answered /api/search.
2. Latency: a fixed mix of searches (words, a phrase, OR and exclusion,
   dates, paging, and filters on the outlet, person and place facets; every
   answer carries all facets and the histogram), one request at a time,
   `--rounds` times each: p50/p95/p99 per shape and over the mix.
3. The same queries answered by tantivy directly in this process (the
   store's own query objects: hits, the facet aggregations and the date
   histogram, no Python records, no Flask, no HTTP), and by the store in
   this process; each HTTP figure is also printed as a ratio to raw
   tantivy, which holds on a loaded or a faster machine. Raw tantivy's
   facets count over the share of the hits the store counts its unselected
   facets over (`facets_share` gives each sampled facet's share, none when
   every count was exact); `--facet-counts exact` measures every search
   counted over all matches.
4. Throughput: `--throughput` requests of the mix from `--clients` threads
   at once: requests per second.
5. A three-article comparison (/api/compare with three ids of one story).

Filter values are the most frequent outlet, person and place of the index
(so the mix means the same on any corpus). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from store import embedded_query as eq  # noqa: E402
from store.embedded import EmbeddedStore  # noqa: E402
from store.query import parse_query  # noqa: E402
from store.records import FACETS, SearchRequest  # noqa: E402


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def top_value(store: EmbeddedStore, facet: str) -> str:
    return store.search(SearchRequest(facet_size=1, facet_counts="exact")).facets[facet][0].value


def query_mix(store: EmbeddedStore) -> dict[str, dict]:
    outlet, person, place = (top_value(store, f) for f in ("outlet", "person", "place"))
    return {
        "one word": {"q": "immigration"},
        "phrase": {"q": '"supreme court"'},
        "OR and exclusion": {"q": "tax OR budget -trump"},
        "word + outlet": {"q": "election", "outlet": outlet},
        "word + person + place": {"q": "president", "person": person, "place": place},
        "three facets filtered": {"q": "police", "outlet": outlet, "person": person, "place": place},
        "dates, newest first": {"q": "senate", "from": "2018-01-01", "to": "2018-12-31", "sort": "date"},
        "browse, place filter": {"place": place},
        "page 5": {"q": "police", "page": "5"},
    }


def to_request(params: dict) -> SearchRequest:
    filters = {f: [params[f]] for f in FACETS if f in params}
    return SearchRequest(
        q=params.get("q", ""),
        filters=filters,
        date_from=params.get("from"),
        date_to=params.get("to"),
        sort=params.get("sort", "relevance"),
        page=int(params.get("page", 1)),
        facet_counts=params.get("facet_counts", "auto"),
    )


def raw_tantivy(store: EmbeddedStore, request: SearchRequest) -> Callable[[], object]:
    """The engine's share of one search: the same query objects the store
    builds, run straight on a searcher (hits, one terms aggregation per
    facet under every filter but its own, the store's histogram). The facets
    count over the share of the matches the store would count them over
    (`EmbeddedStore._share`: all of them with facet_counts=exact)."""
    text_query = eq.text_query(store.schema, store.analyzer, parse_query(request.q))
    scope = eq.scope_clauses(store.schema, request)
    hits_query = eq.all_of([text_query, *scope, *eq.facet_filters(store.schema, request, skip=None)])
    searcher = store._searcher()
    share = store._share(request, searcher.search(hits_query, 1, count=True).count)  # type: ignore[attr-defined]
    facet_queries = {
        name: eq.all_of([text_query, *scope, *eq.facet_filters(store.schema, request, skip=name)]) for name in FACETS
    }
    if share is not None:
        facet_queries = {name: share.of(query) for name, query in facet_queries.items()}
    offset = (request.page - 1) * request.size
    histogram = store._histogram()  # months, or days on an index without the month field

    def run() -> object:
        if request.sort == "date":
            from tantivy import Order

            result = searcher.search(
                hits_query, request.size, offset=offset, order_by_field="published", order=Order.Desc
            )
        else:
            result = searcher.search(hits_query, request.size, offset=offset)
        for address in (a for _, a in result.hits):
            searcher.doc(address)
        for name, query in facet_queries.items():
            searcher.aggregate(query, {name: {"terms": {"field": name, "size": request.facet_size}}})
        searcher.aggregate(hits_query, {"d": histogram})
        return result

    return run


def timed(call: Callable[[], object], rounds: int) -> list[float]:
    call()  # warm
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        call()
        times.append((time.perf_counter() - started) * 1000)
    return times


def http_get(url: str) -> tuple[int, bytes]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return response.status, response.read()


def start_gunicorn(data: str, workers: int, port: int) -> tuple[subprocess.Popen, float]:
    env = {**os.environ, "PARALLAX_DATA": data, "PARALLAX_BACKEND": "embedded"}
    started = time.monotonic()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            str(workers),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            "portal:create_app()",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/api/search?q=news"
    while True:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited: {server.stderr.read().decode()[-2000:]}")
        try:
            if http_get(url)[0] == 200:
                return server, time.monotonic() - started
        except OSError:
            time.sleep(0.02)


def process_tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its children
    (the gunicorn master and its workers), from /proc (Linux)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def figures(times: list[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(times), 2),
        "p95": round(percentile(times, 0.95), 2),
        "p99": round(percentile(times, 0.99), 2),
    }


def throughput(base: str, urls: list[str], total: int, clients: int, server_pid: int) -> dict[str, float]:
    lock = threading.Lock()
    todo = iter(range(total))
    errors = [0]
    latencies: list[float] = []

    def client() -> None:
        while True:
            with lock:
                n = next(todo, None)
            if n is None:
                return
            started = time.perf_counter()
            try:
                status, _ = http_get(base + urls[n % len(urls)])
                ok = status == 200
            except OSError:
                ok = False
            with lock:
                latencies.append((time.perf_counter() - started) * 1000)
                errors[0] += 0 if ok else 1

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started, cpu = time.perf_counter(), process_tree_cpu(server_pid)
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    server_cpu_ms = (process_tree_cpu(server_pid) - cpu) * 1000 / total
    return {
        "requests": total,
        "clients": clients,
        "seconds": round(wall, 2),
        "requests_per_second": round(total / wall, 1),
        "errors": errors[0],
        # Load-independent: the server's CPU per request, and what two idle cores would then serve.
        "server_cpu_ms_per_request": round(server_cpu_ms, 2),
        "requests_per_second_on_2_idle_cores_from_cpu": round(2000 / server_cpu_ms, 1) if server_cpu_ms else None,
        **{f"latency_{k}": v for k, v in figures(latencies).items()},
    }


def a_story_triple(store: EmbeddedStore) -> list[str] | None:
    """Three articles of one story (for the comparison figure)."""
    stories: dict[str, list[str]] = {}
    for n, article in enumerate(store.scan()):
        if article.story:
            members = stories.setdefault(article.story, [])
            members.append(article.id)
            if len(members) == 3:
                return members
        if n > 20_000:
            break
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--throughput", type=int, default=400)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument(
        "--facet-counts",
        choices=("auto", "exact"),
        default="auto",
        help="the searches' facet_counts (auto: what users get; exact: every match counted, as before sampling)",
    )
    args = parser.parse_args()

    store = EmbeddedStore(args.data, create=False)
    stats = store.stats()
    port = free_port()
    server, first_answer = start_gunicorn(args.data, args.workers, port)
    base = f"http://127.0.0.1:{port}"
    report: dict = {
        "articles": stats["articles"],
        "index_bytes": sum(p.stat().st_size for p in Path(stats["location"]).rglob("*") if p.is_file()),
        "gunicorn_workers": args.workers,
        "seconds_to_first_answer": round(first_answer, 2),
        "server_cpu_seconds_to_first_answer": round(process_tree_cpu(server.pid), 2),
        "load_average_at_start": os.getloadavg(),
        "shapes": {},
    }
    try:
        mix = query_mix(store)
        if args.facet_counts != "auto":
            mix = {name: {**params, "facet_counts": args.facet_counts} for name, params in mix.items()}
        report["facet_counts"] = args.facet_counts
        all_http, all_raw, all_store = [], [], []
        for name, params in mix.items():
            url = f"{base}/api/search?{urllib.parse.urlencode(params)}"
            http = timed(lambda url=url: http_get(url), args.rounds)
            request = to_request(params)
            raw = timed(raw_tantivy(store, request), args.rounds)
            in_process = timed(lambda request=request: store.search(request), args.rounds)
            answer = json.loads(http_get(url)[1])
            total = answer["total"]
            all_http += http
            all_raw += raw
            all_store += in_process
            report["shapes"][name] = {
                "total": total,
                "facets_share": {facet: how["share"] for facet, how in (answer.get("facets_sampled") or {}).items()},
                "http": figures(http),
                "store_in_process": figures(in_process),
                "raw_tantivy": figures(raw),
                "http_p50_over_raw_p50": round(statistics.median(http) / statistics.median(raw), 1),
                "http_p95_over_raw_p95": round(percentile(http, 0.95) / percentile(raw, 0.95), 1),
            }
        report["mix"] = {
            "http": figures(all_http),
            "store_in_process": figures(all_store),
            "raw_tantivy": figures(all_raw),
            "http_p95_over_raw_p95": round(percentile(all_http, 0.95) / percentile(all_raw, 0.95), 1),
            "http_p99_over_raw_p99": round(percentile(all_http, 0.99) / percentile(all_raw, 0.99), 1),
        }
        urls = [f"/api/search?{urllib.parse.urlencode(p)}" for p in mix.values()]
        report["throughput"] = throughput(base, urls, args.throughput, args.clients, server.pid)
        triple = a_story_triple(store)
        if triple:
            url = f"{base}/api/compare?" + urllib.parse.urlencode([("id", i) for i in triple])
            report["compare_three_articles"] = {"ids": triple, **figures(timed(lambda: http_get(url), args.rounds))}
        report["load_average_at_end"] = os.getloadavg()
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
