"""The search page: query box, hits with highlighted snippets, facets that
toggle filters. The same state as JSON (/search.json) and CSV (/search.csv)."""

from __future__ import annotations

import csv
import io
from typing import Any

from flask import Blueprint, Response, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from markupsafe import Markup

from store import SearchRequest, Store
from store.records import FACETS

from .params import search_request_from_args
from .store_access import get_store

bp = Blueprint("search", __name__)

FACET_LABELS = {"outlet": "Outlet", "person": "Person", "place": "Place"}
CSV_FIELDS = ("id", "title", "outlet", "published", "url", "snippet")


@bp.get("/")
def search_page() -> ResponseReturnValue:
    search = search_request_from_args(request.args)
    store = get_store()
    result = store.search(search)
    return render_template(
        "search.html",
        search=search,
        result=result,
        facet_names=FACETS,
        facet_labels=FACET_LABELS,
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
    search = search_request_from_args(request.args, default_size=100)
    result = get_store().search(search)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for hit in result.hits:
        row = hit.to_dict()
        # The snippet is HTML (escaped text, <mark> around matches): plain text for a spreadsheet.
        row["snippet"] = Markup(row["snippet"] or "").striptags()
        writer.writerow(row)
    return Response(
        buffer.getvalue(), mimetype="text/csv", headers={"Content-Disposition": "inline; filename=search.csv"}
    )


MAX_BARS = 24


def timeline(histogram: list[dict]) -> list[dict]:
    """Bars for the results' dates: by month, or by year when there are
    more months than fit; each bar links to that period as a date filter."""
    months = [(b["date"], b["count"]) for b in histogram]
    if len(months) > MAX_BARS:
        years: dict[str, int] = {}
        for month, count in months:
            years[month[:4]] = years.get(month[:4], 0) + count
        periods = [(year, count, f"{year}-01-01", f"{year}-12-31") for year, count in years.items()]
    else:
        periods = [(month, count, f"{month}-01", _month_end(month)) for month, count in months]
    peak = max((p[1] for p in periods), default=0) or 1
    return [
        {"label": label, "count": count, "from": start, "to": end, "percent": round(100 * count / peak)}
        for label, count, start, end in periods
    ]


def _month_end(month: str) -> str:
    import calendar

    year, number = int(month[:4]), int(month[5:7])
    return f"{month}-{calendar.monthrange(year, number)[1]:02d}"


def _page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))
