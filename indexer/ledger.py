"""The ingest ledger: what was read, from where, and whether it was indexed
or failed and why. A SQLite file in the data directory, so a user (or the
next run) can ask which inputs failed without re-reading a log."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    run_id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    command TEXT NOT NULL,
    summary TEXT
);
CREATE TABLE IF NOT EXISTS inputs (
    run_id INTEGER NOT NULL REFERENCES runs(run_id),
    source TEXT NOT NULL,
    article_id TEXT,
    status TEXT NOT NULL CHECK (status IN ('indexed', 'failed')),
    reason TEXT,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS inputs_by_article ON inputs(article_id);
CREATE INDEX IF NOT EXISTS inputs_by_status ON inputs(status, run_id);
"""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Ledger:
    FILENAME = "ledger.sqlite"

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / self.FILENAME
        self._db = sqlite3.connect(self.path)
        self._db.executescript(_SCHEMA)
        self.run_id: int | None = None

    def start_run(self, command: str) -> int:
        cursor = self._db.execute("INSERT INTO runs (started, command) VALUES (?, ?)", (_now(), command))
        self._db.commit()
        assert cursor.lastrowid is not None  # an INSERT always sets it
        self.run_id = cursor.lastrowid
        return self.run_id

    def record(self, rows: Iterable[tuple[str, str | None, str, str | None]]) -> None:
        """rows: (source, article_id, 'indexed' | 'failed', reason)."""
        now = _now()
        self._db.executemany(
            "INSERT INTO inputs (run_id, source, article_id, status, reason, at) VALUES (?, ?, ?, ?, ?, ?)",
            [(self.run_id, source, article_id, status, reason, now) for source, article_id, status, reason in rows],
        )
        self._db.commit()

    def finish_run(self, summary: dict[str, Any]) -> None:
        self._db.execute(
            "UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?", (_now(), json.dumps(summary), self.run_id)
        )
        self._db.commit()

    def failures(self, run_id: int | None = None) -> list[tuple[str, str]]:
        """(source, reason) of the failures of one run (default: the last)."""
        run = run_id or self._db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
        return list(
            self._db.execute(
                "SELECT source, reason FROM inputs WHERE run_id = ? AND status = 'failed' ORDER BY rowid", (run,)
            )
        )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT run_id, started, finished, command, summary FROM runs ORDER BY run_id DESC LIMIT ?", (limit,)
        )
        return [
            {"run": r[0], "started": r[1], "finished": r[2], "command": r[3], "summary": json.loads(r[4] or "null")}
            for r in rows
        ]

    def close(self) -> None:
        self._db.close()
