"""The ledger keeps the encoding each text input was found to be in, also
in a ledger written before it had the column."""

from __future__ import annotations

import sqlite3

from indexer.ledger import Ledger

OLD_SCHEMA = """
CREATE TABLE runs (run_id INTEGER PRIMARY KEY AUTOINCREMENT, started TEXT NOT NULL, finished TEXT,
                   command TEXT NOT NULL, summary TEXT);
CREATE TABLE inputs (run_id INTEGER NOT NULL, source TEXT NOT NULL, article_id TEXT, status TEXT NOT NULL,
                     reason TEXT, at TEXT NOT NULL);
INSERT INTO runs (started, command) VALUES ('2026-01-01T00:00:00+00:00', 'index old/');
INSERT INTO inputs VALUES (1, 'old/a.txt', 'text-1', 'indexed', NULL, '2026-01-01T00:00:01+00:00');
"""


def test_an_old_ledger_gains_the_encoding_column_and_keeps_its_rows(tmp_path):
    with sqlite3.connect(tmp_path / Ledger.FILENAME) as db:
        db.executescript(OLD_SCHEMA)
    ledger = Ledger(tmp_path)
    ledger.start_run("index new/")
    ledger.record([("new/b.txt", "text-2", "indexed", None, "windows-1252"), ("new/c.txt", None, "failed", "binary")])
    ledger.close()
    with sqlite3.connect(tmp_path / Ledger.FILENAME) as db:
        rows = db.execute("SELECT source, status, encoding FROM inputs ORDER BY rowid").fetchall()
    assert rows == [
        ("old/a.txt", "indexed", None),
        ("new/b.txt", "indexed", "windows-1252"),
        ("new/c.txt", "failed", None),
    ]
