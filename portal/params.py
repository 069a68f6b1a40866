"""Turn query-string arguments into a SearchRequest, and back into URLs.

Every page's state lives in its URL (as in Datasette): the same arguments
drive the HTML page, its .json and .csv twins and the API.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from werkzeug.datastructures import MultiDict

from store.records import FACET_COUNT_MODES, FACETS, SearchRequest

from .errors import UserError

MAX_PAGE_SIZE = 100
# Dates a filter may name: wider than any news archive, narrower than what
# the embedded engine can store (1677-2262), so no date reaches it unanswerable.
EARLIEST_FILTER_DATE, LATEST_FILTER_DATE = dt.date(1800, 1, 1), dt.date(2199, 12, 31)
SORTS = ("relevance", "date")


def search_request_from_args(args: MultiDict, default_size: int = 10) -> SearchRequest:
    return SearchRequest(
        q=(args.get("q") or "").strip(),
        filters={name: [v for v in args.getlist(name) if v.strip()] for name in FACETS if args.getlist(name)},
        date_from=_date(args.get("from"), "from"),
        date_to=_date(args.get("to"), "to"),
        sort=_choice(args.get("sort") or "relevance", SORTS, "sort"),
        page=parse_int(args.get("page"), 1, "page", 1, 10_000),
        size=parse_int(args.get("size"), default_size, "size", 1, MAX_PAGE_SIZE),
        story=args.get("story") or None,
        facet_counts=_choice(args.get("facet_counts") or "auto", FACET_COUNT_MODES, "facet_counts"),
    )


def _date(value: str | None, name: str) -> str | None:
    if not value:
        return None
    try:
        day = dt.date.fromisoformat(value.strip())
    except ValueError:
        raise UserError(f"'{name}' must be a date written YYYY-MM-DD, not {value!r}") from None
    if not EARLIEST_FILTER_DATE <= day <= LATEST_FILTER_DATE:
        raise UserError(f"'{name}' must be a date between {EARLIEST_FILTER_DATE} and {LATEST_FILTER_DATE}")
    return day.isoformat()


def parse_int(value: str | None, default: int, name: str, low: int, high: int) -> int:
    """A whole-number argument within [low, high], or `default` if absent."""
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise UserError(f"'{name}' must be a whole number, not {value!r}") from None
    if not low <= number <= high:
        raise UserError(f"'{name}' must be between {low} and {high}")
    return number


def _choice(value: str, choices: tuple[str, ...], name: str) -> str:
    if value not in choices:
        raise UserError(f"'{name}' must be one of {', '.join(choices)}")
    return value


def request_to_args(request: SearchRequest, **changes: Any) -> list[tuple[str, str]]:
    """The query-string pairs that reproduce `request`, with `changes`
    applied (a facet given as a list replaces that facet's values)."""
    state: dict[str, Any] = {
        "q": request.q,
        "from": request.date_from,
        "to": request.date_to,
        "sort": request.sort if request.sort != "relevance" else None,
        "story": request.story,
        "page": request.page if request.page != 1 else None,
        "size": request.size if request.size != 10 else None,
        "facet_counts": request.facet_counts if request.facet_counts != "auto" else None,
        **{name: list(request.filters.get(name, [])) for name in FACETS},
    }
    state.update(changes)
    pairs: list[tuple[str, str]] = []
    for key, value in state.items():
        if isinstance(value, list):
            pairs += [(key, v) for v in value]
        elif value not in (None, ""):
            pairs.append((key, str(value)))
    return pairs


def toggle_facet(request: SearchRequest, facet: str, value: str) -> list[tuple[str, str]]:
    """Args with `value` added to or removed from `facet`; back to page 1."""
    values = list(request.filters.get(facet, []))
    values = [v for v in values if v != value] if value in values else values + [value]
    return request_to_args(request, **{facet: values, "page": None})
