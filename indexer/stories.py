"""Story grouping: articles about the same event share one story id.

How it works (and why):

1. Every article becomes a sparse TF-IDF vector over its words (title and
   lede weighted up, because that is where an outlet names the event) and
   its named entities (canonical names, so "Kiev" and "Kyiv" agree; once
   per name).  Common words are kept: within one day they still separate
   subjects, and the similarity is computed day by day, so they cost
   nothing in candidate search.
2. Dated articles are compared day by day in dense blocks: a day's articles
   against that day's and the next `window_days` days'.  Similarity decays
   with the gap (`next_day_weight` per day) and is discounted for two
   articles of one outlet.  Most same-story articles appear on one day; a
   busy day has many articles sharing some words, so an edge must also be
   among the `neighbours` strongest of one of its two articles (a threshold
   relative to the article's own neighbourhood, not one global number).
   An undated article is compared with everything (inverted index over its
   rarer terms, then the exact cosine) and gets one edge, to its closest
   match, under a much stricter threshold.
3. Clustering is agglomerative over the edges, strongest first, dated
   edges before undated ones.  An edge only merges two groups when the
   *average* similarity between them (unknown pairs count as zero) stays
   above `link_threshold` (times `outlet_day_clash` when the merge would
   put one outlet twice on one day: an outlet rarely covers one event twice
   a day), when the merged group stays within `max_size`, and when its
   dated members span at most `max_span_days`.  Plain union-find would
   chain unrelated articles through a run of weak links ("a story
   swallowing the week"); the average-link guard is what stops that.

Story ids are stable: a story's id is derived from the smallest article id
among its members, so running the grouping twice changes nothing.  An
article that is alone in its story gets story None (a "story" of one
article has nothing to compare), which is what `Store.set_stories` writes.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from store import EnrichedArticle, Store

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StoryParams:
    """Tuned on the AllSides story triples and the seeds (see
    benchmarks/story_triples.py, which prints recall beside precision);
    change with a measurement."""

    window_days: int = 1  # dated articles further apart are never compared
    next_day_weight: float = 0.3  # similarity factor per day of gap (gap g: this ** g)
    edge_threshold: float = 0.03  # weighted cosine for a candidate edge between dated articles
    neighbours: int = 3  # an edge must be among the strongest this many of one of its two articles
    undated_threshold: float = 0.25  # stricter: nothing else places an undated article
    undated_candidates: int = 20  # closest articles an undated one is checked against exactly
    link_threshold: float = 0.015  # average similarity two groups need to merge
    max_size: int = 10
    same_outlet_factor: float = 0.5  # similarity factor for two articles of one outlet
    outlet_day_clash: float = 2.0  # link threshold factor when a merge repeats an outlet on a day
    max_span_days: int = 3
    max_df_share: float = 0.08  # undated search only: terms in more than this share of articles ...
    min_df_drop: int = 100  # ... (and more than this many) are not used to find candidates
    min_df: int = (
        1  # terms in fewer articles are dropped (2 inflates cosines in small corpora: only shared words remain)
    )
    top_terms: int = 1000  # strongest terms kept per article
    lede_chars: int = 600
    title_weight: float = 3.0
    lede_weight: float = 2.0
    entity_weight: float = 0.5  # once per distinct canonical name (1.0 measured 3 points worse)
    quote_weight: float = 0.0  # quotation shingles: measured to lower recall (their words already count)
    dense_budget: int = 8_000_000  # cells of one dense block in the day-local similarity


_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_STOP = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being below between both
    but by can could did do does doing down during each few for from further had has have having he her here hers
    herself him himself his how i if in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves said says say told according one two new also
    would could year years time people like get got make made many much well way even back still going go us mr mrs ms
    dr news report reports reported reporting week day today yesterday monday tuesday wednesday thursday friday saturday
    sunday percent per cent may might must shall another around among since via yet ago
    """.split()
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


def article_terms(article: EnrichedArticle, params: StoryParams) -> defaultdict[str, float]:
    """Weighted raw term counts for one article (before IDF)."""
    counts: defaultdict[str, float] = defaultdict(float)
    text = article.text or ""
    title = "" if article.title_derived else (article.title or "")
    for tok in tokens(text):
        counts[tok] += 1.0
    for tok in tokens(text[: params.lede_chars]):
        counts[tok] += params.lede_weight - 1.0
    for tok in tokens(title):
        counts[tok] += params.title_weight
    names = {
        (ent.canonical or ent.text).lower()
        for ent in article.entities
        if ent.label in ("PERSON", "ORG", "GPE", "LOC", "FAC", "EVENT", "NORP")
    }
    for name in names if params.entity_weight > 0 else ():  # once each: the words count how often
        counts["e:" + name] += params.entity_weight
    for quote in article.quotes if params.quote_weight > 0 else ():
        words = tokens(quote.text)
        for k in range(len(words) - 2):
            counts["q:" + " ".join(words[k : k + 3])] += params.quote_weight
    return counts


