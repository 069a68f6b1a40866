"""The embedded backend: a tantivy index in the data directory.

Zero set-up: nothing to run but this process. Laid out like the OpenSearch
backend: `embedded_schema` (the tantivy schema, derived from
`mappings/articles.json`, and documents to records and back),
`embedded_query` (requests to tantivy queries, documents to hits) and this
module, the store itself (opening, writing, reading, searching, stats).

Layout of the data directory:

    <data>/CURRENT           name of the live index folder (for reindex)
    <data>/index-<n>/        the tantivy index
    <data>/dictionaries/     the stored records' zstd dictionaries (`record_codec`)
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import math
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Index, Occur, Order, Query

from . import embedded_query as eq
from .embedded_schema import (
    MONTH_FIELD,
    SAMPLE_FIELD,
    SAMPLE_RANGE,
    build_schema,
    decode_record,
    document_fields,
    month_name,
    news_analyzer,
    parse_date,
    record_json,
    record_json_of,
    register_tokenizers,
    stored_payload,
    to_record,
)
from .interface import IndexSession, QuerySyntaxError, Store, StoreError
from .query import check_filters, parse_query
from .record_codec import RecordCodec
from .records import (
    FACET_FIELDS,
    FACETS,
    EnrichedArticle,
    FacetValue,
    Hit,
    IndexReport,
    Quote,
    SearchRequest,
    SearchResponse,
)
from .snippets import Stems

log = logging.getLogger(__name__)

# Facet terms each segment reports at most (tantivy's bucket limit is 65,000),
# in the first round (see _top_values_of), and how many times as many a
# deeper round asks for when a round cannot prove the top values.
FACET_SEGMENT_TERMS = 50_000
FACET_FIRST_SEGMENT_TERMS = 60
# With one segment tantivy's counts are exact, and the first round needs only
# the values asked for plus this many: one past the cut proves it when it
# counts less than the last value asked for (a tie there goes deeper).
FACET_ONE_SEGMENT_MARGIN = 5
FACET_DEEPER = 4
# The second round counts at most this many candidates per value asked for
# (a filter aggregation each; past that a deeper first round costs less).
FACET_MAX_CANDIDATES = 3
WRITER_HEAP = 256_000_000
# The heap of a writer that copies the whole index into one segment (compact,
# reindex): tantivy closes a segment when its heap is full, and its merge
# policy leaves fewer than eight segments as they are, so at WRITER_HEAP a
# million articles stayed in six, and every facet round then proves its
# counts across segments. tantivy's ceiling per thread (2**32 bytes less a
# margin) holds about 2.5 million articles; the heap grows as it fills (a
# small index never uses it).
COPY_HEAP = 4_000_000_000
STORY_READ_BATCH = 1_000  # records decoded at a time when story ids change
EXPORT_PAGE = 1_000  # hits read per round when an export streams every match
EXACT_TERMS = 10_000_000
# Above this many matches a search's facets are counted over a share of them
# (`EmbeddedStore._share`), of at least SAMPLE_COUNTED matches: the relative
# standard error of a value's count, sqrt((1 - p) / (n p)) for a value in a
# fraction p of the n counted, is then at most 2% for a value in a tenth of
# the matches and 7% for one in a hundredth.
SAMPLE_ABOVE = 50_000
SAMPLE_COUNTED = 20_000
# A selected facet's matches are first estimated over 1/2**PROBE_HALVINGS of
# them (`EmbeddedStore._own_facet`): a sixteenth of SAMPLE_ABOVE is about
# 3,000 articles, an estimate within a few percent.
PROBE_HALVINGS = 4
# The aggregation that counts the matches a share holds (every article has a sample number).
COUNTED = {"value_count": {"field": SAMPLE_FIELD}}
# more_like_this: words shorter than this are left out, and the query keeps this many.
MLT_MIN_WORD_LENGTH = 3
MLT_QUERY_TERMS = 40  # a terms aggregation this wide returns every distinct value


def _count(result: tantivy.SearchResult) -> int:
    """Matching documents of a search run with count=True (tantivy's type
    stub leaves the attribute out)."""
    return int(result.count)  # type: ignore[attr-defined]


class EmbeddedStore(Store):
    """Articles in a tantivy index under `data_dir`."""

    def __init__(self, data_dir: Path | str, create: bool = True):
        self.data_dir = Path(data_dir)
        self._write_lock = threading.Lock()
        self.schema = build_schema()
        self.analyzer = news_analyzer()
        # Set when the index on disk has an older schema: it can then only be
        # read by `reindex`, which copies it into the current schema.
        self._stale: StoreError | None = None
        # False for an index written before the month field (read as it is;
        # `parallax reindex` adds the field): its histogram counts days.
        self._has_month = True
        # False for an index written before the sample field (read and
        # written as it is; `parallax reindex` adds it): its facets are
        # always counted exactly.
        self._has_sample = True
        self._stats_cache: tuple[tuple[Any, ...], dict[str, Any]] | None = None
        # One searcher (and the index version it was opened at) for the whole
        # of a `search` in this thread (see `search`).
        self._pinned = threading.local()
        # Facet counts over the whole index, by index version (see `_whole_index`).
        self._whole_index_counts: tuple[tuple[Any, ...] | None, dict[tuple[Any, ...], Any]] = (None, {})
        self._tantivy = self._open_index(create)
        self.codec = RecordCodec(self.data_dir)
        self.stems = Stems(self.analyzer)  # the snippets' stems of words, kept across searches

    # -- opening -----------------------------------------------------------

    def _current_dir(self) -> Path:
        pointer = self.data_dir / "CURRENT"
        if pointer.exists():
            return self.data_dir / pointer.read_text(encoding="utf-8").strip()
        return self.data_dir / "index-1"

    def _open_index(self, create: bool) -> Index:
        path = self._current_dir()
        if not path.exists():
            if not create:
                raise StoreError(f"No Parallax index in {self.data_dir}: run `parallax index PATH` first")
            path.mkdir(parents=True, exist_ok=True)
            (self.data_dir / "CURRENT").write_text(path.name, encoding="utf-8")
        try:
            index = Index(self.schema, path=str(path), reuse=True)
        except ValueError as exc:
            index = self._open_older(path) or self._open_stale(path, exc)
        register_tokenizers(index)
        return index

    def _open_older(self, path: Path) -> Index | None:
        """An index whose only difference is that it lacks the sample field,
        or the sample and month fields: searched and written as it is
        (tantivy leaves out of a written document the fields its schema lacks)."""
        for with_month, lacks in (
            (True, "sample field: facets are counted exactly"),
            (False, "month field: its histogram counts days"),
        ):
            schema = build_schema(with_month=with_month, with_sample=False)
            try:
                index = Index(schema, path=str(path), reuse=True)
            except ValueError:
                continue
            log.info("%s has no %s; `parallax reindex` adds it", path, lacks)
            self.schema, self._has_month, self._has_sample = schema, with_month, False
            return index
        return None

    def _open_stale(self, path: Path, exc: ValueError) -> Index:
        self._stale = StoreError(f"The index in {path} was built with another schema ({exc}); run `parallax reindex`")
        return Index.open(str(path))  # with the schema it was written with, for reindex

    def _searcher(self) -> tantivy.Searcher:
        pinned = getattr(self._pinned, "searcher", None)
        return pinned if pinned is not None else self._fresh_searcher()

    def _fresh_searcher(self) -> tantivy.Searcher:
        if self._stale is not None:
            raise self._stale
        return self._any_searcher()

    def _version(self) -> tuple[Any, ...]:
        """What changes with every commit: the index's meta.json, as seen now."""
        meta = self._current_dir() / "meta.json"
        try:
            status = meta.stat()
        except OSError:
            return (str(meta),)
        return (str(meta), status.st_mtime_ns, status.st_size)

    def _any_searcher(self) -> tantivy.Searcher:
        self._tantivy.reload()  # pick up commits made by other processes
        return self._tantivy.searcher()

    # -- writing -----------------------------------------------------------

    def index(self, articles: Iterable[EnrichedArticle]) -> IndexReport:
        report = IndexReport()
        with self._write_lock:
            writer = self._writer()
            try:
                for article in articles:
                    try:
                        document = self.prepare(article)
                    except (TypeError, ValueError) as exc:
                        report.failed[article.id] = f"could not be stored: {exc}"
                        continue
                    writer.delete_documents_by_term("id", article.id)
                    try:
                        writer.add_json(document)
                    except ValueError as exc:
                        report.failed[article.id] = f"could not be stored: {exc}"
                        continue
                    report.indexed.append(article.id)
                    self._sample(document)
                writer.commit()
                writer.wait_merging_threads()
            except Exception:
                writer.rollback()
                raise
            finally:
                self.codec.wait()
        self._tantivy.reload()
        return report

    def _sample(self, prepared: str) -> None:
        """The first records a data folder receives train its compression dictionary."""
        if self.codec.wants_samples():
            self.codec.sample(record_json_of(prepared))

    def _writer(self, heap: int | None = None) -> tantivy.IndexWriter:
        """The index's one writer, with a heap of WRITER_HEAP unless said."""
        if self._stale is not None:
            raise self._stale
        try:
            return self._tantivy.writer(heap_size=heap or WRITER_HEAP, num_threads=1)
        except ValueError as exc:  # tantivy's lock: another process is writing
            raise StoreError(f"The index in {self.data_dir} is being written by another process ({exc})") from exc

    def prepare(self, article: EnrichedArticle, stored: bytes | None = None) -> str:
        """The tantivy document as JSON (`IndexWriter.add_json` reads it in
        Rust): the indexed fields and the compressed record (`stored`: the
        record as already stored, see `document_fields`)."""
        return json.dumps(document_fields(article, self.codec, stored), ensure_ascii=False)

    def session(self) -> EmbeddedSession:
        return EmbeddedSession(self)

    def delete(self, article_ids: Iterable[str]) -> int:
        # dict.fromkeys: an id asked twice is still one article removed.
        ids = [i for i in dict.fromkeys(article_ids) if self.get(i) is not None]
        if not ids:
            return 0
        with self._write_lock:
            writer = self._writer()
            for article_id in ids:
                writer.delete_documents_by_term("id", article_id)
            writer.commit()
            writer.wait_merging_threads()
        self._tantivy.reload()
        return len(ids)

    def set_stories(self, assignments: dict[str, str | None], threads: dict[str, str | None] | None = None) -> int:
        """Change `story`/`thread` only. tantivy cannot update one field, so
        each changed article is written again from its stored record (the
        record is the only stored field; its indexed fields are derived from
        it again by `prepare`). Records are read a batch at a time, so memory
        stays bounded, but written under one commit: a commit per batch left
        one small segment per batch, and several segments make facet counts
        dearer (the cheap exact path must recount)."""
        threads = threads or {}
        ids = list(dict.fromkeys([*assignments, *threads]))
        if not ids:
            return 0
        return len(self.index(self._with_new_stories(ids, assignments, threads)).indexed)

    def _with_new_stories(
        self, ids: list[str], assignments: dict[str, str | None], threads: dict[str, str | None]
    ) -> Iterator[EnrichedArticle]:
        for start in range(0, len(ids), STORY_READ_BATCH):
            for article in self.get_many(ids[start : start + STORY_READ_BATCH]):
                if _restory(article, assignments, threads):
                    yield article

    def reindex(self) -> dict[str, Any]:
        """Copy every stored article into a fresh index folder built with the
        current schema, then point CURRENT at it (one rename: atomic)."""
        old_dir = self._current_dir()
        number = int(old_dir.name.rsplit("-", 1)[-1]) + 1 if old_dir.name.startswith("index-") else 1
        new_dir = self.data_dir / f"index-{number}"
        if new_dir.exists():
            shutil.rmtree(new_dir)
        new_dir.mkdir(parents=True)
        schema = build_schema()
        new_index = Index(schema, path=str(new_dir), reuse=False)
        register_tokenizers(new_index)
        writer = new_index.writer(heap_size=COPY_HEAP, num_threads=1)
        copied = 0
        try:
            self._train_from(self._any_searcher())
            # One record at a time from the old index (also of an older
            # schema) into the new one: memory stays flat whatever the size
            # of the archive (only the list of document addresses grows).
            for article in self._scan(self._any_searcher()):
                writer.add_json(self.prepare(article))
                copied += 1
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            writer.rollback()
            shutil.rmtree(new_dir, ignore_errors=True)  # CURRENT still names the old index
            raise
        pointer_tmp = self.data_dir / "CURRENT.tmp"
        pointer_tmp.write_text(new_dir.name, encoding="utf-8")
        pointer_tmp.replace(self.data_dir / "CURRENT")
        self._tantivy = new_index
        self.schema, self._has_month, self._has_sample, self._stale = schema, True, True, None
        shutil.rmtree(old_dir, ignore_errors=True)
        return {"backend": "embedded", "from": old_dir.name, "to": new_dir.name, "articles": copied}

    def compact(
        self, assignments: dict[str, str | None] | None = None, threads: dict[str, str | None] | None = None
    ) -> dict[str, Any]:
        """Every article written again into one segment, in place, with the
        story changes (as `set_stories`) made in the same copy: after a fresh
        run the grouping changes nearly every article, and writing them
        first, then copying everything, wrote most articles twice. The delete
        of all documents and their copies share one commit: readers see the
        old segments until the new one is whole, and a crash before the commit
        loses nothing. tantivy-py has no force-merge, and its merge policy
        never merges a segment of a few thousand rewritten articles into one
        of tens of thousands. Unchanged records compressed with the folder's
        dictionary are copied as stored, so a copy costs decoding, not
        compressing."""
        assignments, threads = assignments or {}, threads or {}
        with self._write_lock:
            writer = self._writer(COPY_HEAP)  # first: no other process writes until the commit
            try:
                searcher = self._any_searcher()
                before = searcher.num_segments
                if before <= 1 and not (assignments or threads):
                    writer.rollback()
                    return self._compacted(before, before, 0, 0)
                if self.codec.current() is None:
                    self._train_from(searcher)  # the records written before the folder had a dictionary get one
                writer.delete_documents_by_query(Query.all_query())
                copied = changed = 0
                for article, payload in self._scan_with_payloads(searcher):
                    if _restory(article, assignments, threads):
                        payload = None  # the record changes: encode it again
                        changed += 1
                    kept = payload if payload is not None and self.codec.compressed_with_current(payload) else None
                    writer.add_json(self.prepare(article, stored=kept))
                    copied += 1
                writer.commit()
                writer.wait_merging_threads()
            except BaseException:
                writer.rollback()
                raise
        return self._compacted(before, self._any_searcher().num_segments, copied, changed)

    @staticmethod
    def _compacted(before: int, after: int, copied: int, changed: int) -> dict[str, Any]:
        return {
            "backend": "embedded",
            "segments_before": before,
            "segments_after": after,
            "articles": copied,
            "stories_changed": changed,
        }

    def _scan_with_payloads(self, searcher: tantivy.Searcher) -> Iterator[tuple[EnrichedArticle, bytes | None]]:
        """Every stored article with its compressed record (None: a legacy document)."""
        total = searcher.num_docs
        if not total:
            return
        for _, address in searcher.search(Query.all_query(), total, count=False).hits:
            document = searcher.doc(address)
            payload = stored_payload(document)
            yield (decode_record(payload) if payload is not None else to_record(document)), payload

    def _train_from(self, searcher: tantivy.Searcher) -> None:
        """A new record dictionary from records spread over the whole index
        (none when it holds fewer than a dictionary needs)."""
        total = searcher.num_docs
        if total < self.codec.train_after:
            return
        addresses = [address for _, address in searcher.search(Query.all_query(), total, count=False).hits]
        step = total / self.codec.train_after
        picked = [addresses[int(i * step)] for i in range(self.codec.train_after)]
        self.codec.train([record_json(to_record(searcher.doc(address))) for address in picked])

    # -- reading -----------------------------------------------------------

    def get(self, article_id: str) -> EnrichedArticle | None:
        searcher = self._searcher()
        result = searcher.search(Query.term_query(self.schema, "id", article_id), 1)
        if not result.hits:
            return None
        return to_record(searcher.doc(result.hits[0][1]))

    def get_many(self, article_ids: Iterable[str]) -> list[EnrichedArticle]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return []
        searcher = self._searcher()
        query = Query.term_set_query(self.schema, "id", ids)
        found = {}
        for _, address in searcher.search(query, len(ids)).hits:
            record = to_record(searcher.doc(address))
            found[record.id] = record
        return [found[i] for i in ids if i in found]

    def scan(self) -> Iterator[EnrichedArticle]:
        return self._scan(self._searcher())

    def _scan(self, searcher: tantivy.Searcher) -> Iterator[EnrichedArticle]:
        for article, _ in self._scan_with_payloads(searcher):
            yield article

    # -- searching ---------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        """`Store.search` on one searcher: the filter look-ups, the search and
        the alias notes each asked for their own (a reload of the index's
        meta each, about a tenth of a millisecond), and could see different
        commits. The version is read before the reload, so a commit in
        between makes it older than the searcher, never newer."""
        if getattr(self._pinned, "searcher", None) is not None:
            return super().search(request)
        version = self._version()
        self._pinned.searcher, self._pinned.version = self._fresh_searcher(), version
        try:
            return super().search(request)
        finally:
            self._pinned.searcher = self._pinned.version = None

    def _whole_index(self, key: tuple[Any, ...], count: Callable[[], Any]) -> Any:
        """`count()`, a count over every article, kept while the index is
        unchanged: a search with one facet filter and no words counts that
        facet over the whole index (its own filter left out), the same for
        every such search. Kept only within a pinned `search`, whose version
        is known (and keyed by it); the keys are few (facet and size)."""
        version = getattr(self._pinned, "version", None)
        if version is None:
            return count()
        kept_at, cache = self._whole_index_counts
        if kept_at != version:
            cache = {}
            self._whole_index_counts = (version, cache)
        if key not in cache:
            cache[key] = count()
        return cache[key]

    def run_search(self, request: SearchRequest) -> SearchResponse:
        parsed = parse_query(request.q)
        check_filters(request.filters)
        words = eq.words_query(self.schema, self.analyzer, parsed, request.alias_mode, request.names_only)
        text_query = words if words is not None else Query.all_query()
        searcher = self._searcher()
        scope = eq.scope_clauses(self.schema, request)
        hits_query = eq.all_of([text_query, *scope, *eq.facet_filters(self.schema, request, skip=None)])
        result = self._page(searcher, hits_query, request)
        snippets = eq.snippet_generator(searcher, self.schema, self.analyzer, parsed, self.stems)
        hits = [
            eq.to_hit(to_record(searcher.doc(address), mentions=False), score, snippets, request.sort)
            for score, address in result.hits[: request.size]
        ]
        total = _count(result)
        response = SearchResponse(total=total, page=request.page, hits=hits, facets={})
        if request.facet_size:  # 0: exports and internal look-ups need neither
            broad = words is None and not scope  # only facet filters narrow it
            share = self._share(request, total)
            response.facets, response.histogram, sampled = self._facets_and_histogram(
                searcher, request, text_query, scope, hits_query, total, broad, share
            )
            response.facets_sampled = sampled
        return response

    def _share(self, request: SearchRequest, total: int) -> _Share | None:
        """The share of `total` matches the facets are counted over: none
        (all of them) up to SAMPLE_ABOVE matches, or when the request asks
        for exact counts, else the largest power-of-two fraction that still
        counts at least SAMPLE_COUNTED (so between that and twice as many).
        Counting is a pass over every match, per facet round: at a million
        articles a broad search's facets cost more than the rest of it
        together, and their top values stand out in a share."""
        if not self._may_sample(request) or total <= SAMPLE_ABOVE:
            return None
        return self._share_of(int(math.log2(total / SAMPLE_COUNTED)))

    def _may_sample(self, request: SearchRequest) -> bool:
        """Whether facets may be counted over a share at all: not when exact
        counts are asked for, nor in an index without the sample field."""
        return request.facet_counts != "exact" and self._has_sample

    def _share_of(self, halvings: int) -> _Share:
        upper = (SAMPLE_RANGE >> halvings) - 1
        return _Share(halvings, Query.range_query(self.schema, SAMPLE_FIELD, tantivy.FieldType.Integer, 0, upper))

    def matching_articles(self, request: SearchRequest) -> tuple[int, list[EnrichedArticle]]:
        """The total and the first page's records, read straight from the
        index: no snippets (a look-up throws them away), no facets."""
        parsed = parse_query(request.q)
        check_filters(request.filters)
        text_query = eq.text_query(self.schema, self.analyzer, parsed, request.alias_mode, request.names_only)
        query = eq.all_of(
            [text_query, *eq.scope_clauses(self.schema, request), *eq.facet_filters(self.schema, request, skip=None)]
        )
        searcher = self._searcher()
        result = self._page(searcher, query, request)
        return _count(result), [to_record(searcher.doc(address)) for _, address in result.hits[: request.size]]

    def has_value(self, facet: str, value: str) -> bool:
        """One live article is enough: the best-scored hit of the value's
        term, not a count of all (a fifth of the CPU for a value in most
        articles; deleted articles are never hits)."""
        query = Query.term_query(self.schema, FACET_FIELDS[facet], value)
        return bool(self._searcher().search(query, 1, count=False).hits)

    @staticmethod
    def _page(searcher: tantivy.Searcher, query: Query, request: SearchRequest) -> tantivy.SearchResult:
        """The request's page of hits, with the total."""
        offset = max(request.page - 1, 0) * request.size
        # tantivy refuses a limit of 0 (a panic); size 0 asks for counts only.
        limit = max(request.size, 1)
        try:
            if request.sort == "date":
                return searcher.search(query, limit, offset=offset, order_by_field="published", order=Order.Desc)
            return searcher.search(query, limit, offset=offset)
        except ValueError as exc:
            raise QuerySyntaxError(f"The search engine could not run this query: {exc}") from exc

    def run_iter_hits(self, request: SearchRequest, limit: int) -> Iterator[Hit]:
        """Every hit of a search up to `limit`, in pages (exports)."""
        parsed = parse_query(request.q)
        query = eq.all_of(
            [
                eq.text_query(self.schema, self.analyzer, parsed, request.alias_mode, request.names_only),
                *eq.scope_clauses(self.schema, request),
                *eq.facet_filters(self.schema, request, skip=None),
            ]
        )
        searcher = self._searcher()
        snippets = eq.snippet_generator(searcher, self.schema, self.analyzer, parsed, self.stems)
        offset = 0
        while offset < limit:
            size = min(EXPORT_PAGE, limit - offset)
            if request.sort == "date":
                result = searcher.search(query, size, offset=offset, order_by_field="published", order=Order.Desc)
            else:
                result = searcher.search(query, size, offset=offset)
            for score, address in result.hits:
                yield eq.to_hit(to_record(searcher.doc(address), mentions=False), score, snippets, request.sort)
            if len(result.hits) < size:
                return
            offset += size

    def facet_counts(self, request: SearchRequest, facet: str, limit: int) -> list[FacetValue]:
        if facet not in FACET_FIELDS:
            raise QuerySyntaxError(f"Unknown facet {facet!r}: choose one of {', '.join(FACETS)}")
        parsed = parse_query(request.q)
        query = eq.all_of(
            [
                eq.text_query(self.schema, self.analyzer, parsed, request.alias_mode, request.names_only),
                *eq.scope_clauses(self.schema, request),
                *eq.facet_filters(self.schema, request, skip=facet),
            ]
        )
        terms = {"field": FACET_FIELDS[facet], "size": limit, "segment_size": limit}  # exact across segments
        result = self._searcher().aggregate(query, {facet: {"terms": terms}})
        selected = set(request.filters.get(facet) or [])
        values = [
            FacetValue(bucket["key"], int(bucket["doc_count"]), bucket["key"] in selected)
            for bucket in result[facet]["buckets"]
        ]
        return sorted(values, key=lambda v: (-v.count, v.value))

    def stories_by_latest(self, limit: int) -> list[tuple[str, str | None, int]]:
        terms = {"field": "story", "size": limit, "segment_size": limit, "order": {"latest": "desc"}}
        aggs = {"stories": {"terms": terms, "aggs": {"latest": {"max": {"field": "published"}}}}}
        buckets = self._searcher().aggregate(Query.all_query(), aggs)["stories"]["buckets"]

        def day(nanoseconds: float | None) -> str | None:
            if nanoseconds is None:
                return None
            return dt.datetime.fromtimestamp(nanoseconds / 1e9, tz=dt.UTC).date().isoformat()

        return [(b["key"], day(b["latest"].get("value")), int(b["doc_count"])) for b in buckets]

    def _facets_and_histogram(
        self,
        searcher: tantivy.Searcher,
        request: SearchRequest,
        text_query: Query,
        scope: list[Query],
        hits_query: Query,
        total: int,
        broad: bool = False,
        share: _Share | None = None,
    ) -> tuple[dict[str, list[FacetValue]], list[dict[str, Any]], dict[str, Any] | None]:
        """Every facet's values, the histogram and how the facets were
        sampled (`SearchResponse.facets_sampled`). A facet with no value
        selected counts under the hits' own query, as the histogram does: all
        of those are one aggregation (one pass over the matches) instead of
        one each, and so are their exact counts when a second round needs
        them; a facet with values selected counts without its own filter
        (`_own_facet`). `broad`: no words or scope, only facet filters; a
        selected facet that is the only one filtered then counts over the
        whole index (exactly, once per index version). With a `share` (the
        hits' own), the facets without a value selected count over that
        share of the matches and are scaled; the histogram and the selected
        values' counts always count every match."""
        shared = [name for name in FACETS if not request.filters.get(name)]
        size = request.facet_size
        aggregations: dict[str, Any] = {f"facet {name}": self._first_round(searcher, name, size) for name in shared}
        if share is None:
            aggregations["dates"] = self._histogram()
            result = searcher.aggregate(hits_query, aggregations)
            dates = result["dates"]
        else:
            aggregations["counted"] = COUNTED
            result = searcher.aggregate(share.of(hits_query), aggregations)
            dates = searcher.aggregate(hits_query, {"dates": self._histogram()})["dates"]
        counted_query = share.of(hits_query) if share else hits_query
        firsts = {name: result[f"facet {name}"] for name in shared}
        top = self._top_values_of(searcher, counted_query, firsts, size, estimate=share is not None)
        facets: dict[str, list[FacetValue]] = {}
        sampled: dict[str, dict[str, Any]] = {}
        for name in FACETS:
            facet_share: _Share | None = None
            if name in shared:
                query, values, facet_share = hits_query, top[name], share
                counted = int(result["counted"]["value"]) if share else 0
            else:
                others = eq.facet_filters(self.schema, request, skip=name)
                query = eq.all_of([text_query, *scope, *others])
                if broad and not others:
                    count = functools.partial(self._top_values, searcher, query, name, size)
                    values = self._whole_index(("top", name, size), count)
                else:
                    values, facet_share, counted = self._own_facet(searcher, request, query, name, share)
            if facet_share is not None:
                values = facet_share.scaled(values)
                sampled[name] = {"share": facet_share.fraction, "counted": counted}
            facets[name] = self._facet(searcher, request, name, query, values, total, facet_share is not None)
        return facets, self._months(dates["buckets"]), sampled or None

    def _own_facet(
        self, searcher: tantivy.Searcher, request: SearchRequest, query: Query, name: str, hits_share: _Share | None
    ) -> tuple[list[tuple[str, int]], _Share | None, int]:
        """A selected facet's top values under its own query (the search
        without that facet's filter), with the share they were counted over
        (None: all) and how many matches that share held. That query can
        match far more articles than the search does ("election" with one
        outlet selected: the outlets count over every "election"), so
        whether to sample is decided by its own matches, estimated from a
        first round over a share (the hits' share, or 1 / 2**PROBE_HALVINGS):
        the round is kept when it counted SAMPLE_COUNTED matches (more than
        needed costs less than a second pass), and done again over the share
        its matches call for (or all of them) otherwise."""
        size = request.facet_size
        if not self._may_sample(request) or searcher.num_docs <= SAMPLE_ABOVE:
            return self._top_values(searcher, query, name, size), None, 0
        counting = {"f": self._first_round(searcher, name, size), "counted": COUNTED}
        probe = hits_share or self._share_of(PROBE_HALVINGS)
        first = searcher.aggregate(probe.of(query), counting)
        counted = int(first["counted"]["value"])
        # Two standard errors below the estimate: a share chosen from it
        # still holds SAMPLE_COUNTED matches when the probe's count was high.
        share = self._share(request, int(counted - 2 * math.sqrt(counted)) << probe.halvings)
        if share is None:
            return self._top_values(searcher, query, name, size), None, 0
        if counted >= SAMPLE_COUNTED:
            share = probe
        else:  # too few to keep: the share its matches call for
            first = searcher.aggregate(share.of(query), counting)
            counted = int(first["counted"]["value"])
        values = self._top_values_of(searcher, share.of(query), {name: first["f"]}, size, estimate=True)[name]
        return values, share, counted

    def _histogram(self) -> dict[str, Any]:
        """The histogram's aggregation: months, or days summed into months
        for an index without the month field."""
        if self._has_month:
            return {"histogram": {"field": MONTH_FIELD, "interval": 1, "min_doc_count": 1}}
        return {"date_histogram": {"field": "published", "fixed_interval": "1d", "min_doc_count": 1}}

    def _months(self, buckets: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """[{"date": "YYYY-MM", "count": n}] of the histogram's buckets, by month."""
        if self._has_month:
            return [{"date": month_name(int(b["key"])), "count": int(b["doc_count"])} for b in buckets]
        months: Counter[str] = Counter()
        for bucket in buckets:
            months[_month_of(int(bucket["key"]))] += int(bucket["doc_count"])
        return [{"date": month, "count": count} for month, count in sorted(months.items())]

    @staticmethod
    def _first_terms(searcher: tantivy.Searcher, size: int) -> int:
        """The terms each segment reports in a facet's first round. Reading
        terms is what costs (see _terms): one segment reads just past the
        cut, several read more, since every segment's count can fall short."""
        if searcher.num_segments == 1:
            return min(size + FACET_ONE_SEGMENT_MARGIN, FACET_FIRST_SEGMENT_TERMS)
        return FACET_FIRST_SEGMENT_TERMS

    @staticmethod
    def _fetch(size: int, segment_terms: int) -> int:
        """The terms each segment reports in a round: never fewer than
        `size` (the proofs read a short answer as "every value seen")."""
        return min(max(segment_terms, size), FACET_SEGMENT_TERMS)

    @classmethod
    def _first_round(cls, searcher: tantivy.Searcher, name: str, size: int) -> dict[str, Any]:
        """The aggregation of a facet's first round of counts."""
        return {"terms": cls._terms(name, cls._fetch(size, cls._first_terms(searcher, size)))}

    @staticmethod
    def _terms(name: str, fetch: int) -> dict[str, Any]:
        """A terms aggregation reading `fetch` terms a segment. What costs is
        each segment turning its terms into strings (about 10 microseconds a
        term, more than counting a broad search's matches), so the first
        round reads few. tantivy reads max(size, segment_size) terms a
        segment: asking for fewer values than that would throw counts away."""
        return {"field": FACET_FIELDS[name], "size": fetch, "segment_size": fetch}

    def _facet(
        self,
        searcher: tantivy.Searcher,
        request: SearchRequest,
        name: str,
        query: Query,
        top: list[tuple[str, int]],
        total: int,
        estimated: bool = False,
    ) -> list[FacetValue]:
        """The facet's values: the top ones, then the selected values
        outside them. `estimated`: the top's counts are a share's, scaled;
        the selected values are then counted exactly even within the top, so
        a ticked value never shows more articles than the search finds.
        `total`: the search's matches, which are the count of the facet's
        only selected value (its own query with that value is the search)."""
        field = FACET_FIELDS[name]
        selected = set(request.filters.get(name) or [])

        def exact(value: str) -> int:
            if len(selected) == 1:
                return total
            return _count(searcher.search(eq.all_of([query, Query.term_query(self.schema, field, value)]), 1))

        values = [
            FacetValue(value, exact(value) if estimated and value in selected else count, value in selected)
            for value, count in top
        ]
        if estimated:
            values.sort(key=lambda v: (-v.count, v.value))
        # A selected value outside the top N must still be shown, to be unticked.
        shown = {v.value for v in values}
        values += [FacetValue(value, exact(value), True) for value in sorted(selected - shown)]
        return values

    @classmethod
    def _top_values(
        cls, searcher: tantivy.Searcher, query: Query, name: str, size: int, estimate: bool = False
    ) -> list[tuple[str, int]]:
        """The `size` most frequent values of one facet under `query`."""
        if size <= 0:
            return []
        first = searcher.aggregate(query, {"f": cls._first_round(searcher, name, size)})
        return cls._top_values_of(searcher, query, {name: first["f"]}, size, estimate)[name]

    @classmethod
    def _top_values_of(
        cls,
        searcher: tantivy.Searcher,
        query: Query,
        firsts: dict[str, dict[str, Any]],
        size: int,
        estimate: bool = False,
    ) -> dict[str, list[tuple[str, int]]]:
        """The `size` most frequent values of each facet with exact counts,
        ties broken by value, as OpenSearch orders them, from each facet's
        first round (`firsts`: each segment's top FACET_FIRST_SEGMENT_TERMS).

        tantivy counts each segment's top terms only, which can undercount a
        value frequent overall but not in every segment (by at most the
        round's error bound), and it leaves the order of equal counts open.
        When a round is not provably exact, the values that could be in the
        top `size` are counted exactly, every facet's in one aggregation
        (`_Round.candidates`, `.settled`); when even that cannot prove the
        cut, each segment is asked for FACET_DEEPER times as many terms, up
        to every term.

        `estimate`: the counts are a share's, to be scaled, whose own
        sampling error exceeds what the first round can leave out of a top
        value (each segment's top terms are read; a value short in some
        segment is short by at most the round's error bound): the first
        round's top is taken as it is. Proving it exact cost more than all
        the rest of a sampled search at a million articles in six segments
        (the candidates' recount, then every term of the outlets' copies)."""
        if size <= 0:
            return {name: [] for name in firsts}
        one_segment = searcher.num_segments == 1
        terms = dict.fromkeys(firsts, cls._first_terms(searcher, size))  # each facet's terms a segment in its round
        rounds = {name: _Round.of(first, cls._fetch(size, terms[name]), one_segment) for name, first in firsts.items()}
        if estimate:
            return {name: round_.settled(size, round_.counts, proven=False) or [] for name, round_ in rounds.items()}
        top: dict[str, list[tuple[str, int]]] = {}
        while rounds:
            recount: dict[str, list[str]] = {}
            for name, round_ in rounds.items():
                settled = round_.settled(size, round_.counts) if not round_.error else None
                if settled is not None:
                    top[name] = settled
                    continue
                candidates = round_.candidates(size) if round_.error else []
                if len(candidates) >= cls._fetch(size, terms[name]):
                    # Every value read could reach the cut, so one not read could
                    # too (many near-equal values): rounds a few times deeper
                    # would not settle either, every term at once costs less.
                    terms[name] = FACET_SEGMENT_TERMS
                elif (
                    round_.error
                    and round_.unseen < round_.least(size)
                    and len(candidates) <= FACET_MAX_CANDIDATES * size
                ):
                    recount[name] = candidates
            exact = cls._exact_counts(searcher, query, recount)
            for name, counts in exact.items():
                settled = rounds[name].settled(size, counts)
                if settled is not None:
                    top[name] = settled
            deeper = [name for name in rounds if name not in top]
            last = [name for name in deeper if rounds[name].fetch >= FACET_SEGMENT_TERMS]
            if last:
                # More distinct values in a segment than tantivy returns: the
                # best counts there are (never seen on the 1M benchmark index).
                log.warning("facet counts of %s may be short: over %d values a segment", last, FACET_SEGMENT_TERMS)
                top.update({name: rounds[name].settled(size, rounds[name].counts, proven=False) or [] for name in last})
                deeper = [name for name in deeper if name not in last]
            if not deeper:
                break
            for name in deeper:
                terms[name] = max(terms[name], rounds[name].fetch * FACET_DEEPER)
            fetches = {name: cls._fetch(size, terms[name]) for name in deeper}
            result = searcher.aggregate(query, {name: {"terms": cls._terms(name, fetches[name])} for name in deeper})
            rounds = {name: _Round.of(result[name], fetches[name], one_segment) for name in deeper}
        return top

    @staticmethod
    def _exact_counts(
        searcher: tantivy.Searcher, query: Query, values: dict[str, list[str]]
    ) -> dict[str, dict[str, int]]:
        """The exact number of matches of `query` with each facet value, all
        in one pass: a filter aggregation per value (tantivy parses its query
        string; the value is quoted, `"` and `\\` escaped). Counting a few
        dozen values this way costs a fraction of recounting the facet's
        column (a terms aggregation with `include`)."""
        aggregations = {
            f"{name} {n}": {"filter": f"{FACET_FIELDS[name]}:{_quoted(value)}"}
            for name, wanted in values.items()
            for n, value in enumerate(wanted)
        }
        if not aggregations:
            return {name: {} for name in values}
        result = searcher.aggregate(query, aggregations)
        return {
            name: {value: int(result[f"{name} {n}"]["doc_count"]) for n, value in enumerate(wanted)}
            for name, wanted in values.items()
        }

    def search_quotes(self, speaker: str, mentions: str, size: int = 10) -> list[tuple[str, Quote]]:
        """Articles where `speaker` is quoted and the words occur, then the
        quotes themselves checked: tantivy has no nested documents, so the
        "same quote" condition is applied to the candidates here."""
        wanted = set(self.analyzer.analyze(mentions))
        searcher = self._searcher()
        clauses = [(Occur.Must, Query.term_query(self.schema, "speaker", speaker))]
        clauses += [(Occur.Must, Query.term_query(self.schema, "text", token)) for token in wanted]
        found: list[tuple[str, Quote]] = []
        for _, address in searcher.search(Query.boolean_query(clauses), max(size * 5, 50)).hits:
            article = to_record(searcher.doc(address))
            for quote in article.quotes:
                said_by = quote.speaker_canonical or quote.speaker
                if said_by == speaker and wanted <= set(self.analyzer.analyze(quote.text)):
                    found.append((article.id, quote))
        return found[:size]

    # -- stories and stats -------------------------------------------------

    def more_like_this(
        self, article_id: str, size: int = 10, date_window_days: int | None = None
    ) -> list[tuple[str, float]]:
        """Articles sharing the most distinctive words of this one (tantivy's
        more-like-this reads the stored fields, and this index stores the
        record compressed instead, so the query is built here the same way:
        the top words by tf-idf, each weighted by it)."""
        searcher = self._searcher()
        result = searcher.search(Query.term_query(self.schema, "id", article_id), 1)
        if not result.hits:
            return []
        article = to_record(searcher.doc(result.hits[0][1]))
        similar = self._similar_words_query(searcher, article)
        clauses = [(Occur.Must, similar), (Occur.MustNot, Query.term_query(self.schema, "id", article_id))]
        if date_window_days is not None and article.published:
            published = parse_date(article.published)
            window = dt.timedelta(days=date_window_days)
            clauses.append(
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema, "published", tantivy.FieldType.Date, published - window, published + window
                    ),
                )
            )
        hits = searcher.search(Query.boolean_query(clauses), size).hits
        return [(to_record(searcher.doc(a)).id, float(score)) for score, a in hits]

    def _similar_words_query(self, searcher: tantivy.Searcher, article: EnrichedArticle) -> Query:
        """The article's words in the title, the body and the names of its
        entities (`alias`), each field's top words by tf-idf, as tantivy's
        more-like-this weighs them."""
        fields = {"title": article.title or "", "text": article.text or "", "alias": " ".join(article.alias_names())}
        total = max(searcher.num_docs, 1)
        weights = []
        for field, text in fields.items():
            counts = Counter(token for token in self.analyzer.analyze(text) if len(token) >= MLT_MIN_WORD_LENGTH)
            for token, frequency in counts.items():
                documents = searcher.doc_freq(field, token)
                idf = math.log(1 + (total - documents + 0.5) / (documents + 0.5))
                weights.append((frequency * idf, field, token))
        weights.sort(reverse=True)
        clauses = [
            (Occur.Should, Query.boost_query(Query.term_query(self.schema, field, token), weight))
            for weight, field, token in weights[:MLT_QUERY_TERMS]
            if weight > 0
        ]
        return Query.boolean_query(clauses) if clauses else Query.empty_query()

    def stats(self) -> dict[str, Any]:
        """Counts of the whole index, kept until a commit changes it (the
        search page shows them on every view, and at a million articles the
        exact story count alone takes a second)."""
        version = self._version()
        cached = self._stats_cache
        if cached is not None and cached[0] == version:
            return dict(cached[1])
        stats = self._count_stats()
        self._stats_cache = (version, stats)
        return dict(stats)

    def _count_stats(self) -> dict[str, Any]:
        # Counted from fast fields, which an index of an older schema has too:
        # `parallax status` answers before `parallax reindex`.
        searcher = self._any_searcher()
        everything = Query.all_query()
        counts: dict[str, Any] = {
            "outlets": {"cardinality": {"field": "outlet"}},
            # Exact, unlike a cardinality aggregation (an estimate), so
            # `parallax status` agrees with `parallax stories`.
            "stories": {"terms": {"field": "story", "size": EXACT_TERMS, "segment_size": EXACT_TERMS}},
            "first": {"min": {"field": "published"}},
            "last": {"max": {"field": "published"}},
        }
        try:
            aggregates = searcher.aggregate(everything, counts)
            stories = len(aggregates["stories"]["buckets"])
        except ValueError:
            # More stories than tantivy's bucket limit (65,000; an archive of
            # a million articles has ~100,000): the estimate, not a failure.
            counts["stories"] = {"cardinality": {"field": "story"}}
            aggregates = searcher.aggregate(everything, counts)
            stories = int(aggregates["stories"]["value"] or 0)

        def day(value) -> str | None:
            number = value.get("value")
            if number is None:
                return None
            # tantivy reports min/max of a date field in nanoseconds
            return dt.datetime.fromtimestamp(number / 1e9, tz=dt.UTC).date().isoformat()

        return {
            "backend": "embedded",
            "location": str(self._current_dir()),
            "articles": searcher.num_docs,
            "outlets": int(aggregates["outlets"]["value"] or 0),
            "stories": stories,
            "first_published": day(aggregates["first"]),
            "last_published": day(aggregates["last"]),
        }


