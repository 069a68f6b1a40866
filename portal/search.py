"""The search page: query box, hits with highlighted snippets, facets that
toggle filters. The same state as JSON (/search.json) and CSV (/search.csv)."""
from __future__ import annotations

import csv
import io
import re

from flask import Blueprint, Response, jsonify, render_template, request

from store.records import FACETS

from .params import search_request_from_args
from .store_access import get_store

bp = Blueprint("search", __name__)

FACET_LABELS = {"outlet": "Outlet", "person": "Person", "place": "Place"}
CSV_FIELDS = ("id", "title", "outlet", "published", "url", "snippet")
_TAGS = re.compile(r"<[^>]+>")


@bp.get("/")
def search_page():
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
    )


@bp.get("/search.json")
def search_json():
    search = search_request_from_args(request.args)
    return jsonify(get_store().search(search).to_dict())


@bp.get("/search.csv")
def search_csv():
    search = search_request_from_args(request.args, default_size=100)
    result = get_store().search(search)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_FIELDS, extrasaction="ignore")
    writer.writeheader()
    for hit in result.hits:
        row = hit.to_dict()
        row["snippet"] = _TAGS.sub("", row["snippet"] or "")
        writer.writerow(row)
    return Response(buffer.getvalue(), mimetype="text/csv", headers={"Content-Disposition": "inline; filename=search.csv"})


def _page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))
