"""What a lane stores for each article, as JSON lines: the identity check of a speed change.

    python benchmarks/enrich_records.py --out FILE [-n 3000] INPUT...

Reads the inputs as `parallax index` does (`read_inputs`: files or folders),
the first N articles of them, and runs them through one process as a lane
does: windows of the pipeline's size, domains learned from each window
first, `enrich_batch` (metadata and boilerplate split, entities, quotes,
aliases), then the store's document (`document_fields`, no dictionary). One
line per article: the enriched article (every field, `indexed` fixed) and
its prepared document. Unlike `enrich_snapshot.py` (extraction of the raw
text) this covers everything the enrichment decides. Run it before and after
a change that must not change the output, and `cmp` the two files.
`--features FILE` also writes what grouping computes of each window
(`features_of`: hashed terms, weighted counts, sentence vector), one line per
article. Runs on older code too: copy the script into the other checkout.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("-n", type=int, default=None, help="articles to enrich (default: all)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--features", type=Path, default=None, help="also write each article's grouping features")
    args = parser.parse_args()
    from indexer.pipeline import WINDOW, _learn_domains, enrich_batch
    from indexer.sources import read_inputs
    from indexer.stories import StoryParams
    from indexer.stories.features import features_of
    from store.embedded_schema import document_fields
    from store.records import Article

    articles = (a for a in read_inputs(args.inputs) if isinstance(a, Article))
    known: dict[str, str] = {}
    count = 0
    features = args.features.open("w", encoding="utf-8") if args.features else None
    with args.out.open("w", encoding="utf-8") as out:
        for window in iter(lambda: list(islice(articles, WINDOW)), []):
            if args.n is not None:
                window = window[: max(0, args.n - count)]
            if not window:
                break
            _learn_domains(window, known)
            enriched = enrich_batch(window, dict(known))
            for article in enriched:
                article.indexed = "2000-01-01"
                line = {"article": article.to_dict(), "document": document_fields(article)}
                out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
                count += 1
            if features is not None:
                for f in features_of(enriched, StoryParams()):
                    vector = None if f.vector is None else f.vector.tobytes().hex()
                    row = [f.id, f.day, f.outlet, f.terms.tolist(), f.counts.tolist(), vector]
                    features.write(json.dumps(row) + "\n")
    if features is not None:
        features.close()
    print(f"{count} articles from {', '.join(map(str, args.inputs))}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
