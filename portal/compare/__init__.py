"""The comparison view: how outlets report the same event.

Routes (all state in the query string, so every page is a permalink):
  /compare            ?id=..&id=.. | ?story=.. | ?q=..[&outlet=..][&n=..]
  /api/compare        the same comparison as JSON (docs/compare-api.md)
  /stories/<id>       a story: its outlets, articles, first and last publication
  /api/stories/<id>   the same as JSON

The logic lives in pure modules (align, quotes, matrix, framing,
comparison, selection) that take EnrichedArticle lists; this module only
turns requests into calls and results into pages.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict

from store import EnrichedArticle, QuerySyntaxError, Store
from store.records import ENTITY_KINDS

from ..errors import UserError
from ..store_access import get_store
from .comparison import build_comparison
from .framing import CATEGORIES, LEXICON
from .selection import MAX_COLUMNS, Selection, select, story_articles, thread_articles

bp = Blueprint("compare", __name__)


def _selection_json(selection: Selection) -> dict:
    qs = selection.query_string
    return {
        "mode": selection.mode,
        "ids": [a.id for a in selection.articles],
        "story": selection.story,
        "q": selection.q,
        "left_out": [a.id for a in selection.left_out],
        "permalink": url_for("compare.compare_page") + "?" + qs,
        "api": url_for("compare.api_compare") + "?" + qs,
    }


def compare_data(store: Store, args: MultiDict) -> tuple[Selection, dict[str, Any]]:
    """The selection the arguments name and its comparison; UserError
    (400 or 404) when they name no comparison."""
    try:
        selection = select(args, store)
    except QuerySyntaxError as exc:
        raise UserError(f"The search could not be understood: {exc}") from None
    return selection, build_comparison(selection.articles)


@bp.get("/compare")
def compare_page() -> ResponseReturnValue:
    if not any(request.args.getlist(k) for k in ("id", "story", "q")):
        return render_template("compare/compare.html", comparison=None, selection=None, max_columns=MAX_COLUMNS)
    selection, comparison = compare_data(get_store(), request.args)
    return render_template(
        "compare/compare.html",
        comparison=comparison,
        selection=selection,
        meta=_selection_json(selection),
        lexicon=LEXICON,
        categories=CATEGORIES,
        kinds=ENTITY_KINDS,
        max_columns=MAX_COLUMNS,
    )


@bp.get("/api/compare")
def api_compare() -> ResponseReturnValue:
    selection, comparison = compare_data(get_store(), request.args)
    return jsonify({"selection": _selection_json(selection), **comparison})


def story_summary(store: Store, story_id: str) -> dict[str, Any]:
    """A story's outlets, articles and dates; UserError 404 for no story."""
    articles = story_articles(story_id, store)
    if not articles:
        raise UserError(f"No story with id {story_id!r}.", 404)
    dated = [a.published for a in articles if a.published]
    outlets: dict[str, int] = {}
    for a in articles:
        outlets[a.outlet or "Unknown"] = outlets.get(a.outlet or "Unknown", 0) + 1
    return {
        "story": story_id,
        "size": len(articles),
        "first_published": min(dated) if dated else None,
        "last_published": max(dated) if dated else None,
        "outlets": [
            {"outlet": o, "articles": n} for o, n in sorted(outlets.items(), key=lambda kv: (-kv[1], kv[0].lower()))
        ],
        "articles": [
            {
                "id": a.id,
                "title": a.title,
                "title_derived": a.title_derived,
                "outlet": a.outlet,
                "published": a.published,
                "url": a.url,
            }
            for a in articles
        ],
        "compare": url_for("compare.compare_page", story=story_id) if len(outlets) > 1 else None,
        **related_coverage(store, story_id, articles),
    }


def related_coverage(store: Store, story_id: str, articles: list[EnrichedArticle]) -> dict[str, Any]:
    """The story's thread and the thread's other events (and its articles
    in no event), newest coverage of the same subject in the same days."""
    threads = [a.thread for a in articles if a.thread]
    if not threads:
        return {"thread": None, "related": []}
    thread = max(set(threads), key=lambda t: (threads.count(t), t))
    events: dict[str | None, list[EnrichedArticle]] = {}
    for article in thread_articles(thread, store):
        if article.story != story_id:
            events.setdefault(article.story, []).append(article)
    related: list[dict[str, Any]] = []
    for event, members in events.items():
        dated = [a.published for a in members if a.published]
        for group in [members] if event else [[a] for a in members]:  # articles in no event: one entry each
            first = group[0]
            related.append(
                {
                    "story": event,
                    "title": first.title,
                    "size": len(group),
                    "outlets": sorted({a.outlet or "Unknown" for a in group}),
                    "first_published": min(dated) if dated and event else first.published,
                    "url": url_for("compare.story_page", story_id=event)
                    if event
                    else url_for("articles.article_page", article_id=first.id),
                }
            )
    related.sort(key=lambda r: (-r["size"], r["first_published"] or "", r["title"] or ""))
    return {"thread": thread, "related": related}


@bp.get("/stories/<story_id>")
def story_page(story_id: str) -> ResponseReturnValue:
    return render_template("compare/story.html", summary=story_summary(get_store(), story_id), story_id=story_id)


@bp.get("/api/stories/<story_id>")
def api_story(story_id: str) -> ResponseReturnValue:
    return jsonify(story_summary(get_store(), story_id))
