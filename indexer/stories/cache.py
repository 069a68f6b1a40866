"""The grouping cache: each stored article's features and its event and
thread, in SQLite in the data directory (`<data>/grouping/`).

Why a cache: regrouping the few days new articles fall in must not re-read
and re-tokenise every article of those days from the search engine.  The
store stays the truth: `parallax stories` rebuilds the cache from it, and
an incremental run that finds the cache out of step with the store (other
article count) rebuilds it too.  Document frequencies (for IDF) are kept
per hash bucket beside it, updated as articles arrive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .embedding import DIMS
from .features import Features


@dataclass
class Row:
    """An article in the cache: its features, its event and thread now,
    and before the running full regroup (ids are inherited from those)."""

    features: Features
    event: str | None
    thread: str | None
    prior_event: str | None
    prior_thread: str | None

    @property
    def id(self) -> str:
        return self.features.id


_SCHEMA = """
CREATE TABLE IF NOT EXISTS features (
    id TEXT PRIMARY KEY,
    day INTEGER,
    outlet TEXT NOT NULL,
    terms BLOB NOT NULL,
    counts BLOB NOT NULL,
    event TEXT,
    thread TEXT,
    prior_event TEXT,
    prior_thread TEXT,
    vector BLOB
);
CREATE INDEX IF NOT EXISTS features_day ON features (day);
CREATE INDEX IF NOT EXISTS features_event ON features (event);
CREATE INDEX IF NOT EXISTS features_thread ON features (thread);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""
MEAN_MIN_ARTICLES = 1000
# A meta key set in the same commit as a regroup's assignments and deleted
# once the store holds them: an index run writes the changes last, with the
# compaction, so a run killed in between leaves the cache ahead of the store,
# and the next regroup, measuring its changes against the cache, would not
# write them (`indexer.stories.group_stories` takes the store's first).
STORE_BEHIND_KEY = "store_behind"
CACHE_FILE = "features.sqlite"
_COLUMNS = "id, day, outlet, terms, counts, vector, event, thread, prior_event, prior_thread"


