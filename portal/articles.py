"""An article page: metadata, the body with entities and quotes marked,
lists of people, places, organisations and quotes."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, jsonify, render_template
from flask.typing import ResponseReturnValue

from store import Store
from store.records import ENTITY_KINDS, EnrichedArticle

from .errors import UserError
from .markup import mark_up
from .store_access import get_store

bp = Blueprint("articles", __name__)


def article_json(article: EnrichedArticle) -> dict:
    """The API shape (docs/architecture.md, "JSON API"), plus a few fields a client can use."""
    return {
        "id": article.id,
        "title": article.title,
        "title_derived": article.title_derived,
        "outlet": article.outlet,
        "outlet_source": article.outlet_source,
        "published": article.published,
        "url": article.url,
        "authors": article.authors,
        "text": article.text,
        "boilerplate": article.boilerplate,
        "entities": [
            {
                k: v
                for k, v in e.to_dict().items()
                if v is not None or k in ("text", "label", "start", "end", "canonical")
            }
            for e in article.entities
        ],
        "quotes": [q.to_dict() for q in article.quotes],
        "story": article.story,
    }


def load_article(store: Store, article_id: str) -> EnrichedArticle:
    """The article, or UserError 404."""
    article = store.get(article_id)
    if article is None:
        raise UserError(f"No article with id {article_id!r}", 404)
    return article


@bp.get("/articles/<article_id>")
def article_page(article_id: str) -> ResponseReturnValue:
    if article_id.endswith(".json"):
        return article_json_view(article_id.removesuffix(".json"))
    article = load_article(get_store(), article_id)
    return render_template(
        "article.html",
        article=article,
        body=mark_up(article.text, article.entities, article.quotes),
        entity_groups=_entity_groups(article),
    )


def article_json_view(article_id: str) -> ResponseReturnValue:
    """/articles/<id>.json, and /api/articles/<id> (portal/api.py)."""
    return jsonify(article_json(load_article(get_store(), article_id)))


def _entity_groups(article: EnrichedArticle) -> list[dict]:
    """Per facet: canonical name, how often mentioned, the forms used."""
    groups = []
    for facet, heading, labels in ENTITY_KINDS:
        mentions: dict[str, list[str]] = defaultdict(list)
        details: dict[str, dict] = {}
        for entity in article.entities:
            if entity.label in labels:
                mentions[entity.canonical].append(entity.text)
                details.setdefault(entity.canonical, entity.to_dict())
        items = [
            {
                "name": name,
                "count": len(forms),
                "forms": sorted(set(forms) - {name}),
                **{k: details[name][k] for k in ("geonames_id", "country", "lat", "lon")},
            }
            for name, forms in sorted(mentions.items(), key=lambda kv: (-len(kv[1]), kv[0]))
        ]
        groups.append({"facet": facet, "heading": heading, "items": items})
    return groups
