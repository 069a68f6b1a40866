"""File formats: text in any common encoding, JSON and JSON Lines, HTML,
WARC, PDF; and manifests for text files. Which reader a file gets is decided
here, by its name; the readers of the formats live in their own modules."""

from __future__ import annotations

import csv
import gzip
import json
import re
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from store.records import Article

from ..ids import article_id
from .dates import normalise_date
from .html import HTML_SUFFIXES, page_to_article
from .limits import MAX_ARTICLE_BYTES, MAX_JSON_FILE_BYTES, MAX_PDF_BYTES, too_large
from .pdf import PDF_SUFFIXES, read_pdf
from .text import NotText, decode_text
from .warc import WARC_SUFFIXES, RecordFailure, SkippedRecords, read_warc

JSON_SUFFIXES = (".json", ".jsonl", ".jsonl.gz", ".json.gz")
SUPPORTED_SUFFIXES = (".txt", *JSON_SUFFIXES, *HTML_SUFFIXES, *WARC_SUFFIXES, *PDF_SUFFIXES)
_COMPOUND_SUFFIXES = (".jsonl.gz", ".json.gz", ".warc.gz")
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
    for suffix in _COMPOUND_SUFFIXES:
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
) -> Iterator[Article | ReadFailure | SkippedRecords]:
    """Every article in the given files and folders (folders recursively),
    each input that could not be read as a ReadFailure, and per web archive
    a SkippedRecords tally of the records that are not articles.

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


def _read_file(path: Path, manifest: dict[Path, dict[str, str]]) -> Iterator[Article | ReadFailure | SkippedRecords]:
    kind = suffix_of(path)
    try:
        if kind == ".txt":
            yield _read_text_file(path, manifest.get(path.resolve(), {}))
        elif kind in (".jsonl", ".jsonl.gz"):
            yield from _read_json_lines(path)
        elif kind in (".json", ".json.gz"):
            yield from _read_json_file(path)
        elif kind in HTML_SUFFIXES:
            yield _read_html_file(path)
        elif kind in WARC_SUFFIXES:
            for item in read_warc(path):
                yield ReadFailure(item.source, item.reason) if isinstance(item, RecordFailure) else item
        elif kind in PDF_SUFFIXES:
            yield _read_pdf_file(path)
        else:
            yield ReadFailure(
                str(path), f"unsupported file type {kind or '(none)'}: use one of {', '.join(SUPPORTED_SUFFIXES)}"
            )
    except (OSError, EOFError, zlib.error, gzip.BadGzipFile) as exc:
        yield ReadFailure(str(path), f"could not be read: {exc}")


def _read_whole(path: Path, limit: int, hint: str = "") -> bytes | ReadFailure:
    """A file's bytes, unless it is over `limit` (checked before reading)."""
    size = path.stat().st_size
    if size > limit:
        return ReadFailure(str(path), too_large("the file", size, limit, hint))
    return path.read_bytes()


def _read_html_file(path: Path) -> Article | ReadFailure:
    data = _read_whole(path, MAX_ARTICLE_BYTES)
    if isinstance(data, ReadFailure):
        return data
    result = page_to_article(data, str(path))
    return ReadFailure(str(path), result) if isinstance(result, str) else result


def _read_pdf_file(path: Path) -> Article | ReadFailure:
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        return ReadFailure(str(path), too_large("the file", size, MAX_PDF_BYTES))
    result = read_pdf(path)
    return ReadFailure(str(path), result) if isinstance(result, str) else result


def _open_binary(path: Path) -> BinaryIO:
    if path.name.lower().endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


def _read_text_file(path: Path, meta: dict[str, str]) -> Article | ReadFailure:
    data = _read_whole(path, MAX_ARTICLE_BYTES)
    if isinstance(data, ReadFailure):
        return data
    try:
        decoded = decode_text(data)
    except NotText as exc:
        return ReadFailure(str(path), str(exc))
    text = decoded.text
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
    extra: dict[str, Any] = {k: v for k, v in meta.items() if k not in MANIFEST_FIELDS and v}
    extra["encoding"] = decoded.encoding
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
    """One record a line, read with bounded memory whatever the file's size:
    a line longer than MAX_ARTICLE_BYTES is skipped over unread and named."""
    with _open_binary(path) as handle:
        for number, line in enumerate(_bounded_lines(handle, MAX_ARTICLE_BYTES), start=1):
            source = f"{path}:{number}"
            if isinstance(line, int):
                yield ReadFailure(source, too_large("the line", line, MAX_ARTICLE_BYTES))
                continue
            if not line.strip():
                continue
            try:
                record = json.loads(line.decode("utf-8-sig" if number == 1 else "utf-8"))
            except UnicodeDecodeError as exc:
                yield ReadFailure(source, f"not UTF-8 text ({exc.reason} at byte {exc.start} of the line)")
                continue
            except json.JSONDecodeError as exc:
                yield ReadFailure(source, f"invalid JSON ({exc.msg}, column {exc.colno})")
                continue
            yield record_to_article(record, source)


def _bounded_lines(handle: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """The lines of `handle`, each at most `limit` bytes; a longer line is
    read past in chunks and given as its length instead of its bytes."""
    while True:
        line = handle.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        length = len(line)
        while not line.endswith(b"\n"):
            line = handle.readline(limit)
            if not line:
                break
            length += len(line)
        yield length


def _read_json_file(path: Path) -> Iterator[Article | ReadFailure]:
    size = path.stat().st_size
    hint = "write it as JSON Lines"
    if size > MAX_JSON_FILE_BYTES:
        yield ReadFailure(str(path), too_large("the file", size, MAX_JSON_FILE_BYTES, hint))
        return
    with _open_binary(path) as handle:
        raw = handle.read(MAX_JSON_FILE_BYTES + 1)
    if len(raw) > MAX_JSON_FILE_BYTES:  # a small .json.gz that unpacks huge
        yield ReadFailure(str(path), too_large("the unpacked file", len(raw), MAX_JSON_FILE_BYTES, hint))
        return
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        yield ReadFailure(str(path), f"not UTF-8 text ({exc.reason} at byte {exc.start}); JSON is UTF-8")
        return
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