def _build(articles: Iterable[EnrichedArticle], params: StoryParams) -> _Corpus:
    corpus = _Corpus()
    for article in articles:
        counts = article_terms(article, params)
        ids = np.fromiter(
            (corpus.term_ids.setdefault(t, len(corpus.term_ids)) for t in counts), dtype=np.int32, count=len(counts)
        )
        weights = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        corpus.ids.append(article.id)
        corpus.days.append(_day(article.published))
        corpus.old.append(article.story)
        outlet = (article.outlet or "").strip().lower()
        # Unknown outlets are each their own: we cannot tell they are one.
        code = (
            corpus.outlet_codes.setdefault(outlet, len(corpus.outlet_codes))
            if outlet and outlet != "unknown"
            else -1 - len(corpus.ids)
        )
        corpus.outlets.append(code)
        corpus.rows.append((ids, weights))
        corpus.df.update(ids.tolist())
    return corpus


def _vectors(corpus: _Corpus, params: StoryParams) -> tuple[list[np.ndarray], list[np.ndarray], np.ndarray]:
    """TF-IDF (sublinear tf), terms of fewer than `min_df` articles dropped,
    top terms kept, L2-normalised; term ids sorted within each vector.
    Also returns document frequencies."""
    n = len(corpus.ids)
    n_terms = len(corpus.term_ids)
    df = np.zeros(n_terms, dtype=np.float32)
    for term, count in corpus.df.items():
        df[term] = count
    idf = np.log((n + 1) / (df + 1)).astype(np.float32) + 1.0
    idf[df < params.min_df] = 0.0
    terms_out, weights_out = [], []
    for ids, raw in corpus.rows:
        weights = (1.0 + np.log(raw)) * idf[ids]
        keep = weights > 0
        ids, weights = ids[keep], weights[keep]
        if len(ids) > params.top_terms:
            top = np.argpartition(-weights, params.top_terms)[: params.top_terms]
            ids, weights = ids[top], weights[top]
        order = np.argsort(ids)
        ids, weights = ids[order], weights[order]
        norm = float(np.linalg.norm(weights))
        terms_out.append(ids)
        weights_out.append(weights / norm if norm else weights)
    return terms_out, weights_out, df


