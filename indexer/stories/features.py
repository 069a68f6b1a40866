"""What grouping knows of an article: hashed, weighted term counts.

Terms are content-word stems (textkit), weighted up in the title and the
lede (where an outlet names the event), plus the canonical names of the
entities, once each (so "Kiev" and "Kyiv" agree).  Terms are hashed into a
fixed number of buckets so that vectors of articles indexed at different
times share one space without a vocabulary table.
"""

from __future__ import annotations

import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from store import EnrichedArticle
from textkit import REPORTING, STOPWORDS, TIME_WORDS, content_words

from .embedding import embed
from .params import StoryParams

GROUPING_STOP = STOPWORDS | REPORTING | TIME_WORDS
ENTITY_LABELS = ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP")


@dataclass
class Features:
    """One article as grouping sees it."""

    id: str
    day: int | None  # proleptic ordinal of the publication date
    outlet: str  # lower-cased; "" when unknown (then never equal to another's)
    terms: np.ndarray  # uint32 hashed term ids, unique, sorted
    counts: np.ndarray  # float32 weighted counts, aligned with terms
    vector: np.ndarray | None = None  # float16 sentence vector (embedding.py); None: not computed


def day_of(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


def tokens(text: str) -> list[str]:
    return content_words(text, GROUPING_STOP, min_len=3)


def term_counts(article: EnrichedArticle, params: StoryParams) -> dict[str, float]:
    """Weighted raw term counts for one article (before IDF)."""
    text = article.text or ""
    title = "" if article.title_derived else (article.title or "")
    # Counted in C; the same dict as adding 1.0 a word (first-seen order, exact whole numbers).
    counts: dict[str, float] = defaultdict(float, {tok: float(n) for tok, n in Counter(tokens(text)).items()})
    for tok in tokens(text[: params.lede_chars]):
        counts[tok] += params.lede_weight - 1.0
    for tok in tokens(title):
        counts[tok] += params.title_weight
    if params.entity_weight > 0:
        names = {(e.canonical or e.text).lower() for e in article.entities if e.label in ENTITY_LABELS}
        for name in names:  # once each: the words already count how often
            counts["e:" + name] += params.entity_weight
    return counts


def embedding_text(article: EnrichedArticle, params: StoryParams) -> str:
    """What an article's sentence vector is of: its title and opening
    (where outlets name the happening; a whole article's mean drifts to
    its subject)."""
    title = "" if article.title_derived else (article.title or "")
    return f"{title}. {(article.text or '')[: params.embedding_chars]}"


def features_of(articles: list[EnrichedArticle], params: StoryParams) -> list[Features]:
    """`features` of each article, their sentence vectors computed in one batch."""
    vectors = embed([embedding_text(a, params) for a in articles])
    return [features(a, params, vector) for a, vector in zip(articles, vectors, strict=True)]


def features(article: EnrichedArticle, params: StoryParams, vector: np.ndarray | None = None) -> Features:
    mask = (1 << params.hash_bits) - 1
    merged: dict[int, float] = {}
    for term, count in term_counts(article, params).items():
        bucket = zlib.crc32(term.encode("utf-8")) & mask
        merged[bucket] = merged.get(bucket, 0.0) + count
    terms = np.fromiter(merged, dtype=np.uint32, count=len(merged))
    counts = np.fromiter(merged.values(), dtype=np.float32, count=len(merged))
    order = np.argsort(terms)
    outlet = (article.outlet or "").strip().lower()
    return Features(
        id=article.id,
        day=day_of(article.published),
        outlet="" if outlet == "unknown" else outlet,
        terms=terms[order],
        counts=counts[order],
        vector=vector,
    )
