"""The embedded backend: a tantivy index in the data directory.

Zero set-up: nothing to run but this process. The schema is derived from
`mappings/articles.json`, field for field, so the embedded index and the
OpenSearch index hold the same documents:

    keyword            -> raw-tokenised text, fast (facets, filters, sort)
    text               -> the `news_english` analyser (lowercase, accent
                          folding, English stemming), positions for phrases
    date / boolean     -> tantivy date / boolean
    nested / object    -> stored JSON (entities, quotes, extra)

Layout of the data directory:

    <data>/CURRENT           name of the live index folder (for reindex)
    <data>/index-<n>/        the tantivy index
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy
from tantivy import Filter, Index, Occur, Order, Query, TextAnalyzerBuilder, Tokenizer

import mappings

from .interface import QuerySyntaxError, Store, StoreError
from .query import ParsedQuery, Term, parse_query
from .records import (
    FACETS,
    EnrichedArticle,
    FacetValue,
    Hit,
    IndexReport,
    Quote,
    SearchRequest,
    SearchResponse,
)

log = logging.getLogger(__name__)

ANALYZER = "news_english"
SNIPPET_CHARS = 240
TITLE_BOOST = 2.0
# Facet name in the API -> keyword field in the index.
FACET_FIELDS = {"outlet": "outlet", "person": "person", "place": "place"}
# Index fields computed from the record rather than copied from it.
DERIVED_FIELDS = {
    "person": EnrichedArticle.people,
    "place": EnrichedArticle.places,
    "org": EnrichedArticle.organisations,
    "speaker": EnrichedArticle.speakers,
}
WRITER_HEAP = 256_000_000


def news_analyzer() -> tantivy.TextAnalyzer:
    """Mirror of the OpenSearch `news_english` analyser: split on non-letters,
    lowercase, fold accents (café = cafe), English stemming."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(64))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("english"))
        .build()
    )


def build_schema() -> tantivy.Schema:
    """The tantivy schema, one field per top-level property of the mapping."""
    builder = tantivy.SchemaBuilder()
    for name, spec in mappings.article_fields().items():
        kind = spec.get("type", "object")
        indexed = spec.get("index", True) is not False
        if kind == "keyword":
            if indexed:
                builder.add_text_field(name, stored=True, fast=True, tokenizer_name="raw")
            else:
                builder.add_text_field(name, stored=True, tokenizer_name="raw", index_option="basic")
        elif kind == "text":
            builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER, index_option="position")
        elif kind == "date":
            builder.add_date_field(name, stored=True, indexed=True, fast=True)
        elif kind == "boolean":
            builder.add_boolean_field(name, stored=True, indexed=True, fast=True)
        elif kind in ("integer", "long"):
            builder.add_integer_field(name, stored=True, indexed=True, fast=True)
        elif kind in ("nested", "object"):
            builder.add_json_field(name, stored=True, tokenizer_name=ANALYZER)
        else:  # a new mapping type must be mirrored here on purpose
            raise StoreError(f"mappings field {name!r} has type {kind!r}, which the embedded store does not mirror")
    return builder.build()


class EmbeddedStore(Store):
    """Articles in a tantivy index under `data_dir`."""

    def __init__(self, data_dir: Path | str, create: bool = True):
        self.data_dir = Path(data_dir)
        self._write_lock = threading.Lock()
        self.schema = build_schema()
        self.analyzer = news_analyzer()
        self._stale: str | None = None
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
                        document = self._to_document(article)
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

    def _to_document(self, article: EnrichedArticle) -> tantivy.Document:
        record = article.to_dict()
        doc = tantivy.Document()
        for name, spec in mappings.article_fields().items():
            value = DERIVED_FIELDS[name](article) if name in DERIVED_FIELDS else record.get(name)
            if value is None or value == [] or value == "":
                continue
            kind = spec.get("type", "object")
            if kind == "date":
                doc.add_date(name, _parse_date(value))
            elif kind == "boolean":
                doc.add_boolean(name, bool(value))
            elif kind in ("nested", "object"):
                doc.add_json(name, json.dumps({"items": value} if isinstance(value, list) else value))
            elif isinstance(value, list):
                for item in value:
                    doc.add_text(name, str(item))
            else:
                doc.add_text(name, str(value))
        return doc

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
            writer.add_document(self._to_document(article))
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
        return self._to_record(searcher.doc(result.hits[0][1]))

    def get_many(self, article_ids: Iterable[str]) -> list[EnrichedArticle]:
        ids = list(dict.fromkeys(article_ids))
        if not ids:
            return []
        searcher = self._searcher()
        query = Query.term_set_query(self.schema, "id", ids)
        found = {}
        for _, address in searcher.search(query, len(ids)).hits:
            record = self._to_record(searcher.doc(address))
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
            yield self._to_record(searcher.doc(address))

    def _to_record(self, document: tantivy.Document) -> EnrichedArticle:
        raw = document.to_dict()
        data: dict[str, Any] = {}
        for name, spec in mappings.article_fields().items():
            if name in DERIVED_FIELDS or name not in raw:
                continue
            values = raw[name]
            kind = spec.get("type", "object")
            if kind == "date":
                data[name] = values[0].date().isoformat()
            elif kind in ("nested", "object"):
                value = values[0]
                data[name] = value.get("items", []) if kind == "nested" else value
            elif name in ("authors", "boilerplate"):
                data[name] = list(values)
            else:
                data[name] = values[0]
        return EnrichedArticle.from_dict(data)

    # -- searching ---------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        parsed = parse_query(request.q)
        text_query = self._text_query(parsed)
        searcher = self._searcher()
        scope = self._scope_clauses(request)
        hits_query = self._and([text_query, *scope, *self._facet_filters(request, skip=None)])
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
        snippets = self._snippet_generator(searcher, parsed)
        hits = [self._to_hit(searcher.doc(address), score, snippets, request.sort) for score, address in result.hits]
        facets = {
            name: self._facet(
                searcher, request, name, self._and([text_query, *scope, *self._facet_filters(request, skip=name)])
            )
            for name in FACETS
        }
        return SearchResponse(
            total=result.count,
            page=request.page,
            hits=hits,
            facets=facets,
            histogram=self._histogram(searcher, hits_query),
        )

    def _analyze(self, text: str) -> list[str]:
        return self.analyzer.analyze(text)

    def _term_query(self, term: Term) -> Query | None:
        """A word or phrase, searched in the title (boosted) and the body."""
        tokens = self._analyze(term.text)
        if not tokens:
            return None
        per_field = []
        for field, boost in (("title", TITLE_BOOST), ("text", 1.0)):
            if len(tokens) == 1:
                query = Query.term_query(self.schema, field, tokens[0])
            else:
                query = Query.phrase_query(self.schema, field, tokens)
            per_field.append((Occur.Should, Query.boost_query(query, boost) if boost != 1.0 else query))
        return Query.boolean_query(per_field)

    def _text_query(self, parsed: ParsedQuery) -> Query:
        clauses: list[tuple[Occur, Query]] = []
        for group in parsed.groups:
            alternatives = [q for q in (self._term_query(t) for t in group) if q is not None]
            if not alternatives:
                continue
            group_query = (
                alternatives[0]
                if len(alternatives) == 1
                else Query.boolean_query([(Occur.Should, q) for q in alternatives])
            )
            clauses.append((Occur.Must, group_query))
        for term in parsed.excluded:
            query = self._term_query(term)
            if query is not None:
                clauses.append((Occur.MustNot, query))
        if not any(occur == Occur.Must for occur, _ in clauses):
            clauses.append((Occur.Must, Query.all_query()))
        return Query.boolean_query(clauses)

    def _scope_clauses(self, request: SearchRequest) -> list[Query]:
        """Restrictions that are not facets: dates, story, explicit ids."""
        clauses = []
        if request.date_from or request.date_to:
            lower = _parse_date(request.date_from) if request.date_from else tantivy.MIN_DATETIME
            upper = _parse_date(request.date_to) if request.date_to else tantivy.MAX_DATETIME
            clauses.append(Query.range_query(self.schema, "published", tantivy.FieldType.Date, lower, upper))
        if request.story:
            clauses.append(Query.term_query(self.schema, "story", request.story))
        if request.thread:
            clauses.append(Query.term_query(self.schema, "thread", request.thread))
        if request.ids is not None:
            clauses.append(
                Query.term_set_query(self.schema, "id", list(request.ids)) if request.ids else Query.empty_query()
            )
        return clauses

    def _facet_filters(self, request: SearchRequest, skip: str | None) -> list[Query]:
        """One clause per active facet (OR within it), leaving out `skip` so
        that facet's own counts are computed as if it were not selected."""
        clauses = []
        for name, values in request.filters.items():
            if name == skip or not values or name not in FACET_FIELDS:
                continue
            clauses.append(Query.term_set_query(self.schema, FACET_FIELDS[name], list(values)))
        return clauses

    @staticmethod
    def _and(queries: list[Query]) -> Query:
        return Query.boolean_query([(Occur.Must, q) for q in queries])

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
            count = searcher.search(self._and([query, Query.term_query(self.schema, field, value)]), 1).count
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

    def _snippet_generator(self, searcher: tantivy.Searcher, parsed: ParsedQuery):
        terms = [t for t in parsed.positive_terms() if self._analyze(t.text)]
        if not terms:
            return None
        words = " ".join(f'"{t.text}"' if t.phrase else t.text for t in terms)
        try:
            query = self._tantivy.parse_query_lenient(_strip_parser_syntax(words), ["text"])[0]
        except ValueError:
            return None
        generator = tantivy.SnippetGenerator.create(searcher, query, self.schema, "text")
        generator.set_max_num_chars(SNIPPET_CHARS)
        return generator

    def _to_hit(self, document: tantivy.Document, order_key, snippets, sort: str) -> Hit:
        raw = document.to_dict()

        def first(name: str):
            values = raw.get(name)
            return values[0] if values else None

        # tantivy escapes the text and wraps matches in <b>; the API promises <mark>.
        snippet = snippets.snippet_from_doc(document).to_html() if snippets else ""
        snippet = snippet.replace("<b>", "<mark>").replace("</b>", "</mark>")
        if not snippet:
            snippet = _escape(_lede(first("text") or ""))
        published = first("published")
        return Hit(
            id=first("id"),
            title=first("title"),
            outlet=first("outlet"),
            published=published.date().isoformat() if published else None,
            url=first("url"),
            snippet=snippet,
            score=float(order_key) if sort != "date" and order_key is not None else None,
            story=first("story"),
            title_derived=bool(first("title_derived")),
        )

    def search_quotes(self, speaker: str, mentions: str, size: int = 10) -> list[tuple[str, Quote]]:
        """Articles where `speaker` is quoted and the words occur, then the
        quotes themselves checked: tantivy has no nested documents, so the
        "same quote" condition is applied to the candidates here."""
        wanted = set(self._analyze(mentions))
        searcher = self._searcher()
        clauses = [(Occur.Must, Query.term_query(self.schema, "speaker", speaker))]
        clauses += [(Occur.Must, Query.term_query(self.schema, "text", token)) for token in wanted]
        found: list[tuple[str, Quote]] = []
        for _, address in searcher.search(Query.boolean_query(clauses), max(size * 5, 50)).hits:
            article = self._to_record(searcher.doc(address))
            for quote in article.quotes:
                if (quote.speaker_canonical or quote.speaker) == speaker and wanted <= set(self._analyze(quote.text)):
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
                "stories": {"cardinality": {"field": "story"}},
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
            "stories": int(aggregates["stories"]["value"] or 0),
            "first_published": day(aggregates["first"]),
            "last_published": day(aggregates["last"]),
        }


def _parse_date(value: str | dt.date | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    try:
        return dt.datetime.fromisoformat(str(value)[:10]).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise QuerySyntaxError(f"{value!r} is not a date: use YYYY-MM-DD") from exc


def _strip_parser_syntax(text: str) -> str:
    """Remove characters tantivy's query parser treats as syntax, keeping
    the quotes that mark phrases; the snippet only needs the words."""
    return "".join(ch if ch.isalnum() or ch in ' "' else " " for ch in text)


def _lede(text: str) -> str:
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + "…"


def _escape(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