def _postings(
    terms: list[np.ndarray], weights: list[np.ndarray], n_terms: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Inverted index (CSC): for each term, the articles and weights."""
    lengths = np.fromiter((len(t) for t in terms), dtype=np.int64, count=len(terms))
    all_terms = np.concatenate(terms) if terms else np.zeros(0, np.int32)
    all_weights = np.concatenate(weights) if weights else np.zeros(0, np.float32)
    all_docs = np.repeat(np.arange(len(terms), dtype=np.int32), lengths)
    order = np.argsort(all_terms, kind="stable")
    indptr = np.zeros(n_terms + 1, dtype=np.int64)
    np.cumsum(np.bincount(all_terms, minlength=n_terms), out=indptr[1:])
    return indptr, all_docs[order], all_weights[order]


def _dot(ta: np.ndarray, wa: np.ndarray, tb: np.ndarray, wb: np.ndarray) -> float:
    _, ia, ib = np.intersect1d(ta, tb, assume_unique=True, return_indices=True)
    return float(np.dot(wa[ia], wb[ib]))


def _dated_edges(corpus: _Corpus, terms, weights, params: StoryParams) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted similarities (i, j, sim) between dated articles at most
    `window_days` apart, computed day by day in dense blocks (a day's
    articles against its own and the following days'), so no all-pairs
    matrix is ever built and common words need no pruning.  The weight is
    the cosine times `next_day_weight` per day of gap, times
    `same_outlet_factor` for two articles of one outlet (an outlet's pieces
    share boilerplate, and a story is about several outlets).  Only pairs
    at or above `edge_threshold` are returned."""
    dated_days = sorted((d, i) for i, d in enumerate(corpus.days) if d is not None)
    dated = [i for _, i in dated_days]
    order = np.array(dated, dtype=np.int64)
    days = np.array([d for d, _ in dated_days], dtype=np.int64)
    outlets = np.array(corpus.outlets, dtype=np.int64)
    out_i, out_j, out_w = [], [], []
    if len(order) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    day_values, day_starts = np.unique(days, return_index=True)
    day_ends = np.r_[day_starts[1:], len(days)]
    for k, day in enumerate(day_values.tolist()):
        a0, a1 = int(day_starts[k]), int(day_ends[k])
        b1 = int(np.searchsorted(days, day + params.window_days, side="right"))
        rows, cols = order[a0:a1], order[a0:b1]
        col_terms = np.concatenate([terms[c] for c in cols])
        col_weights = np.concatenate([weights[c] for c in cols])
        col_of = np.repeat(np.arange(len(cols)), [len(terms[c]) for c in cols])
        gap = days[a0:b1] - day
        factor = params.next_day_weight ** gap.astype(np.float32)
        # Row chunks so that one dense block stays within the budget.
        start = 0
        while start < len(rows):
            stop = start + 1
            vocab_size = len(terms[rows[start]])
            while stop < len(rows) and len(cols) * (vocab_size + len(terms[rows[stop]])) <= params.dense_budget:
                vocab_size += len(terms[rows[stop]])
                stop += 1
            chunk = rows[start:stop]
            vocab = np.unique(np.concatenate([terms[r] for r in chunk]))
            pos = np.minimum(np.searchsorted(vocab, col_terms), len(vocab) - 1)
            hit = vocab[pos] == col_terms
            right = np.zeros((len(cols), len(vocab)), dtype=np.float32)
            right[col_of[hit], pos[hit]] = col_weights[hit]
            left = np.zeros((len(chunk), len(vocab)), dtype=np.float32)
            for r, row in enumerate(chunk):
                left[r, np.searchsorted(vocab, terms[row])] = weights[row]
            sims = (left @ right.T) * factor[None, :]
            # Each pair once: same-day pairs only above the diagonal.
            local = np.arange(start, stop)[:, None]
            sims[np.arange(len(cols))[None, :] <= local] = 0.0
            r_idx, c_idx = np.nonzero(sims >= params.edge_threshold * 0.999)
            i, j = chunk[r_idx], cols[c_idx]
            w = sims[r_idx, c_idx] * np.where(outlets[i] == outlets[j], params.same_outlet_factor, 1.0)
            keep = w >= params.edge_threshold
            out_i.append(i[keep])
            out_j.append(j[keep])
            out_w.append(w[keep])
            start = stop
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_w).astype(np.float32)


