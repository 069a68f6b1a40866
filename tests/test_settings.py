"""One Settings value: arguments, then the environment, then defaults; the
CLI and the portal build it once and never write the environment."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from parallax.cli import main
from portal import create_app
from store import Settings, StoreError


def test_arguments_win_over_the_environment_and_the_environment_over_defaults():
    environ = {"PARALLAX_BACKEND": "opensearch", "PARALLAX_DATA": "/from/env", "PARALLAX_INDEX": ""}
    settings = Settings.from_env(environ, defaults={"port": 8080, "data_dir": "/default"}, backend="embedded")
    assert (settings.backend, settings.data_dir, settings.port, settings.index) == (
        "embedded",
        Path("/from/env"),
        8080,
        "parallax-articles",
    )
    with pytest.raises(StoreError, match="Unknown backend 'solr'"):
        Settings.from_env({}, backend="solr")
    with pytest.raises(StoreError, match="PARALLAX_BACKEND='solr'"):
        Settings.from_env({"PARALLAX_BACKEND": "solr"})


def test_the_cli_passes_its_options_down_without_writing_the_environment(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("PARALLAX_DATA", raising=False)
    monkeypatch.delenv("PARALLAX_BACKEND", raising=False)
    before = dict(os.environ)
    assert main(["--data", str(tmp_path / "data"), "status", "--backend", "embedded"]) == 0
    stats = json.loads(capsys.readouterr().out.split("\n}\n")[0] + "\n}")
    assert stats["backend"] == "embedded" and str(tmp_path / "data") in stats["location"]
    assert dict(os.environ) == before


def test_create_app_reads_the_environment_with_no_argument_and_a_mapping_in_tests(tmp_path, monkeypatch):
    monkeypatch.setenv("PARALLAX_DATA", str(tmp_path / "from-env"))
    monkeypatch.delenv("PARALLAX_BACKEND", raising=False)
    assert create_app().extensions["parallax.settings"].data_dir == tmp_path / "from-env"  # gunicorn's call
    app = create_app({"PARALLAX_DATA": str(tmp_path / "from-test"), "TESTING": True})
    assert app.extensions["parallax.settings"].data_dir == tmp_path / "from-test" and app.testing
    assert create_app(Settings(data_dir=tmp_path / "given")).test_client().get("/api/stats").get_json()["articles"] == 0


def test_the_demo_makes_a_data_directory_only_when_none_is_named(tmp_path, monkeypatch):
    import tempfile

    from parallax.cli import _parser

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    monkeypatch.delenv("PARALLAX_DATA", raising=False)
    named = _parser().parse_args(["--data", str(tmp_path / "mine"), "demo", "--no-serve"])
    assert named.settings(named).data_dir == tmp_path / "mine" and named.created_data is None
    assert list((tmp_path / "tmp").iterdir()) == []  # nothing left behind
    fresh = _parser().parse_args(["demo", "--no-serve"])
    settings = fresh.settings(fresh)
    assert settings.backend == "embedded" and settings.data_dir == fresh.created_data
    assert fresh.created_data.parent == tmp_path / "tmp"
