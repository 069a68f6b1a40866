"""Story grouping: articles about the same event share one story id.

How it works (and why):

1. Every article becomes a sparse TF-IDF vector over its words (title and
   lede weighted up, because that is where an outlet names the event), its
   named entities (canonical names, so "Kiev" and "Kyiv" agree), and
   shingles of its quotations (the same quotation in two outlets is strong
   evidence of one event).  Terms found in very many articles are dropped:
   they say nothing about which event an article covers, and dropping them
   keeps the candidate search cheap.
2. Candidate pairs come from an inverted index (posting lists in numpy), so
   no all-pairs matrix is ever built.  Two dated articles are only compared
   when their publication dates are at most `window_days` apart; an article
   without a date is compared with everything, under a stricter threshold,
   because nothing but its words places it in time.
3. Clustering is agglomerative over the candidate edges, strongest first.
   An edge only merges two groups when the *average* similarity between
   them (unknown pairs count as zero) stays above `link_threshold`, when
   the merged group stays under `max_size`, and when its dated members span
   at most `max_span_days`.  Plain union-find would chain unrelated
   articles through a run of weak links ("a story swallowing the week");
   the average-link guard is what stops that.

Story ids are stable: a story's id is derived from the smallest article id
among its members, so running the grouping twice changes nothing.  An
article that is alone in its story gets story None (a "story" of one
article has nothing to compare), which is what `Store.set_stories` writes.
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Iterable

import numpy as np

from store import EnrichedArticle, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoryParams:
    """Tuned on the AllSides story triples and the seeds (see
    benchmarks/story_triples.py); change with a measurement."""

    window_days: int = 2  # dated articles further apart are never one story
    edge_threshold: float = 0.10  # cosine for a candidate edge between dated articles
    undated_threshold: float = 0.25  # stricter: nothing else places an undated article
    link_threshold: float = 0.05  # average similarity two groups need to merge
    max_size: int = 30
    same_outlet_factor: float = 0.6
    max_span_days: int = 7
    max_df_share: float = 0.08  # terms in more than this share of articles are dropped
    min_df_drop: int = 100  # ... but only when that share is above this many articles
    top_terms: int = 250  # strongest terms kept per article
    lede_chars: int = 600
    title_weight: float = 3.0
    lede_weight: float = 2.0
    entity_weight: float = 2.0
    quote_weight: float = 1.5


_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers herself him himself his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours ourselves out over own same she
    should so some such than that the their theirs them themselves then there these they this those
    through to too under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves said says say told according one two new also would could
    year years time people like get got make made many much well way even back still going go us mr mrs
    ms dr news report reports reported reporting week day today yesterday monday tuesday wednesday
    thursday friday saturday sunday percent per cent may might must shall another around among since
    via yet ago""".split()
)


