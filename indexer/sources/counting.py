"""How many articles an input holds, counted cheaply before reading it, so
progress can show done/total and the time left.

Counting is one fast pass over bytes (newlines in JSON Lines, decompressed
in large blocks), never parsing; it may be a little off (blank lines), and
the progress display copes with that. Formats whose count is unknown
without reading them make the total unknown.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable
from pathlib import Path

from .reader import expand_path, suffix_of

BLOCK = 1 << 20
SMALL_JSON_BYTES = 16 << 20  # a .json file this small is parsed to count its records


def count_articles(paths: Iterable[str | Path]) -> int | None:
    """Articles (or failures) `read_inputs` will yield for these paths; None when unknown."""
    total = 0
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            total += 1  # one failure: "no such file or folder"
            continue
        for file in expand_path(path):
            count = count_in_file(file)
            if count is None:
                return None
            total += count
    return total


def count_in_file(path: Path) -> int | None:
    kind = suffix_of(path)
    try:
        if kind in (".jsonl", ".jsonl.gz"):
            return max(_count_lines(path), 1)
        if kind in (".json", ".json.gz"):
            return _count_json_records(path)
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile):
        return 1  # the reader will name it as one failure
    return 1  # one article (or one failure) per file


def _count_lines(path: Path) -> int:
    lines = 0
    last = b"\n"
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        while block := handle.read(BLOCK):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def _count_json_records(path: Path) -> int:
    if path.stat().st_size > SMALL_JSON_BYTES:
        return 1
    opener = gzip.open if path.name.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            data = json.load(handle)
    except (ValueError, UnicodeDecodeError):
        return 1
    if isinstance(data, dict) and isinstance(data.get("articles"), list):
        data = data["articles"]
    return max(len(data), 1) if isinstance(data, list) else 1
