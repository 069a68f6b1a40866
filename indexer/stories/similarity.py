"""TF-IDF vectors and the similarities grouping links articles by.

Vectors: sublinear tf times IDF over the whole cache (document frequencies
per hash bucket), the strongest `top_terms` kept, L2-normalised, one sparse
row per article.  Similarities are computed day by day: a day's articles
against its own and the next `window_days` days', never all pairs, so the
work grows with the corpus, not with its square.  The weight of a pair is
the cosine times `next_day_weight` per day of gap, times
`same_outlet_factor` for two articles of one outlet (an outlet's pieces
share boilerplate, and an event is told by several outlets).
"""

from __future__ import annotations

import threading

import numpy as np
from scipy import sparse

from .features import Features
from .params import StoryParams


def weighted_terms(row: Features, df: np.ndarray, n_docs: int, params: StoryParams) -> tuple[np.ndarray, np.ndarray]:
    """One article's vector as (buckets, weights): its strongest
    `top_terms` buckets in bucket order, L2-normalised."""
    terms = row.terms.astype(np.int64)
    # IDF of this row's buckets only (over all 2**22 buckets it was a
    # large share of each call)
    idf = np.log((n_docs + 1) / (df[terms].astype(np.float32) + 1)).astype(np.float32) + 1.0
    weights = (1.0 + np.log(np.maximum(row.counts, 1e-6))).clip(min=0.0) * idf
    keep = weights > 0
    terms, weights = terms[keep], weights[keep]
    if len(terms) > params.top_terms:
        top = np.argpartition(-weights, params.top_terms)[: params.top_terms]
        top.sort()
        terms, weights = terms[top], weights[top]
    norm = float(np.linalg.norm(weights))
    return terms, (weights / norm if norm else weights).astype(np.float32)


def vectors(
    rows: list[Features], df: np.ndarray, n_docs: int, params: StoryParams, renumber: bool = True
) -> sparse.csr_matrix:
    """One L2-normalised TF-IDF row per article.  Columns are the hash
    buckets these rows use, renumbered from 0 (a matrix over all 2**22
    buckets would make every transpose cost millions of steps): rows are
    only comparable within one call.

    The same numbers as `weighted_terms` row by row (checked bit for bit),
    computed over all rows' terms at once: a loop of numpy calls per row
    was most of an incremental regroup's vectorising.

    `renumber` False: the columns are the hash buckets themselves, so that
    matrices of separate calls can be multiplied (the undated articles'
    rows are weighed once, not once per chunk of the cache they meet)."""
    blocks = [_weighted_block(rows[k : k + _BLOCK], df, n_docs, params) for k in range(0, len(rows), _BLOCK)]
    if not blocks:
        return _renumbered(np.zeros(0, np.int64), np.zeros(0, np.float32), np.zeros(1, np.int64), 0, df)
    terms = np.concatenate([t for t, _, _ in blocks])
    weights = np.concatenate([w for _, w, _ in blocks])
    indptr = np.concatenate([[0], np.cumsum(np.concatenate([n for _, _, n in blocks]))]).astype(np.int64)
    if not renumber:
        return sparse.csr_matrix((weights, terms.astype(np.int32), indptr), shape=(len(rows), len(df)))
    return _renumbered(terms, weights, indptr, len(rows), df)


_BLOCK = 1024  # rows vectorised together: arrays that stay in cache (one call over 36k rows was slower than a loop)


