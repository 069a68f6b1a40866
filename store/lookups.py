"""Backend-neutral parts of searching, written once on top of the `Store`
methods every backend has (`run_search`, `facet_counts`, `get_many`):

- forgiving facet filters: `outlet=metro`, `place=Krakow`, `place=Kiev`
  select the stored "Metro", "Kraków", "Kyiv";
- one page of a facet's values, searched within (`contains`);
- which query words matched only through an entity's other names.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from .query import Term, parse_query
from .records import FACET_FIELDS, MAX_FACET_VALUES, FacetPage, SearchRequest, fold_value

if TYPE_CHECKING:
    from .interface import Store

# How many candidate values (and articles) a typed filter value is compared with.
RESOLVE_CANDIDATES = 200
RESOLVE_ARTICLES = 20
# Query words checked for alias-only matches (each costs one small search).
MAX_ALIAS_TERMS = 5
ALIAS_SAMPLE = 5  # articles read to name the entity


def facet_page(store: Store, request: SearchRequest, facet: str, contains: str, page: int, size: int) -> FacetPage:
    wanted = fold_value(contains)
    values = store.facet_counts(request, facet, MAX_FACET_VALUES)
    if wanted:
        values = [v for v in values if wanted in fold_value(v.value)]
    start = (page - 1) * size
    return FacetPage(facet, values[start : start + size], len(values), page, size, contains)


def resolve_filters(store: Store, request: SearchRequest) -> SearchRequest:
    """The request with each typed filter value replaced by the stored value
    it means; a value nothing matches is kept (it finds no article)."""
    if not request.filters:
        return request
    filters = {
        facet: list(dict.fromkeys(resolve_value(store, facet, value) for value in values if value))
        for facet, values in request.filters.items()
    }
    return dataclasses.replace(request, filters=filters)


def resolve_value(store: Store, facet: str, typed: str) -> str:
    if facet not in FACET_FIELDS or store.has_value(facet, typed):
        return typed
    key = fold_value(typed)
    if not key:
        return typed
    # Values of this facet in the articles that name the typed words (for
    # outlets, which are not named in the text: all outlets).
    scope = SearchRequest(q="" if facet == "outlet" else _phrase(typed), size=1, facet_size=0)
    try:
        candidates = store.facet_counts(scope, facet, MAX_FACET_VALUES if facet == "outlet" else RESOLVE_CANDIDATES)
    except ValueError:  # the typed value is no readable query: nothing to resolve
        return typed
    for value in candidates:
        if fold_value(value.value) == key:
            return value.value
    if facet == "outlet":
        return typed
    return _by_alias(store, scope, key, {v.value for v in candidates}) or typed


def _by_alias(store: Store, scope: SearchRequest, key: str, values: set[str]) -> str | None:
    """The canonical name whose stored aliases include the typed name."""
    _, articles = store.matching_articles(dataclasses.replace(scope, size=RESOLVE_ARTICLES))
    votes: dict[str, int] = {}
    for article in articles:
        for canonical, names in article.aliases.items():
            if canonical in values and any(fold_value(n) == key for n in names):
                votes[canonical] = votes.get(canonical, 0) + 1
    return max(votes, key=lambda name: (votes[name], name)) if votes else None


def _phrase(text: str) -> str:
    return '"' + text.replace('"', " ") + '"'


def alias_matches(store: Store, request: SearchRequest) -> list[dict[str, Any]]:
    """[{"term", "names", "articles"}] for the query words that found
    articles only through another name of an entity they name."""
    try:
        terms = [t for t in parse_query(request.q).positive_terms() if not t.prefix]
    except ValueError:
        return []
    notes = []
    for term in list(dict.fromkeys(terms))[:MAX_ALIAS_TERMS]:
        note = _alias_note(store, request, term)
        if note:
            notes.append(note)
    return notes


def _alias_note(store: Store, request: SearchRequest, term: Term) -> dict[str, Any] | None:
    """One search: the articles of this very search that the term found
    only through an entity's other names; their stored aliases say which."""
    only = dataclasses.replace(request, page=1, size=ALIAS_SAMPLE, facet_size=0, sort="relevance", names_only=term.text)
    total, articles = store.matching_articles(only)
    if total == 0:
        return None
    key = fold_value(term.text)
    names: dict[str, None] = {}
    for article in articles:
        for canonical, others in article.aliases.items():
            if any(key == fold_value(n) or key in fold_value(n).split() for n in [canonical, *others]):
                names[canonical] = None
        for entity in article.entities:
            if key == fold_value(entity.canonical) or key in fold_value(entity.canonical).split():
                names[entity.canonical] = None
    return {"term": term.text, "names": sorted(names), "articles": total}
