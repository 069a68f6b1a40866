"""Pages for a person, a place, an organisation and an outlet, and the list
of stories; each page has a JSON twin under /api/ built by the same data
function, so the two cannot disagree.

A name in the URL is read forgivingly (any case or accents, a known alias)
and the page shows the stored name.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from store import lookups
from store.records import SearchRequest

from .errors import UserError
from .params import parse_int
from .quotes import QuotesQuery, find_quotes
from .store_access import get_store

bp = Blueprint("entities", __name__)

# URL segment -> (facet, heading word)
KINDS = {
    "people": ("person", "Person"),
    "places": ("place", "Place"),
    "organisations": ("org", "Organisation"),
    "outlets": ("outlet", "Outlet"),
}
ARTICLES_PER_PAGE = 20
QUOTES_PER_PAGE = 20
RELATED = 10  # people, places, organisations, outlets shown beside
OUTLET_SERIES = 5  # outlets drawn over time
STORIES_PER_PAGE = 20
MAX_STORIES = 60_000  # stories listed (within OpenSearch's default bucket limit)
STORY_OUTLETS = 50  # outlets named per story


def entity_summary(kind: str, name: str) -> dict[str, Any]:
    if kind not in KINDS:
        raise UserError(f"No such kind of page: {kind!r}", 404)
    facet, label = KINDS[kind]
    store = get_store()
    canonical = lookups.resolve_value(store, facet, name.strip())
    page = parse_int(request.args.get("page"), 1, "page", 1, 10_000)
    # Exact counts: the page shows its related entities' counts as they are.
    search = SearchRequest(
        require={facet: [canonical]},
        sort="date",
        page=page,
        size=ARTICLES_PER_PAGE,
        facet_size=RELATED + 1,
        facet_counts="exact",
    )
    result = store.search(search)
    if result.total == 0:
        raise UserError(f"No article names the {label.lower()} {name!r}", 404)
    related = {
        other: [v.to_dict() for v in values if not (other == facet and v.value == canonical)][:RELATED]
        for other, values in result.facets.items()
    }
    summary: dict[str, Any] = {
        "kind": kind,
        "facet": facet,
        "name": canonical,
        "asked": name,
        "total": result.total,
        "page": page,
        "size": ARTICLES_PER_PAGE,
        "articles": [_article_row(h) for h in result.hits],
        "histogram": result.histogram,
        "by_outlet": _by_outlet(store, facet, canonical, result.facets.get("outlet", [])),
        "related": related,
    }
    if facet == "person":
        quote_page = parse_int(request.args.get("quotes_page"), 1, "quotes_page", 1, 10_000)
        summary["quotes"] = find_quotes(store, QuotesQuery(canonical, "", QUOTES_PER_PAGE, quote_page))
    if facet == "place":
        summary["coordinates"] = _coordinates(store, canonical, [h.id for h in result.hits[:5]])
    return summary


def _article_row(hit) -> dict[str, Any]:
    return {
        "id": hit.id,
        "title": hit.title,
        "outlet": hit.outlet,
        "published": hit.published,
        "url": hit.url,
        "story": hit.story,
        "snippet": hit.snippet,
    }


def _by_outlet(store, facet: str, name: str, outlets) -> list[dict[str, Any]]:
    """Articles per month for the outlets that name it most."""
    series = []
    for outlet in [v.value for v in outlets][:OUTLET_SERIES]:
        filters = {} if facet == "outlet" else {"outlet": [outlet]}
        result = store.run_search(SearchRequest(require={facet: [name]}, filters=filters, size=1))
        series.append({"outlet": outlet, "histogram": result.histogram})
    return series


def _coordinates(store, name: str, article_ids: list[str]) -> dict[str, Any] | None:
    for article in store.get_many(article_ids):
        for entity in article.entities:
            if entity.canonical == name and entity.lat is not None and entity.lon is not None:
                return {
                    "lat": entity.lat,
                    "lon": entity.lon,
                    "country": entity.country,
                    "geonames_id": entity.geonames_id,
                }
    return None


@bp.get("/<any(people, places, organisations, outlets):kind>/<path:name>")
def entity_page(kind: str, name: str):
    if name.endswith(".json"):
        return jsonify(entity_summary(kind, name.removesuffix(".json")))
    summary = entity_summary(kind, name)
    return render_template("entity.html", s=summary, label=KINDS[kind][1], months=_months(summary))


@bp.get("/api/<any(people, places, organisations, outlets):kind>/<path:name>")
def api_entity(kind: str, name: str):
    return jsonify(entity_summary(kind, name))


def _months(summary: dict[str, Any]) -> dict[str, Any]:
    """A month × outlet table for the page (the histogram of each outlet)."""
    months = sorted({b["date"] for s in summary["by_outlet"] for b in s["histogram"]})
    rows = []
    for series in summary["by_outlet"]:
        counts = {b["date"]: b["count"] for b in series["histogram"]}
        rows.append({"outlet": series["outlet"], "counts": [counts.get(m, 0) for m in months]})
    peak = max((c for r in rows for c in r["counts"]), default=0) or 1
    return {"months": months, "rows": rows, "peak": peak}


# ------------------------------------------------------------------ stories


def story_list() -> dict[str, Any]:
    """Stories (events) newest first: ordered by their latest article."""
    page = parse_int(request.args.get("page"), 1, "page", 1, 10_000)
    store = get_store()
    stories = store.stories_by_latest(MAX_STORIES)
    start = (page - 1) * STORIES_PER_PAGE
    shown = []
    for story_id, latest, articles in stories[start : start + STORIES_PER_PAGE]:
        result = store.run_search(SearchRequest(story=story_id, sort="date", size=1, facet_size=STORY_OUTLETS))
        shown.append(
            {
                "id": story_id,
                "latest": latest,
                "articles": articles,
                "title": result.hits[0].title if result.hits else None,
                "outlets": [v.value for v in result.facets.get("outlet", [])],
            }
        )
    return {"total": len(stories), "page": page, "size": STORIES_PER_PAGE, "stories": shown}


@bp.get("/stories")
def stories_page():
    return render_template("stories.html", **story_list())


@bp.get("/api/stories")
def api_stories():
    return jsonify(story_list())
