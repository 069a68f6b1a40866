"""Ingest: read inputs, enrich them, write them to the store, keep a ledger.

    read_inputs ─► windows of WINDOW inputs ─► lane (window number mod lanes)
                                                 │ enrich_batch, Store.prepare
                   ReadFailure ─► ledger         ▼
    prepared documents (strings) ─► IndexSession.add ─► commit ─► ledger
    each commit ─► story grouper (features cached)
    after all windows ─► regroup only what the new articles can join

Where the time goes (benchmarks/bench_index.py prints it per stage): enrichment
is nearly all of it, so it runs in one worker process per core ("lanes")
that never wait on this process. This process only reads (cheap: about 20k
AllSides articles a second), sends each window's articles to a lane, and
passes the strings that come back to the store's writing session (tantivy
indexes them in its own thread). Each lane has WINDOWS_IN_FLIGHT windows
queued, so it keeps working while this process commits. Nothing holds the
corpus: at most a few windows per lane are in memory.

Deterministic and resumable: the person-name registry that links a bare
"Putin" to "Vladimir Putin" lives in each lane, and window `n` always goes
to lane `n % lanes`, so an article's entities depend only on the inputs and
the number of lanes, not on timing. Every commit records its windows and
their registered names in the ledger in one transaction; a run killed at
any point (even `kill -9`) and started again with the same inputs and
options skips the windows the ledger shows as committed, replays their
names into the lanes, and ends with the index one clean run builds.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import logging
import multiprocessing
import os
import queue
import signal
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from store import Store, StoreError
from store.interface import IndexSession
from store.records import Article, EnrichedArticle

from .enrich.aliases import entity_aliases, place_names
from .enrich.metadata import fill_metadata
from .ledger import Ledger, ResumePoint, Row
from .progress import Progress, make_progress
from .sources import ReadFailure, SkippedRecords, count_articles, read_inputs

if TYPE_CHECKING:
    from .stories import StoryGrouper, StoryParams
    from .stories.features import Features

log = logging.getLogger(__name__)

WINDOW = 256  # inputs one lane enriches as one task; also the unit a resumed run skips
WINDOWS_IN_FLIGHT = 2  # windows queued per lane, so a lane never waits while this process commits
COMMIT_ARTICLES = 1024  # commit the store and the ledger after this many articles ...
COMMIT_SECONDS = 10.0  # ... or this long, whichever comes first: what a kill can cost
# After a run that wrote at least this share of the index's articles (new, or
# rewritten by the grouping), the index is compacted into one segment. A copy
# costs about 1 ms of CPU an article (the whole AllSides corpus: ~30 s, a tenth
# of indexing it), and one segment instead of the two that indexing and grouping
# leave there cuts a search's server CPU by about a third (bench_http: 14.0
# against 20.4 ms a request). After a small run, copying everything would cost
# more than the extra segment does.
COMPACT_SHARE = 0.25
POOL_THRESHOLD = 256  # below this many articles worker processes cost more than they save
PARENT_CHECK_SECONDS = 1.0  # how often a worker checks that the run still exists
PR_SET_PDEATHSIG = 1  # prctl(2) option: a signal for this process when its parent dies


class PipelineError(RuntimeError):
    """The run could not go on (a worker process died); the message says what to do."""


@dataclass
class IngestSummary:
    read: int = 0
    indexed: int = 0
    skipped: int = 0  # already indexed by the interrupted run this one continues
    continues: int | None = None  # that run's number
    failures: list[tuple[str, str]] = field(default_factory=list)
    skipped_records: list[tuple[str, str]] = field(default_factory=list)  # (archive, what it held besides articles)
    seconds: float = 0.0
    stories: dict[str, Any] | None = None
    compaction: dict[str, Any] | None = None  # what `Store.compact` did after the run, if it ran
    pipeline: str | None = None
    timing: dict[str, float] = field(default_factory=dict)  # where the time went, per stage (see _Timing)

    @property
    def ok(self) -> bool:
        return not self.failures

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "indexed": self.indexed,
            "skipped": self.skipped,
            "continues": self.continues,
            "failed": len(self.failures),
            "failures": [{"source": s, "reason": r} for s, r in self.failures],
            "skipped_records": [{"source": s, "reason": r} for s, r in self.skipped_records],
            "seconds": round(self.seconds, 1),
            "stories": self.stories,
            "compaction": self.compaction,
            "pipeline": self.pipeline,
            "timing": self.timing,
        }


# -- enrichment (runs in a lane: a worker process, or this one) --------------

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


@dataclass
class _Task:
    number: int  # window number in the run's input order
    articles: list[Article]
    known_domains: dict[str, str]
    replay: list[list[str]]  # names of this lane's earlier windows that were skipped (resume)


@dataclass
class _Result:
    number: int
    documents: list[tuple[str, str, str]]  # (article id, source, prepared document)
    failures: list[tuple[str, str]]  # (source, reason)
    names: list[str]  # full names this window added to the lane's registry, in order
    enrich_seconds: float = 0.0  # CPU time of the lane's process
    prepare_seconds: float = 0.0
    # What story grouping needs of each prepared article (its terms and sentence
    # vector, a few kB), computed here so the parent only stores it; None when
    # the run does not group (or computing them failed: the parent then reads
    # the committed articles back and computes them itself).
    features: list[_GroupingFeatures] | None = None
    features_seconds: float = 0.0


@dataclass
class _GroupingFeatures:
    features: Features
    groups: tuple[str | None, str | None]  # the article's (story, thread) as stored


class _Lane:
    """One enrichment context: an Extractor whose person registry sees
    only this lane's windows, in window order."""

    def __init__(self, store: Store, grouping: StoryParams | None = None):
        self.store = store
        self.grouping = grouping  # the run's grouping parameters; None: the run does not group
        self.extractor = get_extractor()
        # A fresh registry for every run: a run's entities never depend on what
        # this process enriched before (tests index many times in one process).
        self.extractor.registry = type(self.extractor.registry)()
        self._recording: list[str] | None = None
        registry_add = self.extractor.registry.add

        def add(name: str) -> None:
            if self._recording is not None:
                self._recording.append(name)
            registry_add(name)

        self.extractor.registry.add = add

    def run(self, task: _Task) -> _Result:
        for names in task.replay:
            for name in names:
                self.extractor.registry.add(name)
        names_added: list[str] = []
        self._recording = names_added
        started = time.process_time()
        try:
            enriched, failures = self._enrich(task.articles, task.known_domains)
        finally:
            self._recording = None
        enriched_at = time.process_time()
        documents, prepared = [], []
        for article in enriched:
            try:
                documents.append((article.id, article.source or article.id, self.store.prepare(article)))
                prepared.append(article)
            except (TypeError, ValueError) as exc:
                failures.append((article.source or article.id, f"could not be stored: {exc}"))
        done = time.process_time()
        result = _Result(task.number, documents, failures, names_added, enriched_at - started, done - enriched_at)
        if self.grouping is not None:
            result.features = self._features(prepared)
            result.features_seconds = time.process_time() - done
        return result

    def _features(self, articles: list[EnrichedArticle]) -> list[_GroupingFeatures] | None:
        """The grouping features of the prepared articles: the same function
        of the same record the parent would compute after reading it back."""
        from .stories.features import features_of

        assert self.grouping is not None
        try:
            computed = features_of(articles, self.grouping)
        except Exception:  # grouping must not lose articles: the parent computes them instead
            log.exception("grouping features failed for a window; the indexing process computes them")
            return None
        return [_GroupingFeatures(f, (a.story, a.thread)) for f, a in zip(computed, articles, strict=True)]

    def _enrich(
        self, articles: list[Article], known_domains: dict[str, str]
    ) -> tuple[list[EnrichedArticle], list[tuple[str, str]]]:
        try:
            return enrich_batch(articles, known_domains), []
        except Exception:  # find the article that breaks it; the others are not lost
            log.exception("enrichment failed for a window; enriching its articles one by one")
        enriched, failures = [], []
        for article in articles:
            try:
                enriched += enrich_batch([article], known_domains)
            except Exception as exc:
                failures.append((article.source or article.id, f"enrichment failed: {exc}"))
        return enriched, failures


