"""File formats: .txt, .json, .jsonl, .jsonl.gz, and manifests for text files."""

from __future__ import annotations

import csv
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.records import Article

from ..ids import article_id
from .dates import normalise_date

SUPPORTED_SUFFIXES = (".txt", ".json", ".jsonl", ".jsonl.gz", ".json.gz")
MANIFEST_NAMES = ("manifest.csv", "manifest.jsonl")
MANIFEST_FIELDS = ("path", "outlet", "url", "published", "title")
# A first line such as "date 2022-04-05" (maybe indented, maybe followed by
# the first sentence on the same line) is metadata, not body.
_DATE_LINE = re.compile(r"\A\s*date[:\s]\s*(\d{4}-\d{2}-\d{2})[ \t]*(?:\r?\n)?[ \t]*", re.IGNORECASE)
# Fields of the JSON record format (the AllSides research corpus is the reference).
_KNOWN_FIELDS = {
    "id",
    "outlet",
    "outlet_domain",
    "url",
    "published",
    "date",
    "authors",
    "title",
    "topic",
    "text",
    "body",
    "content",
}


@dataclass
class ReadFailure:
    """An input that could not be read: `source` is a path, or path:line."""

    source: str
    reason: str


def suffix_of(path: Path) -> str:
    name = path.name.lower()
    for suffix in (".jsonl.gz", ".json.gz"):
        if name.endswith(suffix):
            return suffix
    return path.suffix.lower()


def find_manifest(folder: Path) -> Path | None:
    for name in MANIFEST_NAMES:
        if (folder / name).is_file():
            return folder / name
    return None


def read_inputs(
    paths: Iterable[str | Path], manifest: str | Path | None = None, outlet: str | None = None
) -> Iterator[Article | ReadFailure]:
    """Every article in the given files and folders (folders recursively).

    A folder holding `manifest.csv` or `manifest.jsonl` uses it for its text
    files unless `manifest` is given. `outlet` is the outlet of any article
    whose own metadata does not name one.
    """
    explicit = load_manifest(Path(manifest)) if manifest else None
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            yield ReadFailure(str(path), "no such file or folder")
            continue
        rows = explicit
        if rows is None and path.is_dir():
            found = find_manifest(path)
            rows = load_manifest(found) if found else None
        for file in expand_path(path):
            for item in _read_file(file, rows or {}):
                if isinstance(item, Article) and outlet and not item.outlet:
                    item.outlet = outlet
                yield item


def expand_path(path: Path) -> Iterator[Path]:
    """The files a path stands for: itself, or a folder's files recursively (not its manifest)."""
    if path.is_file():
        yield path
        return
    for file in sorted(p for p in path.rglob("*") if p.is_file()):
        if file.name in MANIFEST_NAMES or file.name.startswith(".") or file.name.lower() == "readme.md":
            continue
        yield file


def _read_file(path: Path, manifest: dict[Path, dict[str, str]]) -> Iterator[Article | ReadFailure]:
    kind = suffix_of(path)
    try:
        if kind == ".txt":
            yield _read_text_file(path, manifest.get(path.resolve(), {}))
        elif kind in (".jsonl", ".jsonl.gz"):
            yield from _read_json_lines(path)
        elif kind in (".json", ".json.gz"):
            yield from _read_json_file(path)
        else:
            yield ReadFailure(
                str(path), f"unsupported file type {kind or '(none)'}: use one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
    except UnicodeDecodeError as exc:
        yield ReadFailure(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start})")
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield ReadFailure(str(path), f"could not be read: {exc}")


def _open_text(path: Path):
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8-sig")


def _read_text_file(path: Path, meta: dict[str, str]) -> Article | ReadFailure:
    text = path.read_text(encoding="utf-8-sig")
    published = None
    match = _DATE_LINE.match(text)
    if match:
        published = match.group(1)
        text = text[match.end() :]
    text = text.strip()
    if not text:
        return ReadFailure(str(path), "empty: no article text")
    published = normalise_date(meta.get("published")) or normalise_date(published)
    url = meta.get("url") or None
    extra = {k: v for k, v in meta.items() if k not in MANIFEST_FIELDS and v}
    return Article(
        id=article_id(meta.get("id"), url, text),
        text=text,
        title=meta.get("title") or None,
        outlet=meta.get("outlet") or None,
        published=published,
        url=url,
        source=str(path),
        extra=extra,
    )


def _read_json_lines(path: Path) -> Iterator[Article | ReadFailure]:
    with _open_text(path) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            source = f"{path}:{number}"
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                yield ReadFailure(source, f"invalid JSON ({exc.msg}, column {exc.colno})")
                continue
            yield record_to_article(record, source)


def _read_json_file(path: Path) -> Iterator[Article | ReadFailure]:
    with _open_text(path) as handle:
        try:
            data = json.load(handle)
        except json.JSONDecodeError as exc:
            yield ReadFailure(str(path), f"invalid JSON ({exc.msg}, line {exc.lineno} column {exc.colno})")
            return
    records = data if isinstance(data, list) else data.get("articles", [data]) if isinstance(data, dict) else None
    if records is None:
        yield ReadFailure(str(path), "expected a JSON object or a list of objects")
        return
    for number, record in enumerate(records, start=1):
        yield record_to_article(record, f"{path}#{number}" if len(records) > 1 else str(path))


def record_to_article(record: Any, source: str) -> Article | ReadFailure:
    """One JSON record (AllSides fields) as an Article."""
    if not isinstance(record, dict):
        return ReadFailure(source, "expected a JSON object")
    text = record.get("text") or record.get("body") or record.get("content")
    if not isinstance(text, str) or not text.strip():
        return ReadFailure(source, "no article text (field 'text' missing or empty)")
    url = record.get("url") or None
    raw_date = record.get("published") or record.get("date")
    published = normalise_date(raw_date)
    extra = {k: v for k, v in record.items() if k not in _KNOWN_FIELDS}
    if raw_date and not published:
        extra["published_unparsed"] = raw_date  # kept, not guessed
    if record.get("outlet_domain"):
        extra["outlet_domain"] = record["outlet_domain"]
    authors = record.get("authors") or []
    if isinstance(authors, str):
        authors = [authors]
    return Article(
        id=article_id(record.get("id"), url, text),
        text=text.strip(),
        title=(record.get("title") or "").strip() or None,
        outlet=(record.get("outlet") or "").strip() or None,
        published=published,
        url=url,
        authors=[str(a) for a in authors if a],
        topic=record.get("topic") or None,
        source=source,
        extra=extra,
    )


def load_manifest(path: Path) -> dict[Path, dict[str, str]]:
    """Rows of a CSV or JSON Lines manifest, keyed by the resolved path of
    the text file each describes (paths are relative to the manifest)."""
    if not path.is_file():
        raise FileNotFoundError(f"manifest {path} does not exist")
    if path.suffix.lower() == ".csv":
        with open(path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.DictReader(handle))
    else:
        with open(path, encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
    table = {}
    for row in rows:
        if not row.get("path"):
            continue
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        table[(path.parent / clean["path"]).resolve()] = clean
    return table