def tokens(text: str) -> list[str]:
    """Lower-cased content words with a light suffix strip, so that
    "killed"/"killing"/"kills" count as one term."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "'").split("'")[0]
        if len(word) < 3 or word in _STOP:
            continue
        out.append(_stem(word))
    return out


def _stem(word: str) -> str:
    if word.isdigit():
        return word
    for suffix in ("ings", "ing", "edly", "ed", "ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def _day(published: str | None) -> int | None:
    if not published:
        return None
    try:
        return date.fromisoformat(published[:10]).toordinal()
    except ValueError:
        return None


@dataclass
class _Corpus:
    """Sparse article vectors in CSR form plus what clustering needs."""

    ids: list[str] = field(default_factory=list)
    days: list[int | None] = field(default_factory=list)
    old: list[str | None] = field(default_factory=list)
    outlets: list[int] = field(default_factory=list)  # outlet code per article
    outlet_codes: dict[str, int] = field(default_factory=dict)
    term_ids: dict[str, int] = field(default_factory=dict)
    rows: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)  # (terms, raw weights)
    df: Counter = field(default_factory=Counter)


def article_terms(article: EnrichedArticle, params: StoryParams) -> Counter:
    """Weighted raw term counts for one article (before IDF)."""
    counts: Counter = Counter()
    text = article.text or ""
    title = "" if article.title_derived else (article.title or "")
    for tok in tokens(text):
        counts[tok] += 1.0
    for tok in tokens(text[: params.lede_chars]):
        counts[tok] += params.lede_weight - 1.0
    for tok in tokens(title):
        counts[tok] += params.title_weight
    for ent in article.entities:
        if ent.label in ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP"):
            counts["e:" + (ent.canonical or ent.text).lower()] += params.entity_weight
    for quote in article.quotes:
        words = tokens(quote.text)
        for k in range(len(words) - 2):
            counts["q:" + " ".join(words[k : k + 3])] += params.quote_weight
    return counts


def _build(articles: Iterable[EnrichedArticle], params: StoryParams) -> _Corpus:
    corpus = _Corpus()
    for article in articles:
        counts = article_terms(article, params)
        ids = np.fromiter((corpus.term_ids.setdefault(t, len(corpus.term_ids)) for t in counts), dtype=np.int32, count=len(counts))
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        corpus.ids.append(article.id)
        corpus.days.append(_day(article.published))
        corpus.old.append(article.story)
        outlet = (article.outlet or "").strip().lower()
        # Unknown outlets are each their own: we cannot tell they are one.
        code = corpus.outlet_codes.setdefault(outlet, len(corpus.outlet_codes)) if outlet and outlet != "unknown" else -1 - len(corpus.ids)
        corpus.outlets.append(code)
        corpus.rows.append((ids, weights))
        corpus.df.update(ids.tolist())
    return corpus


def _vectors(corpus: _Corpus, params: StoryParams) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """TF-IDF (sublinear tf), frequent terms dropped, top terms kept, L2-normalised."""
    n = len(corpus.ids)
    n_terms = len(corpus.term_ids)
    df = np.zeros(n_terms, dtype=np.float32)
    for term, count in corpus.df.items():
        df[term] = count
    idf = np.log((n + 1) / (df + 1)).astype(np.float32) + 1.0
    too_common = df > max(params.min_df_drop, params.max_df_share * n)
    idf[too_common] = 0.0
    terms_out, weights_out = [], []
    for ids, raw in corpus.rows:
        weights = (1.0 + np.log(raw)) * idf[ids]
        keep = weights > 0
        ids, weights = ids[keep], weights[keep]
        if len(ids) > params.top_terms:
            top = np.argpartition(-weights, params.top_terms)[: params.top_terms]
            ids, weights = ids[top], weights[top]
        norm = float(np.linalg.norm(weights))
        terms_out.append(ids)
        weights_out.append(weights / norm if norm else weights)
    return terms_out, weights_out


def _postings(terms: list[np.ndarray], weights: list[np.ndarray], n_terms: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverted index (CSC): for each term, the articles and weights."""
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    all_terms = np.concatenate(terms) if terms else np.zeros(0, np.int32)
    all_weights = np.concatenate(weights) if weights else np.zeros(0, np.float32)
    all_docs = np.repeat(np.arange(len(terms), dtype=np.int32), lengths)
    order = np.argsort(all_terms, kind="stable")
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_terms, minlength=n_terms), out=indptr[1:])
    return indptr, all_docs[order], all_weights[order]


def _candidate_edges(corpus: _Corpus, terms, weights, params: StoryParams) -> list[tuple[float, int, int]]:
    """Pairs (sim, i, j), i < j, whose cosine passes the threshold for their dates."""
    n = len(corpus.ids)
    indptr, post_docs, post_w = _postings(terms, weights, len(corpus.term_ids))
    days = np.array([d if d is not None else -(10**9) for d in corpus.days], dtype=np.int64)
    undated = days < 0
    outlets = np.array(corpus.outlets, dtype=np.int64)
    edges: list[tuple[float, int, int]] = []
    low = min(params.edge_threshold, params.undated_threshold)
    for i in range(n):
        t_ids, t_w = terms[i], weights[i]
        if len(t_ids) == 0:
            continue
        starts, ends = indptr[t_ids], indptr[t_ids + 1]
        lengths = ends - starts
        if lengths.sum() == 0:
            continue
        # Gather all posting slices of this article's terms in one go.
        idx = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(lengths.sum())
        scores = np.bincount(post_docs[idx], weights=post_w[idx] * np.repeat(t_w, lengths), minlength=n)
        scores[: i + 1] = 0.0  # each pair once
        cand = np.flatnonzero(scores >= low)
        if len(cand) == 0:
            continue
        # One outlet's articles share boilerplate (bylines, captions, house
        # phrases) and a story is about several outlets: discount same-outlet pairs.
        sims = scores[cand] * np.where(outlets[cand] == outlets[i], params.same_outlet_factor, 1.0)
        if undated[i]:
            ok = sims >= params.undated_threshold
        else:
            gap = np.abs(days[cand] - days[i])
            ok = np.where(undated[cand], sims >= params.undated_threshold, (gap <= params.window_days) & (sims >= params.edge_threshold))
        edges.extend(zip(sims[ok].tolist(), [i] * int(ok.sum()), cand[ok].tolist()))
    return edges


