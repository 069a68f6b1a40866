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

import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store.records import Article

from .dates import normalise_date
from .html import page_to_article
from .limits import MAX_ARTICLE_BYTES, too_large

WARC_SUFFIXES = (".warc", ".warc.gz")
GZIP_BLOCK = 1 << 16
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
    last_offset, broken = 0, False
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        try:
            for record in records:
                # warcio reads some garbage as a record without a type, or as an old ARC record
                if record.format != "warc" or record.rec_type not in WARC_RECORD_TYPES:
                    yield RecordFailure(f"{path}@{records.get_record_offset()}", "not a readable WARC record")
                    broken = True
                    break
                item = _read_record(path, record, seen_urls, skipped.counts)
                last_offset = records.get_record_offset()  # after reading: it reads the record to its end
                if item is not None:
                    yield item
                elif record.rec_type == "response":
                    skipped.responses += 1
        except ArchiveLoadFailed as exc:
            yield RecordFailure(f"{path}@{stream.tell()}", f"not a readable WARC record: {exc}")
        else:
            if not broken and path.name.lower().endswith(".gz") and _gzip_cut_short(path, last_offset):
                yield RecordFailure(
                    f"{path}@{last_offset}", "the archive is cut short (an interrupted download?) after this point"
                )
    yield skipped  # even when empty: progress counts it


def _gzip_cut_short(path: Path, offset: int) -> bool:
    """Whether the gzip members from `offset` (the last record warcio gave)
    to the end of the file stop short. warcio ends a truncated archive (an
    interrupted download) silently; only this tail is checked, block by
    block, not the whole archive a second time."""
    with open(path, "rb") as stream:
        stream.seek(offset)
        member, started = zlib.decompressobj(wbits=31), False
        while block := stream.read(GZIP_BLOCK):
            while block:
                started = True
                try:
                    member.decompress(block, GZIP_BLOCK)  # output discarded: only completeness matters
                    while member.unconsumed_tail and not member.eof:
                        member.decompress(member.unconsumed_tail, GZIP_BLOCK)
                except zlib.error:
                    return True
                if not member.eof:
                    break  # this member goes on in the next block
                block = member.unused_data
                member, started = zlib.decompressobj(wbits=31), False
        return started


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
