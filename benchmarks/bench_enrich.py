"""Throughput of enrichment (entities + quotes) on AllSides article text.

    python benchmarks/bench_enrich.py [-n 2000] [--model NAME]

Reads the first N articles of ../shared/corpus/allsides/articles.jsonl.gz
(relative to the repository root), loads the pipeline once (not timed), then
prints articles per second for `Extractor.extract_many` on one core: by
the wall clock (`articles_per_second`) and by the process's CPU time
(`articles_per_cpu_second`), which a loaded machine disturbs less.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / ".." / "shared" / "corpus" / "allsides" / "articles.jsonl.gz"


def read_articles(n: int, path: Path = CORPUS) -> list[dict]:
    """The first n records of a gzipped JSON Lines corpus."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in islice(handle, n)]


def read_texts(n: int, path: Path = CORPUS) -> list[str]:
    return [article["text"] for article in read_articles(n, path)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="articles to enrich")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: PARALLAX_SPACY_MODEL, else offline)")
    args = parser.parse_args()
    if not CORPUS.is_file():
        print(f"corpus not found: {CORPUS}", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from indexer.enrich.extract import Extractor

    texts = read_texts(args.n)
    t0 = time.perf_counter()
    extractor = Extractor(args.model)
    extractor.extract('Warm-up: President Joe Smith said in Paris: "It works."')
    load = time.perf_counter() - t0
    t1 = time.perf_counter()
    c1 = time.process_time()
    entities = quotes = 0
    for ents, qs in extractor.extract_many(texts):
        entities += len(ents)
        quotes += len(qs)
    elapsed = time.perf_counter() - t1
    cpu = time.process_time() - c1
    chars = sum(len(t) for t in texts)
    print(
        json.dumps(
            {
                "pipeline": extractor.pipeline_name,
                "articles": len(texts),
                "mean_chars": round(chars / max(len(texts), 1)),
                "load_seconds": round(load, 2),
                "seconds": round(elapsed, 2),
                "articles_per_second": round(len(texts) / elapsed, 1),
                "cpu_seconds": round(cpu, 2),
                "articles_per_cpu_second": round(len(texts) / cpu, 1),
                "entities": entities,
                "quotes": quotes,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
