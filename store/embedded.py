"""The embedded backend: a tantivy index in the data directory.

Zero set-up: nothing to run but this process. Laid out like the OpenSearch
backend: `embedded_schema` (the tantivy schema, derived from
`mappings/articles.json`, and documents to records and back),
`embedded_query` (requests to tantivy queries, documents to hits) and this
module, the store itself (opening, writing, reading, searching, stats).

Layout of the data directory:

    <data>/CURRENT           name of the live index folder (for reindex)
    <data>/index-<n>/        the tantivy index
"""

from __future__ import annotations

import datetime as dt
import logging
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Index, Occur, Order, Query

from . import embedded_query as eq
from .embedded_schema import ANALYZER, build_schema, news_analyzer, to_document, to_record
from .interface import QuerySyntaxError, Store, StoreError
from .query import parse_query
from .records import (
    FACET_FIELDS,
    FACETS,
    EnrichedArticle,
    FacetValue,
    IndexReport,
    Quote,
    SearchRequest,
    SearchResponse,
)

log = logging.getLogger(__name__)

WRITER_HEAP = 256_000_000
EXACT_TERMS = 10_000_000  # a terms aggregation this wide returns every distinct value


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
        self._stale: str | None = None  # why only `reindex` may read the index, when it may
        self._tantivy = self._open_index(create)

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
            # Opened under its own schema, only `reindex` may read it (to
            # rebuild it under the current one); everything else refuses.
            self._stale = f"The index in {path} was built with another schema ({exc}); run `parallax reindex`"
            index = Index.open(str(path))
        index.register_tokenizer(ANALYZER, self.analyzer)
        return index

    def _searcher(self, stale_ok: bool = False) -> tantivy.Searcher:
        if self._stale and not stale_ok:
            raise StoreError(self._stale)
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
                        document = to_document(article)
                    except (TypeError, ValueError) as exc:
                        report.failed[article.id] = f"could not be stored: {exc}"
                        continue
                    writer.delete_documents_by_term("id", article.id)
                    writer.add_document(document)
                    report.indexed.append(article.id)
                writer.commit()
                writer.wait_merging_threads()
            except Exception:
                writer.rollback()
                raise
        self._tantivy.reload()
        return report

    def _writer(self) -> tantivy.IndexWriter:
        if self._stale:
            raise StoreError(self._stale)
        try:
            return self._tantivy.writer(heap_size=WRITER_HEAP, num_threads=1)
        except ValueError as exc:  # tantivy's lock: another process is writing
            raise StoreError(f"The index in {self.data_dir} is being written by another process ({exc})") from exc

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
        threads = threads or {}
        changed = []
        for article in self.get_many(list(dict.fromkeys([*assignments, *threads]))):
            story = assignments.get(article.id, article.story)
            thread = threads.get(article.id, article.thread)
            if (article.story, article.thread) != (story, thread):
                article.story, article.thread = story, thread
                changed.append(article)
        if changed:
            self.index(changed)
        return len(changed)

    def reindex(self) -> dict[str, Any]:
        """Copy every stored article into a fresh index folder built with the
        current schema, then point CURRENT at it (one rename: atomic)."""
        old_dir = self._current_dir()
        articles = list(self._scan(stale_ok=True))
        number = int(old_dir.name.rsplit("-", 1)[-1]) + 1 if old_dir.name.startswith("index-") else 1
        new_dir = self.data_dir / f"index-{number}"
        if new_dir.exists():
            shutil.rmtree(new_dir)
        new_dir.mkdir(parents=True)
        new_index = Index(self.schema, path=str(new_dir), reuse=False)
        new_index.register_tokenizer(ANALYZER, self.analyzer)
        writer = new_index.writer(heap_size=WRITER_HEAP, num_threads=1)
        for article in articles:
            writer.add_document(to_document(article))
        writer.commit()
        writer.wait_merging_threads()
        pointer_tmp = self.data_dir / "CURRENT.tmp"
        pointer_tmp.write_text(new_dir.name, encoding="utf-8")
        pointer_tmp.replace(self.data_dir / "CURRENT")
        self._tantivy = new_index
        self._stale = None
        shutil.rmtree(old_dir, ignore_errors=True)
        return {"backend": "embedded", "from": old_dir.name, "to": new_dir.name, "articles": len(articles)}

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
        return self._scan()

    def _scan(self, stale_ok: bool = False) -> Iterator[EnrichedArticle]:
        searcher = self._searcher(stale_ok)
        total = searcher.num_docs
        if not total:
            return
        for _, address in searcher.search(Query.all_query(), total, count=False).hits:
            yield to_record(searcher.doc(address))

    # -- searching ---------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        parsed = parse_query(request.q)
        text_query = eq.text_query(self.schema, self.analyzer, parsed)
        searcher = self._searcher()
        scope = eq.scope_clauses(self.schema, request)
        hits_query = eq.all_of([text_query, *scope, *eq.facet_filters(self.schema, request, skip=None)])
        offset = max(request.page - 1, 0) * request.size
        try:
            if request.sort == "date":
                result = searcher.search(
                    hits_query, request.size, offset=offset, order_by_field="published", order=Order.Desc
                )
            else:
                result = searcher.search(hits_query, request.size, offset=offset)
        except ValueError as exc:
            raise QuerySyntaxError(f"The search engine could not run this query: {exc}") from exc
        snippets = eq.snippet_generator(self._tantivy, searcher, self.schema, self.analyzer, parsed)
        hits = [eq.to_hit(searcher.doc(address), score, snippets, request.sort) for score, address in result.hits]
        facets = {
            name: self._facet(
                searcher,
                request,
                name,
                eq.all_of([text_query, *scope, *eq.facet_filters(self.schema, request, skip=name)]),
            )
            for name in FACETS
        }
        return SearchResponse(
            total=_count(result),
            page=request.page,
            hits=hits,
            facets=facets,
            histogram=self._histogram(searcher, hits_query),
        )

    def _facet(self, searcher: tantivy.Searcher, request: SearchRequest, name: str, query: Query) -> list[FacetValue]:
        field = FACET_FIELDS[name]
        result = searcher.aggregate(query, {name: {"terms": {"field": field, "size": request.facet_size}}})
        selected = set(request.filters.get(name) or [])
        values = [
            FacetValue(bucket["key"], int(bucket["doc_count"]), bucket["key"] in selected)
            for bucket in result[name]["buckets"]
        ]
        # A selected value outside the top N must still be shown, to be unticked.
        shown = {v.value for v in values}
        for value in sorted(selected - shown):
            count = _count(searcher.search(eq.all_of([query, Query.term_query(self.schema, field, value)]), 1))
            values.append(FacetValue(value, count, True))
        return values

    def _histogram(self, searcher: tantivy.Searcher, query: Query) -> list[dict[str, Any]]:
        """Matching articles per month (the date histogram of the results)."""
        result = searcher.aggregate(
            query, {"days": {"date_histogram": {"field": "published", "fixed_interval": "1d", "min_doc_count": 1}}}
        )
        months: Counter[str] = Counter()
        for bucket in result["days"]["buckets"]:
            day = dt.datetime.fromtimestamp(bucket["key"] / 1000, tz=dt.UTC)
            months[day.strftime("%Y-%m")] += int(bucket["doc_count"])
        return [{"date": month, "count": count} for month, count in sorted(months.items())]

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
        searcher = self._searcher()
        result = searcher.search(Query.term_query(self.schema, "id", article_id), 1)
        if not result.hits:
            return []
        address = result.hits[0][1]
        similar = Query.more_like_this_query(
            address, min_doc_frequency=1, min_term_frequency=1, max_query_terms=40, min_word_length=3
        )
        clauses = [(Occur.Must, similar), (Occur.MustNot, Query.term_query(self.schema, "id", article_id))]
        published = searcher.doc(address).to_dict().get("published")
        if date_window_days is not None and published:
            window = dt.timedelta(days=date_window_days)
            clauses.append(
                (
                    Occur.Must,
                    Query.range_query(
                        self.schema, "published", tantivy.FieldType.Date, published[0] - window, published[0] + window
                    ),
                )
            )
        hits = searcher.search(Query.boolean_query(clauses), size).hits
        return [(searcher.doc(a).to_dict()["id"][0], float(score)) for score, a in hits]

    def stats(self) -> dict[str, Any]:
        searcher = self._searcher()
        everything = Query.all_query()
        aggregates = searcher.aggregate(
            everything,
            {
                "outlets": {"cardinality": {"field": "outlet"}},
                # Exact, unlike a cardinality aggregation (an estimate), so
                # `parallax status` agrees with `parallax stories`.
                "stories": {"terms": {"field": "story", "size": EXACT_TERMS, "segment_size": EXACT_TERMS}},
                "first": {"min": {"field": "published"}},
                "last": {"max": {"field": "published"}},
            },
        )

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
            "stories": len(aggregates["stories"]["buckets"]),
            "first_published": day(aggregates["first"]),
            "last_published": day(aggregates["last"]),
        }
