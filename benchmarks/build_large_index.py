"""Build a large index (default one million articles) from an enriched one,
for the search benchmarks at archive scale.

    python benchmarks/build_large_index.py --source DATA_36K --data DATA_1M [--articles 1000000]

Copy k of every stored article gets a new id (`<id>~<k>`), its date moved
back k * 37 days, its outlet renamed `<outlet> <k>` (copy 0 keeps the
original) and its story id suffixed, so nothing is deduplicated and facets
grow as an archive's would. The copies are written as enriched records
through the store's writing session (`IndexSession`), in the form
`Store.prepare` gives (its JSON for the fields a copy shares is made once
per source article): full enrichment of a million articles takes hours on
two cores, the records it would produce are these. Generated data: never commit it; delete it after.
Prints the time taken and the size on disk.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from store.embedded import EmbeddedStore  # noqa: E402
from store.embedded_schema import document_fields  # noqa: E402

COMMIT_EVERY = 50_000
DAYS_PER_COPY = 37


CHANGED = ("id", "published", "outlet", "story")  # the fields a copy changes


def shared_json(fields: dict) -> str:
    """The document's other fields, serialised once: the inside of a JSON object."""
    return json.dumps({k: v for k, v in fields.items() if k not in CHANGED}, ensure_ascii=False)[1:-1]


def copy_json(fields: dict, shared: str, k: int) -> tuple[str, str]:
    """(id, document JSON) of copy k of one article."""
    changed = {name: fields[name] for name in CHANGED if name in fields}
    if k:
        changed["id"] = f"{fields['id']}~{k}"
        if "published" in changed:
            day = dt.datetime.fromisoformat(changed["published"]) - dt.timedelta(days=k * DAYS_PER_COPY)
            changed["published"] = day.isoformat()
        if "outlet" in changed:
            changed["outlet"] = f"{changed['outlet']} {k}"
        if "story" in changed:
            changed["story"] = f"{changed['story']}~{k}"
    head = json.dumps(changed, ensure_ascii=False)[1:-1]
    return changed["id"], "{" + head + (", " + shared if shared else "") + "}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--source", required=True, help="data directory of an enriched index")
    parser.add_argument("--data", required=True, help="data directory to create")
    parser.add_argument("--articles", type=int, default=1_000_000)
    args = parser.parse_args()
    source = []
    for article in EmbeddedStore(args.source, create=False).scan():
        fields = document_fields(article)
        source.append((fields, shared_json(fields)))
    target = EmbeddedStore(args.data)
    started = time.monotonic()
    written = k = 0
    with target.session() as session:
        while written < args.articles:
            for fields, shared in source[: args.articles - written]:
                session.add(*copy_json(fields, shared, k))
                written += 1
                if written % COMMIT_EVERY == 0:
                    session.commit()
                    print(f"{written:,} articles, {time.monotonic() - started:.0f} s", flush=True)
            k += 1
        session.commit()
    seconds = time.monotonic() - started
    location = Path(target.stats()["location"])
    size = sum(p.stat().st_size for p in location.rglob("*") if p.is_file())
    print(
        json.dumps(
            {
                "articles": target.stats()["articles"],
                "copies_of_each_source_article": k,
                "source_articles": len(source),
                "seconds": round(seconds, 1),
                "articles_per_second": round(written / seconds, 1),
                "index_bytes": size,
                "index_gib": round(size / 2**30, 2),
                "bytes_per_article": round(size / max(written, 1)),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