def _weighted_block(
    rows: list[Features], df: np.ndarray, n_docs: int, params: StoryParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`weighted_terms` of each row, concatenated: (buckets, weights, terms per row)."""
    lengths = np.array([len(r.terms) for r in rows], dtype=np.int64)
    owner = np.repeat(np.arange(len(rows)), lengths)
    terms = np.concatenate([r.terms for r in rows]).astype(np.int64)
    counts = np.concatenate([r.counts for r in rows])
    idf = np.log((n_docs + 1) / (df[terms].astype(np.float32) + 1)).astype(np.float32) + 1.0
    weights = (1.0 + np.log(np.maximum(counts, 1e-6))).clip(min=0.0) * idf
    keep = weights > 0
    terms, weights, owner = terms[keep], weights[keep], owner[keep]
    kept = np.bincount(owner, minlength=len(rows))
    starts = np.concatenate([[0], np.cumsum(kept)])
    select = np.ones(len(terms), dtype=bool)
    for k in np.flatnonzero(kept > params.top_terms).tolist():  # long articles: their strongest terms only
        a, b = starts[k], starts[k + 1]
        top = np.argpartition(-weights[a:b], params.top_terms)[: params.top_terms]
        select[a:b] = False
        select[a + top] = True
    terms, weights, owner = terms[select], weights[select], owner[select]
    per_row = np.bincount(owner, minlength=len(rows))
    ends = np.cumsum(per_row)
    # np.linalg.norm per row, as weighted_terms does: a summed square
    # would round differently
    norms = np.array([np.linalg.norm(weights[b - n : b]) for n, b in zip(per_row, ends, strict=True)], np.float32)
    norms[norms == 0] = 1.0
    return terms, (weights / norms[owner]).astype(np.float32), per_row


def _renumbered(
    all_terms: np.ndarray, weights: np.ndarray, indptr: np.ndarray, n_rows: int, df: np.ndarray
) -> sparse.csr_matrix:
    """The CSR matrix of these rows, its columns the buckets in use."""
    # Renumber the buckets in use through a mask over all buckets: np.unique
    # sorted millions of terms, most of an incremental regroup's time.
    # Within a row the columns stay sorted, as its terms are.
    used, column_of = _bucket_buffers(len(df))
    used[all_terms] = True
    vocabulary = np.flatnonzero(used)
    used[vocabulary] = False  # all False again for the next call
    column_of[vocabulary] = np.arange(len(vocabulary), dtype=np.int32)  # only the used entries are written and read
    return sparse.csr_matrix(
        (
            weights,
            column_of[all_terms],
            indptr,
        ),
        shape=(n_rows, max(len(vocabulary), 1)),
    )


_buffers = threading.local()


def _bucket_buffers(n_buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """A mask (all False) and a column table over all buckets, kept from call
    to call (one set per thread): allocated afresh, their 20 MB of pages cost
    more than the renumbering itself, 200 times in a full regroup."""
    kept = getattr(_buffers, "arrays", None)
    if kept is None or len(kept[0]) != n_buckets:
        kept = (np.zeros(n_buckets, dtype=bool), np.empty(n_buckets, dtype=np.int32))
        _buffers.arrays = kept
    return kept


def pair_factors(rows: list[Features], a: np.ndarray, b: np.ndarray, params: StoryParams) -> np.ndarray:
    """Gap decay times the same-outlet discount for the pairs (a[k], b[k])."""
    a_rows, b_rows = [rows[i] for i in a.tolist()], [rows[j] for j in b.tolist()]  # Python ints index a list faster
    days_a = np.array([r.day for r in a_rows], dtype=np.int64)
    days_b = np.array([r.day for r in b_rows], dtype=np.int64)
    factor = params.next_day_weight ** np.abs(days_a - days_b).astype(np.float32)
    same = np.array([bool(r.outlet) and r.outlet == o.outlet for r, o in zip(a_rows, b_rows, strict=True)])
    return factor * np.where(same, params.same_outlet_factor, 1.0).astype(np.float32)


def edges_within(
    rows: list[Features], matrix: sparse.csr_matrix, params: StoryParams, floor: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weighted similarities (i, j, w), i < j, between dated rows at most
    `window_days` apart, for pairs weighing at least `floor`."""
    dated = sorted((r.day, k) for k, r in enumerate(rows) if r.day is not None)
    order = np.array([k for _, k in dated], dtype=np.int64)
    days = np.array([d for d, _ in dated], dtype=np.int64)
    out_i, out_j, out_w = [], [], []
    for day in np.unique(days).tolist():
        a0, a1 = np.searchsorted(days, day, "left"), np.searchsorted(days, day, "right")
        b1 = np.searchsorted(days, day + params.window_days, "right")
        left, right = order[a0:a1], order[a0:b1]
        sims = (matrix[left] @ matrix[right].T).toarray()
        sims[np.arange(len(left))[:, None] >= np.arange(len(right))[None, :]] = 0.0  # same-day pairs once
        r, c = np.nonzero(sims >= floor * 0.999)
        if not len(r):
            continue
        i, j = left[r], right[c]
        w = sims[r, c] * pair_factors(rows, i, j, params)
        keep = w >= floor
        out_i.append(np.minimum(i, j)[keep])
        out_j.append(np.maximum(i, j)[keep])
        out_w.append(w[keep])
    if not out_i:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float32)
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_w).astype(np.float32)


