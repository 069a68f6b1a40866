"""Passage alignment: the same fact in several outlets, even paraphrased.

Each article is split into sentences.  Two sentences are compared by a
cosine over weighted features: content-word stems (IDF computed over the
sentences being compared, so words every outlet uses everywhere count for
little), canonical entity names (an entity names the fact's actors, so it
weighs more), and numbers.  Reporting verbs are not features: "said" vs
"claimed" is framing, not fact.

For every pair of articles, sentences are matched one-to-one (greedy on
descending similarity, which is what a reader expects: each sentence's
best counterpart, used once).  Matches across all pairs are then joined
into passage groups; a sentence in no group is the article's own.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from store import EnrichedArticle
from textkit import UnionFind

from .text import Sentence, sentences

# Tuned on the seeds (three outlets on Bucha) and checked on AllSides
# triples: below it, matches are topical ("Russia", "civilians") rather
# than the same fact.
THRESHOLD = 0.2
ENTITY_WEIGHT = 1.5
NUMBER_WEIGHT = 1.2
BIGRAM_WEIGHT = 0.7
# A sentence of one or two content words ("He added.") matches anything
# that shares them; it cannot carry a fact by itself.
MIN_FEATURES = 3


@dataclass
class PassageGroup:
    """One fact as several outlets put it: members are (article index, sentence index)."""

    id: str
    members: list[tuple[int, int]]
    score: float  # weakest pairwise similarity that joined the group


@dataclass
class Alignment:
    sentences: list[list[Sentence]]  # per article
    groups: list[PassageGroup]
    group_of: list[dict[int, str]]  # per article: sentence index -> group id
    pair_scores: dict[tuple[int, int, int, int], float] = field(default_factory=dict)

    def own(self, article: int) -> list[int]:
        """Sentence indexes only this article has."""
        return [s.index for s in self.sentences[article] if s.index not in self.group_of[article]]


# Nationalities ("Russian", "Ukrainian") are in nearly every sentence of a
# story about a country; as entity features they would make everything match.
ENTITY_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "LAW", "PRODUCT"})


def article_sentences(article: EnrichedArticle, bounds: list[tuple[int, int]] | None = None) -> list[Sentence]:
    """`bounds`: split_sentences of the article's text, when known."""
    spans = [(e.start, e.end, e.canonical or e.text, e.entity_id) for e in article.entities if e.label in ENTITY_LABELS]
    return sentences(article.text or "", spans, bounds)


def _features(sentence: Sentence) -> dict[str, float]:
    feats = dict.fromkeys(sentence.stems, 1.0)
    # Adjacent pairs ("torture room", "hands tied") survive paraphrase of
    # the rest of the sentence and separate a fact from a shared topic.
    for pair in sentence.pairs:
        feats["b:" + pair] = BIGRAM_WEIGHT
    for name in sentence.entities:
        feats["e:" + name] = ENTITY_WEIGHT
    for number in sentence.numbers:
        feats["n:" + number] = NUMBER_WEIGHT
    return feats


def _vectors(per_article: list[list[Sentence]]) -> list[list[dict[str, float]]]:
    """IDF-weighted, L2-normalised feature vectors for every sentence."""
    feats = [[_features(s) for s in sents] for sents in per_article]
    df: Counter[str] = Counter()
    total = 0
    for article in feats:
        for f in article:
            df.update(f.keys())
            total += 1
    idf = {k: math.log((total + 1) / (n + 0.5)) for k, n in df.items()}  # once per feature, not per sentence
    out = []
    for sents, article in zip(per_article, feats, strict=True):
        vecs = []
        for s, f in zip(sents, article, strict=True):
            # The features that are not bigrams, counted without reading the
            # keys: stems have no colon, so no two kinds of feature share a key.
            singles = len(s.stems) + len(s.entities) + len(s.numbers)
            v = {k: w * idf[k] for k, w in f.items()} if singles >= MIN_FEATURES else {}
            norm = math.sqrt(sum(x * x for x in v.values()))
            vecs.append({k: x / norm for k, x in v.items()} if norm else {})
        out.append(vecs)
    return out


def _matrices(vectors: list[list[dict[str, float]]]) -> list[sparse.csr_matrix]:
    """Each article's sentence vectors as the rows of one sparse matrix over
    a shared vocabulary (an empty vector is a zero row), so that all the
    cosines of two articles are one matrix product: three long articles
    have tens of thousands of sentence pairs, too many for Python loops."""
    vocabulary: dict[str, int] = {}
    out = []
    for article in vectors:
        rows: list[int] = []
        cols: list[int] = []
        data: list[float] = []
        for row, vector in enumerate(article):  # a row at a time: one Python loop fewer per feature
            rows.extend([row] * len(vector))
            cols.extend([vocabulary.setdefault(key, len(vocabulary)) for key in vector])
            data.extend(vector.values())
        out.append((rows, cols, data, len(article)))
    width = max(len(vocabulary), 1)
    return [sparse.csr_matrix((np.asarray(d, dtype=np.float64), (r, c)), shape=(n, width)) for r, c, d, n in out]


def match_pair(ma: sparse.csr_matrix, mb: sparse.csr_matrix, threshold: float) -> list[tuple[float, int, int]]:
    """One-to-one sentence matches between two articles, strongest first."""
    scores = (ma @ mb.T).tocoo()
    keep = scores.data >= threshold
    candidates = [
        (float(score), int(i), int(j))
        for score, i, j in zip(scores.data[keep], scores.row[keep], scores.col[keep], strict=True)
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    matches = []
    for score, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        matches.append((score, i, j))
    return matches


def align(
    articles: list[EnrichedArticle],
    threshold: float = THRESHOLD,
    bounds: list[list[tuple[int, int]]] | None = None,
) -> Alignment:
    """`bounds`: per article, split_sentences of its text, when known."""
    per_article = [article_sentences(a, bounds[k] if bounds else None) for k, a in enumerate(articles)]
    vectors = _matrices(_vectors(per_article))
    sets: UnionFind[tuple[int, int]] = UnionFind()

    weakest: dict[tuple[int, int], float] = {}
    pair_scores: dict[tuple[int, int, int, int], float] = {}
    for a in range(len(articles)):
        for b in range(a + 1, len(articles)):
            for score, i, j in match_pair(vectors[a], vectors[b], threshold):
                pair_scores[(a, i, b, j)] = round(score, 3)
                ra, rb = sets.find((a, i)), sets.find((b, j))
                low = min(score, weakest.get(ra, 1.0), weakest.get(rb, 1.0))
                weakest[sets.union(ra, rb)] = low
    return _groups(per_article, sets, weakest, pair_scores)


def _groups(
    per_article: list[list[Sentence]],
    sets: UnionFind[tuple[int, int]],
    weakest: dict[tuple[int, int], float],
    pair_scores: dict[tuple[int, int, int, int], float],
) -> Alignment:
    members = sets.groups()
    # Order groups by where they appear: first article that has them, then position.
    ordered = sorted((sorted(m) for m in members.values() if len({a for a, _ in m}) > 1), key=lambda m: m[0])
    groups = []
    group_of: list[dict[int, str]] = [dict() for _ in per_article]
    for n, m in enumerate(ordered, start=1):
        gid = f"p{n}"
        groups.append(PassageGroup(gid, m, round(weakest.get(sets.find(m[0]), 0.0), 3)))
        for a, i in m:
            group_of[a][i] = gid
    return Alignment(per_article, groups, group_of, pair_scores)
