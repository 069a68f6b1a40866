"""Compression of the embedded index's stored record: zstd with a dictionary
trained on the data folder's own records.

A record is about 10 KB of JSON; alone, any compressor gets it to about 4 KB
(zlib-6 and zstd-19 alike: one article is too short to learn its own
vocabulary). A dictionary of 512 KB trained on 2,000 earlier records holds
what articles share (outlet boilerplate, the record's keys, the gazetteer's
alias lists, common names and phrases) and takes the record to about 3 KB.

Layout, beside the index folders of the data directory:

    <data>/dictionaries/<id>.zdict   a trained dictionary (zstd's format)
    <data>/dictionaries/CURRENT      the id new records are compressed with

Payloads identify themselves, so every record ever written stays readable:
    0x78 ...              zlib (records written before dictionaries existed)
    28 b5 2f fd ...       a zstd frame; its header names the dictionary id
                          (0: none, records written before the first training)

When it is trained:
- the first `TRAIN_AFTER` records a data folder receives (through
  `index` or a writing session) are kept, uncompressed, as samples; the
  dictionary is then trained in a thread (zstd releases the GIL: the writer
  does not stop) and saved; processes preparing records (the enrichment
  lanes, forked before it existed) see `CURRENT` within `RECHECK_SECONDS`;
- `reindex` trains a new one from records spread over the whole old index
  and writes every record with it;
- a data folder that never receives `TRAIN_AFTER` records has none: its
  records are zstd without a dictionary (as small as zlib was).
Dictionaries are never deleted: a record names the one it needs.
"""

from __future__ import annotations

import logging
import threading
import time
import zlib
from pathlib import Path

import zstandard

from .interface import StoreError

log = logging.getLogger(__name__)

# zstd level, measured on 2,000 AllSides records with the whole corpus's 512 KB
# dictionary (loaded machine), JSON encoding and compression per record as a
# lane does them, one after the other (alternating with other work evicts the
# dictionary's tables from the CPU cache: level 6 alone took 150 us, interleaved
# 320): level 3 2,985 B in 281 us, 4 2,931 B in 344, 5 2,817 B in 391, 6 2,718 B
# in 516; zlib-6 before: 3,962 B in 330 us. 5 adds about 60 us to a lane's 10 ms
# an article. Decompression is about 17 us a record at every level (zlib 52 us).
LEVEL = 5
DICTIONARY_BYTES = 512 * 1024
# Samples the dictionary is trained on: enough for 512 KB (about 20 MB of
# JSON), few enough that a small archive gets one early.
TRAIN_AFTER = 2_000
RECHECK_SECONDS = 1.0  # how stale a preparing process's idea of CURRENT may be
DICTIONARY_FOLDER = "dictionaries"
CURRENT_NAME = "CURRENT"
ZLIB_FIRST_BYTE = 0x78
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

# Dictionaries by id, for every data folder this process opened: ids are a
# hash of the dictionary's content, so one table serves all folders.
_dictionaries: dict[int, zstandard.ZstdCompressionDict] = {}
_folders: dict[Path, None] = {}
_registry_lock = threading.Lock()
# zstd (de)compressors must not be shared by threads (the portal's workers are threads).
_local = threading.local()


def decompress(payload: bytes) -> bytes:
    """The record's JSON bytes from any payload this store ever wrote."""
    if payload[:1] == bytes([ZLIB_FIRST_BYTE]):
        return zlib.decompress(payload)
    if payload[:4] != ZSTD_MAGIC:
        raise StoreError(f"stored record in an unknown format (first bytes {payload[:4].hex()})")
    dict_id = zstandard.get_frame_parameters(payload).dict_id
    decompressors: dict[int, zstandard.ZstdDecompressor] = _thread_cache("decompressors")
    decompressor = decompressors.get(dict_id)
    if decompressor is None:
        dictionary = _dictionary(dict_id) if dict_id else None
        decompressor = decompressors[dict_id] = zstandard.ZstdDecompressor(dict_data=dictionary)
    return decompressor.decompress(payload)


def compress_plain(record: bytes) -> bytes:
    """A record compressed without a dictionary (a folder too young for one)."""
    return _compress(record, None)


def _compress(record: bytes, dictionary: zstandard.ZstdCompressionDict | None) -> bytes:
    key = dictionary.dict_id() if dictionary is not None else 0
    compressors: dict[int, zstandard.ZstdCompressor] = _thread_cache("compressors")
    compressor = compressors.get(key)
    if compressor is None:
        compressor = compressors[key] = zstandard.ZstdCompressor(level=LEVEL, dict_data=dictionary)
    return compressor.compress(record)


