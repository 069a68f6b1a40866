"""Everything enrichment returns for the first N AllSides articles, as JSON lines.

    python benchmarks/enrich_snapshot.py [-n 2000] [--out FILE] [--model NAME]

One line per article, in corpus order: its index, id, and the entities and
quotes `Extractor.extract_many` returns (every field of each). Run it before
and after a change that must not change the output (a speed change) and
compare the two files with `cmp` or `diff`: they must be identical. The
articles go through one Extractor in order, as in `parallax index`, so the
corpus-wide person registry is part of what is compared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_enrich import CORPUS, ROOT, read_articles  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="articles to enrich")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="JSON lines with a 'text' field (gzip)")
    parser.add_argument("--out", type=Path, default=None, help="output file (default: standard output)")
    parser.add_argument("--model", default=None, help="spaCy pipeline (default: PARALLAX_SPACY_MODEL, else offline)")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"corpus not found: {args.corpus}", file=sys.stderr)
        return 1
    sys.path.insert(0, str(ROOT))
    from indexer.enrich.extract import Extractor

    articles = read_articles(args.n, args.corpus)
    extractor = Extractor(args.model)
    out = args.out.open("w", encoding="utf-8") if args.out else sys.stdout
    try:
        results = extractor.extract_many(a["text"] for a in articles)
        for i, (article, (entities, quotes)) in enumerate(zip(articles, results, strict=True)):
            line = {
                "i": i,
                "id": article.get("id"),
                "entities": [e.to_dict() for e in entities],
                "quotes": [q.to_dict() for q in quotes],
            }
            out.write(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n")
    finally:
        if args.out:
            out.close()
    print(f"pipeline {extractor.pipeline_name}: {len(articles)} articles", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
