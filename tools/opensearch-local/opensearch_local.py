"""Start and stop real OpenSearch nodes on loopback, from Maven Central's jars.

    scripts/opensearch-local start [--nodes N] [--port P] [--dir DIR]
    scripts/opensearch-local stop [--dir DIR]
    scripts/opensearch-local status [--dir DIR]

`start` builds the launcher in this folder with Maven (cached in ~/.m2 and
target/ after the first time), starts N JVMs (node i answers HTTP on P+i;
transport ports are chosen free), waits until the cluster is green (yellow
for one node: a replica has nowhere to go) and prints the first node's URL
on its own line. Each node's data, log and pid live under DIR/node-i/, and
DIR/cluster.json says what runs. Standard library only: it runs before any
virtual environment exists.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent.parent
DEFAULT_DIR = CHECKOUT / ".opensearch-local"
DEFAULT_PORT = 9200
MAIN_CLASS = "org.parallax.opensearchlocal.LocalNode"
# Small heaps: the machines running the tests are shared and have 2 cores.
DEFAULT_HEAP = ["-Xms256m", "-Xmx512m"]
# Flags the official distribution's jvm.options sets that matter outside Docker.
JVM_FLAGS = [
    "-XX:+UseG1GC",
    "-XX:+ExitOnOutOfMemoryError",
    "-Dfile.encoding=UTF-8",
    "-Dlog4j2.disable.jmx=true",
    "-Dlog4j.shutdownHookEnabled=false",
    "-Dio.netty.noUnsafe=true",
    "-Dio.netty.recycler.maxCapacityPerThread=0",
]
START_TIMEOUT = float(os.environ.get("OPENSEARCH_LOCAL_TIMEOUT", "300"))
STOP_TIMEOUT = 30.0
LOG4J2 = """status = error
appender.console.type = Console
appender.console.name = console
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d{ISO8601}][%-5p][%-25c{1.}] [%node_name]%marker %m%n
rootLogger.level = info
rootLogger.appenderRef.console.ref = console
"""


class LauncherError(Exception):
    """Something the user must fix; the message says what."""


def say(message: str) -> None:
    """Progress goes to stderr: stdout carries only the URL."""
    print(f"opensearch-local: {message}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- build


def java_binary() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    found = shutil.which("java")
    if not found:
        raise LauncherError("no Java found (install OpenJDK 17 or set JAVA_HOME)")
    return found


def missing_tools() -> list[str]:
    """What this machine lacks to run a node ('java', 'mvn'); empty when all is there."""
    missing = []
    if not (
        shutil.which("java") or (os.environ.get("JAVA_HOME") and Path(os.environ["JAVA_HOME"], "bin/java").exists())
    ):
        missing.append("java")
    if not shutil.which("mvn"):
        missing.append("mvn")
    return missing


def _build_is_current(target: Path) -> bool:
    stamp = target / "classpath.txt"
    if not stamp.exists() or not (target / "opensearch-local-1.jar").exists():
        return False
    sources = [HERE / "pom.xml", *HERE.glob("src/**/*.java")]
    return all(s.stat().st_mtime <= stamp.stat().st_mtime for s in sources)


def build() -> str:
    """The launcher's classpath, building it with Maven when the sources
    changed. Offline first (everything cached in ~/.m2), then online."""
    target = HERE / "target"
    target.mkdir(exist_ok=True)
    with open(target / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two starts at once build once
        if not _build_is_current(target):
            if not shutil.which("mvn"):
                raise LauncherError("Maven (mvn) is needed to build the node launcher the first time")
            say("building the node launcher with Maven (first time: downloads OpenSearch's jars)")
            command = ["mvn", "-B", "-q", "package", "-DskipTests", "-f", str(HERE / "pom.xml")]
            if subprocess.run([*command, "-o"], capture_output=True, text=True).returncode != 0:
                result = subprocess.run(command, capture_output=True, text=True)
                if result.returncode != 0:
                    raise LauncherError("Maven build failed:\n" + (result.stdout + result.stderr)[-4000:])
    classpath = (target / "classpath.txt").read_text().strip()
    return f"{target / 'opensearch-local-1.jar'}{os.pathsep}{classpath}"


# ---------------------------------------------------------------- ports and state


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def state_file(directory: Path) -> Path:
    return directory / "cluster.json"


def read_state(directory: Path) -> dict | None:
    try:
        return json.loads(state_file(directory).read_text())
    except (OSError, ValueError):
        return None


def is_our_node(pid: int, directory: Path) -> bool:
    """The pid still runs this launcher for this DIR (not a recycled pid)."""
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True  # no /proc (macOS): trust the pid file
    return MAIN_CLASS in cmdline and str(directory) in cmdline


def running_pids(directory: Path) -> list[int]:
    state = read_state(directory) or {}
    return [n["pid"] for n in state.get("nodes", []) if is_our_node(n["pid"], directory)]


def http_get(url: str, timeout: float = 5.0) -> dict:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.loads(response.read())


# ---------------------------------------------------------------- start


def node_settings(i: int, n: int, directory: Path, http_ports: list[int], transport_ports: list[int]) -> list[str]:
    home = directory / f"node-{i}"
    settings = {
        "path.home": home,
        "path.data": home / "data",
        "path.logs": home / "logs",
        "cluster.name": "opensearch-local",
        "node.name": f"node-{i}",
        "network.host": "127.0.0.1",
        "http.port": http_ports[i],
        "transport.port": transport_ports[i],
        "node.portsfile": "true",
        # A developer's disk is often fuller than a server's: do not refuse shards for it.
        "cluster.routing.allocation.disk.threshold_enabled": "false",
        "action.auto_create_index": "false",  # a write to a wrong name fails instead of inventing an index
    }
    if n == 1:
        settings["discovery.type"] = "single-node"
    else:
        settings["discovery.seed_hosts"] = ",".join(f"127.0.0.1:{p}" for p in transport_ports)
        settings["cluster.initial_cluster_manager_nodes"] = ",".join(f"node-{k}" for k in range(n))
    return [f"{k}={v}" for k, v in settings.items()]


def wait_for_cluster(url: str, nodes: int, processes: list[subprocess.Popen], logs: list[Path]) -> dict:
    wanted = "green" if nodes > 1 else "yellow"
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        for process, log in zip(processes, logs, strict=True):
            if process.poll() is not None:
                tail = "\n".join(log.read_text(errors="replace").splitlines()[-30:])
                raise LauncherError(f"a node exited with status {process.returncode} while starting; {log}:\n{tail}")
        try:
            health = http_get(f"{url}/_cluster/health?wait_for_status={wanted}&timeout=5s", timeout=10)
            if health.get("number_of_nodes") == nodes and not health.get("timed_out"):
                return health
        except (urllib.error.URLError, OSError, ValueError):
            pass
        time.sleep(1)
    raise LauncherError(f"the cluster was not {wanted} with {nodes} node(s) after {START_TIMEOUT:.0f} s; see {logs[0]}")


def start(nodes: int, port: int, directory: Path) -> str:
    directory = directory.resolve()
    if nodes < 1:
        raise LauncherError("--nodes must be 1 or more")
    state = read_state(directory)
    if state and running_pids(directory):
        if len(running_pids(directory)) == len(state["nodes"]):
            say(f"already running in {directory}")
            return state["url"]
        raise LauncherError(
            f"some nodes of {directory} are down; run `scripts/opensearch-local stop --dir {directory}`"
        )
    http_ports = [port + i for i in range(nodes)]
    busy = [p for p in http_ports if not port_is_free(p)]
    if busy:
        raise LauncherError(f"port(s) {', '.join(map(str, busy))} already in use: choose another --port")
    transport_ports = [free_port() for _ in range(nodes)]
    classpath = build()
    java = java_binary()
    heap = os.environ.get("OPENSEARCH_LOCAL_JAVA_OPTS", "").split() or DEFAULT_HEAP
    processes, logs, records = [], [], []
    for i in range(nodes):
        home = directory / f"node-{i}"
        for sub in ("config", "data", "logs", "tmp"):
            (home / sub).mkdir(parents=True, exist_ok=True)
        (home / "config" / "log4j2.properties").write_text(LOG4J2)
        log = home / "logs" / "node.log"
        command = [
            java,
            *heap,
            *JVM_FLAGS,
            f"-Djava.io.tmpdir={home / 'tmp'}",
            "-cp",
            classpath,
            MAIN_CLASS,
            *node_settings(i, nodes, directory, http_ports, transport_ports),
        ]
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
            )
        (home / "pid").write_text(f"{process.pid}\n")
        processes.append(process)
        logs.append(log)
        records.append({"name": f"node-{i}", "pid": process.pid, "http_port": http_ports[i], "log": str(log)})
    url = f"http://127.0.0.1:{http_ports[0]}"
    state_file(directory).write_text(json.dumps({"url": url, "nodes": records}, indent=2))
    say(f"starting {nodes} node(s) in {directory} (logs: node-*/logs/node.log)")
    try:
        health = wait_for_cluster(url, nodes, processes, logs)
    except BaseException:
        stop(directory)
        raise
    say(f"cluster {health['status']} with {health['number_of_nodes']} node(s)")
    return url


# ---------------------------------------------------------------- stop


def stop(directory: Path) -> int:
    """SIGTERM every node of DIR (they close cleanly), SIGKILL after a wait."""
    directory = directory.resolve()
    pids = running_pids(directory)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline and any(is_our_node(p, directory) for p in pids):
        time.sleep(0.3)
    for pid in pids:
        if is_our_node(pid, directory):
            say(f"node {pid} did not stop in {STOP_TIMEOUT:.0f} s: killing it")
            os.kill(pid, signal.SIGKILL)
    _reap(pids)
    state_file(directory).unlink(missing_ok=True)
    return len(pids)


def _reap(pids: list[int]) -> None:
    """Collect exit statuses when the nodes are our own children (no zombies)."""
    for pid in pids:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/opensearch-local", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start_cmd = commands.add_parser("start", help="start N nodes and print the first node's URL")
    start_cmd.add_argument("--nodes", type=int, default=1)
    start_cmd.add_argument("--port", type=int, default=DEFAULT_PORT, help="HTTP port of node 0; node i uses PORT+i")
    for command in (start_cmd, commands.add_parser("stop"), commands.add_parser("status")):
        command.add_argument("--dir", type=Path, default=DEFAULT_DIR, help="where data, logs and pids live")
    args = parser.parse_args(argv)
    try:
        if args.command == "start":
            print(start(args.nodes, args.port, args.dir), flush=True)
        elif args.command == "stop":
            say(f"stopped {stop(args.dir)} node(s)")
        else:
            state = read_state(args.dir.resolve())
            if not state or not running_pids(args.dir.resolve()):
                say(f"nothing running in {args.dir}")
                return 1
            print(state["url"])
    except LauncherError as e:
        say(str(e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