def _thread_cache(name: str) -> dict:
    cache = getattr(_local, name, None)
    if cache is None:
        cache = {}
        setattr(_local, name, cache)
    return cache


def _dictionary(dict_id: int) -> zstandard.ZstdCompressionDict:
    with _registry_lock:
        found = _dictionaries.get(dict_id)
        if found is not None:
            return found
        for folder in _folders:
            path = folder / f"{dict_id}.zdict"
            if path.exists():
                found = _dictionaries[dict_id] = zstandard.ZstdCompressionDict(path.read_bytes())
                return found
    raise StoreError(
        f"a stored record needs compression dictionary {dict_id}, which is in none of "
        f"{', '.join(str(f) for f in _folders) or 'no data folder'}: was a file removed from dictionaries/?"
    )


class RecordCodec:
    """Compresses the records of one data folder with its current dictionary,
    and trains that dictionary from the first records the folder receives."""

    def __init__(self, data_dir: Path, train_after: int = TRAIN_AFTER):
        self.folder = Path(data_dir) / DICTIONARY_FOLDER
        self.train_after = train_after
        with _registry_lock:
            _folders[self.folder] = None
        self._current: zstandard.ZstdCompressionDict | None = None
        self._checked_at = -RECHECK_SECONDS
        self._checked_name: str | None = None
        self._samples: list[bytes] = []
        self._training: threading.Thread | None = None

    # -- compressing ---------------------------------------------------------

    def compress(self, record: bytes) -> bytes:
        return _compress(record, self.current())

    def compressed_with_current(self, payload: bytes) -> bool:
        """True when `payload` is a zstd frame of the dictionary new records get
        (a copy may keep it as it is; zlib, plain zstd and older dictionaries
        are compressed again)."""
        current = self.current()
        if current is None or payload[:4] != ZSTD_MAGIC:
            return False
        return zstandard.get_frame_parameters(payload).dict_id == current.dict_id()

    def current(self) -> zstandard.ZstdCompressionDict | None:
        """The dictionary new records get (read again from disk at most every
        RECHECK_SECONDS: another process may have trained it)."""
        now = time.monotonic()
        if now - self._checked_at >= RECHECK_SECONDS:
            self._checked_at = now
            try:
                name = (self.folder / CURRENT_NAME).read_text(encoding="ascii").strip()
            except FileNotFoundError:
                name = None
            if name != self._checked_name:
                self._checked_name = name
                self._current = _dictionary(int(name)) if name else None
        return self._current

    # -- training --------------------------------------------------------------

    def wants_samples(self) -> bool:
        """True while the folder has no dictionary and too few samples for one."""
        return self._training is None and len(self._samples) < self.train_after and self.current() is None

    def sample(self, record: bytes) -> None:
        """One record's JSON, as received; the last sample needed starts the
        training in a thread."""
        if not self.wants_samples():
            return
        self._samples.append(record)
        if len(self._samples) >= self.train_after:
            samples, self._samples = self._samples, []
            self._training = threading.Thread(target=self._train_quietly, args=(samples,), daemon=True)
            self._training.start()

    def _train_quietly(self, samples: list[bytes]) -> None:
        try:
            self.train(samples)
        except Exception:  # a missing dictionary costs size, never a record
            log.exception("training the record compression dictionary failed; records stay compressed without one")

    def wait(self) -> None:
        """Let a training in progress finish (before a session ends)."""
        if self._training is not None:
            self._training.join()

    def train(self, samples: list[bytes]) -> int:
        """Train a dictionary on `samples`, save it and make it current; its id."""
        dictionary = zstandard.train_dictionary(DICTIONARY_BYTES, list[bytes | bytearray | memoryview](samples))
        dict_id = dictionary.dict_id()
        self.folder.mkdir(parents=True, exist_ok=True)
        _write_atomically(self.folder / f"{dict_id}.zdict", dictionary.as_bytes())
        with _registry_lock:
            _dictionaries[dict_id] = dictionary
        _write_atomically(self.folder / CURRENT_NAME, str(dict_id).encode("ascii"))
        self._checked_at = -RECHECK_SECONDS  # this process sees it at once
        log.info("trained record dictionary %s on %d records", dict_id, len(samples))
        return dict_id


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