def _restory(article: EnrichedArticle, assignments: dict[str, str | None], threads: dict[str, str | None]) -> bool:
    """Give the article its new story and thread, if they are among the
    changes; whether anything changed."""
    story = assignments.get(article.id, article.story)
    thread = threads.get(article.id, article.thread)
    if (article.story, article.thread) == (story, thread):
        return False
    article.story, article.thread = story, thread
    return True


@dataclass(frozen=True)
class _Share:
    """A uniform share of the articles, 1 / 2**halvings of them: those whose
    sample number is in the range `within` matches (see SAMPLE_FIELD)."""

    halvings: int
    within: Query

    @property
    def fraction(self) -> float:
        return 1 / (1 << self.halvings)

    def of(self, query: Query) -> Query:
        """The matches of `query` in the share."""
        return eq.all_of([query, self.within])

    def scaled(self, values: list[tuple[str, int]]) -> list[tuple[str, int]]:
        """Counts in the share as estimates of the counts over all."""
        return [(value, count << self.halvings) for value, count in values]


@functools.lru_cache(maxsize=65536)
def _month_of(day_key_ms: int) -> str:
    """'YYYY-MM' of a day bucket's key (milliseconds since 1970), cached:
    a search over years of news has thousands of day buckets, and formatting
    each was 40 % of the CPU of a search."""
    return dt.datetime.fromtimestamp(day_key_ms / 1000, tz=dt.UTC).strftime("%Y-%m")


