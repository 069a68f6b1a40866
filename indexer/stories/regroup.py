"""Regrouping a region: the new articles, the stored articles they can
join, and the events and threads those belong to.

    new articles ─► their days ± window_days ─► cached rows of those days
        ─► rows similar enough to a new one (thread threshold): "touched"
        ─► region = new + touched + every member of their threads
        ─► edges within the region ─► events, then threads ─► ids ─► write

Only the region is read and rewritten; everything else keeps its event and
thread.  A full regroup (`parallax stories`) is the same step applied to
the timeline `block_days` at a time, so the two paths share every rule.
They can still differ (docs/stories.md): an incremental run reconsiders
only the events its new articles touch, while a full run has each block's
articles together from the start.

Ids are stable: a new event takes the id of the old event it shares most
articles with (each old id once, biggest overlap first); an event with no
old one gets an id derived from its smallest article id.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import multiprocessing.process
import traceback
from collections import Counter, deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from .cache import FeatureCache, Row
from .clustering import cluster_region, event_weights
from .embedding import centred_units
from .params import StoryParams
from .similarity import edges_within, mutual_rank_filter, neighbours_of, vectors


def _day_ranges(days: Iterable[int], radius: int) -> list[tuple[int, int]]:
    """Merged [first, last] day ranges covering each day ± radius."""
    ranges: list[tuple[int, int]] = []
    for day in sorted(set(days)):
        lo, hi = day - radius, day + radius
        if ranges and lo <= ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], max(ranges[-1][1], hi))
        else:
            ranges.append((lo, hi))
    return ranges


def _floor(params: StoryParams) -> float:
    return min(params.event_edge, params.thread_edge)


@dataclass
class Region:
    """Rows to regroup, and the ids among them whose events may change."""

    rows: list[Row] = field(default_factory=list)
    open_ids: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.rows)


def region_for(cache: FeatureCache, new_ids: list[str], params: StoryParams) -> Region:
    """The new articles' rows plus every row they can change, and the ids
    whose events are open to change: the new articles, the stored ones
    among a new article's closest and the other members of their events.
    The rest of the region (the other events of their threads) keep their
    events; only their threads are reconsidered."""
    new = [r for r in cache.by_ids(new_ids) if r.features.day is not None]
    if not new:
        return Region()
    window: list[Row] = []
    for first, last in _day_ranges((r.features.day for r in new if r.features.day is not None), params.window_days):
        window += cache.by_days(first, last)
    rows = [r.features for r in new] + [r.features for r in window]
    matrix = vectors(rows, cache.df, max(cache.count(), 1), params)
    units = centred_units([r.vector for r in rows], cache.vector_mean())
    near = neighbours_of([r.features for r in new], [r.features for r in window], matrix, params, _floor(params), units)
    touched = [window[k] for k in near]
    open_ids = {r.id for r in new} | {r.id for r in touched}
    open_ids |= set(cache.members("event", {r.event for r in touched if r.event}))
    ids = open_ids | set(cache.members("thread", {r.thread for r in touched if r.thread}))
    return Region(sorted(cache.by_ids(ids), key=lambda r: r.id), open_ids)


def _stable_ids(
    groups: list[list[int]], prior: list[str | None], prefix: str, taken, members_ids: list[str]
) -> list[str | None]:
    """One id per group (None for a group of one article): the prior id it
    overlaps most, else a fresh one from its smallest member id."""
    out: list[str | None] = [None] * len(groups)
    candidates: list[tuple[int, str, int]] = []
    for g, members in enumerate(groups):
        if len(members) < 2:
            continue
        for old, overlap in Counter(p for p in (prior[m] for m in members) if p).items():
            candidates.append((-overlap, old, g))
    used: set[str] = set()
    for _, old, g in sorted(candidates):
        if out[g] is None and old not in used:
            out[g] = old
            used.add(old)
    for g, members in enumerate(groups):
        if len(members) < 2 or out[g] is not None:
            continue
        candidate = _fresh_id(prefix, min(members_ids[m] for m in members), taken, used)
        out[g] = candidate
        used.add(candidate)
    return out


def regroup_region(
    cache: FeatureCache,
    whole: Region,
    params: StoryParams,
    use_prior: bool,
) -> dict[str, tuple[str | None, str | None]]:
    """Events and threads for the region's rows (and the ids whose events
    may change: the others keep theirs, though they may still grow);
    returns the rows whose (event, thread) changed, and writes them to the
    cache."""
    region, open_ids = whole.rows, whole.open_ids
    if not region:
        return {}
    rows = [r.features for r in region]
    matrix = vectors(rows, cache.df, max(cache.count(), 1), params)
    i, j, w = edges_within(rows, matrix, params, _floor(params))
    keep = mutual_rank_filter(i, j, w, params.neighbours)
    units = centred_units([r.vector for r in rows], cache.vector_mean())
    event_w = event_weights(rows, (i, j, w), params, units)
    # Event edges: an article's closest matches by TF-IDF (the same ranking
    # an incremental region is built on, so a full and an incremental
    # regroup see the same candidates) that the mix with the sentence
    # vectors rates at least event_edge: a retelling in other words
    # (TF-IDF 0.045, vectors 0.4) counts; TF-IDF alone had to reach event_edge.
    keep_event = mutual_rank_filter(i, j, w, params.event_neighbours) & (event_w >= params.event_edge)
    kept_events: dict[str, list[int]] = {}
    kept_threads: dict[str, list[int]] = {}
    for k, r in enumerate(region):
        if r.id not in open_ids and r.event:
            kept_events.setdefault(r.event, []).append(k)
        if r.id not in open_ids and r.thread:
            kept_threads.setdefault(r.thread, []).append(k)
    events, threads = cluster_region(
        rows,
        (i[keep_event], j[keep_event], event_w[keep_event]),
        (i[keep], j[keep], w[keep]),
        params,
        kept=(list(kept_events.values()), list(kept_threads.values())),
    )
    ids = [r.id for r in region]

    def taken(column: str):
        # An id held outside the region cannot be reused; inside, the
        # region's own rows are being reassigned.
        return lambda value: value not in prior_ids[column] and cache.id_taken(column, value)

    prior_event = [r.prior_event if use_prior else r.event for r in region]
    prior_thread = [r.prior_thread if use_prior else r.thread for r in region]
    prior_ids = {"event": {p for p in prior_event if p}, "thread": {p for p in prior_thread if p}}
    event_ids = _stable_ids(events, prior_event, "s", taken("event"), ids)
    thread_ids = _stable_ids(threads, prior_thread, "t", taken("thread"), ids)
    assigned: dict[str, tuple[str | None, str | None]] = {}
    event_of: dict[int, str | None] = {m: event_ids[g] for g, members in enumerate(events) for m in members}
    for g, members in enumerate(threads):
        for m in members:
            assigned[ids[m]] = (event_of[m], thread_ids[g])
    current = {r.id: (r.event, r.thread) for r in region}
    changes = {i: groups for i, groups in assigned.items() if groups != current[i]}
    cache.assign(changes)
    return changes


Closest = tuple[np.ndarray, list[str | None]]  # per undated row: its best score, and the id scoring it


def place_undated(
    cache: FeatureCache,
    undated_ids: list[str],
    params: StoryParams,
    search: ClosestSearch | None = None,
) -> dict[str, tuple[str | None, str | None]]:
    """An undated article joins the thread of its closest match (anywhere
    in the cache, read a chunk at a time; with it alone when the match is
    in no thread) when that match is at least `undated_threshold` similar,
    and its event (or starts one with it) only when it is at least
    `undated_event_threshold` similar or their sentence vectors are at
    least `undated_event_vector` alike: with no date to place it, a looser
    match was mostly another happening on the subject (hand check), and
    the largest source of foreign members in events.  With nothing to place it in time, an undated article never
    bridges two groups: it has one edge, to its closest match.  `search`:
    the closest matches of these `undated_ids`, already under way."""
    undated = cache.by_ids(undated_ids)
    if not undated:
        if search is not None:
            search.close()
        return {}
    best, best_id = search.result(undated) if search is not None else _closest_matches(cache, undated, params)
    matches = {r.id: r for r in cache.by_ids([i for i in best_id if i])}
    groups = {i: (r.event, r.thread) for i, r in matches.items()}
    groups.update({r.id: (r.event, r.thread) for r in undated})
    meaning = _vector_cosines(undated, [matches[i] if i else None for i in best_id], cache.vector_mean(), params)
    changes: dict[str, tuple[str | None, str | None]] = {}
    sizes: dict[str, int] = {}
    for k in np.argsort(-best, kind="stable").tolist():  # closest pairs first
        match, row = best_id[k], undated[k]
        if match is None:
            continue
        event, thread = groups[match]
        if best[k] < params.undated_event_threshold and meaning[k] < params.undated_event_vector:
            # the same subject, not surely the same happening: its thread only
            if thread is None:  # the match is alone (in no thread, so in no event): the two start a thread
                thread = _fresh_id("t", min(match, row.id), lambda v: cache.id_taken("thread", v))
                groups[match] = changes[match] = (groups[match][0], thread)
            if groups[row.id] != (None, thread):
                groups[row.id] = changes[row.id] = (None, thread)
            continue
        if event is not None:
            if event not in sizes:
                sizes[event] = len(cache.members("event", [event]))
            if sizes[event] >= params.event_max_size:
                continue  # a full event takes no undated article
            sizes[event] += 1
        else:  # the two start an event (and a thread) of their own
            event = _fresh_id("s", min(match, row.id), lambda v: cache.id_taken("event", v), set(sizes))
            sizes[event] = 2
        if thread is None:
            thread = _fresh_id("t", min(match, row.id), lambda v: cache.id_taken("thread", v))
        for article_id in (match, row.id):
            if groups[article_id] != (event, thread) and (article_id == row.id or groups[article_id][0] is None):
                groups[article_id] = changes[article_id] = (event, thread)
    cache.assign(changes)
    return changes


class ClosestSearch:
    """`_closest_matches` of some undated rows in a process of its own, so
    that it runs on the other core while this one regroups the dated rows
    (it reads only features, which a regroup does not change; in one
    process the two took turns on one core: the search's products release
    the GIL, the clustering's Python does not).

    The process is forked with no SQLite connection open in this one (a
    connection must not cross a fork) and reads the cache through its own,
    read-only; the writer keeps its changes in one transaction until the
    search is done (`FeatureCache.one_transaction`).  An in-memory cache,
    or a platform without fork, searches in this process when asked."""

    def __init__(self, cache: FeatureCache, undated_ids: list[str], params: StoryParams) -> None:
        self.cache, self.undated_ids, self.params = cache, undated_ids, params
        self._process: multiprocessing.process.BaseProcess | None = None
        if cache.path is None or not undated_ids or "fork" not in multiprocessing.get_all_start_methods():
            return
        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)
        cache.db.close()
        try:
            self._process = context.Process(
                target=_search_in_child, args=(send, cache.path, cache.hash_bits, cache.df, undated_ids, params)
            )
            self._process.start()
        finally:
            cache.db = cache.connect()
            send.close()

    @property
    def separate(self) -> bool:
        """Whether the search runs in a process of its own (reading the cache beside its writer)."""
        return self._process is not None

    def result(self, undated: list[Row]) -> Closest:
        """The closest matches of `undated` (the rows of `undated_ids`, in any order)."""
        if self._process is None:
            return _closest_matches(self.cache, undated, self.params)
        try:
            status, payload = self._receive.recv()
            self._process.join()
        except EOFError:  # it ended without a word (killed)
            self._process.join()
            status, payload = "error", f"exit code {self._process.exitcode}"
        finally:
            self.close()
        if status != "ok":
            raise RuntimeError(f"the search for undated articles' closest matches failed: {payload}")
        ids, best, best_id = payload
        position = {i: k for k, i in enumerate(ids)}
        order = [position[r.id] for r in undated]
        return best[order], [best_id[k] for k in order]

    def close(self) -> None:
        """End the search process if it still runs (no longer wanted)."""
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join()
            self._receive.close()
            self._process = None


def _search_in_child(send, path, hash_bits: int, df: np.ndarray, undated_ids: list[str], params: StoryParams) -> None:
    try:
        reader = FeatureCache(path, hash_bits, read_only=True)
        reader.df = df  # the writer's own (inherited), not re-read
        undated = reader.by_ids(undated_ids)
        best, best_id = _closest_matches(reader, undated, params)
        send.send(("ok", ([r.id for r in undated], best, best_id)))
    except BaseException:
        send.send(("error", traceback.format_exc()))
    finally:
        send.close()


def _closest_matches(
    cache: FeatureCache, undated: list[Row], params: StoryParams
) -> tuple[np.ndarray, list[str | None]]:
    """Each undated row's closest other row in the whole cache (read a chunk
    at a time, in id order) by TF-IDF cosine times `same_outlet_factor`
    for one outlet's, with that score, when it is above
    `undated_threshold`; ties go to the row first in id order.

    Most pairs share some word, so a product is nearly dense: it is taken a
    few hundred cached rows at a time (`_PRODUCT_ENTRIES`), small arrays
    the allocator reuses (fresh pages cost more than the arithmetic on
    this machine: products of 5,000 rows spent a third of the grouping in
    the kernel), and reduced to each undated row's best as a sparse matrix.
    Two products run at once on a thread pool (scipy's sparse product
    releases the GIL; the grouping runs after the indexing lanes have ended)."""
    n_docs = max(cache.count(), 1)
    outlet_codes: dict[str, int] = {}

    def codes(rows: list[Row]) -> np.ndarray:
        # Unknown outlets ("") never count as one outlet: code -1, never compared equal.
        return np.array(
            [outlet_codes.setdefault(r.features.outlet, len(outlet_codes)) if r.features.outlet else -1 for r in rows],
            dtype=np.int64,
        )

    # Columns are hash buckets, so each block of cached rows multiplies these directly.
    queries = vectors([r.features for r in undated], cache.df, n_docs, params, renumber=False).T.tocsr()
    query_codes = codes(undated)
    position = {r.id: k for k, r in enumerate(undated)}
    block = max(64, _PRODUCT_ENTRIES // len(undated))

    def best_in(rows: list[Row]) -> tuple[np.ndarray, np.ndarray]:
        matrix = vectors([r.features for r in rows], cache.df, n_docs, params, renumber=False)
        # rows x undated (each pair summed over its shared buckets in bucket
        # order, as before), then turned: undated x rows
        sims = (matrix @ queries).T.tocsr()
        self_pairs = [(position[r.id], c) for c, r in enumerate(rows) if r.id in position]
        return _row_maxima(sims, query_codes, codes(rows), self_pairs, params.same_outlet_factor)

    best = np.full(len(undated), params.undated_threshold, dtype=np.float32)
    best_id: list[str | None] = [None] * len(undated)
    with ThreadPoolExecutor(max_workers=_PRODUCT_THREADS) as pool:
        pending: deque[tuple[list[Row], Future]] = deque()
        for chunk in cache.scan_chunks():  # read here (SQLite stays on this thread), multiplied in the pool
            for start in range(0, len(chunk), block):
                part = chunk[start : start + block]
                pending.append((part, pool.submit(best_in, part)))
                if len(pending) > 2 * _PRODUCT_THREADS:
                    _take(pending.popleft(), best, best_id)
        while pending:
            _take(pending.popleft(), best, best_id)
    return best, best_id


_PRODUCT_THREADS = 2  # the machine's two cores
_PRODUCT_ENTRIES = 2_000_000  # pairs in one product at most: ~16 MB of result


def _take(done: tuple[list[Row], Future], best: np.ndarray, best_id: list[str | None]) -> None:
    """Fold one block's row maxima into the best so far, in id order: a
    later block wins only when strictly closer, as one scan would."""
    rows, future = done
    scores, columns = future.result()
    for k in np.flatnonzero(scores > best).tolist():
        best[k], best_id[k] = scores[k], rows[int(columns[k])].id


def _row_maxima(
    sims: sparse.csr_matrix,
    query_codes: np.ndarray,
    row_codes: np.ndarray,
    self_pairs: list[tuple[int, int]],
    same_outlet_factor: float,
) -> tuple[np.ndarray, np.ndarray]:
    """Per query row of `sims` (queries x rows): the highest score and the
    first column holding it, where a score is the similarity times
    `same_outlet_factor` when both outlets are known and equal, and 0 for
    an article against itself.  A row without entries scores 0 (column 0),
    as a dense row of zeros would."""
    per_row = np.diff(sims.indptr)
    owner = np.repeat(np.arange(sims.shape[0], dtype=np.int32), per_row)
    columns = sims.indices
    same = (query_codes[owner] >= 0) & (query_codes[owner] == row_codes[columns])
    scores = sims.data.astype(np.float32, copy=True)
    # in float64 and back, as the dense form did (float32 array times a float64 one)
    scores[same] = (scores[same].astype(np.float64) * same_outlet_factor).astype(np.float32)
    for query, column in self_pairs:
        lo, hi = sims.indptr[query], sims.indptr[query + 1]
        scores[lo + np.flatnonzero(columns[lo:hi] == column)] = 0.0
    top = np.zeros(sims.shape[0], dtype=np.float32)
    first = np.zeros(sims.shape[0], dtype=np.int64)
    filled = per_row > 0
    if filled.any():
        starts = sims.indptr[:-1][filled]
        # Absent pairs are zeros: a row's maximum is at least 0.
        top[filled] = np.maximum(np.maximum.reduceat(scores, starts), 0.0)
        candidates = np.where(scores == top[owner], columns, sims.shape[1])
        first[filled] = np.minimum.reduceat(candidates, starts)
    return top, first


def _vector_cosines(rows: list[Row], matches: list[Row | None], mean: np.ndarray, params: StoryParams) -> np.ndarray:
    """Cosine of each row's centred sentence vector with its match's (0
    without a match or a vector), times `same_outlet_factor` for two
    articles of one outlet, as their TF-IDF is and as a dated pair's vector
    cosine is: one outlet's pieces open alike (a fact-checker's standing
    preamble, a newsletter's header), whatever they are about."""
    units = centred_units([r.features.vector for r in rows], mean)
    other = centred_units([m.features.vector if m is not None else None for m in matches], mean)
    same = np.array(
        [
            m is not None and bool(r.features.outlet) and r.features.outlet == m.features.outlet
            for r, m in zip(rows, matches, strict=True)
        ],
        dtype=bool,
    )
    return (units * other).sum(axis=1) * np.where(same, params.same_outlet_factor, 1.0)


def _fresh_id(prefix: str, seed: str, taken, used: set[str] | None = None) -> str:
    """prefix + a hash of `seed` (salted until neither taken nor used)."""
    salt = 0
    while True:
        key = seed if salt == 0 else f"{seed}#{salt}"
        candidate = prefix + hashlib.sha1(key.encode("utf-8")).hexdigest()[:15]
        if candidate not in (used or set()) and not taken(candidate):
            return candidate
        salt += 1