class _Groups:
    """Agglomerative grouping with an average-link guard (see module doc)."""

    def __init__(self, days: list[int | None], params: StoryParams) -> None:
        self.parent = list(range(len(days)))
        self.size = [1] * len(days)
        self.lo = [d for d in days]
        self.hi = [d for d in days]
        self.links: list[dict[int, float]] = [dict() for _ in days]  # root -> {root: sum of sims}
        self.params = params

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def add_link(self, i: int, j: int, sim: float) -> None:
        self.links[i][j] = self.links[i].get(j, 0.0) + sim
        self.links[j][i] = self.links[j].get(i, 0.0) + sim

    def try_merge(self, i: int, j: int) -> bool:
        a, b = self.find(i), self.find(j)
        if a == b:
            return False
        p = self.params
        if self.size[a] + self.size[b] > p.max_size:
            return False
        lo = min((d for d in (self.lo[a], self.lo[b]) if d is not None), default=None)
        hi = max((d for d in (self.hi[a], self.hi[b]) if d is not None), default=None)
        if lo is not None and hi is not None and hi - lo > p.max_span_days:
            return False
        average = self.links[a].get(b, 0.0) / (self.size[a] * self.size[b])
        if average < p.link_threshold:
            return False
        self._union(a, b, lo, hi)
        return True

    def _union(self, a: int, b: int, lo: int | None, hi: int | None) -> None:
        if len(self.links[a]) < len(self.links[b]):
            a, b = b, a
        self.parent[b] = a
        self.size[a] += self.size[b]
        self.lo[a], self.hi[a] = lo, hi
        for other, total in self.links[b].items():
            other_links = self.links[other]
            other_links.pop(b, None)
            if other == a:
                continue
            self.links[a][other] = self.links[a].get(other, 0.0) + total
            other_links[a] = other_links.get(a, 0.0) + total
        self.links[a].pop(b, None)
        self.links[b] = {}


def cluster(articles: Iterable[EnrichedArticle], params: StoryParams | None = None) -> tuple[dict[str, str | None], dict]:
    """Story id for every article (None for singletons) and timing figures.
    Pure: reads only the given articles."""
    params = params or StoryParams()
    t0 = time.perf_counter()
    corpus = _build(articles, params)
    t1 = time.perf_counter()
    terms, weights = _vectors(corpus, params)
    edges = _candidate_edges(corpus, terms, weights, params)
    t2 = time.perf_counter()
    groups = _Groups(corpus.days, params)
    for sim, i, j in edges:
        groups.add_link(i, j, sim)
    edges.sort(key=lambda e: (-e[0], e[1], e[2]))  # deterministic order
    for sim, i, j in edges:
        groups.try_merge(i, j)
    members: dict[int, list[int]] = {}
    for i in range(len(corpus.ids)):
        members.setdefault(groups.find(i), []).append(i)
    assignment: dict[str, str | None] = {}
    for idxs in members.values():
        story = story_id([corpus.ids[i] for i in idxs]) if len(idxs) > 1 else None
        for i in idxs:
            assignment[corpus.ids[i]] = story
    t3 = time.perf_counter()
    timing = {"read_s": round(t1 - t0, 2), "similarity_s": round(t2 - t1, 2), "cluster_s": round(t3 - t2, 2), "edges": len(edges)}
    old = dict(zip(corpus.ids, corpus.old))
    return assignment, {"timing": timing, "old": old}


def story_id(member_ids: Iterable[str]) -> str:
    """Stable id of a story: a short hash of its smallest member id (URL-safe
    whatever characters article ids contain)."""
    return "s" + hashlib.sha1(min(member_ids).encode("utf-8")).hexdigest()[:15]


def size_distribution(assignment: dict[str, str | None]) -> dict[int, int]:
    """{story size: number of stories}; singletons count as size 1."""
    sizes = Counter(s for s in assignment.values() if s is not None)
    dist = Counter(sizes.values())
    dist[1] = sum(1 for s in assignment.values() if s is None)
    return dict(sorted((k, v) for k, v in dist.items() if v))


def group_stories(store: Store, only_ids: set[str] | None = None, params: StoryParams | None = None) -> dict:
    """Group every stored article into stories and write the changes.

    The grouping is always computed over the whole store (a new article can
    join, or bridge, existing stories).  With `only_ids`, only articles in
    the stories those ids end up in, or were in before, are written, so an
    incremental index run touches what it could have changed.
    Returns a report: stories, size distribution, articles changed, timing.
    """
    assignment, info = cluster(store.scan(), params)
    old: dict[str, str | None] = info["old"]
    changes = {i: s for i, s in assignment.items() if old.get(i) != s}
    if only_ids is not None:
        touched = {assignment.get(i) for i in only_ids} | {old.get(i) for i in only_ids}
        touched.discard(None)
        changes = {i: s for i, s in changes.items() if i in only_ids or s in touched or old.get(i) in touched}
    changed = store.set_stories(changes) if changes else 0
    report = {
        "articles": len(assignment),
        "stories": len({s for s in assignment.values() if s is not None}),
        "grouped_articles": sum(1 for s in assignment.values() if s is not None),
        "size_distribution": size_distribution(assignment),
        "changed": changed,
        "timing": info["timing"],
    }
    log.info("story grouping: %s", report)
    return report
