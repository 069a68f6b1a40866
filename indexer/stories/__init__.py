"""Story grouping at two levels: events inside threads.

An **event** (an article's `story`) is one happening: articles from
several outlets within a few days that share specific words, names and
numbers.  A **thread** holds the events on one subject in the same days
(looser).  Both are computed from cached per-article features (see
`cache`), region by region (see `regroup`), so that indexing new articles
regroups only what they can join, and memory stays bounded by a block of
days rather than growing with the corpus.

    group_stories(store)                 full regroup (`parallax stories`)
    StoryGrouper(store).add(articles)    during an index run, then .finish()
    cluster(articles)                    pure, in memory (tests, benchmarks)
"""

from __future__ import annotations

import json
import logging
import shutil
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import asdict
from pathlib import Path
from typing import Any

from store import EnrichedArticle, Settings, Store

from .cache import FeatureCache
from .cache import mark_store_in_step as _mark_cache_in_step
from .embedding import MODEL
from .features import Features, features_of
from .params import StoryParams
from .regroup import ClosestSearch, place_undated, region_for, regroup_region

__all__ = ["StoryGrouper", "StoryParams", "cluster", "group_stories", "size_distribution"]

log = logging.getLogger(__name__)
CACHE_DIR = "grouping"
_FEATURE_KEYS = ("lede_chars", "title_weight", "lede_weight", "entity_weight", "hash_bits", "embedding_chars")


def cache_path(store: Store) -> Path:
    """`<data>/grouping/`: the embedded store's folder, else PARALLAX_DATA."""
    base = getattr(store, "data_dir", None)
    return Path(base) / CACHE_DIR if base is not None else Settings.from_env().data_dir / CACHE_DIR


def _feature_signature(params: StoryParams) -> str:
    keys = {k: v for k, v in asdict(params).items() if k in _FEATURE_KEYS}
    return json.dumps(keys | {"model": MODEL}, sort_keys=True)


def _open_cache(path: Path | None, params: StoryParams) -> FeatureCache:
    cache = FeatureCache(path, params.hash_bits)
    signature = cache.db.execute("SELECT value FROM meta WHERE key = 'features'").fetchone()
    if signature is None or signature[0] != _feature_signature(params):
        cache.clear()  # features computed under other parameters: rebuild
        cache.db.execute("INSERT OR REPLACE INTO meta VALUES ('features', ?)", (_feature_signature(params),))
        cache.db.commit()
    return cache


def _fill_cache(cache: FeatureCache, articles: Iterable[EnrichedArticle], params: StoryParams) -> None:
    batch: list[EnrichedArticle] = []
    for article in articles:
        batch.append(article)
        if len(batch) >= 1000:
            _add(cache, batch, params)
            batch = []
    _add(cache, batch, params)


def _add(cache: FeatureCache, articles: list[EnrichedArticle], params: StoryParams) -> None:
    cache.add(features_of(articles, params), {a.id: (a.story, a.thread) for a in articles})


def _full_regroup(cache: FeatureCache, params: StoryParams) -> dict[str, tuple[str | None, str | None]]:
    """The timeline `block_days` at a time (each block a region with what
    it touches), then the undated articles.  Returns every article whose
    (event, thread) differs from before the regroup."""
    before = cache.assignments()
    undated = cache.undated_ids()
    # Started before the first write: the search reads the cache as committed.
    search = ClosestSearch(cache, undated, params)
    with closing(search), cache.one_transaction(beside_reader=search.separate):
        cache.mark_store_behind()  # committed with the assignments, cleared once the store has them
        cache.start_full_regroup()
        days = cache.days()
        start = 0
        while start < len(days):
            stop = start
            while stop < len(days) and days[stop] < days[start] + params.block_days:
                stop += 1
            block = cache.db.execute(
                "SELECT id FROM features WHERE day BETWEEN ? AND ? ORDER BY id", (days[start], days[stop - 1])
            ).fetchall()
            regroup_region(cache, region_for(cache, [r[0] for r in block], params), params, use_prior=True)
            start = stop
        place_undated(cache, undated, params, search)
    after = cache.assignments()
    return {i: groups for i, groups in after.items() if before.get(i) != groups}


