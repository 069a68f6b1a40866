"""Entities across outlets: a person/place/organisation × outlet matrix."""

from __future__ import annotations

from typing import Any

from store import EnrichedArticle
from store.records import ENTITY_KINDS


def entity_matrix(articles: list[EnrichedArticle]) -> dict[str, list[dict]]:
    """{kind: [{"name", "counts": [mentions per article], "outlets": n}]},
    entities named by the most outlets first, then by mentions."""
    out: dict[str, list[dict]] = {}
    for kind, _, labels in ENTITY_KINDS:
        counts: dict[str, list[int]] = {}
        for a, article in enumerate(articles):
            for entity in article.entities:
                if entity.label in labels:
                    name = entity.canonical or entity.text
                    counts.setdefault(name, [0] * len(articles))[a] += 1
        rows: list[dict[str, Any]] = [
            {"name": name, "counts": c, "outlets": sum(1 for x in c if x)} for name, c in counts.items()
        ]
        rows.sort(key=lambda r: (-r["outlets"], -sum(r["counts"]), r["name"].lower()))
        out[kind] = rows
    return out
