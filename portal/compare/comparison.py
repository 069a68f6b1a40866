"""One comparison of two or more articles, as a plain JSON-ready dict.

The HTML page and /api/compare render the same dict (docs/compare-api.md
documents its shape), so the page can never show something the API lacks.
"""

from __future__ import annotations

import time
from typing import Any

from store import EnrichedArticle

from .align import THRESHOLD, align
from .framing import framing
from .matrix import entity_matrix
from .quotes import link_quotes, quote_refs, speaker_matrix, unify_speakers, wording_diff
from .text import split_sentences


def column_labels(articles: list[EnrichedArticle]) -> list[str]:
    """Outlet names, numbered when one outlet has several columns."""
    names = [a.outlet or "Unknown" for a in articles]
    seen: dict[str, int] = {}
    labels = []
    for name in names:
        seen[name] = seen.get(name, 0) + 1
        labels.append(name if names.count(name) == 1 else f"{name} ({seen[name]})")
    return labels


def _articles(articles: list[EnrichedArticle], labels: list[str]) -> list[dict]:
    return [
        {
            "column": k,
            "id": a.id,
            "outlet": a.outlet,
            "label": labels[k],
            "title": a.title,
            "title_derived": a.title_derived,
            "published": a.published,
            "url": a.url,
            "story": a.story,
        }
        for k, a in enumerate(articles)
    ]


def _passages(articles: list[EnrichedArticle], bounds: list[list[tuple[int, int]]]) -> dict:
    alignment = align(articles, bounds=bounds)
    groups = [
        {
            "id": g.id,
            "outlets": len({a for a, _ in g.members}),
            "score": g.score,
            "members": [
                {
                    "column": a,
                    "article": articles[a].id,
                    "sentence": i,
                    "text": alignment.sentences[a][i].text,
                    "start": alignment.sentences[a][i].start,
                    "end": alignment.sentences[a][i].end,
                }
                for a, i in g.members
            ],
        }
        for g in alignment.groups
    ]
    sentences = [
        [
            {
                "index": s.index,
                "start": s.start,
                "end": s.end,
                "text": s.text,
                "group": alignment.group_of[a].get(s.index),
            }
            for s in sents
        ]
        for a, sents in enumerate(alignment.sentences)
    ]
    own = [len(alignment.own(a)) for a in range(len(articles))]
    return {"threshold": THRESHOLD, "groups": groups, "sentences": sentences, "own_counts": own}


def _quotes(articles: list[EnrichedArticle]) -> dict:
    refs = quote_refs(articles)
    linked = link_quotes(refs)
    unify_speakers(linked)  # before the matrix: a shared quotation is one speaker row
    groups = []
    for n, group in enumerate(linked, start=1):
        first = group[0]
        members = [
            {
                "column": r.article,
                "article": articles[r.article].id,
                "text": r.quote.text,
                "start": r.quote.start,
                "end": r.quote.end,
                "speaker": r.speaker,
                "speaker_written": r.quote.speaker,
            }
            for r in group
        ]
        diffs = [
            {"from": first.article, "to": r.article, "ops": wording_diff(first.quote.text, r.quote.text)}
            for r in group[1:]
        ]
        groups.append(
            {"id": f"q{n}", "shared": len(group) > 1, "outlets": len(group), "members": members, "diffs": diffs}
        )
    return {"groups": groups, "speakers": speaker_matrix(refs, len(articles))}


def _dates(articles: list[EnrichedArticle]) -> dict:
    dated = sorted(a.published for a in articles if a.published)
    return {
        "first": dated[0] if dated else None,
        "last": dated[-1] if dated else None,
        "undated": len(articles) - len(dated),
    }


def build_comparison(articles: list[EnrichedArticle]) -> dict:
    """The whole comparison; `articles` in column order (two or more)."""
    if len(articles) < 2:
        raise ValueError("a comparison needs two or more articles")
    started = time.perf_counter()
    labels = column_labels(articles)
    bounds = [split_sentences(a.text or "") for a in articles]  # the passages and the framing both need them
    result: dict[str, Any] = {
        "articles": _articles(articles, labels),
        "dates": _dates(articles),
        "passages": _passages(articles, bounds),
        "quotes": _quotes(articles),
        "entities": entity_matrix(articles),
        "framing": [framing(a, spans) for a, spans in zip(articles, bounds, strict=True)],
    }
    result["server_ms"] = round(1000 * (time.perf_counter() - started), 1)
    return result