def _mutual_rank_filter(i: np.ndarray, j: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Mask of edges that are among the `k` strongest of i or of j: the
    threshold relative to each article's neighbourhood.  A busy news day
    has many articles that share some words; what marks one story is
    being an article's closest match."""
    n = len(i)
    if n == 0 or k <= 0:
        return np.ones(n, dtype=bool)
    src = np.concatenate([i, j])
    strength = np.concatenate([w, w])
    edge = np.concatenate([np.arange(n), np.arange(n)])
    order = np.lexsort((edge, -strength, src))
    sorted_src = src[order]
    first = np.searchsorted(sorted_src, sorted_src, side="left")
    rank = np.empty(2 * n, dtype=np.int64)
    rank[order] = np.arange(2 * n) - first
    return np.minimum(rank[:n], rank[n:]) < k


def _undated_edges(
    corpus: _Corpus, terms, weights, df: np.ndarray, params: StoryParams
) -> list[tuple[float, int, int]]:
    """An undated article against every article: candidates from an
    inverted index over its rarer terms, then the exact cosine; its one
    closest match at or above `undated_threshold` is its only edge.  With
    nothing to place it in time, an undated article may join the story of
    its closest match but never bridge two stories by being vaguely like
    both."""
    n = len(corpus.ids)
    undated = [i for i, d in enumerate(corpus.days) if d is None]
    if not undated:
        return []
    rare = df <= max(params.min_df_drop, params.max_df_share * n)
    search_terms = [t[rare[t]] for t in terms]
    search_weights = [w[rare[t]] for t, w in zip(terms, weights, strict=True)]
    indptr, post_docs, post_w = _postings(search_terms, search_weights, len(df))
    outlets = corpus.outlets
    edges: dict[tuple[int, int], float] = {}
    for i in undated:
        t_ids, t_w = search_terms[i], search_weights[i]
        if len(t_ids) == 0:
            continue
        starts, ends = indptr[t_ids], indptr[t_ids + 1]
        lengths = ends - starts
        total = int(lengths.sum())
        if total == 0:
            continue
        idx = np.repeat(starts - np.cumsum(np.r_[0, lengths[:-1]]), lengths) + np.arange(total)
        scores = np.bincount(post_docs[idx], weights=post_w[idx] * np.repeat(t_w, lengths), minlength=n)
        scores[i] = 0.0
        cand = np.flatnonzero(scores > 0)
        if len(cand) > params.undated_candidates:
            cand = cand[np.argpartition(-scores[cand], params.undated_candidates)[: params.undated_candidates]]
        best, best_j = params.undated_threshold, -1
        for j in cand.tolist():
            sim = _dot(terms[i], weights[i], terms[j], weights[j])
            if outlets[i] == outlets[j]:
                sim *= params.same_outlet_factor
            if sim > best or (sim == best and best_j >= 0 and j < best_j):
                best, best_j = sim, j
        if best_j >= 0:
            edges[(min(i, best_j), max(i, best_j))] = best
    return [(sim, i, j) for (i, j), sim in edges.items()]


class _Groups:
    """Agglomerative grouping with an average-link guard (see module doc)."""

    def __init__(self, days: list[int | None], outlets: list[int], params: StoryParams) -> None:
        self.parent = list(range(len(days)))
        self.size = [1] * len(days)
        self.lo = [d for d in days]
        self.hi = [d for d in days]
        self.links: list[dict[int, float]] = [dict() for _ in days]  # root -> {root: sum of sims}
        # (outlet, day) of the dated members: one outlet twice on one day is
        # rarely one story (an outlet covers an event once a day, mostly).
        self.outlet_days: list[set[tuple[int, int]]] = [
            {(o, d)} if d is not None else set() for o, d in zip(outlets, days, strict=True)
        ]
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
        clash = not self.outlet_days[a].isdisjoint(self.outlet_days[b])
        if average < p.link_threshold * (p.outlet_day_clash if clash else 1.0):
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
        self.outlet_days[a] |= self.outlet_days[b]
        self.outlet_days[b] = set()


@dataclass(frozen=True)
class Clustering:
    """What `cluster` found: the story of every article (None for
    singletons), the story each had before (as read), and timing figures."""

    assignment: dict[str, str | None]
    previous: dict[str, str | None]
    timing: dict[str, float | int]


def cluster(articles: Iterable[EnrichedArticle], params: StoryParams | None = None) -> Clustering:
    """Group articles into stories. Pure: reads only the given articles."""
    params = params or StoryParams()
    t0 = time.perf_counter()
    corpus = _build(articles, params)
    t1 = time.perf_counter()
    terms, weights, df = _vectors(corpus, params)
    src, dst, sims = _dated_edges(corpus, terms, weights, params)
    keep = _mutual_rank_filter(src, dst, sims, params.neighbours)
    dated_edges = list(zip(sims[keep].tolist(), src[keep].tolist(), dst[keep].tolist(), strict=True))
    undated_edges = _undated_edges(corpus, terms, weights, df, params)
    t2 = time.perf_counter()
    groups = _Groups(corpus.days, corpus.outlets, params)
    for sim, i, j in dated_edges + undated_edges:
        groups.add_link(i, j, sim)
    # Dated stories first, then undated articles join them: the dated ones
    # are placed by both words and time.  Deterministic order within each.
    for edges in (dated_edges, undated_edges):
        edges.sort(key=lambda e: (-e[0], e[1], e[2]))
        for _sim, i, j in edges:
            groups.try_merge(i, j)
    edges = dated_edges + undated_edges
    members: dict[int, list[int]] = {}
    for i in range(len(corpus.ids)):
        members.setdefault(groups.find(i), []).append(i)
    assignment: dict[str, str | None] = {}
    for idxs in members.values():
        story = story_id([corpus.ids[i] for i in idxs]) if len(idxs) > 1 else None
        for i in idxs:
            assignment[corpus.ids[i]] = story
    t3 = time.perf_counter()
    timing = {
        "read_s": round(t1 - t0, 2),
        "similarity_s": round(t2 - t1, 2),
        "cluster_s": round(t3 - t2, 2),
        "edges": len(edges),
    }
    return Clustering(assignment, dict(zip(corpus.ids, corpus.old, strict=True)), timing)


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
    clustering = cluster(store.scan(), params)
    assignment, old = clustering.assignment, clustering.previous
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
        "timing": clustering.timing,
    }
    log.info("story grouping: %s", report)
    return report