class FeatureCache:
    """Features, df and assignments; `path` None keeps everything in memory."""

    def __init__(self, path: Path | None, hash_bits: int, read_only: bool = False) -> None:
        """`read_only`: a reader of an existing cache beside its writer
        (another process; it neither creates nor upgrades the tables)."""
        self.path = path
        if read_only:
            assert path is not None, "an in-memory cache has no other reader"
            self.db = sqlite3.connect(f"{(path / CACHE_FILE).as_uri()}?mode=ro", uri=True)
        else:
            if path is not None:
                path.mkdir(parents=True, exist_ok=True)
            self.db = self.connect()
            self.db.executescript(_SCHEMA)
            if "vector" not in {row[1] for row in self.db.execute("PRAGMA table_info(features)")}:
                self.db.execute("ALTER TABLE features ADD COLUMN vector BLOB")  # a cache from before sentence vectors
        self.hash_bits = hash_bits
        self.df = self._load_df()
        self.vector_sum = self._load_vector_sum()
        # How many rows have a sentence vector: counted once, then kept up to
        # date by `add` and `clear` (a full regroup asks for the mean of each
        # block; counting each time read the whole table: 7 s of 78).
        self._with_vector: int | None = None
        self._deferred = False  # inside `one_transaction`: commit once at its end

    def connect(self) -> sqlite3.Connection:
        """A new connection to this cache's database (`close` the old one first)."""
        return sqlite3.connect(":memory:" if self.path is None else str(self.path / CACHE_FILE))

    @contextmanager
    def one_transaction(self, beside_reader: bool = False) -> Iterator[None]:
        """The writes within commit once, at the end (a full regroup: one
        commit per block of days spent seconds waiting on the disk, and a
        regroup cut short left the cache half regrouped; now it is left as
        it was).  Nothing is committed when the block raises.

        `beside_reader`: another process reads the database meanwhile, so
        the changes stay in this connection's page cache until the commit
        (spilled to the file early, they would take the lock that reader
        needs: "database is locked"); a full regroup rewrites every row, so
        this holds about the database's size in memory."""
        self._deferred = True
        if beside_reader:
            self.db.execute("PRAGMA cache_spill = OFF")
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        else:
            self.db.commit()
        finally:
            self._deferred = False
            if beside_reader:
                self.db.execute("PRAGMA cache_spill = ON")

    def _commit(self) -> None:
        if not self._deferred:
            self.db.commit()

    # -- arrays kept beside the database: document frequencies, and the sum
    # of the sentence vectors (they are centred on its mean) -----------------

    def _array_path(self, name: str) -> Path | None:
        return None if self.path is None else self.path / f"{name}.npy"

    def _load_array(self, name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
        """The saved array, or zeros when there is none or it has another shape
        (a cache made with other settings)."""
        path = self._array_path(name)
        if path is not None and path.exists():
            saved = np.load(path)
            if saved.shape == shape:
                return saved
        return np.zeros(shape, dtype=dtype)

    def _save_array(self, name: str, array: np.ndarray) -> None:
        path = self._array_path(name)
        if path is not None:
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, array)
            tmp.replace(path)

    def _load_df(self) -> np.ndarray:
        return self._load_array("df", (1 << self.hash_bits,), np.int32)

    def _save_df(self) -> None:
        self._save_array("df", self.df)

    def _load_vector_sum(self) -> np.ndarray:
        return self._load_array("vector_sum", (DIMS,), np.float64)

    def _save_vector_sum(self) -> None:
        self._save_array("vector_sum", self.vector_sum)

    def vector_mean(self) -> np.ndarray:
        """The mean sentence vector of the cached articles (those that have
        one), shrunk toward zero (no centring) while they are fewer than
        `MEAN_MIN_ARTICLES`: the mean of a handful of articles is mostly
        those articles, and centred on it any two of them look opposite."""
        if self._with_vector is None:
            self._with_vector = self.db.execute("SELECT COUNT(*) FROM features WHERE vector IS NOT NULL").fetchone()[0]
        return self.vector_sum / max(self._with_vector, MEAN_MIN_ARTICLES)

    def _count_vectors(self, change: int) -> None:
        if self._with_vector is not None:
            self._with_vector += change

    def count(self) -> int:
        return self.db.execute("SELECT COUNT(*) FROM features").fetchone()[0]

    # -- writing -------------------------------------------------------------

    def add(
        self, rows: Iterable[Features], assigned: dict[str, tuple[str | None, str | None]] | None = None
    ) -> list[str]:
        """Store features (replacing an article's earlier ones, whose event
        and thread are kept); returns the ids written."""
        written = []
        for row in rows:
            old = self.db.execute("SELECT terms, vector FROM features WHERE id = ?", (row.id,)).fetchone()
            if old is not None:
                np.subtract.at(self.df, np.frombuffer(old[0], dtype=np.uint32), 1)
                if old[1] is not None:
                    self.vector_sum -= np.frombuffer(old[1], dtype=np.float16)
                    self._count_vectors(-1)
            np.add.at(self.df, row.terms, 1)
            vector = None if row.vector is None else np.asarray(row.vector, dtype=np.float16)
            if vector is not None:
                self.vector_sum += vector
                self._count_vectors(+1)
            self.db.execute(
                "INSERT INTO features (id, day, outlet, terms, counts, vector) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(id) DO UPDATE SET day = excluded.day, outlet = excluded.outlet, "
                "terms = excluded.terms, counts = excluded.counts, vector = excluded.vector",
                (row.id, row.day, row.outlet, row.terms.tobytes(), row.counts.tobytes(), _blob(vector)),
            )
            written.append(row.id)
        if assigned:
            self.assign(assigned)
        self.db.commit()
        self._save_df()
        self._save_vector_sum()
        return written

    def clear(self) -> None:
        self.db.execute("DELETE FROM features")
        self.db.execute("DELETE FROM meta WHERE key = ?", (STORE_BEHIND_KEY,))  # nothing left to be ahead with
        self.db.commit()
        self.df[:] = 0
        self._save_df()
        self.vector_sum[:] = 0
        self._save_vector_sum()
        self._with_vector = 0

    def start_full_regroup(self) -> None:
        """Current assignments become the prior ones (ids are inherited
        from them) and every article starts unassigned."""
        self.db.execute("UPDATE features SET prior_event = event, prior_thread = thread, event = NULL, thread = NULL")
        self._commit()

    def assign(self, assignments: dict[str, tuple[str | None, str | None]]) -> None:
        self.db.executemany(
            "UPDATE features SET event = ?, thread = ? WHERE id = ?",
            [(event, thread, i) for i, (event, thread) in assignments.items()],
        )
        self._commit()

    def mark_store_behind(self) -> None:
        """The assignments about to be committed are not in the store yet."""
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, '1')", (STORE_BEHIND_KEY,))
        self._commit()

    def store_behind(self) -> bool:
        return self.db.execute("SELECT 1 FROM meta WHERE key = ?", (STORE_BEHIND_KEY,)).fetchone() is not None

    def mark_store_in_step(self) -> None:
        self.db.execute("DELETE FROM meta WHERE key = ?", (STORE_BEHIND_KEY,))
        self._commit()

    # -- reading -------------------------------------------------------------

    def _rows(self, sql: str, args: Iterable = ()) -> Iterator[Row]:
        for id_, day, outlet, terms, counts, vector, *groups in self.db.execute(sql, tuple(args)):
            features = Features(
                id_,
                day,
                outlet,
                np.frombuffer(terms, np.uint32),
                np.frombuffer(counts, np.float32),
                None if vector is None else np.frombuffer(vector, np.float16),
            )
            yield Row(features, *groups)

    def by_ids(self, ids: Iterable[str]) -> list[Row]:
        ids = list(dict.fromkeys(ids))
        out: list[Row] = []
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            marks = ",".join("?" * len(chunk))
            out += self._rows(f"SELECT {_COLUMNS} FROM features WHERE id IN ({marks})", chunk)
        return out

    def by_days(self, first: int, last: int) -> list[Row]:
        return list(self._rows(f"SELECT {_COLUMNS} FROM features WHERE day BETWEEN ? AND ?", (first, last)))

    def members(self, column: str, ids: Iterable[str]) -> list[str]:
        """Article ids whose `column` (event or thread) is one of `ids`."""
        assert column in ("event", "thread")
        ids = [i for i in dict.fromkeys(ids) if i]
        out: list[str] = []
        for k in range(0, len(ids), 500):
            chunk = ids[k : k + 500]
            marks = ",".join("?" * len(chunk))
            out += [r[0] for r in self.db.execute(f"SELECT id FROM features WHERE {column} IN ({marks})", chunk)]
        return out

    def id_taken(self, column: str, value: str) -> bool:
        assert column in ("event", "thread")
        return self.db.execute(f"SELECT 1 FROM features WHERE {column} = ? LIMIT 1", (value,)).fetchone() is not None

    def group_sizes(self, column: str) -> list[int]:
        """The size of every event (or thread): its number of articles."""
        assert column in ("event", "thread")
        sql = f"SELECT COUNT(*) FROM features WHERE {column} IS NOT NULL GROUP BY {column}"
        return [n for (n,) in self.db.execute(sql)]

    def days(self) -> list[int]:
        return [r[0] for r in self.db.execute("SELECT DISTINCT day FROM features WHERE day IS NOT NULL ORDER BY day")]

    def undated_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM features WHERE day IS NULL ORDER BY id")]

    def scan_chunks(self, size: int = 5000) -> Iterator[list[Row]]:
        """Every row, `size` at a time (memory stays bounded)."""
        last = ""
        while True:
            chunk = list(self._rows(f"SELECT {_COLUMNS} FROM features WHERE id > ? ORDER BY id LIMIT ?", (last, size)))
            if not chunk:
                return
            yield chunk
            last = chunk[-1].id

    def assignments(self) -> dict[str, tuple[str | None, str | None]]:
        return {i: (e, t) for i, e, t in self.db.execute("SELECT id, event, thread FROM features")}

    def close(self) -> None:
        self.db.close()


def _blob(vector: np.ndarray | None) -> bytes | None:
    return None if vector is None else vector.tobytes()


def mark_store_in_step(path: Path) -> None:
    """The store now holds the assignments of the cache at `path` (written
    after the cache was closed); nothing to do where there is no cache."""
    if (path / CACHE_FILE).exists():
        with closing(sqlite3.connect(path / CACHE_FILE)) as db, db:
            db.execute("DELETE FROM meta WHERE key = ?", (STORE_BEHIND_KEY,))