def _quoted(value: str) -> str:
    """A facet value as a phrase of tantivy's query language (matched whole:
    keyword fields keep the value as one token)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class _Round:
    """One round of a facet's counts: each segment's top terms merged, the
    `fetch` best (`counts`), each count short by at most `error` (0 when no
    segment left a term out). `unseen`: the most matches a value not read
    can have (the last value's count plus the error when `fetch` came back,
    the error alone when fewer did)."""

    counts: dict[str, int]
    error: int
    unseen: int
    fetch: int

    @classmethod
    def of(cls, result: dict[str, Any], fetch: int, one_segment: bool) -> _Round:
        counts = {b["key"]: int(b["doc_count"]) for b in result["buckets"]}
        # One segment: the counts are exact, a value not read has at most the last one's.
        error = 0 if one_segment else int(result.get("doc_count_error_upper_bound") or 0)
        floor = min(counts.values()) if len(counts) >= fetch else 0
        return cls(counts, error, floor + error, fetch)

    def least(self, size: int) -> int:
        """The `size`-th largest count read (0 when fewer were read): the
        `size`-th exact count is at least this."""
        if len(self.counts) < size:
            return 0
        return sorted(self.counts.values(), reverse=True)[size - 1]

    def candidates(self, size: int) -> list[str]:
        """The values read that could be in the top `size`: a value whose
        count plus the error is below `least` cannot reach it."""
        least = self.least(size)
        return [value for value, count in self.counts.items() if count + self.error >= least]

    def settled(self, size: int, exact: dict[str, int], proven: bool = True) -> list[tuple[str, int]] | None:
        """The top `size` of `exact` (counts known exact, every value read
        that could reach the cut among them) when no value not read can tie
        or beat the `size`-th (`unseen` below it; with fewer values than
        `size`, none unseen at all). None otherwise; `proven=False`: the top
        `size` whatever the bound."""
        ordered = sorted(exact.items(), key=lambda item: (-item[1], item[0]))
        if not proven:
            return ordered[:size]
        if len(ordered) < size:
            return ordered if not self.unseen else None
        if self.unseen >= ordered[size - 1][1]:
            return None
        return ordered[:size]


class EmbeddedSession(IndexSession):
    """One tantivy writer for a whole ingest run: documents go to tantivy's
    indexing thread as they are added, a commit makes them durable."""

    def __init__(self, store: EmbeddedStore):
        self.store = store
        store._write_lock.acquire()
        try:
            self._writer: tantivy.IndexWriter | None = store._writer()
        except Exception:
            store._write_lock.release()
            raise
        self._report = IndexReport()
        self._added: set[str] = set()  # ids in this commit: one added twice is one article

    def add(self, article_id: str, prepared: str) -> None:
        assert self._writer is not None, "session closed"
        self._writer.delete_documents_by_term("id", article_id)  # overwrite by id: never twice
        try:
            self._writer.add_json(prepared)
        except ValueError as exc:
            self._report.failed[article_id] = f"could not be stored: {exc}"
            return
        if article_id not in self._added:
            self._added.add(article_id)
            self._report.indexed.append(article_id)
        self.store._sample(prepared)

    def commit(self) -> IndexReport:
        assert self._writer is not None, "session closed"
        self._writer.commit()
        self.store._tantivy.reload()
        report, self._report, self._added = self._report, IndexReport(), set()
        return report

    def close(self) -> None:
        if self._writer is None:
            return
        writer, self._writer = self._writer, None
        try:
            self.store.codec.wait()
            writer.rollback()  # anything added after the last commit was not promised
            writer.wait_merging_threads()
        finally:
            self.store._write_lock.release()
            self.store._tantivy.reload()
