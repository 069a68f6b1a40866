"""Ingest: read inputs, enrich them, write them to the store, keep a ledger.

    read_inputs ─► Article ─► enrich_batch (metadata, entities, quotes)
                 └► ReadFailure ─► ledger (named, skipped)
    enriched batch ─► store.index ─► ledger
    each stored batch ─► story grouper (features cached)
    after all batches ─► regroup the days the new articles fall in

Enrichment is the slow step, so on a machine with more than one core large
inputs are enriched by a pool of worker processes (each loads the spaCy
pipeline once) while this process writes to the store.
"""

from __future__ import annotations

import datetime as dt
import logging
import multiprocessing
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from store import Store, StoreError
from store.records import Article, EnrichedArticle

from .enrich.aliases import entity_aliases
from .enrich.metadata import fill_metadata
from .ledger import Ledger
from .progress import make_progress
from .sources import ReadFailure, count_articles, read_inputs

log = logging.getLogger(__name__)

WINDOW = 1024  # articles read ahead, enriched, then written in one commit
CHUNK = 32  # articles a worker enriches per task
POOL_THRESHOLD = 256  # below this many articles a pool costs more than it saves


@dataclass
class IngestSummary:
    read: int = 0
    indexed: int = 0
    failures: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    stories: dict[str, Any] | None = None
    pipeline: str | None = None

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "indexed": self.indexed,
            "failed": len(self.failures),
            "failures": [{"source": s, "reason": r} for s, r in self.failures],
            "seconds": round(self.seconds, 1),
            "stories": self.stories,
            "pipeline": self.pipeline,
        }


# -- enrichment (runs in this process or in workers) ------------------------

_extractor = None


def get_extractor():
    """The process's Extractor, created on first use (loading spaCy is slow)."""
    global _extractor
    if _extractor is None:
        from .enrich.extract import Extractor

        _extractor = Extractor()
    return _extractor


def enrich_batch(articles: list[Article], known_domains: dict[str, str] | None = None) -> list[EnrichedArticle]:
    """Fill metadata, split boilerplate, find entities and quotes.
    `known_domains`: domain -> outlet name learned from other articles."""
    metas = [
        fill_metadata(a.text, a.title, a.outlet, a.url, a.extra.get("outlet_domain"), known_domains) for a in articles
    ]
    extractor = get_extractor()
    extracted = extractor.extract_many([m.body for m in metas])
    today = dt.datetime.now(dt.UTC).date().isoformat()
    enriched = []
    for article, meta, (entities, quotes) in zip(articles, metas, extracted, strict=True):
        record = article.to_dict()
        record.update(
            text=meta.body,
            title=meta.title,
            title_derived=meta.title_derived,
            outlet=meta.outlet,
            outlet_source=meta.outlet_source,
            boilerplate=meta.boilerplate,
        )
        result = EnrichedArticle.from_dict(record)
        result.entities, result.quotes = list(entities), list(quotes)
        result.aliases = entity_aliases(result.entities)
        result.indexed = today
        enriched.append(result)
    return enriched


def _enrich_in_worker(task: tuple[list[Article], dict[str, str]]) -> list[EnrichedArticle] | tuple[str, list[str]]:
    articles, known_domains = task
    try:
        return enrich_batch(articles, known_domains)
    except Exception as exc:  # reported per article by the parent, not lost
        log.exception("enrichment failed for a batch")
        return (f"enrichment failed: {exc}", [a.id for a in articles])


# -- the run -----------------------------------------------------------------