Changes = dict[str, tuple[str | None, str | None]]  # article id -> its new (event, thread)
StoryWriter = Callable[[Store, Changes], int]  # writes changes to the store, returns how many articles it rewrote


def write_changes(store: Store, changes: Changes) -> int:
    """One store call for all changes: the store bounds its own memory (the
    embedded store reads records a batch at a time) and commits once."""
    ids = sorted(changes)
    return store.set_stories({i: changes[i][0] for i in ids}, {i: changes[i][1] for i in ids})


def _catch_up(cache: FeatureCache, store: Store) -> None:
    """When the last regroup's changes may not have reached the store (see
    `cache.STORE_BEHIND_KEY`), take the store's events and threads as the
    cache's, so this regroup's changes are measured against what the store
    holds and written. Reads every stored record: only after a killed run."""
    if cache.store_behind():
        log.info("the last grouping's changes may not have been written: reading the stored stories")
        cache.assign({a.id: (a.story, a.thread) for a in store.scan()})
        cache.mark_store_in_step()


def _written(cache: FeatureCache, write: StoryWriter) -> None:
    """The changes are in the store, unless `write` keeps them for later
    (`indexer.pipeline.PendingStories`, which says so itself once it has
    written them: `mark_store_in_step`)."""
    if not getattr(write, "writes_later", False):
        cache.mark_store_in_step()


def mark_store_in_step(store: Store) -> None:
    """A deferred writer's changes reached `store`."""
    _mark_cache_in_step(cache_path(store))


def _clock() -> tuple[float, float]:
    """(wall, this process's CPU): on a loaded machine the CPU seconds say
    more about the work than the wall seconds."""
    return time.perf_counter(), time.process_time()


def _report(
    cache: FeatureCache, changed: int, started: tuple[float, float], mode: str, regions: int = 0
) -> dict[str, Any]:
    # Counted in SQLite: reading every assignment into Python was a
    # noticeable share of a small incremental run.
    events, threads = cache.group_sizes("event"), cache.group_sizes("thread")
    articles = cache.count()
    sizes = Counter(events)
    sizes[1] = articles - sum(events)
    report = {
        "mode": mode,
        "articles": articles,
        "stories": len(events),
        "threads": len(threads),
        "grouped_articles": sum(events),
        "size_distribution": dict(sorted((k, v) for k, v in sizes.items() if v)),
        "changed": changed,
        "region_articles": regions,
        "seconds": round(time.perf_counter() - started[0], 2),
        "cpu_seconds": round(time.process_time() - started[1], 2),
    }
    log.info("story grouping: %s", report)
    return report


def group_stories(
    store: Store,
    params: StoryParams | None = None,
    cache_dir: Path | None = None,
    rebuild: bool = False,
    write: StoryWriter = write_changes,
) -> dict[str, Any]:
    """Regroup every stored article (events and threads) and write the
    changes; story ids are kept where an event continues.  The feature
    cache is refilled from the store when asked (`rebuild`) or when it is
    out of step with it (another article count); then the work goes a
    block of days at a time.  `write`: how the changes reach the store (an
    index run rewrites the records in its worker processes)."""
    params = params or StoryParams()
    started = _clock()
    cache = _open_cache(cache_dir or cache_path(store), params)
    try:
        if rebuild or cache.count() != int(store.stats().get("articles") or 0):
            cache.clear()
            _fill_cache(cache, store.scan(), params)
        else:
            _catch_up(cache, store)
        changes = _full_regroup(cache, params)
        changed = write(store, changes)
        _written(cache, write)
        return _report(cache, changed, started, "full")
    finally:
        cache.close()


