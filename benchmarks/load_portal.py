"""A bounded load test of the portal under gunicorn on 127.0.0.1.

    python benchmarks/load_portal.py [--requests 3000] [--concurrency 8] [--seconds 120]
                                     [--workers 2] [--threads 4] [--data DIR]

Indexes the bundled fictional demo corpus into a temporary data directory
(unless --data names an indexed one), starts `gunicorn 'portal:create_app()'`
on a free loopback port, sends a fixed number of GET requests from
`--concurrency` threads (a mix of searches, facets, articles, comparisons,
the JSON API and malformed or hostile URLs), stops at the request count or
the time cap, whichever comes first, stops gunicorn, and prints requests/s,
latency percentiles, errors (5xx, timeouts, refused connections; a 4xx
for a malformed URL is the right answer, counted apart) and the resident
memory of gunicorn's processes before and after.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "parallax" / "demo_corpus"
WARM_UP_REQUESTS = 200
MALFORMED = [
    "/api/search?q=%22unclosed",
    "/?page=0",
    "/api/search?size=100000",
    "/?from=yesterday",
    "/api/articles/no-such-article",
    "/articles/%3Cscript%3E",
    "/compare?n=abc",
    "/?q=" + urllib.parse.quote("<script>alert(1)</script>"),
]


def main() -> int:
    args = _arguments()
    data = Path(args.data) if args.data else _index_demo()
    port = _free_port()
    server = _start_gunicorn(data, port, args.workers, args.threads)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base)
        paths = _request_mix(base, args.requests, random.Random(args.seed))
        started_rss = _rss_of_tree(server.pid)
        _run(base, paths[:WARM_UP_REQUESTS], args.concurrency, args.seconds)
        before = _rss_of_tree(server.pid)
        result = _run(base, paths, args.concurrency, args.seconds)
        after = _rss_of_tree(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    report = {
        "server": f"gunicorn -w {args.workers} --threads {args.threads} (gthread) on 127.0.0.1",
        "concurrency": args.concurrency,
        "requests_planned": args.requests,
        "time_cap_seconds": args.seconds,
        **result,
        "rss_mb_at_start": started_rss,
        "rss_mb_after_warm_up": before,
        "rss_mb_after_run": after,
        "rss_growth_mb": round(after - before, 1),
        "load_note": f"machine load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores",
    }
    print(json.dumps(report, indent=2))
    return 0 if result["errors"] == 0 else 1


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=120.0, help="time cap for the measured run")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--data", help="an indexed data directory (default: index the demo corpus)")
    parser.add_argument("--seed", type=int, default=15)
    return parser.parse_args()


def _index_demo() -> Path:
    data = Path(tempfile.mkdtemp(prefix="parallax-load-"))
    env = {**os.environ, "PARALLAX_DATA": str(data)}
    command = [sys.executable, "-m", "parallax.cli", "index", str(DEMO)]
    subprocess.run(command, check=True, env=env, cwd=REPO, stdout=subprocess.DEVNULL)
    return data


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(data: Path, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"}
    command = [
        sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
        "--threads", str(threads), "--worker-class", "gthread", "--log-level", "warning", "portal:create_app()",
    ]  # fmt: skip
    return subprocess.Popen(command, env=env, cwd=REPO)


def _wait_until_up(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(base + "/api/stats", timeout=5).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"gunicorn did not answer on {base} within {seconds:.0f} s")


def _request_mix(base: str, count: int, rng: random.Random) -> list[str]:
    """`count` paths: what readers do most (search, browse, read), then the
    API, comparisons, and a share of malformed and hostile URLs."""
    hits = json.load(urllib.request.urlopen(base + "/api/search?size=100", timeout=30))
    ids = [hit["id"] for hit in hits["hits"]]
    outlets = [v["value"] for v in hits["facets"]["outlet"]]
    words = ["flood", "barrier", "fire", "strike", "port", "court", "privacy", '"flood barrier"', "fire OR flood"]
    makers = [
        (30, lambda: "/?q=" + urllib.parse.quote(rng.choice(words))),
        (10, lambda: "/?outlet=" + urllib.parse.quote(rng.choice(outlets))),
        (20, lambda: "/articles/" + rng.choice(ids)),
        (15, lambda: "/api/search?q=" + urllib.parse.quote(rng.choice(words)) + "&sort=date"),
        (5, lambda: "/api/articles/" + rng.choice(ids)),
        (5, lambda: "/compare?q=" + urllib.parse.quote(rng.choice(words))),
        (5, lambda: "/search.csv?q=" + urllib.parse.quote(rng.choice(words))),
        (10, lambda: rng.choice(MALFORMED)),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def _run(base: str, paths: list[str], concurrency: int, cap: float) -> dict:
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    queue = iter(paths)
    stop_at = time.monotonic() + cap

    def worker() -> None:
        while time.monotonic() < stop_at:
            with lock:
                path = next(queue, None)
            if path is None:
                return
            began = time.perf_counter()
            status = _get(base + path)
            elapsed = time.perf_counter() - began
            with lock:
                latencies.append(elapsed)
                statuses[status] = statuses.get(status, 0) + 1

    started = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    ordered = sorted(latencies)
    errors = sum(n for status, n in statuses.items() if status[0] not in "234")  # 5xx, timeouts, refusals
    return {
        "requests_sent": len(latencies),
        "seconds": round(seconds, 1),
        "requests_per_second": round(len(latencies) / seconds, 1) if seconds else None,
        "latency_ms_p50": round(1000 * statistics.median(ordered), 1) if ordered else None,
        "latency_ms_p95": round(1000 * ordered[int(0.95 * (len(ordered) - 1))], 1) if ordered else None,
        "latency_ms_p99": round(1000 * ordered[int(0.99 * (len(ordered) - 1))], 1) if ordered else None,
        "statuses": dict(sorted(statuses.items())),
        "client_errors_4xx": sum(n for status, n in statuses.items() if status.startswith("4")),
        "errors": errors,
        "stopped_by_time_cap": len(latencies) < len(paths),
    }


def _get(url: str) -> str:
    """The status as text, or what went wrong ('timeout', 'refused', ...)."""
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            response.read()
            return str(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        return str(error.code)
    except TimeoutError:
        return "timeout"
    except OSError as exc:
        return type(exc).__name__


def _rss_of_tree(pid: int) -> float:
    """Resident memory (MB) of a process and its children (gunicorn's workers)."""
    total_kb = 0
    for process in [pid, *_children(pid)]:
        try:
            status = Path(f"/proc/{process}/status").read_text()
        except OSError:
            continue
        total_kb += next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)
    return round(total_kb / 1024, 1)


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return children


if __name__ == "__main__":
    sys.exit(main())
