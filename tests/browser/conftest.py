"""A real browser: Playwright driving Debian's Chromium (/usr/bin/chromium)
against the real portal on a loopback port, serving the demo corpus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import LiveServer, run_cli

CHROMIUM = os.environ.get("PARALLAX_CHROMIUM", "/usr/bin/chromium")
# Without these, Chromium tries to reach Google's hosts, which this machine
# refuses, many times over.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} not found: install Debian's chromium (scripts/test does, as root)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def demo_portal(tmp_path_factory):
    from portal import create_app

    data = tmp_path_factory.mktemp("demo-data")
    result = run_cli("demo", "--no-serve", data_dir=data)
    assert result.returncode == 0, result.stdout + result.stderr
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where screenshots go: $PARALLAX_SCREENSHOTS, else a temporary folder."""
    folder = Path(os.environ.get("PARALLAX_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder
