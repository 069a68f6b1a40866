"""Where the bytes of an embedded index go: per file kind (stored documents,
positions, postings, terms, fast fields) and, on a sample, per field.

    python benchmarks/bench_index_size.py --data DIR [--sample N]

Per file kind it reads the live index folder of DIR. Per field it takes the
first N articles of DIR (default 2,000), writes them again, one field at a
time, into fresh indexes under the current schema, and prints each field's
bytes per article in every file kind: the field's own share, measured, not
estimated. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import tantivy  # noqa: E402

import mappings  # noqa: E402
from store.embedded import EmbeddedStore  # noqa: E402
from store.embedded_schema import RECORD_FIELD, add_field, document_fields, register_tokenizers  # noqa: E402

KINDS = {
    "store": "stored documents",
    "pos": "positions",
    "idx": "postings",
    "term": "terms",
    "fast": "fast fields",
    "fieldnorm": "field norms",
}


def kinds_of(folder: Path) -> Counter[str]:
    sizes: Counter[str] = Counter()
    for path in folder.iterdir():
        if path.is_file():
            sizes[path.suffix.lstrip(".") or path.name] += path.stat().st_size
    return sizes


def live_docs(folder: Path) -> int:
    meta = json.loads((folder / "meta.json").read_text())
    return sum(s["max_doc"] - ((s.get("deletes") or {}).get("num_deleted_docs") or 0) for s in meta["segments"])


def print_kinds(title: str, sizes: Counter[str], docs: int) -> None:
    total = sum(sizes.values())
    print(f"{title}: {total / 1e6:,.1f} MB for {docs:,} articles = {total / max(docs, 1):,.0f} bytes per article")
    for kind, size in sizes.most_common():
        if size:
            print(f"  {KINDS.get(kind, kind):18} {size / max(docs, 1):9,.0f} B/article  {100 * size / total:5.1f} %")


def per_field(documents: list[dict], workdir: Path) -> None:
    rows = []
    for name, spec in [*mappings.article_fields().items(), (RECORD_FIELD, {})]:
        values = [{name: d[name]} for d in documents if name in d]
        if not values:
            continue
        builder = tantivy.SchemaBuilder()
        if name == RECORD_FIELD:
            builder.add_bytes_field(name, stored=True, indexed=False)
        else:
            add_field(builder, name, spec)
        folder = workdir / name
        folder.mkdir()
        index = tantivy.Index(builder.build(), path=str(folder))
        register_tokenizers(index)
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for value in values:
            writer.add_json(json.dumps(value, ensure_ascii=False))
        writer.commit()
        writer.wait_merging_threads()
        rows.append((name, kinds_of(folder)))
    empty = workdir / "_empty"
    empty.mkdir()
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("x", stored=False)
    base = tantivy.Index(builder.build(), path=str(empty))
    writer = base.writer(heap_size=50_000_000, num_threads=1)
    for _ in documents:
        writer.add_json("{}")
    writer.commit()
    writer.wait_merging_threads()
    overhead = kinds_of(empty)
    n = len(documents)
    print(f"\nper field, {n:,} articles, bytes per article (an empty index's files subtracted):")
    print(f"  {'field':14}" + "".join(f"{k:>10}" for k in KINDS) + f"{'total':>10}")
    for name, sizes in sorted(rows, key=lambda r: -sum(r[1].values())):
        own = {k: max(sizes[k] - overhead[k], 0) for k in KINDS}
        print(f"  {name:14}" + "".join(f"{own[k] / n:10,.0f}" for k in KINDS) + f"{sum(own.values()) / n:10,.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", required=True, help="data directory of an embedded index")
    parser.add_argument("--sample", type=int, default=2000, help="articles for the per-field figures (0: none)")
    args = parser.parse_args()
    store = EmbeddedStore(args.data, create=False)
    folder = store._current_dir()
    print_kinds(f"{folder}", kinds_of(folder), live_docs(folder))
    dictionaries = sorted(store.codec.folder.glob("*.zdict"))
    print(
        f"  + {len(dictionaries)} record dictionaries beside it: {sum(p.stat().st_size for p in dictionaries):,} bytes"
    )
    if not args.sample:
        return
    documents = []
    for article in store._scan(store._any_searcher()):  # also an index of an older schema
        documents.append(document_fields(article, store.codec))  # compressed as the folder's own records are
        if len(documents) >= args.sample:
            break
    with tempfile.TemporaryDirectory(prefix="parallax-size-") as workdir:
        whole = Path(workdir) / "whole"
        sample = EmbeddedStore(whole)
        with sample.session() as session:
            for fields in documents:
                session.add(fields["id"], json.dumps(fields, ensure_ascii=False))
            session.commit()
        folder = sample._current_dir()
        print_kinds(
            f"\nthe first {len(documents):,} written again under the current schema",
            kinds_of(folder),
            live_docs(folder),
        )
        per_field(documents, Path(workdir))


if __name__ == "__main__":
    main()
