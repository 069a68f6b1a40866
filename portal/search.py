"""The search page: query box, hits with highlighted snippets, facets that
toggle filters, each facet's full listing (/facets/<facet>) and /help. The
same state as JSON (/search.json, also /api/search), CSV (/search.csv),
JSON Lines (/search.jsonl) and Atom (/search.atom); see `exports`."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import Blueprint, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from store import SearchRequest, Store
from store.records import FACETS

from . import exports
from .params import search_request_from_args
from .store_access import get_store

bp = Blueprint("search", __name__)

FACET_LABELS = {"outlet": "Outlet", "person": "Person", "place": "Place", "org": "Organisation"}
FACET_PLURALS = {"outlet": "outlets", "person": "people", "place": "places", "org": "organisations"}
FACET_SHOWN = 10  # values listed beside the results; the rest behind "more…"
# The facet listing's own arguments, which are not the search's.
LISTING_ARGS = ("page", "size", "contains")


@bp.get("/")
def search_page() -> ResponseReturnValue:
    search = search_request_from_args(request.args)
    store = get_store()
    result = store.search(search)
    # Links and chips carry the stored values ("metro" typed -> "Metro").
    search = replace(search, filters=result.filters)
    return render_template(
        "search.html",
        search=search,
        facet_shown=FACET_SHOWN,
        result=result,
        facet_names=FACETS,
        facet_labels=FACET_LABELS,
        facet_plurals=FACET_PLURALS,
        stats=store.stats(),
        pages=_page_count(result.total, search.size),
        timeline=timeline(result.histogram),
    )


def search_data(store: Store, search: SearchRequest) -> dict[str, Any]:
    """Hits, total, facets and histogram of one search, as the API shapes them."""
    return store.search(search).to_dict()


@bp.get("/search.json")
def search_json() -> ResponseReturnValue:
    """Also registered as /api/search (portal/api.py)."""
    return jsonify(search_data(get_store(), search_request_from_args(request.args)))


@bp.get("/search.csv")
def search_csv() -> ResponseReturnValue:
    return exports.csv_response()


@bp.get("/search.jsonl")
def search_jsonl() -> ResponseReturnValue:
    return exports.jsonl_response()


@bp.get("/search.atom")
def search_atom() -> ResponseReturnValue:
    return exports.atom_response()


def listing_search_args(args):
    """The search's own arguments, without the facet listing's."""
    search_args = args.copy()
    for own in LISTING_ARGS:
        search_args.pop(own, None)
    return search_args


@bp.get("/facets/<facet>")
def facet_page(facet: str) -> ResponseReturnValue:
    """Every value of one facet, searched within and paged: the "more…"
    of the search page, as a plain page (no JavaScript needed)."""
    from .api import facet_page_data

    data = facet_page_data(get_store(), facet, request.args)
    search_args = listing_search_args(request.args)
    return render_template(
        "facet.html",
        data=data,
        search=search_request_from_args(search_args),
        label=FACET_LABELS[facet],
        plural=FACET_PLURALS[facet],
        pages=_page_count(data["total"], data["size"]),
        hidden_args=list(search_args.items(multi=True)),
    )


@bp.get("/help")
def help_page() -> ResponseReturnValue:
    return render_template("help.html")


MAX_BARS = 24


def timeline(histogram: list[dict]) -> list[dict]:
    """Bars for the results' dates: by month, or by year when there are
    more months than fit; periods with no article are shown (empty), so
    the bars keep to the time scale. Each bar links to its period."""
    counts = {b["date"]: b["count"] for b in histogram}
    if not counts:
        return []
    months = _months_between(min(counts), max(counts))
    if len(months) > MAX_BARS:
        years: dict[str, int] = {}
        for month in months:
            years[month[:4]] = years.get(month[:4], 0) + counts.get(month, 0)
        periods = [(year, count, f"{year}-01-01", f"{year}-12-31") for year, count in years.items()]
    else:
        periods = [(month, counts.get(month, 0), f"{month}-01", _month_end(month)) for month in months]
    peak = max((p[1] for p in periods), default=0) or 1
    return [
        {"label": label, "count": count, "from": start, "to": end, "percent": round(100 * count / peak, 1)}
        for label, count, start, end in periods
    ]


def _months_between(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _month_end(month: str) -> str:
    import calendar

    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))