class _LocalLanes:
    """One lane in this process (small inputs, or one core)."""

    count = 1

    def __init__(self, store: Store, grouping: StoryParams | None):
        self._lane = _Lane(store, grouping)
        self._done: deque[_Result] = deque()

    def busy(self, lane: int) -> int:
        return 0

    def submit(self, lane: int, task: _Task) -> None:
        self._done.append(self._lane.run(task))

    def ready(self) -> list[_Result]:
        done, self._done = list(self._done), deque()
        return done

    def wait_one(self) -> _Result | None:
        return self._done.popleft() if self._done else None

    def close(self) -> None:
        pass


class _ProcessLanes:
    """One worker process per lane, forked with the spaCy pipeline loaded.
    Each has its own task queue (so window n reaches lane n % count), all
    share one result queue."""

    def __init__(self, store: Store, count: int, grouping: StoryParams | None):
        get_extractor()  # loaded here once: forked workers inherit it
        place_names()  # the same (about 1 s a lane when each built its own)
        if grouping is not None:
            _load_embedding_model()  # the same: one copy of its table, shared by the workers
        context = multiprocessing.get_context("fork")
        self.count = count
        self._results: multiprocessing.Queue = context.Queue()
        self._tasks = [context.Queue() for _ in range(count)]
        self._busy = [0] * count
        parent = os.getpid()
        self._processes = [
            context.Process(
                target=_worker_main,
                args=(store, grouping, tasks, self._results, parent),
                name=f"parallax-enrich-{n}",
            )
            for n, tasks in enumerate(self._tasks)
        ]
        for process in self._processes:
            process.daemon = True
            process.start()

    def busy(self, lane: int) -> int:
        return self._busy[lane]

    def submit(self, lane: int, task: _Task) -> None:
        self._busy[lane] += 1
        self._tasks[lane].put(task)

    def ready(self) -> list[_Result]:
        """The windows finished so far, without waiting."""
        done = []
        while True:
            try:
                done.append(self._taken(self._results.get_nowait()))
            except queue.Empty:
                return done

    def wait_one(self) -> _Result | None:
        """The next finished window, waiting for one if any is in flight."""
        while sum(self._busy):
            try:
                return self._taken(self._results.get(timeout=PARENT_CHECK_SECONDS))
            except queue.Empty:
                dead = [p for p in self._processes if not p.is_alive()]
                if dead:
                    raise PipelineError(
                        f"an enrichment worker died (exit code {dead[0].exitcode}); what was committed is kept: "
                        "run the same command again to continue"
                    ) from None
        return None

    def _taken(self, result: _Result) -> _Result:
        self._busy[result.number % self.count] -= 1
        return result

    def close(self) -> None:
        for tasks in self._tasks:
            tasks.cancel_join_thread()  # a dead worker must not make this process hang at exit
            tasks.put(None)
        for process in self._processes:
            process.join(timeout=5)
            if process.is_alive():
                process.kill()


