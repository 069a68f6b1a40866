"""Follow the README on a fresh copy of the repository, the way a new user
does: the Quick start's `scripts/demo` (which makes its own new virtual
environment), then every command of the "Using it" block with its
placeholders substituted. The commands are read out of README.md, so this
test keeps following the README when the README changes."""

from __future__ import annotations

import gzip
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from support import REPO_ROOT, free_port, require_shared

pytestmark = [pytest.mark.slow, pytest.mark.shared_corpus]
README = REPO_ROOT / "README.md"
STARTUP_SECONDS = 600  # a new venv installs spaCy & co. from pip's cache or the registry


def shell_blocks(section: str) -> list[list[str]]:
    """The ```sh blocks under a '## section' heading, as lists of command lines."""
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"^## {re.escape(section)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert match, f"README has no '## {section}' section"
    blocks = re.findall(r"```sh\n(.*?)```", match.group(1), re.S)
    return [[_strip_comment(line) for line in block.splitlines() if _strip_comment(line)] for block in blocks]


def _strip_comment(line: str) -> str:
    return re.sub(r"\s+#.*$", "", line).strip() if not line.lstrip().startswith("#") else ""


def fresh_copy(target: Path) -> Path:
    """What a clone holds: the tracked files of this checkout, nothing else."""
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=REPO_ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, tracked):
        source = REPO_ROOT / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def wait_for(url: str, process: subprocess.Popen, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"server exited with {process.returncode} before answering {url}:\n{output}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise AssertionError(f"{url} did not answer within {seconds} s")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGTERM)
    try:
        output, _ = process.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        output, _ = process.communicate()
    return output


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    return fresh_copy(tmp_path_factory.mktemp("fresh-clone"))


@pytest.fixture(scope="module")
def demo_ran(clone):
    """Run the Quick start's first command; yield what it printed."""
    (command,) = shell_blocks("Quick start")[0]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PARALLAX_DATA", "VIRTUAL_ENV", "PARALLAX_VENV")}
    process = subprocess.Popen(
        ["bash", "-c", command],
        cwd=clone,
        env={**env, "PARALLAX_PORT": str(port)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    started = time.monotonic()
    try:
        status = wait_for(f"http://127.0.0.1:{port}/api/search", process, STARTUP_SECONDS)
        seconds = time.monotonic() - started
    finally:
        output = stop(process)
    return {"command": command, "status": status, "seconds": seconds, "output": output}


def test_quick_start_demo_serves_the_portal_and_cleans_up(demo_ran, clone):
    assert demo_ran["command"] == "scripts/demo"
    assert demo_ran["status"] == 200, demo_ran["output"]
    assert (clone / ".venv" / "bin" / "parallax").exists()  # its own new environment
    data = re.search(r"into (\S*parallax-demo-\S+)", demo_ran["output"])
    assert data, demo_ran["output"]
    assert not Path(data.group(1)).exists(), "scripts/demo left its temporary data directory behind"
    # A new user's first run shows no build tool noise (setuptools' editable-install warning).
    assert "Warning" not in demo_ran["output"].split("Indexing the bundled demo corpus")[0], demo_ran["output"]
    print(f"scripts/demo: first answer after {demo_ran['seconds']:.0f} s")


def placeholders(tmp: Path) -> dict[str, str]:
    """The README's example paths, made real."""
    news = tmp / "news"
    shutil.copytree(require_shared("corpus", "seeds"), news)
    articles = tmp / "articles.jsonl.gz"
    with gzip.open(require_shared("corpus", "allsides", "articles.jsonl.gz"), "rt", encoding="utf-8") as source:
        records = [line for _, line in zip(range(20), source, strict=False)]
    with gzip.open(articles, "wt", encoding="utf-8") as target:
        target.writelines(records)
    texts = tmp / "texts"
    texts.mkdir()
    rows = ["path,outlet,url,published,title"]
    for number, source in enumerate(sorted((REPO_ROOT / "parallax" / "demo_corpus").rglob("*.txt"))[:4]):
        name = f"story-{number}.txt"
        shutil.copy(source, texts / name)
        rows.append(
            f"texts/{name},Manifest Gazette,https://gazette.example/{number},2024-03-0{number + 1},Story {number}"
        )
    (tmp / "meta.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return {
        "~/parallax-data": str(tmp / "data"),
        "~/news/": f"{news}/",
        "articles.jsonl.gz": str(articles),
        "texts/": f"{texts}/",
        "meta.csv": str(tmp / "meta.csv"),
    }


def test_using_it_commands_run_as_written(demo_ran, clone, tmp_path):
    commands = shell_blocks("Using it")[0]
    substitutions = placeholders(tmp_path)
    setup: list[str] = []  # `source`, `export`: the state later commands run in
    ran = []
    for line in commands:
        for placeholder, real in substitutions.items():
            line = line.replace(placeholder, real)
        if line.split()[0] in ("source", "export", "cd"):
            setup.append(line)
            continue
        script = " && ".join([*setup, line])
        if line.startswith("parallax serve"):
            port = free_port()
            script = re.sub(r"--port \d+", f"--port {port}", script)
            server = subprocess.Popen(
                ["bash", "-c", script], cwd=clone, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
            )
            try:
                status = wait_for(f"http://127.0.0.1:{port}/?q=Bucha", server, 60)
            finally:
                stop(server)
            assert status == 200
        else:
            result = subprocess.run(["bash", "-c", script], cwd=clone, capture_output=True, text=True, timeout=600)
            assert result.returncode == 0, f"{line}\n{result.stdout}\n{result.stderr}"
            if line.startswith("parallax index"):
                assert re.search(r"read \d+ articles, indexed \d+, failed 0", result.stdout), result.stdout
        ran.append(shlex.split(line)[:2])
    assert ["parallax", "index"] in ran and ["parallax", "serve"] in ran
    stats = json.loads(_status_json(clone, setup))
    assert stats["articles"] == 3 + 20 + 4


def _status_json(clone: Path, setup: list[str]) -> str:
    out = subprocess.run(
        ["bash", "-c", " && ".join([*setup, "parallax status"])], cwd=clone, capture_output=True, text=True
    ).stdout
    return out[: out.index("\n}") + 2]
