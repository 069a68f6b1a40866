"""Web archives (.warc, .warc.gz: Heritrix, Webrecorder, the Internet
Archive) via warcio: each HTML response record is an article.

The page's own metadata gives the publication date; the capture date
(WARC-Date) is kept beside it in `extra["captured"]`, and used as the date
only when the page has none, flagged by `extra["published_source"] =
"capture"`. Revisit records and a second capture of the same URL are
duplicates, and like every other record (requests, warcinfo, metadata,
non-HTML or non-200 responses) they are counted and skipped, not failed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store.records import Article

from .dates import normalise_date
from .html import page_to_article
from .limits import MAX_ARTICLE_BYTES, too_large

WARC_SUFFIXES = (".warc", ".warc.gz")
HTML_TYPES = ("text/html", "application/xhtml+xml")
WARC_RECORD_TYPES = ("warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation")


@dataclass
class SkippedRecords:
    """Records of one archive that are not articles, by kind: not failures."""

    source: str
    counts: Counter[str] = field(default_factory=Counter)
    responses: int = 0  # of them response records: progress counts those as inputs done

    @property
    def progress_units(self) -> int:
        """Inputs this tally stands for in a progress total counted before
        reading (counting.py: the archive's response records, plus one)."""
        return self.responses + 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def reason(self) -> str:
        kinds = ", ".join(f"{n} {kind}" for kind, n in self.counts.most_common())
        records = "record" if self.total == 1 else "records"
        return f"skipped {self.total} {records}, not new articles: {kinds}"


@dataclass
class RecordFailure:
    source: str
    reason: str


def read_warc(path: Path) -> Iterator[Article | RecordFailure | SkippedRecords]:
    """The articles of one archive, then one SkippedRecords tally (if any)."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    skipped = SkippedRecords(str(path))
    seen_urls: set[str] = set()
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                # warcio reads some garbage as a record without a type, or as an old ARC record
                if record.format != "warc" or record.rec_type not in WARC_RECORD_TYPES:
                    yield RecordFailure(f"{path}@{records.get_record_offset()}", "not a readable WARC record")
                    break
                item = _read_record(path, record, seen_urls, skipped.counts)
                if item is not None:
                    yield item
                elif record.rec_type == "response":
                    skipped.responses += 1
        except ArchiveLoadFailed as exc:
            yield RecordFailure(f"{path}@{stream.tell()}", f"not a readable WARC record: {exc}")
    yield skipped  # even when empty: progress counts it


def _read_record(path: Path, record, seen_urls: set[str], skipped: Counter[str]) -> Article | RecordFailure | None:
    kind = record.rec_type
    if kind == "revisit":
        skipped["duplicate (revisit)"] += 1
        return None
    if kind != "response":
        skipped[kind] += 1
        return None
    uri = record.rec_headers.get_header("WARC-Target-URI") or ""
    http = record.http_headers
    content_type = http.get_header("Content-Type") if http else None
    if not http or (content_type or "").split(";")[0].strip().lower() not in HTML_TYPES:
        skipped["not HTML"] += 1
        return None
    if http.get_statuscode() != "200":
        skipped[f"HTTP {http.get_statuscode()}"] += 1
        return None
    if uri in seen_urls:
        skipped["duplicate (same URL)"] += 1
        return None
    source = f"{path}#{uri}"
    data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        return RecordFailure(source, too_large("the page", len(data), MAX_ARTICLE_BYTES))
    result = page_to_article(data, source, url=uri or None, content_type=content_type)
    if isinstance(result, str):
        return RecordFailure(source, result)
    seen_urls.add(uri)
    captured = normalise_date(record.rec_headers.get_header("WARC-Date"))
    result.extra["captured"] = record.rec_headers.get_header("WARC-Date")
    result.extra["format"] = "warc"
    if result.published:
        result.extra["published_source"] = "metadata"
    elif captured:
        result.published = captured
        result.extra["published_source"] = "capture"
    return result
