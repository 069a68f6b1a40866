"""Helpers for tests: the CLI in a subprocess, the portal on a loopback port,
and the path of ../shared. Importable from any test folder as `support`
(pyproject sets pytest's pythonpath to tests/)."""

from __future__ import annotations

import os
import random
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from store.records import EnrichedArticle, Entity

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"


def require_shared(*parts: str) -> Path:
    """A path under ../shared; skip when missing, but FAIL in CI (CI set)."""
    path = SHARED_DIR.joinpath(*parts)
    if not path.exists():
        message = f"{path} is missing: tests marked shared_corpus need ../shared beside the checkout"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_cli(
    *args: str, data_dir: Path | None = None, env: dict | None = None, timeout: int = 600
) -> subprocess.CompletedProcess:
    """Run the real `parallax` console entry point in a subprocess."""
    full_env = {**os.environ, **(env or {})}
    if data_dir is not None:
        full_env["PARALLAX_DATA"] = str(data_dir)
    return subprocess.run(
        [sys.executable, "-m", "parallax.cli", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=REPO_ROOT,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """The real portal served over HTTP on a loopback port, in a thread."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._server = make_server("127.0.0.1", self.port, app, threaded=True)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> LiveServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(timeout=5)

    def get(self, path: str):
        """(status, parsed JSON or text) of a GET request."""
        import json
        import urllib.error
        import urllib.request

        try:
            with urllib.request.urlopen(self.url + path, timeout=30) as response:
                status, body, kind = (
                    response.status,
                    response.read().decode("utf-8"),
                    response.headers.get_content_type(),
                )
        except urllib.error.HTTPError as error:
            status, body, kind = error.code, error.read().decode("utf-8"), error.headers.get_content_type()
        return status, json.loads(body) if kind == "application/json" else body


def run_in_pty(command: list[str], env: dict | None = None, columns: int = 100, timeout: int = 600) -> tuple[int, str]:
    """Run a command with stdin, stdout and stderr on a pseudo-terminal of
    `columns` width, as in a user's terminal; (exit code, everything it drew)."""
    import fcntl
    import pty
    import select
    import struct
    import termios
    import time

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    process = subprocess.Popen(
        command, stdin=slave, stdout=slave, stderr=slave, env={**os.environ, **(env or {})}, cwd=REPO_ROOT
    )
    os.close(slave)
    drawn = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                drawn += chunk
            elif process.poll() is not None:
                break
        else:
            process.kill()
    finally:
        os.close(master)
    return process.wait(timeout=30), drawn.decode("utf-8", "replace")


# Invented articles for the sampled facet counts' tests (store and portal).
SAMPLED_ARTICLES = 3_000
_OUTLETS = [f"Outlet {n}" for n in range(12)]
_PEOPLE = [f"Person {n}" for n in range(40)]


def skewed_news_corpus() -> list[EnrichedArticle]:
    """Skewed outlets and people (a few frequent, many rare); a third of the
    articles say "harbour", all say "news"."""
    rng = random.Random(7)
    outlet_weights = [1 / (rank + 1) for rank in range(len(_OUTLETS))]
    people_weights = [1 / (rank + 1) ** 1.2 for rank in range(len(_PEOPLE))]
    articles = []
    for n in range(SAMPLED_ARTICLES):
        names = sorted(set(rng.choices(_PEOPLE, weights=people_weights, k=rng.randint(1, 3))))
        articles.append(
            EnrichedArticle(
                id=f"s{n}",
                text="news harbour" if n % 3 == 0 else "news",
                outlet=rng.choices(_OUTLETS, weights=outlet_weights)[0],
                published=f"20{10 + n % 12}-0{1 + n % 9}-15",
                entities=[Entity(name, "PERSON", 0, len(name), name) for name in names],
            )
        )
    return articles