def _worker_main(
    store: Store,
    grouping: StoryParams | None,
    tasks: multiprocessing.Queue,
    results: multiprocessing.Queue,
    parent: int,
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the parent, which stops the workers
    _die_with_parent()
    lane = _Lane(store, grouping)
    # What the worker inherited (the pipeline, gazetteer, name tables: millions
    # of objects) lives as long as it does: out of the collector's sight, a
    # full collection walks only what the windows allocate (see bench_lane).
    gc.freeze()
    while True:
        try:
            task = tasks.get(timeout=PARENT_CHECK_SECONDS)
        except queue.Empty:
            task = False
        if task is None or os.getppid() != parent:  # done, or the run was killed: do not linger
            return
        if isinstance(task, _Task):
            results.put(lane.run(task))


def _load_embedding_model() -> None:
    try:
        from .stories.embedding import _model
    except ImportError:  # story grouping not available in this build
        return
    _model()


def _die_with_parent() -> None:
    """Linux: have the kernel kill this worker when the run's process dies
    (even by SIGKILL), so no orphan goes on enriching. Elsewhere the worker
    notices between windows."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


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
    """Index every article in `paths`; never stop at a broken input.
    With a ledger, continue the last run of the same inputs if it was interrupted."""
    started, cpu = time.monotonic(), time.process_time()
    paths = list(paths)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    summary = IngestSummary()
    resume = ledger.resume(_resume_key(paths, store, manifest, outlet, workers)) if ledger else None
    if resume:
        summary.continues = resume.run_id
    display = make_progress(progress, count_articles(paths) if progress else None)
    stories = PendingStories()  # the grouping's changes, written at the end with the compaction
    grouper = _story_grouper(store, stories) if group_stories else None
    # Into an empty store, or continuing a killed run, every article is new:
    # a full regroup then gives the same events whatever was interrupted
    # (the incremental regroup may differ a little, see docs/stories.md).
    regroup_fully = resume is not None or not int(store.stats().get("articles") or 0)
    run = _Run(store, ledger, resume, summary, display, workers, grouper)
    try:
        try:
            run.read_and_enrich(read_inputs(paths, manifest=manifest, outlet=outlet))
        finally:
            run.close_session()
            display.close()
        summary.pipeline = get_extractor().pipeline_name
        summary.timing["this_process_cpu_before_grouping"] = time.process_time() - cpu  # with tantivy's threads
        if grouper is not None:
            # The lanes end before the grouping, whose changes this process writes. Kept up to
            # rewrite the changed records (tried: 21ae80f), they held ~500 MB each through it
            # (peak 1,663 MiB on the whole corpus, the bound is 1.5 GiB) and their commit left
            # nine segments, most of them deleted rows, that tantivy never merged: raw search
            # p95 21.4 -> 31.4 ms.
            run.close_lanes()
            if progress and (summary.indexed or summary.skipped):
                display.note("grouping the articles into events and threads")
            grouping = time.monotonic()
            if regroup_fully:
                grouper.cache.close()  # the features it cached are what the full regroup reads
                # A resumed run regroups even when the killed run had indexed
                # everything: it may have been killed while grouping.
                summary.stories = _group_stories(store, stories) if summary.indexed or summary.skipped else None
            else:
                summary.stories = grouper.finish()
            summary.timing["group_seconds"] = round(time.monotonic() - grouping, 2)
        compacting = time.monotonic()  # the grouping's changes are written here, with the compaction if it runs
        summary.compaction = compact_if_it_pays(store, summary.indexed, stories, display if progress else None)
        summary.timing["compact_seconds"] = round(time.monotonic() - compacting, 2)
    finally:
        run.close_lanes()
    summary.seconds = time.monotonic() - started
    summary.timing["this_process_cpu"] = time.process_time() - cpu  # with tantivy's threads and grouping
    _Timing(summary.timing).rounded()
    if ledger:
        ledger.finish_run(summary.to_dict())
    return summary


class PendingStories:
    """A story writer (`indexer.stories.StoryWriter`) that keeps the
    grouping's changes for `compact_if_it_pays`: after a fresh run the
    grouping changes nearly every article (33,408 of 36,434 AllSides ones),
    and writing them with `set_stories`, then copying everything into one
    segment, wrote most articles twice; the compaction makes them in its
    own copy instead."""

    writes_later = True  # the grouping's cache hears from `written` when the store has them

    def __init__(self) -> None:
        self.events: dict[str, str | None] = {}
        self.threads: dict[str, str | None] = {}
        self.regrouped = False  # a grouping handed its changes here (none may be pending)

    def __call__(self, store: Store, changes: dict[str, tuple[str | None, str | None]]) -> int:
        self.regrouped = True
        for article_id, (event, thread) in sorted(changes.items()):
            self.events[article_id], self.threads[article_id] = event, thread
        return len(changes)

    def __len__(self) -> int:
        return len(self.events)

    def write(self, store: Store) -> int:
        """Write the changes on their own (`Store.set_stories`)."""
        written = store.set_stories(self.events, self.threads) if self.events else 0
        self.written(store)
        return written

    def written(self, store: Store) -> None:
        """The changes are in the store: the grouping's cache, ahead of it
        until now, is in step again (a run killed before this point has its
        next grouping read the stored stories first)."""
        if not self.regrouped:  # no grouping this run: the cache is as the last one left it
            return
        try:
            from .stories import mark_store_in_step
        except ImportError:  # story grouping not available in this build: no cache
            return
        mark_store_in_step(store)


def compact_if_it_pays(
    store: Store, written: int, stories: PendingStories, display: Progress | None = None
) -> dict[str, Any] | None:
    """Write the grouping's pending `stories` and compact the index, in one
    copy, when the `written` new articles and the story changes are at least
    COMPACT_SHARE of it; otherwise write the story changes alone. What the
    compaction did, or None."""
    articles = int(store.stats().get("articles") or 0)
    if not articles or written + len(stories) < COMPACT_SHARE * articles:
        stories.write(store)
        return None
    if display is not None:
        display.note(f"compacting the index ({articles:,} articles) into one segment")
    try:
        compaction = store.compact(stories.events, stories.threads)
    except StoreError as exc:  # the articles are indexed and searchable: say so, lose nothing
        log.warning("compacting the index failed: %s; searches stay correct, only slower", exc)
        stories.write(store)  # the stories still reach the store (an error here is the run's)
        return {"failed": str(exc)}
    stories.written(store)
    return compaction


def _resume_key(paths: list[str | Path], store: Store, manifest, outlet, workers: int) -> str:
    """What must be equal for a run to continue another: the same inputs and
    options, the same backend, and the same number of lanes (entities depend on it)."""
    return json.dumps(
        {
            "paths": [str(Path(p).resolve()) for p in paths],
            "manifest": str(Path(manifest).resolve()) if manifest else None,
            "outlet": outlet,
            "backend": type(store).__name__,
            "lanes": workers,
        },
        sort_keys=True,
    )


class _Timing:
    """Seconds per stage, for the summary and benchmarks/bench_index.py.
    This process's stages are thread CPU time (what it costs, whatever the
    machine's load); the lanes' stages are their processes' CPU time."""

    def __init__(self, into: dict[str, float]):
        self.seconds = into

    def add(self, stage: str, seconds: float) -> None:
        self.seconds[stage] = self.seconds.get(stage, 0.0) + seconds

    def timed(self, stage: str, items: Iterator) -> Iterator:
        """`items`, with the CPU time spent producing them counted as `stage`."""
        while True:
            started = time.thread_time()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                self.add(stage, time.thread_time() - started)
            yield item

    def rounded(self) -> None:
        for stage, value in self.seconds.items():
            self.seconds[stage] = round(value, 2)


class _Run:
    """The state of one ingest run: lanes, the store session, what awaits a commit."""

    def __init__(
        self,
        store: Store,
        ledger: Ledger | None,
        resume: ResumePoint | None,
        summary: IngestSummary,
        display: Progress,
        workers: int,
        grouper: StoryGrouper | None = None,
    ):
        self.store = store
        self.ledger = ledger
        self.resume = resume
        self.summary = summary
        self.display = display
        self.workers = workers
        self.grouper = grouper
        self.lanes: _LocalLanes | _ProcessLanes | None = None
        self.lane_count: int | None = None  # decided at the first window
        self.session: IndexSession | None = None
        self.known_domains: dict[str, str] = {}
        self.replay: dict[int, list[list[str]]] = {}  # lane -> names of its skipped windows, not yet sent
        self.pending_rows: list[Row] = []
        self.pending_sources: dict[str, str] = {}  # article id -> source, of articles added since the last commit
        # article id -> its grouping features from the lane, of articles added since the last commit
        # (an id added twice: the features of the last version, which is the one stored)
        self.pending_features: dict[str, _GroupingFeatures] = {}
        self.encodings: dict[str, str] = {}  # article id -> the encoding its text file was found in
        self.pending_windows: list[tuple[int, list[str]]] = []
        self.pending_articles = 0
        self.last_commit = time.monotonic()
        self.timing = _Timing(summary.timing)

    def read_and_enrich(self, items: Iterator[Article | ReadFailure | SkippedRecords]) -> None:
        for number, window in enumerate(self.timing.timed("read", _windows(items, WINDOW))):
            articles = [i for i in window if isinstance(i, Article)]
            self.summary.read += len(articles)
            failures = [i for i in window if isinstance(i, ReadFailure)]
            for failure in failures:
                self._fail(failure.source, failure.reason)
            tallies = [i for i in window if isinstance(i, SkippedRecords)]
            for tally in (t for t in tallies if t.total):
                self.summary.skipped_records.append((tally.source, tally.reason))
                self.display.note(f"{tally.source}: {tally.reason}")
            self.display.advance(len(failures) + sum(t.progress_units for t in tallies), failed=len(failures))
            self.encodings.update({a.id: a.extra["encoding"] for a in articles if a.extra.get("encoding")})
            _learn_domains(articles, self.known_domains)
            if self._skip(number, articles):
                continue
            if articles:
                self._submit(number, articles)
            self._collect(wait=False)
        while self._collect(wait=True):
            pass
        self._commit()

    def _skip(self, number: int, articles: list[Article]) -> bool:
        """A window the interrupted run committed: its names go to its lane, unenriched."""
        if not self.resume or not articles or number not in self.resume.window_names:
            return False
        if not all(a.id in self.resume.indexed_ids for a in articles):
            return False
        self.replay.setdefault(number % self._lane_count(len(articles)), []).append(self.resume.window_names[number])
        self.summary.skipped += len(articles)
        self.display.advance(len(articles))
        return True

    def _lane_count(self, first_window_size: int) -> int:
        """Lanes for this run, decided once from the first window (a full
        window means a big input); the same inputs always get the same count."""
        if self.lane_count is None:
            big = self.workers > 1 and first_window_size >= POOL_THRESHOLD
            self.lane_count = self.workers if big else 1
        return self.lane_count

    def _submit(self, number: int, articles: list[Article]) -> None:
        count = self._lane_count(len(articles))
        if self.lanes is None:
            grouping = self.grouper.params if self.grouper is not None else None
            self.lanes = _ProcessLanes(self.store, count, grouping) if count > 1 else _LocalLanes(self.store, grouping)
        lane = number % count
        while self.lanes.busy(lane) >= WINDOWS_IN_FLIGHT:
            self._collect(wait=True)
        self.lanes.submit(lane, _Task(number, articles, dict(self.known_domains), self.replay.pop(lane, [])))

    def _collect(self, wait: bool) -> bool:
        """Take finished windows to the store; with `wait`, block for one. False when none is left."""
        if self.lanes is None:
            return False
        if wait:
            started = time.monotonic()
            one = self.lanes.wait_one()
            self.timing.add("waiting_for_lanes_wall", time.monotonic() - started)
            results = [one] if one else []
        else:
            results = self.lanes.ready()
        for result in results:
            self._write(result)
        if self.pending_articles >= COMMIT_ARTICLES or time.monotonic() - self.last_commit >= COMMIT_SECONDS:
            self._commit()
        return bool(results)

    def _write(self, result: _Result) -> None:
        started = time.thread_time()
        if self.session is None:
            self.session = self.store.session()
        for article_id, _, prepared in result.documents:
            self.session.add(article_id, prepared)
        self.timing.add("write_cpu", time.thread_time() - started)
        self.timing.add("lanes_enrich_cpu", result.enrich_seconds)
        self.timing.add("lanes_prepare_cpu", result.prepare_seconds)
        self.timing.add("lanes_grouping_features_cpu", result.features_seconds)
        self.pending_sources.update({article_id: source for article_id, source, _ in result.documents})
        if result.features is not None:
            self.pending_features.update({f.features.id: f for f in result.features})
        for source, reason in result.failures:
            self._fail(source, reason)
        self.pending_windows.append((result.number, result.names))
        self.pending_articles += len(result.documents)
        self.display.advance(len(result.documents) + len(result.failures), failed=len(result.failures))

    def _fail(self, source: str, reason: str) -> None:
        self.summary.failures.append((source, reason))
        self.pending_rows.append((source, None, "failed", reason))
        self.display.note(f"failed: {source}: {reason}")

    def _commit(self) -> None:
        """Store first, then the ledger: every `indexed` row is in the index."""
        sources = self.pending_sources
        if self.session is not None and sources:
            started, cpu = time.monotonic(), time.thread_time()
            try:
                report = self.session.commit()
            except StoreError as exc:
                report = None
                for source in sources.values():
                    self._fail(source, f"not stored: {exc}")
            self.timing.add("commit_wall", time.monotonic() - started)
            self.timing.add("commit_cpu", time.thread_time() - cpu)
            if report is not None:
                self.summary.indexed += len(report.indexed)
                if self.grouper is not None and report.indexed:
                    self._group(report.indexed)
                self.pending_rows += [
                    (sources.get(i, i), i, "indexed", None, self.encodings.pop(i, None)) for i in report.indexed
                ]
                for article_id, reason in report.failed.items():
                    self._fail(sources.get(article_id, article_id), reason)
        if self.ledger and (self.pending_rows or self.pending_windows):
            started = time.thread_time()
            self.ledger.record(self.pending_rows, self.pending_windows)
            self.timing.add("ledger_cpu", time.thread_time() - started)
        self.pending_sources, self.pending_features = {}, {}
        self.pending_rows, self.pending_windows, self.pending_articles = [], [], 0
        self.last_commit = time.monotonic()

    def _group(self, indexed: list[str]) -> None:
        """Hand the committed articles' features to the grouper, in commit
        order; those the lanes could not compute are computed here from the
        committed articles read back."""
        assert self.grouper is not None
        started = time.thread_time()
        features = [self.pending_features.get(i) for i in indexed]
        if all(f is not None for f in features):
            shipped = [f for f in features if f is not None]
            self.grouper.add_features([f.features for f in shipped], {f.features.id: f.groups for f in shipped})
        else:
            self.grouper.add(self.store.get_many(indexed))
        self.timing.add("grouping_features_cpu", time.thread_time() - started)

    def close_session(self) -> None:
        if self.session is not None:
            self.session.close()
            self.session = None

    def close_lanes(self) -> None:
        if self.lanes is not None:
            self.lanes.close()
            self.lanes = None


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


def _group_stories(store: Store, write: PendingStories) -> dict[str, Any] | None:
    try:
        from .stories import group_stories
    except ImportError:  # story grouping not available in this build
        return None
    return group_stories(store, write=write)


def _story_grouper(store: Store, write: PendingStories) -> StoryGrouper:
    """Story grouping for this run: each committed batch is handed to it, and
    at the end it regroups only what the new articles can join; its changes
    go to `write` (kept for the end of the run)."""
    from .stories import StoryGrouper

    return StoryGrouper(store, write=write)
