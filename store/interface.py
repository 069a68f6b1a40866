"""The one interface the indexer and the portal use to reach a search engine.

Two backends implement it: `store.embedded.EmbeddedStore` (tantivy, on
disk in the data directory) and `store.opensearch.OpenSearchStore`.
Both must pass the same contract suite in `tests/contract/`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator
from typing import Any

from .records import EnrichedArticle, IndexReport, Quote, SearchRequest, SearchResponse


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

    @abstractmethod
    def get(self, article_id: str) -> EnrichedArticle | None:
        """One article by id, or None."""

    def get_many(self, article_ids: Iterable[str]) -> list[EnrichedArticle]:
        """Articles by id, in the order asked, skipping unknown ids."""
        found = (self.get(i) for i in article_ids)
        return [a for a in found if a is not None]

    @abstractmethod
    def search(self, request: SearchRequest) -> SearchResponse:
        """Hits, total and facets. Raises QuerySyntaxError for a bad query."""

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
    def stats(self) -> dict[str, Any]:
        """Counts for the status line: articles, outlets, stories, date range."""

    def close(self) -> None:  # pragma: no cover - backends override when needed
        """Release files or connections (nothing to release by default)."""
        return None
