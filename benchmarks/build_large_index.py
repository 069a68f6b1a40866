"""Build a large index (default one million articles) from an enriched one,
for the search benchmarks at archive scale.

    python benchmarks/build_large_index.py --source DATA_36K --data DATA_1M [--articles 1000000]

Copy k of every stored article gets a new id (`<id>~<k>`), its date moved
back k * 37 days, its outlet renamed `<outlet> <k>` (copy 0 keeps the
original) and its story id suffixed, so nothing is deduplicated and facets
grow as an archive's would. The copies are written as enriched records
through the store's writing session (`IndexSession`), prepared
(`Store.prepare`) by `--preparers` forked processes: full enrichment of a million articles takes hours on
two cores, the records it would produce are these. Generated data: never commit it; delete it after.
Then it compacts the index into one segment, as `parallax index` does after a
fresh run. Prints the time taken (writing, compacting) and the size on disk.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import multiprocessing
import os
import sys
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.embedded import EmbeddedStore  # noqa: E402
from store.records import EnrichedArticle  # noqa: E402

COMMIT_EVERY = 50_000
CHUNK = 500  # source articles per job of a preparing process
_PREPARER: EmbeddedStore
DAYS_PER_COPY = 37


def copy_of(article: EnrichedArticle, k: int) -> EnrichedArticle:
    """Copy k of an article: new id, date moved back, outlet and story renamed."""
    if not k:
        return article
    published = article.published
    if published:
        published = (dt.date.fromisoformat(published[:10]) - dt.timedelta(days=k * DAYS_PER_COPY)).isoformat()
    return dataclasses.replace(
        article,
        id=f"{article.id}~{k}",
        published=published,
        outlet=f"{article.outlet} {k}" if article.outlet else article.outlet,
        story=f"{article.story}~{k}" if article.story else article.story,
    )


_SOURCE: list[EnrichedArticle] = []  # the source articles, inherited by the forked preparers


def prepare_copies(job: tuple[int, int, int]) -> list[tuple[str, str]]:
    """(id, prepared document) of copy k of source articles [start, stop)."""
    k, start, stop = job
    store = _PREPARER
    return [(copy.id, store.prepare(copy)) for copy in (copy_of(a, k) for a in _SOURCE[start:stop])]


def jobs(source_count: int, articles: int) -> list[tuple[int, int, int]]:
    """(copy, start, stop) slices of the source until `articles` are made."""
    todo, k, out = articles, 0, []
    while todo > 0:
        limit = min(source_count, todo)
        out += [(k, start, min(start + CHUNK, limit)) for start in range(0, limit, CHUNK)]
        todo -= limit
        k += 1
    return out


def bounded(pool, work: list[tuple[int, int, int]], in_flight: int) -> Iterator[list[tuple[str, str]]]:
    """The pool's results in order, with at most `in_flight` jobs queued: the
    writer is slower than the preparers, and unbounded results would pile up
    in memory (`Pool.imap` does not wait)."""
    pending: deque = deque()
    for job in work:
        pending.append(pool.apply_async(prepare_copies, (job,)))
        if len(pending) >= in_flight:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def main() -> None:
    global _PREPARER
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="data directory of an enriched index")
    parser.add_argument("--data", required=True, help="data directory to create")
    parser.add_argument("--articles", type=int, default=1_000_000)
    parser.add_argument(
        "--no-compact", dest="compact", action="store_false", help="leave the segments the writing left"
    )
    parser.add_argument("--preparers", type=int, default=os.cpu_count() or 1, help="processes making documents")
    args = parser.parse_args()
    source_store = EmbeddedStore(args.source, create=False)
    _SOURCE.extend(source_store._scan(source_store._any_searcher()))  # also from an older schema
    target = EmbeddedStore(args.data)
    _PREPARER = target
    started = time.monotonic()
    written = 0
    work = jobs(len(_SOURCE), args.articles)
    k = max(job[0] for job in work) + 1
    with multiprocessing.get_context("fork").Pool(args.preparers) as pool, target.session() as session:
        for documents in bounded(pool, work, in_flight=2 * args.preparers):
            for article_id, prepared in documents:
                session.add(article_id, prepared)
                written += 1
                if written % COMMIT_EVERY == 0:
                    session.commit()
                    print(f"{written:,} articles, {time.monotonic() - started:.0f} s", flush=True)
        session.commit()
    seconds = time.monotonic() - started
    # What `parallax index` does after a run that wrote the whole index (see
    # COMPACT_SHARE in indexer/pipeline.py): the benchmark searches what a user gets.
    compacting = time.monotonic()
    compaction = target.compact() if args.compact else None
    compact_seconds = time.monotonic() - compacting
    location = Path(target.stats()["location"])
    size = sum(p.stat().st_size for p in location.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "articles": target.stats()["articles"],
                "copies_of_each_source_article": k,
                "source_articles": len(_SOURCE),
                "seconds": round(seconds, 1),
                "articles_per_second": round(written / seconds, 1),
                "index_bytes": size,
                "index_gib": round(size / 2**30, 2),
                "bytes_per_article": round(size / max(written, 1)),
                "compaction": compaction,
                "compact_seconds": round(compact_seconds, 1),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