def neighbours_of(
    new: list[Features],
    window: list[Features],
    matrix: sparse.csr_matrix,
    params: StoryParams,
    floor: float,
    units: np.ndarray | None = None,
) -> set[int]:
    """Indexes into `window` of the rows at least `floor` similar to a new
    row (dated, at most `window_days` apart) and among its `neighbours`
    closest: the only rows whose edges the new row can be among (edges are
    ranked the same way).  With the rows' centred sentence vectors `units`,
    also the rows among its `event_neighbours` closest by event weight
    (clustering.event_weights) at least `event_edge`: a superset, kept
    because the incremental figures were measured with it.  `matrix` and
    `units` hold the new rows and then the window rows, in one vocabulary."""
    found: set[int] = set()
    offset = len(new)
    window_days = np.array([r.day if r.day is not None else -(10**9) for r in window], dtype=np.int64)
    # Outlets as numbers, compared for a whole day's window at once (a
    # comparison of strings per pair was a third of this function's time).
    outlet_codes: dict[str, int] = {}
    window_outlets = np.array([outlet_codes.setdefault(r.outlet, len(outlet_codes)) for r in window], dtype=np.int64)
    by_day: dict[int, list[int]] = {}
    for k, row in enumerate(new):
        if row.day is not None:
            by_day.setdefault(row.day, []).append(k)
    for day, members in by_day.items():
        near = np.flatnonzero(np.abs(window_days - day) <= params.window_days)
        if not len(near):
            continue
        sims = (matrix[members] @ matrix[near + offset].T).toarray()
        gaps = np.abs(window_days[near] - day).astype(np.float32)
        sims *= (params.next_day_weight**gaps)[None, :]
        for r, k in enumerate(members):
            outlet = new[k].outlet
            # unknown outlets ("") are never one outlet
            same = window_outlets[near] == outlet_codes.get(outlet, -1) if outlet else np.zeros(len(near), dtype=bool)
            factors = (params.next_day_weight**gaps) * np.where(same, params.same_outlet_factor, 1.0)
            scores = sims[r] * np.where(same, params.same_outlet_factor, 1.0)
            closest = np.argsort(-scores, kind="stable")[: params.neighbours]
            found.update(near[closest[scores[closest] >= floor]].tolist())
            if units is not None and params.embedding_weight > 0:
                cosine = (units[offset + near] @ units[k]) * factors
                mixed = (1.0 - params.embedding_weight) * scores + params.embedding_weight * cosine
                mixed[scores < floor] = -np.inf  # no candidate edge without this much TF-IDF (edges_within)
                closest = np.argsort(-mixed, kind="stable")[: params.event_neighbours]
                found.update(near[closest[mixed[closest] >= params.event_edge]].tolist())
    return found


def mutual_rank_filter(i: np.ndarray, j: np.ndarray, w: np.ndarray, k: int) -> np.ndarray:
    """Mask of edges among the `k` strongest of i or of j: a threshold
    relative to each article's neighbourhood.  A busy news day has many
    articles sharing some words; what marks one event is being an
    article's closest match."""
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