def index_paths(
    paths: Iterable[str | Path],
    store: Store,
    *,
    manifest: str | Path | None = None,
    outlet: str | None = None,
    ledger: Ledger | None = None,
    workers: int | None = None,
    progress: bool = True,
    group_stories: bool = True,
) -> IngestSummary:
    """Index every article in `paths`; never stop at a broken input."""
    started = time.monotonic()
    summary = IngestSummary()
    paths = list(paths)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    display = make_progress(progress, count_articles(paths) if progress else None)
    pool = None
    known_domains: dict[str, str] = {}
    grouper = _story_grouper(store) if group_stories else None
    try:
        items = read_inputs(paths, manifest=manifest, outlet=outlet)
        for window in _windows(items, WINDOW):
            articles = [i for i in window if isinstance(i, Article)]
            failures = [(i.source, i.reason) for i in window if isinstance(i, ReadFailure)]
            display.advance(len(failures))
            summary.read += len(articles)
            _learn_domains(articles, known_domains)
            if pool is None and workers > 1 and len(articles) >= POOL_THRESHOLD:
                pool = _start_pool(workers)
            enriched, enrich_failures = _enrich_window(articles, pool, known_domains, display.advance)
            failures += enrich_failures
            indexed, store_failures = _store_window(store, enriched)
            failures += store_failures
            summary.indexed += len(indexed)
            if grouper is not None and indexed:
                grouper.add(indexed)
            summary.failures += failures
            if ledger:
                ledger.record([(a.source or "", a.id, "indexed", None) for a in indexed])
                ledger.record([(source, None, "failed", reason) for source, reason in failures])
            for source, reason in failures:
                display.note(f"failed: {source}: {reason}")
    finally:
        if pool is not None:
            pool.close()
            pool.join()
        display.close()
    summary.pipeline = get_extractor().pipeline_name
    if grouper is not None and summary.indexed:
        summary.stories = grouper.finish()
    summary.seconds = time.monotonic() - started
    if ledger:
        ledger.finish_run(summary.to_dict())
    return summary


def _learn_domains(articles: list[Article], known: dict[str, str]) -> None:
    """Learn domain -> outlet from articles that carry both, for articles
    that have a URL but no outlet."""
    from .enrich.metadata import domain_of

    for article in articles:
        if article.outlet and article.url:
            domain = domain_of(article.url)
            if domain:
                known.setdefault(domain, article.outlet)


def _windows(items: Iterator, size: int) -> Iterator[list]:
    while True:
        window = list(islice(items, size))
        if not window:
            return
        yield window


def _start_pool(workers: int):
    # Load the pipeline here first: with fork, the workers inherit it loaded.
    get_extractor()
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    return multiprocessing.get_context(method).Pool(workers)


def _enrich_window(
    articles: list[Article], pool, known_domains: dict[str, str], on_chunk: Callable[[int], None]
) -> tuple[list[EnrichedArticle], list[tuple[str, str]]]:
    if not articles:
        return [], []
    chunks = [articles[i : i + CHUNK] for i in range(0, len(articles), CHUNK)]
    tasks = [(chunk, known_domains) for chunk in chunks]
    results = pool.imap(_enrich_in_worker, tasks) if pool else map(_enrich_in_worker, tasks)
    enriched: list[EnrichedArticle] = []
    failures: list[tuple[str, str]] = []
    for chunk, result in zip(chunks, results, strict=True):
        if isinstance(result, tuple):
            failures += [(a.source or a.id, result[0]) for a in chunk]
        else:
            enriched += result
        on_chunk(len(chunk))
    return enriched, failures


def _store_window(store: Store, enriched: list[EnrichedArticle]) -> tuple[list[EnrichedArticle], list[tuple[str, str]]]:
    if not enriched:
        return [], []
    by_id = {a.id: a for a in enriched}  # the same id twice in one window: the last wins
    try:
        report = store.index(by_id.values())
    except StoreError as exc:
        return [], [(a.source or a.id, f"not stored: {exc}") for a in by_id.values()]
    failures = [(by_id[i].source or i, reason) for i, reason in report.failed.items()]
    return [by_id[i] for i in report.indexed], failures


def _story_grouper(store: Store):
    """Story grouping for this run: each stored batch is handed to it, and
    at the end it regroups only what the new articles can join."""
    from .stories import StoryGrouper

    return StoryGrouper(store)