class StoryGrouper:
    """Grouping during an index run: `add` each stored batch (its features
    go to the cache), then `finish` regroups only the regions the new
    articles fall in.  When the cache is out of step with the store
    (articles indexed without it), `finish` does a full regroup instead."""

    def __init__(
        self,
        store: Store,
        params: StoryParams | None = None,
        cache_dir: Path | None = None,
        write: StoryWriter = write_changes,
    ) -> None:
        self.store = store
        self.write = write
        self.params = params or StoryParams()
        self.cache = _open_cache(cache_dir or cache_path(store), self.params)
        self.new_ids: list[str] = []

    def add(self, articles: list[EnrichedArticle]) -> None:
        _add(self.cache, articles, self.params)
        self.new_ids += [a.id for a in articles]

    def add_features(self, features: list[Features], groups: dict[str, tuple[str | None, str | None]]) -> None:
        """`add` for articles whose features were computed elsewhere (the
        indexing lanes: `features_of` of the stored articles), with each
        article's (story, thread) as stored."""
        self.cache.add(features, groups)
        self.new_ids += [f.id for f in features]

    def finish(self) -> dict[str, Any] | None:
        started = _clock()
        try:
            if not self.new_ids:
                return None
            if self.cache.count() != int(self.store.stats().get("articles") or 0):
                self.cache.close()
                return group_stories(self.store, self.params, self.cache.path, rebuild=True, write=self.write)
            _catch_up(self.cache, self.store)
            region = region_for(self.cache, self.new_ids, self.params)
            self.cache.mark_store_behind()
            changes = regroup_region(self.cache, region, self.params, use_prior=False)
            undated = [r.id for r in self.cache.by_ids(self.new_ids) if r.features.day is None]
            changes |= place_undated(self.cache, undated, self.params)
            changed = self.write(self.store, changes)
            _written(self.cache, self.write)
            return _report(self.cache, changed, started, "incremental", len(region))
        finally:
            self.cache.close()


def cluster(
    articles: Iterable[EnrichedArticle], params: StoryParams | None = None
) -> dict[str, tuple[str | None, str | None]]:
    """(event, thread) for every article by a full regroup in memory.
    Pure: reads only the given articles, writes nothing."""
    params = params or StoryParams()
    cache = _open_cache(None, params)
    _fill_cache(cache, articles, params)
    _full_regroup(cache, params)
    assignment = cache.assignments()
    cache.close()
    return assignment


def regroup_cached(cache_dir: Path, params: StoryParams | None = None) -> dict[str, tuple[str | None, str | None]]:
    """A full regroup of a copy of an existing feature cache, without
    reading or writing the store, and leaving the cache as it was (for
    tuning: benchmarks/story_triples.py --cached)."""
    params = params or StoryParams()
    with tempfile.TemporaryDirectory(prefix="parallax-grouping-") as scratch:
        copy = Path(scratch) / CACHE_DIR
        shutil.copytree(cache_dir, copy)
        cache = _open_cache(copy, params)
        try:
            _full_regroup(cache, params)
            return cache.assignments()
        finally:
            cache.close()


def fill_cache(cache_dir: Path, articles: Iterable[EnrichedArticle], params: StoryParams | None = None) -> None:
    """Build a feature cache from articles (benchmarks: the raw corpus)."""
    params = params or StoryParams()
    cache = _open_cache(cache_dir, params)
    try:
        cache.clear()
        _fill_cache(cache, articles, params)
    finally:
        cache.close()


def size_distribution(assignment: dict[str, str | None]) -> dict[int, int]:
    """{story size: number of stories}; singletons count as size 1."""
    sizes = Counter(s for s in assignment.values() if s is not None)
    dist = Counter(sizes.values())
    dist[1] = sum(1 for s in assignment.values() if s is None)
    return dict(sorted((k, v) for k, v in dist.items() if v))
