"""`parallax`: the one console script (DESIGN.md, CLI contract).

    parallax index PATH... [--manifest FILE] [--outlet NAME] [--backend embedded|opensearch]
    parallax serve [--host HOST] [--port PORT]
    parallax demo [--port PORT]
    parallax eval --gold FILE PATH...
    parallax reindex | stories | status

This module is the composition root: it is the only place that imports both
the indexer and the portal.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import tempfile
from pathlib import Path

from store import BACKENDS, StoreError, data_dir_from_env, open_store

DEMO_CORPUS = Path(__file__).parent / "demo_corpus"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if args.data:
        os.environ["PARALLAX_DATA"] = str(args.data)
    if getattr(args, "backend", None):
        os.environ["PARALLAX_BACKEND"] = args.backend
    try:
        return args.run(args)
    except StoreError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parallax", description="Search news and compare how outlets report it.")
    parser.add_argument("--data", help="data directory (default: $PARALLAX_DATA or ./parallax-data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    index = commands.add_parser("index", help="read, enrich and index articles")
    index.add_argument("paths", nargs="+", metavar="PATH", help=".txt, .json, .jsonl, .jsonl.gz files or folders")
    index.add_argument("--manifest", help="CSV or JSON Lines: path, outlet, url, published, title for text files")
    index.add_argument("--outlet", help="outlet of articles whose metadata names none")
    index.add_argument("--backend", choices=BACKENDS, help="default: $PARALLAX_BACKEND or embedded")
    index.add_argument("--workers", type=int, help="enrichment processes (default: one per core)")
    index.add_argument("--no-stories", action="store_true", help="skip story grouping after indexing")
    index.add_argument("--quiet", action="store_true", help="no progress bar")
    index.set_defaults(run=cmd_index)

    serve = commands.add_parser("serve", help="run the portal")
    _add_server_options(serve)
    serve.add_argument("--backend", choices=BACKENDS)
    serve.set_defaults(run=cmd_serve)

    demo = commands.add_parser(
        "demo", help="index the bundled fictional demo corpus into a fresh data directory and serve it"
    )
    _add_server_options(demo)
    demo.add_argument("--no-serve", action="store_true", help="index only")
    demo.set_defaults(run=cmd_demo)

    evaluate = commands.add_parser("eval", help="score entity and quote extraction against a gold file")
    evaluate.add_argument("--gold", required=True, help="gold annotations (JSON, as ../shared/gold/seeds.json)")
    evaluate.add_argument("paths", nargs="+", metavar="PATH")
    evaluate.set_defaults(run=cmd_eval)

    reindex = commands.add_parser("reindex", help="rebuild the index under the current schema and switch to it")
    reindex.add_argument("--backend", choices=BACKENDS)
    reindex.set_defaults(run=cmd_reindex)

    stories = commands.add_parser(
        "stories", help="group the indexed articles into events and threads again (a full regroup)"
    )
    stories.add_argument("--backend", choices=BACKENDS)
    stories.add_argument(
        "--rebuild-cache", action="store_true", help="recompute every article's grouping features from the store"
    )
    stories.set_defaults(run=cmd_stories)

    status = commands.add_parser("status", help="what is indexed, and the last runs' failures")
    status.add_argument("--backend", choices=BACKENDS)
    status.set_defaults(run=cmd_status)
    return parser


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=os.environ.get("PARALLAX_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PARALLAX_PORT", "5000")))


# -- commands ----------------------------------------------------------------


def cmd_index(args: argparse.Namespace) -> int:
    from indexer.ledger import Ledger
    from indexer.pipeline import index_paths

    store = open_store()
    ledger = Ledger(data_dir_from_env())
    ledger.start_run("index " + " ".join(args.paths))
    summary = index_paths(
        args.paths,
        store,
        manifest=args.manifest,
        outlet=args.outlet,
        ledger=ledger,
        workers=args.workers,
        progress=not args.quiet,
        group_stories=not args.no_stories,
    )
    _print_summary(summary)
    return 0 if summary.ok and summary.read else 1


def _print_summary(summary) -> None:
    print(
        f"read {summary.read} articles, indexed {summary.indexed}, failed {len(summary.failures)} in {summary.seconds:.1f} s"
    )
    if summary.pipeline:
        print(f"enrichment: {summary.pipeline}")
    if summary.stories:
        print(
            f"stories: {summary.stories.get('stories', '?')} events of two or more articles"
            f" in {summary.stories.get('threads', '?')} threads"
        )
    for source, reason in summary.failures:
        print(f"  failed: {source}: {reason}")
    if not summary.read and not summary.failures:
        print("nothing to index: no .txt, .json, .jsonl or .jsonl.gz files found")


def cmd_serve(args: argparse.Namespace) -> int:
    from portal import create_app

    app = create_app()
    print(f"Parallax portal on http://{args.host}:{args.port}/  (data: {data_dir_from_env()}; Ctrl-C to stop)")
    app.run(host=args.host, port=args.port, threaded=True)
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from indexer.ledger import Ledger
    from indexer.pipeline import index_paths

    if not os.environ.get("PARALLAX_DATA"):
        os.environ["PARALLAX_DATA"] = tempfile.mkdtemp(prefix="parallax-demo-")
    os.environ["PARALLAX_BACKEND"] = "embedded"
    data = data_dir_from_env()
    print(f"Indexing the bundled demo corpus (fictional articles written for Parallax) into {data}")
    store = open_store()
    ledger = Ledger(data)
    ledger.start_run("demo")
    summary = index_paths([DEMO_CORPUS], store, ledger=ledger, workers=1, progress=False)
    _print_summary(summary)
    if not summary.ok:
        return 1
    if args.no_serve:
        return 0
    return cmd_serve(args)


def cmd_eval(args: argparse.Namespace) -> int:
    from indexer.eval import main_eval

    result = main_eval(args.gold, args.paths)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_reindex(args: argparse.Namespace) -> int:
    print(json.dumps(open_store().reindex(), indent=2))
    return 0


def cmd_stories(args: argparse.Namespace) -> int:
    from indexer.stories import group_stories

    print(json.dumps(group_stories(open_store(), rebuild=args.rebuild_cache), indent=2))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from indexer.ledger import Ledger

    print(json.dumps(open_store().stats(), indent=2))
    data = data_dir_from_env()
    if (data / Ledger.FILENAME).exists():
        ledger = Ledger(data)
        for run in ledger.runs(3):
            summary = run["summary"] or {}
            print(
                f"run {run['run']} {run['started']} {run['command'][:80]}: "
                f"indexed {summary.get('indexed', '?')}, failed {summary.get('failed', '?')}"
            )
        for source, reason in ledger.failures():
            print(f"  failed: {source}: {reason}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
