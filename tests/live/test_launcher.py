"""scripts/opensearch-local's own answers when it cannot or need not start
anything (no JVM is started here)."""

from __future__ import annotations

import socket
import subprocess
from pathlib import Path

from live_opensearch import LAUNCHER


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(LAUNCHER), *args], capture_output=True, text=True, timeout=60)


def test_a_busy_port_is_refused_with_its_number(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("start", "--port", str(port), "--dir", str(tmp_path))
    assert result.returncode == 1
    assert f"port(s) {port} already in use: choose another --port" in result.stderr
    assert result.stdout == ""  # stdout carries only a URL, and there is none


def test_stop_and_status_of_an_empty_folder(tmp_path: Path) -> None:
    stopped = run("stop", "--dir", str(tmp_path))
    assert stopped.returncode == 0 and "stopped 0 node(s)" in stopped.stderr
    status = run("status", "--dir", str(tmp_path))
    assert status.returncode == 1 and "nothing running" in status.stderr


def test_no_nodes_is_refused(tmp_path: Path) -> None:
    result = run("start", "--nodes", "0", "--dir", str(tmp_path))
    assert result.returncode == 1 and "--nodes must be 1 or more" in result.stderr
