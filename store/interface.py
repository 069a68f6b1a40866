"""The one interface the indexer and the portal use to reach a search engine.

Two backends implement it: `store.embedded.EmbeddedStore` (tantivy, on
disk in the data directory) and `store.opensearch.OpenSearchStore`.
Both must pass the same contract suite in `tests/contract/`.
"""

from __future__ import annotations

import dataclasses
import json
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any

from .records import (
    EnrichedArticle,
    FacetPage,
    FacetValue,
    Hit,
    IndexReport,
    Quote,
    SearchRequest,
    SearchResponse,
)


class StoreError(Exception):
    """The engine failed or refused a request; the message is for a user."""


class QuerySyntaxError(ValueError):
    """The user's query could not be understood; the message says why."""


class Store(ABC):
    """Index, read and search enriched articles."""

    @abstractmethod
    def index(self, articles: Iterable[EnrichedArticle]) -> IndexReport:
        """Write (or overwrite, by id) articles and make them searchable.

        Only ids the engine acknowledged are reported as indexed."""

    def prepare(self, article: EnrichedArticle) -> str:
        """The article in the form this backend writes, as one string.

        Computed where the article was enriched (a worker process), so the
        process that writes only passes the string on: a string is cheap to
        send between processes, a tree of records is not."""
        return json.dumps(article.to_dict(), ensure_ascii=False)

    def session(self) -> IndexSession:
        """A writing session for prepared articles (see `IndexSession`)."""
        return BufferedSession(self)

    @abstractmethod
    def get(self, article_id: str) -> EnrichedArticle | None:
        """One article by id, or None."""

    def get_many(self, article_ids: Iterable[str]) -> list[EnrichedArticle]:
        """Articles by id, in the order asked, skipping unknown ids."""
        found = (self.get(i) for i in article_ids)
        return [a for a in found if a is not None]

    def search(self, request: SearchRequest) -> SearchResponse:
        """Hits, total and facets. Raises QuerySyntaxError for a bad query.

        Facet filters are first read forgivingly (any case, accents, an
        alias of a known entity) and replaced by the stored values; query
        words that matched only through an entity's other names are
        reported in `alias_matches`."""
        from . import lookups  # the shared, backend-neutral parts

        resolved = lookups.resolve_filters(self, request)
        response = self.run_search(resolved)
        response.filters = {k: list(v) for k, v in resolved.filters.items() if v}
        if request.page == 1 and request.facet_size:
            response.alias_matches = lookups.alias_matches(self, resolved)
        return response

    @abstractmethod
    def run_search(self, request: SearchRequest) -> SearchResponse:
        """`search` without reading the filters forgivingly: exact values."""

    def matching_articles(self, request: SearchRequest) -> tuple[int, list[EnrichedArticle]]:
        """How many articles a search finds (filters as given) and the
        records of its first page: what the internal look-ups need, with no
        facets, histogram or snippets. Backends may answer it more cheaply."""
        found = self.run_search(dataclasses.replace(request, facet_size=0))
        return found.total, self.get_many([hit.id for hit in found.hits])

    def has_value(self, facet: str, value: str) -> bool:
        """Whether any article has exactly this value of the facet (the
        forgiving filters' first check, on every filtered search)."""
        probe = SearchRequest(filters={facet: [value]}, size=0, facet_size=0)
        return self.matching_articles(probe)[0] > 0

    @abstractmethod
    def facet_counts(self, request: SearchRequest, facet: str, limit: int) -> list[FacetValue]:
        """The values of one facet under the request's query and every filter
        but the facet's own, most frequent first (ties by value), at most
        `limit`; `selected` marks the request's own values."""

    @abstractmethod
    def stories_by_latest(self, limit: int) -> list[tuple[str, str | None, int]]:
        """(story id, latest publication day, articles) for every story,
        newest first (by its latest article), at most `limit`."""

    def iter_hits(self, request: SearchRequest, limit: int) -> Iterator[Hit]:
        """Every hit of the search, up to `limit`, read in pages (exports).
        Filters are read forgivingly, as in `search`."""
        from . import lookups

        yield from self.run_iter_hits(lookups.resolve_filters(self, request), limit)

    @abstractmethod
    def run_iter_hits(self, request: SearchRequest, limit: int) -> Iterator[Hit]:
        """`iter_hits` with exact filter values."""

    def facet_values(
        self, request: SearchRequest, facet: str, contains: str = "", page: int = 1, size: int = 20
    ) -> FacetPage:
        """One page of a facet's values whose name contains `contains`
        (case- and accent-insensitive)."""
        from . import lookups

        return lookups.facet_page(self, lookups.resolve_filters(self, request), facet, contains, page, size)

    @abstractmethod
    def search_quotes(self, speaker: str, mentions: str, size: int = 10) -> list[tuple[str, Quote]]:
        """Quotes by `speaker` (a canonical name) whose own words mention
        `mentions` (all its words; empty: every quote by the speaker), as
        (article id, quote) pairs."""

    @abstractmethod
    def more_like_this(
        self, article_id: str, size: int = 10, date_window_days: int | None = None
    ) -> list[tuple[str, float]]:
        """Ids (and scores) of the articles most similar to one article."""

    @abstractmethod
    def delete(self, article_ids: Iterable[str]) -> int:
        """Remove articles by id; returns how many were there."""

    @abstractmethod
    def scan(self) -> Iterator[EnrichedArticle]:
        """Every stored article, in no particular order (for batch jobs such
        as story grouping and reindexing)."""

    @abstractmethod
    def set_stories(self, assignments: dict[str, str | None], threads: dict[str, str | None] | None = None) -> int:
        """Set the story (event) id of the given articles and, for the ids in
        `threads`, their thread id; returns how many articles changed."""

    @abstractmethod
    def reindex(self) -> dict[str, Any]:
        """Rebuild the index from the stored articles under the current
        schema, then switch readers to it in one step (OpenSearch: a new
        versioned index and an atomic alias swap). Returns what was done."""

    @abstractmethod
    def compact(
        self, assignments: dict[str, str | None] | None = None, threads: dict[str, str | None] | None = None
    ) -> dict[str, Any]:
        """Merge the index into one segment (embedded: every article written
        again in one commit; OpenSearch: a force merge), so a search reads
        each field's terms once instead of once a segment. Readers keep
        answering meanwhile. `assignments` and `threads`: story changes to
        make as `set_stories` would, in the same pass (the embedded copy
        writes each changed article once instead of twice). Returns the
        segment counts before and after, and `stories_changed`."""

    @abstractmethod
    def stats(self) -> dict[str, Any]:
        """Counts for the status line: articles, outlets, stories, date range."""

    def close(self) -> None:  # pragma: no cover - backends override when needed
        """Release files or connections (nothing to release by default)."""
        return None


class IndexSession:
    """Prepared articles written in batches: `add` any number, `commit`
    makes everything added so far durable and searchable (what was added
    after the last commit is lost if the process dies), `close` ends it."""

    def add(self, article_id: str, prepared: str) -> None:
        raise NotImplementedError

    def commit(self) -> IndexReport:
        raise NotImplementedError

    def close(self) -> None:
        pass

    def __enter__(self) -> IndexSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


class BufferedSession(IndexSession):
    """For backends without their own session: keep the batch, then `Store.index`."""

    def __init__(self, store: Store):
        self.store = store
        self._pending: list[str] = []

    def add(self, article_id: str, prepared: str) -> None:
        self._pending.append(prepared)

    def commit(self) -> IndexReport:
        articles = [EnrichedArticle.from_dict(json.loads(p)) for p in self._pending]
        self._pending = []
        return self.store.index(articles) if articles else IndexReport()
