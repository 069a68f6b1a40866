"""An article page: metadata, the body with entities and quotes marked,
lists of people, places, organisations and quotes."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, abort, jsonify, render_template

from store.records import PLACE_LABELS, EnrichedArticle

from .markup import mark_up
from .store_access import get_store

bp = Blueprint("articles", __name__)

ENTITY_GROUPS = (
    ("person", "People", ("PERSON",)),
    ("place", "Places", PLACE_LABELS),
    ("org", "Organisations", ("ORG",)),
)


def article_json(article: EnrichedArticle) -> dict:
    """The API shape of DESIGN.md, plus a few fields a client can use."""
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


def _load(article_id: str) -> EnrichedArticle:
    article = get_store().get(article_id)
    if article is None:
        abort(404, description=f"No article with id {article_id!r}")
    return article


@bp.get("/articles/<article_id>")
def article_page(article_id: str):
    if article_id.endswith(".json"):
        return article_json_page(article_id.removesuffix(".json"))
    article = _load(article_id)
    return render_template(
        "article.html",
        article=article,
        body=mark_up(article.text, article.entities, article.quotes),
        entity_groups=_entity_groups(article),
    )


def article_json_page(article_id: str):
    return jsonify(article_json(_load(article_id)))


def _entity_groups(article: EnrichedArticle) -> list[dict]:
    """Per facet: canonical name, how often mentioned, the forms used."""
    groups = []
    for facet, heading, labels in ENTITY_GROUPS:
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
