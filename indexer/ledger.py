"""The ingest ledger: what was read, from where, and whether it was indexed
or failed and why. A SQLite file in the data directory, so a user (or the
next run) can ask which inputs failed without re-reading a log.

It is also what makes `parallax index` safe to kill. The pipeline writes
the ledger only after the store has committed (so every `indexed` row is
in the index), in one transaction per commit (so a kill leaves whole
commits, never half of one). A run that never reached `finish_run` is
*interrupted* once its process is gone; the next run with the same inputs
and options (the same `resume_key`) continues it: it skips the windows the
interrupted run committed and replays their person names into the
enrichment registry (the `windows` table), so that it ends with the index a
clean run would have built. The rows of `windows` are dropped when a run
finishes: they are only needed to resume.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
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
    at TEXT NOT NULL,
    encoding TEXT
);
CREATE INDEX IF NOT EXISTS inputs_by_article ON inputs(article_id);
CREATE INDEX IF NOT EXISTS inputs_by_status ON inputs(status, run_id);
CREATE TABLE IF NOT EXISTS windows (
    chain INTEGER NOT NULL,
    number INTEGER NOT NULL,
    names TEXT NOT NULL,
    PRIMARY KEY (chain, number)
);
"""
# Columns added after the first release: added to an older ledger on open.
_RUN_COLUMNS = {"pid": "INTEGER", "resume_key": "TEXT", "chain": "INTEGER"}
_INPUT_COLUMNS = {"encoding": "TEXT"}

# (source, article_id, 'indexed' | 'failed', reason[, encoding]); encoding: the
# one a text input was found to be in ("windows-1252"), else absent or None.
Row = tuple[Any, ...]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


@dataclass
class ResumePoint:
    """What an interrupted run (and the runs it continued) already committed."""

    run_id: int  # the interrupted run
    indexed_ids: set[str] = field(default_factory=set)
    window_names: dict[int, list[str]] = field(default_factory=dict)  # window number -> names registered


class Ledger:
    FILENAME = "ledger.sqlite"

    def __init__(self, data_dir: Path | str):
        path = Path(data_dir)
        path.mkdir(parents=True, exist_ok=True)
        self.path = path / self.FILENAME
        self._db = sqlite3.connect(self.path)
        self._db.executescript(_SCHEMA)
        self._add_missing_columns()
        self.run_id: int | None = None
        self.chain: int | None = None  # the first run of the runs this one continues

    def _add_missing_columns(self) -> None:
        """Ledgers written before a column existed get it (empty for old rows)."""
        for table, columns in (("runs", _RUN_COLUMNS), ("inputs", _INPUT_COLUMNS)):
            present = {row[1] for row in self._db.execute(f"PRAGMA table_info({table})")}
            for name, kind in columns.items():
                if name not in present:
                    self._db.execute(f"ALTER TABLE {table} ADD COLUMN {name} {kind}")
        self._db.commit()

    def start_run(self, command: str) -> int:
        cursor = self._db.execute(
            "INSERT INTO runs (started, command, pid) VALUES (?, ?, ?)", (_now(), command, os.getpid())
        )
        self._db.commit()
        assert cursor.lastrowid is not None  # an INSERT always sets it
        self.run_id = cursor.lastrowid
        self.chain = self.run_id
        return self.run_id

    # -- resuming ----------------------------------------------------------

    def resume(self, key: str) -> ResumePoint | None:
        """Tie this run to `key` (its inputs and options); if the last run
        with the same key was interrupted, continue it and say what it did."""
        if self.run_id is None:
            self.start_run(key)
        previous = self._db.execute(
            "SELECT run_id, finished, pid, chain FROM runs WHERE resume_key = ? AND run_id < ? "
            "ORDER BY run_id DESC LIMIT 1",
            (key, self.run_id),
        ).fetchone()
        point = None
        if previous and previous[1] is None and not _alive(previous[2]):
            self.chain = previous[3] or previous[0]
            point = ResumePoint(run_id=previous[0])
            point.indexed_ids = {
                row[0]
                for row in self._db.execute(
                    "SELECT article_id FROM inputs WHERE status = 'indexed' AND article_id IS NOT NULL "
                    "AND run_id IN (SELECT run_id FROM runs WHERE chain = ? OR run_id = ?)",
                    (self.chain, self.chain),
                )
            }
            point.window_names = {
                number: json.loads(names)
                for number, names in self._db.execute(
                    "SELECT number, names FROM windows WHERE chain = ?", (self.chain,)
                )
            }
        self._db.execute("UPDATE runs SET resume_key = ?, chain = ? WHERE run_id = ?", (key, self.chain, self.run_id))
        self._db.commit()
        return point

    # -- recording ---------------------------------------------------------

    def record(self, rows: Iterable[Row], windows: Iterable[tuple[int, list[str]]] = ()) -> None:
        """Inputs of this run, and the windows they complete, in one transaction."""
        now = _now()
        with self._db:
            self._db.executemany(
                "INSERT INTO inputs (run_id, source, article_id, status, reason, at, encoding)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(self.run_id, *row[:4], now, row[4] if len(row) > 4 else None) for row in rows],
            )
            self._db.executemany(
                "INSERT OR REPLACE INTO windows (chain, number, names) VALUES (?, ?, ?)",
                [(self.chain, number, json.dumps(names, ensure_ascii=False)) for number, names in windows],
            )

    def finish_run(self, summary: dict[str, Any]) -> None:
        with self._db:
            self._db.execute(
                "UPDATE runs SET finished = ?, summary = ? WHERE run_id = ?",
                (_now(), json.dumps(summary), self.run_id),
            )
            self._db.execute("DELETE FROM windows WHERE chain = ?", (self.chain,))

    # -- reading -----------------------------------------------------------

    def failures(self, run_id: int | None = None) -> list[tuple[str, str]]:
        """(source, reason) of the failures of one run (default: the last)."""
        run = run_id or self._db.execute("SELECT MAX(run_id) FROM runs").fetchone()[0]
        return list(
            self._db.execute(
                "SELECT source, reason FROM inputs WHERE run_id = ? AND status = 'failed' ORDER BY rowid", (run,)
            )
        )

    def runs(self, limit: int = 10) -> list[dict[str, Any]]:
        """The last runs, newest first. `state` is finished, running or
        interrupted (never finished, its process gone); the summary of a run
        that did not finish is counted from its recorded inputs."""
        rows = list(
            self._db.execute(
                "SELECT run_id, started, finished, command, summary, pid, chain FROM runs ORDER BY run_id DESC LIMIT ?",
                (limit,),
            )
        )
        runs = []
        for run_id, started, finished, command, summary, pid, chain in rows:
            if finished:
                state = "finished"
            else:
                state = "running" if _alive(pid) and pid != os.getpid() or run_id == self.run_id else "interrupted"
            record = json.loads(summary or "null") if finished else self._counted_summary(run_id)
            resumes = chain if chain and chain != run_id else None
            runs.append(
                {
                    "run": run_id,
                    "started": started,
                    "finished": finished,
                    "command": command,
                    "state": state,
                    "continues": resumes,
                    "summary": record,
                }
            )
        return runs

    def _counted_summary(self, run_id: int) -> dict[str, Any]:
        counts = dict(
            self._db.execute("SELECT status, COUNT(*) FROM inputs WHERE run_id = ? GROUP BY status", (run_id,))
        )
        return {"indexed": counts.get("indexed", 0), "failed": counts.get("failed", 0)}

    def close(self) -> None:
        self._db.close()
