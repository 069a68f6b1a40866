"""The OpenAPI document at /api/openapi.json is kept true by schemathesis:
its command line generates requests for every operation against the real
portal over HTTP (the bundled demo corpus in a real index) and checks that
none answers 5xx and that every response matches its documented status,
content type and schema. Examples per operation are bounded and the seed
fixed, so the run is short and repeatable."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from support import LiveServer, run_cli

pytestmark = [pytest.mark.slow]
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXAMPLES = 30  # per operation
SEED = 14


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    from portal import create_app

    data = tmp_path_factory.mktemp("openapi-demo")
    result = run_cli("demo", "--no-serve", data_dir=data)
    assert result.returncode == 0, result.stdout + result.stderr
    with LiveServer(create_app({"PARALLAX_DATA": str(data), "PARALLAX_BACKEND": "embedded"})) as server:
        yield server


def schemathesis_command() -> str:
    beside = Path(sys.executable).with_name("schemathesis")
    found = str(beside) if beside.exists() else shutil.which("schemathesis")
    assert found, "schemathesis is not installed: pip install -e '.[test]'"
    return found


def test_api_conforms_to_its_openapi_document(demo_server, tmp_path):
    result = subprocess.run(
        [
            schemathesis_command(),
            "run",
            demo_server.url + "/api/openapi.json",
            "--checks",
            CHECKS,
            "--max-examples",
            str(EXAMPLES),
            "--seed",
            str(SEED),
            "--generation-database",
            "none",
            "--phases",
            "examples,coverage,fuzzing",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


def test_document_is_openapi_3_1_and_lists_the_api(demo_server):
    status, document = demo_server.get("/api/openapi.json")
    assert status == 200 and document["openapi"] == "3.1.0"
    assert {"/api/search", "/api/facets/{facet}", "/api/people/{name}", "/api/quotes"} <= set(document["paths"])
