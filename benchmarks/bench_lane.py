"""What one enrichment lane costs an article, part by part, against what
`bench_enrich.py` measures (spaCy extraction of the raw text alone): the same
first N AllSides records in one process, CPU time of each part.

    python benchmarks/bench_lane.py [-n 2000]

Parts: `extract_raw` is bench_enrich's figure (extract_many on the raw
texts); a lane instead runs `enrich_batch` (metadata and boilerplate split,
then extraction of the body, aliases, the record), `prepare` (the store's
document) and the grouping features (terms and sentence vector), a window of
256 articles at a time.  In a real run the lanes' CPU per article is higher
again when the machine's two cores are shared with the indexing process and
tantivy's threads (cache and memory bandwidth contention).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_enrich import CORPUS  # noqa: E402

WINDOW = 256


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args()
    from indexer.enrich.aliases import place_names
    from indexer.pipeline import enrich_batch, get_extractor
    from indexer.sources import read_inputs
    from indexer.stories import StoryParams
    from indexer.stories.features import features_of
    from store.embedded_schema import document_fields
    from store.records import Article

    articles = [a for a in islice(read_inputs([CORPUS]), args.n) if isinstance(a, Article)]
    extractor = get_extractor()
    features_of([], StoryParams())
    extractor.extract('Warm-up: President Joe Smith said in Paris: "It works."')
    place_names()  # built once per process (about 1 s): not a cost per article
    gc.collect()
    gc.freeze()  # as a lane does after it starts (pipeline._worker_main)
    cpu: dict[str, float] = {}

    def timed(part: str, work):
        started = time.process_time()
        out = work()
        cpu[part] = cpu.get(part, 0.0) + time.process_time() - started
        return out

    timed("extract_raw", lambda: list(extractor.extract_many([a.text for a in articles])))
    for k in range(0, len(articles), WINDOW):
        window = articles[k : k + WINDOW]
        enriched = timed("enrich_batch", lambda w=window: enrich_batch(w))
        timed("prepare", lambda e=enriched: [json.dumps(document_fields(a), ensure_ascii=False) for a in e])
        timed("grouping_features", lambda e=enriched: features_of(e, StoryParams()))
    per_article = {part: round(1000 * seconds / len(articles), 2) for part, seconds in cpu.items()}
    lane = sum(v for p, v in per_article.items() if p != "extract_raw")
    print(
        json.dumps({"articles": len(articles), "cpu_ms_per_article": per_article, "lane_ms": round(lane, 2)}, indent=2)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
