"""Two-level agglomerative grouping of one region's articles.

Events first: edges strongest first; an edge merges two groups only when
the *average* similarity between them (unknown pairs count as zero) stays
above the event link threshold (higher when the merge would put one outlet
twice on one day: an outlet covers one happening once a day, mostly), the
group stays small and its days span little.  Plain union-find would chain
unrelated articles through a run of weak links; the average-link guard is
what stops that.  Threads then start from the events and merge them under
looser thresholds: events nest inside threads by construction.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import numpy as np

from textkit import UnionFind

from .features import Features
from .params import StoryParams
from .similarity import pair_factors


@dataclass(frozen=True)
class Level:
    edge: float
    link: float
    max_size: int
    span_days: int
    outlet_clash: float
    growth: float = 0.0  # threshold factor per member beyond three
    by_average: bool = False  # merge order: highest group average first, else strongest single edge first
    pair_link: float = 0.0  # similarity two lone articles need to start a group (its core)


def event_level(p: StoryParams) -> Level:
    return Level(
        p.event_edge,
        p.event_link,
        p.event_max_size,
        p.event_span_days,
        p.event_outlet_clash,
        p.event_growth,
        p.event_by_average,
        p.event_pair_link,
    )


def thread_level(p: StoryParams) -> Level:
    return Level(p.thread_edge, p.thread_link, p.thread_max_size, p.thread_span_days, p.thread_outlet_clash)


class Agglomerator:
    """Average-link merging with size, span and outlet-day guards."""

    def __init__(self, rows: list[Features], level: Level, initial: list[list[int]] | None = None) -> None:
        self.level = level
        self.sets: UnionFind[int] = UnionFind(range(len(rows)))
        self.size = [1] * len(rows)
        self.lo: list[int | None] = [r.day for r in rows]
        self.hi: list[int | None] = [r.day for r in rows]
        self.links: list[dict[int, float]] = [{} for _ in rows]  # root -> {root: sum of similarities}
        # (outlet, day) of the dated members; unknown outlets never clash.
        self.outlet_days: list[set[tuple[str, int]]] = [
            {(r.outlet, r.day)} if r.day is not None and r.outlet else set() for r in rows
        ]
        for group in initial or []:
            for other in group[1:]:
                self._union(self.sets.find(group[0]), self.sets.find(other))

    def add_link(self, i: int, j: int, sim: float) -> None:
        a, b = self.sets.find(i), self.sets.find(j)
        if a == b:
            return
        self.links[a][b] = self.links[a].get(b, 0.0) + sim
        self.links[b][a] = self.links[b].get(a, 0.0) + sim

    def average(self, a: int, b: int) -> float:
        """Mean similarity between the members of roots a and b (unknown pairs: zero)."""
        return self.links[a].get(b, 0.0) / (self.size[a] * self.size[b])

    def try_merge(self, i: int, j: int) -> bool:
        a, b = self.sets.find(i), self.sets.find(j)
        if a == b:
            return False
        level = self.level
        if self.size[a] + self.size[b] > level.max_size:
            return False
        days = [d for d in (self.lo[a], self.lo[b], self.hi[a], self.hi[b]) if d is not None]
        if days and max(days) - min(days) > level.span_days:
            return False
        average = self.average(a, b)
        clash = not self.outlet_days[a].isdisjoint(self.outlet_days[b])
        growth = 1.0 + level.growth * max(0, self.size[a] + self.size[b] - 3)
        if average < level.link * growth * (level.outlet_clash if clash else 1.0):
            return False
        if self.size[a] == self.size[b] == 1 and average < level.pair_link:
            return False
        self._union(a, b)
        return True

    def _union(self, a: int, b: int) -> None:
        if a == b:
            return
        if len(self.links[a]) < len(self.links[b]):
            a, b = b, a
        self.sets.union(a, b)
        self.size[a] += self.size[b]
        days = [d for d in (self.lo[a], self.lo[b], self.hi[a], self.hi[b]) if d is not None]
        self.lo[a], self.hi[a] = (min(days), max(days)) if days else (None, None)
        for other, total in self.links[b].items():
            self.links[other].pop(b, None)
            if other == a:
                continue
            self.links[a][other] = self.links[a].get(other, 0.0) + total
            self.links[other][a] = self.links[other].get(a, 0.0) + total
        self.links[a].pop(b, None)
        self.links[b] = {}
        self.outlet_days[a] |= self.outlet_days[b]
        self.outlet_days[b] = set()

    def groups(self) -> list[list[int]]:
        return sorted((sorted(m) for m in self.sets.groups().values()), key=lambda m: m[0])


def _agglomerate(
    rows: list[Features],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    level: Level,
    initial: list[list[int]] | None = None,
) -> list[list[int]]:
    i, j, w = edges
    keep = w >= level.edge
    chosen = sorted(zip((-w[keep]).tolist(), i[keep].tolist(), j[keep].tolist(), strict=True))
    groups = Agglomerator(rows, level, initial)
    for neg_w, a, b in chosen:
        groups.add_link(a, b, -neg_w)
    if not level.by_average:
        for _, a, b in chosen:  # strongest first; ties by index: deterministic
            groups.try_merge(a, b)
        return groups.groups()
    # Highest current average first (true average linkage): a pair of
    # groups is merged only when no other pair is more cohesive, so a
    # strong pair's third article is not taken by a weaker neighbour first.
    heap = [(neg_w, a, b) for neg_w, a, b in chosen]
    heapq.heapify(heap)
    while heap:
        neg_avg, a, b = heapq.heappop(heap)
        ra, rb = groups.sets.find(a), groups.sets.find(b)
        if ra == rb:
            continue
        current = groups.average(ra, rb)
        if current < -neg_avg - 1e-9:  # stale entry: its groups changed since
            if current >= level.link:
                heapq.heappush(heap, (-current, ra, rb))
            continue
        if groups.try_merge(ra, rb):
            root = groups.sets.find(ra)
            for other in groups.links[root]:
                heapq.heappush(heap, (-groups.average(root, other), min(root, other), max(root, other)))
    return groups.groups()


def event_weights(
    rows: list[Features],
    edges: tuple[np.ndarray, np.ndarray, np.ndarray],
    params: StoryParams,
    units: np.ndarray | None = None,
) -> np.ndarray:
    """The event weight of each candidate edge: (1 - embedding_weight) x its
    TF-IDF weight + embedding_weight x the cosine of the two articles'
    centred sentence vectors `units` (same day and outlet factors).  The
    vectors read across wording, and on the AllSides triples the mix
    separates one happening from same-day neighbours better than either
    alone (docs/stories.md).  Every candidate edge (an article's closest
    matches by TF-IDF) is weighed so before the event threshold: if only
    the edges TF-IDF alone put above it were mixed, the vectors could only
    weaken an edge, never bring in a retelling in other words."""
    i, j, w = edges
    if units is None or params.embedding_weight <= 0 or not len(i):
        return w
    cosine = (units[i] * units[j]).sum(axis=1) * pair_factors(rows, i, j, params)
    return ((1.0 - params.embedding_weight) * w + params.embedding_weight * cosine).astype(np.float32)


def _specific(
    rows: list[Features], edges: tuple[np.ndarray, np.ndarray, np.ndarray], params: StoryParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The event-strength edges whose two articles share at least
    `event_min_shared` distinct terms (one shared word ("mayor") is a
    subject, not a happening, however short the articles are)."""
    i, j, w = edges
    strong = np.flatnonzero(w >= params.event_edge)
    keep = [
        k
        for k in strong.tolist()
        if len(np.intersect1d(rows[i[k]].terms, rows[j[k]].terms, assume_unique=True)) >= params.event_min_shared
    ]
    return i[keep], j[keep], w[keep]


Edges = tuple[np.ndarray, np.ndarray, np.ndarray]


def cluster_region(
    rows: list[Features],
    event_edges: Edges,
    thread_edges: Edges,
    params: StoryParams,
    kept: tuple[list[list[int]], list[list[int]]] = ([], []),
) -> tuple[list[list[int]], list[list[int]]]:
    """Events and threads of one region, as lists of row indexes (every row
    in exactly one event and one thread; events nest in threads).
    The `kept` events and threads (of rows no new article is close to)
    start whole: they are not split, though they may grow.  `event_edges`
    are weighed by `event_weights`."""
    kept_events, kept_threads = kept
    event_edges = _specific(rows, event_edges, params)
    events = _agglomerate(rows, event_edges, event_level(params), initial=kept_events)
    threads = _agglomerate(rows, thread_edges, thread_level(params), initial=events + kept_threads)
    return events, threads
