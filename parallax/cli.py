"""`parallax`: the one console script (docs/architecture.md, "CLI (contract)").

    parallax index PATH... [--manifest FILE] [--outlet NAME] [--backend embedded|opensearch]
    parallax serve [--host HOST] [--port PORT]
    parallax demo [--port PORT]
    parallax eval --gold FILE PATH... | eval --format conll FILE
    parallax reindex | compact | stories | status

This module is the composition root: it is the only place that imports both
the indexer and the portal.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from indexer.sources import SUPPORTED_SUFFIXES
from store import BACKENDS, Settings, StoreError, open_store

DEMO_CORPUS = Path(__file__).parent / "demo_corpus"


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = args.settings(args)
        return args.run(args, settings)
    except BrokenPipeError:
        return _quiet_broken_pipe()
    except StoreError as exc:
        print(f"parallax: {exc}", file=sys.stderr)
        return 2
    except Exception as exc:
        from indexer.pipeline import PipelineError  # here: `status` and `serve` need not load the indexer

        if not isinstance(exc, PipelineError):
            raise
        print(f"parallax: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


def _quiet_broken_pipe() -> int:
    """`parallax status | head -1`: the reader left; end quietly, as Unix tools do.
    Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 128 + 13  # killed by SIGPIPE, by shell convention


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parallax", description="Search news and compare how outlets report it.")
    parser.add_argument("--data", help="data directory (default: $PARALLAX_DATA or ./parallax-data)")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    parser.set_defaults(settings=_settings)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    # Options several commands share, declared once.
    backend = argparse.ArgumentParser(add_help=False)
    backend.add_argument("--backend", choices=BACKENDS, help="default: $PARALLAX_BACKEND or embedded")
    server = argparse.ArgumentParser(add_help=False)
    server.add_argument("--host", help="default: $PARALLAX_HOST or 127.0.0.1")
    server.add_argument("--port", type=int, help="default: $PARALLAX_PORT or 5000")

    def command(
        name: str, run: Callable[[argparse.Namespace, Settings], int], help: str, *parents: argparse.ArgumentParser
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, parents=list(parents))
        sub.set_defaults(run=run)
        return sub

    index = command("index", cmd_index, "read, enrich and index articles", backend)
    index.add_argument(
        "paths", nargs="+", metavar="PATH", help=f"files ({', '.join(SUPPORTED_SUFFIXES)}) or folders of them"
    )
    index.add_argument("--manifest", help="CSV or JSON Lines: path, outlet, url, published, title for text files")
    index.add_argument("--outlet", help="outlet of articles whose metadata names none")
    index.add_argument("--workers", type=int, help="enrichment processes (default: one per core)")
    index.add_argument("--no-stories", action="store_true", help="skip story grouping after indexing")
    index.add_argument("--quiet", action="store_true", help="no progress bar")

    command("serve", cmd_serve, "run the portal", backend, server)

    demo_help = "index the bundled fictional demo corpus into a fresh data directory and serve it"
    demo = command("demo", cmd_demo, demo_help, server)
    demo.add_argument("--no-serve", action="store_true", help="index only")
    demo.set_defaults(settings=_demo_settings)

    evaluate = command(
        "eval", cmd_eval, "score entity and quote extraction against a gold file, or on a CoNLL-2003-style file"
    )
    evaluate.add_argument("--gold", help="gold annotations (JSON, as ../shared/gold/seeds.json); not with conll")
    evaluate.add_argument(
        "--format",
        choices=("gold", "conll"),
        default="gold",
        help="conll: PATH is one CoNLL-2003-style file holding its own gold tags (IOB1 or IOB2)",
    )
    evaluate.add_argument(
        "--documents",
        choices=("all", "odd", "even"),
        default="all",
        help="conll only: score all documents, or the odd- or even-numbered ones (tune on one, hold out the other)",
    )
    evaluate.add_argument("paths", nargs="+", metavar="PATH")

    command("reindex", cmd_reindex, "rebuild the index under the current schema and switch to it", backend)
    command("compact", cmd_compact, "merge the index into one segment (faster searches after many small runs)", backend)
    stories = command("stories", cmd_stories, "group the indexed articles into events and threads again", backend)
    stories.add_argument(
        "--rebuild-cache", action="store_true", help="recompute every article's grouping features from the store"
    )
    command("status", cmd_status, "what is indexed, and the last runs' failures", backend)
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    """Arguments, then the environment, then defaults (store/settings.py)."""
    return Settings.from_env(
        backend=getattr(args, "backend", None),
        data_dir=args.data,
        host=getattr(args, "host", None),
        port=getattr(args, "port", None),
    )


def _demo_settings(args: argparse.Namespace) -> Settings:
    """The demo always uses the embedded index, in a fresh folder unless
    --data or PARALLAX_DATA names one; `args.created_data` is that fresh
    folder when the demo made it (and so removes it), else None."""
    fresh = Path(tempfile.mkdtemp(prefix="parallax-demo-"))
    settings = Settings.from_env(
        defaults={"data_dir": fresh}, backend="embedded", data_dir=args.data, host=args.host, port=args.port
    )
    args.created_data = fresh if settings.data_dir == fresh else None
    if args.created_data is None:
        fresh.rmdir()  # not needed: the user named a data directory
    return settings


# -- commands ----------------------------------------------------------------


def cmd_index(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.ledger import Ledger
    from indexer.pipeline import index_paths

    store = open_store(settings)
    ledger = Ledger(settings.data_dir)
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
    # Each failure was printed as it happened (on stderr, beside the
    # progress); the summary counts them and says where to find them again.
    print(
        f"read {summary.read} articles, indexed {summary.indexed}, "
        f"failed {len(summary.failures)} in {summary.seconds:.1f} s"
    )
    if summary.continues:
        print(f"skipped {summary.skipped} already indexed by run {summary.continues}, which was interrupted")
    if summary.pipeline:
        print(f"enrichment: {summary.pipeline}")
    if summary.stories:
        events, threads = summary.stories.get("stories", "?"), summary.stories.get("threads", "?")
        print(f"stories: {_counted(events, 'event')} of two or more articles in {_counted(threads, 'thread')}")
    if summary.failures:
        print("the failures are named above; `parallax status` lists them again")
    if not summary.read and not summary.failures:
        print(f"nothing to index: no {', '.join(SUPPORTED_SUFFIXES)} files found")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from portal import create_app

    app = create_app(settings)
    host, port = settings.host, settings.port
    print(f"Parallax portal on http://{host}:{port}/  (data: {settings.data_dir}; Ctrl-C to stop)", flush=True)
    app.run(host=host, port=port, threaded=True)
    return 0


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    # A data directory the user named is theirs; one we created is ours to remove.
    if args.created_data is None:
        return _run_demo(args, settings)
    # Stopped by `kill` or a closed terminal: unwind, so the cleanup below runs.
    for stop in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(stop, _exit_on_signal)
    try:
        return _run_demo(args, settings)
    finally:
        shutil.rmtree(args.created_data, ignore_errors=True)


def _exit_on_signal(number: int, frame: object) -> None:
    raise SystemExit(128 + number)


def _run_demo(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.ledger import Ledger
    from indexer.pipeline import index_paths

    data = settings.data_dir
    print(f"Indexing the bundled demo corpus (fictional articles written for Parallax) into {data}", flush=True)
    store = open_store(settings)
    ledger = Ledger(data)
    ledger.start_run("demo")
    summary = index_paths([DEMO_CORPUS], store, ledger=ledger, workers=1)
    _print_summary(summary)
    if not summary.ok:
        return 1
    if args.no_serve:
        return 0
    return cmd_serve(args, settings)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    if args.format == "conll":
        return _eval_conll(args)
    if not args.gold:
        print("parallax eval: --gold FILE is required (or --format conll FILE)", file=sys.stderr)
        return 2
    from indexer.eval import main_eval

    result = main_eval(args.gold, args.paths)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def _eval_conll(args: argparse.Namespace) -> int:
    from indexer.conll import ConllFormatError, main_eval_conll

    if args.gold or len(args.paths) != 1:
        print("parallax eval --format conll: give one FILE and no --gold (the tags are the gold)", file=sys.stderr)
        return 2
    try:
        result = main_eval_conll(args.paths[0], args.documents)
    except (OSError, UnicodeDecodeError, ConllFormatError) as exc:
        print(f"parallax eval: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(result, indent=2, ensure_ascii=False))
    return 0


def cmd_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.enrich.aliases import add_missing_aliases

    store = open_store(settings)
    result = store.reindex()
    # Articles indexed before entity aliases existed get them now (no NLP
    # needed: they are derived from the stored entities).
    result["aliases_added"] = add_missing_aliases(store)
    print(json.dumps(result, indent=2))
    return 0


def cmd_compact(args: argparse.Namespace, settings: Settings) -> int:
    print(json.dumps(open_store(settings).compact(), indent=2))
    return 0


def cmd_stories(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.pipeline import PendingStories, compact_if_it_pays
    from indexer.stories import group_stories

    store = open_store(settings)
    changes = PendingStories()  # written with the compaction when it pays, else on their own
    report = group_stories(store, rebuild=args.rebuild_cache, write=changes)
    report["compaction"] = compact_if_it_pays(store, 0, changes)
    print(json.dumps(report, indent=2))
    return 0


def _counted(number: object, noun: str) -> str:
    """'1 event', '4 events' (an unknown count, '?', is plural)."""
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _run_state(run: dict) -> str:
    """'finished, indexed 1976, skipped 1024 already indexed by run 1, failed 0',
    or 'interrupted, indexed 1024, failed 0'."""
    summary = run["summary"] or {}
    parts = [run["state"], f"indexed {summary.get('indexed', 0)}"]
    if summary.get("continues"):
        parts.append(f"skipped {summary.get('skipped', 0)} already indexed by run {summary['continues']}")
    parts.append(f"failed {summary.get('failed', 0)}")
    return ", ".join(parts)


def cmd_status(args: argparse.Namespace, settings: Settings) -> int:
    from indexer.ledger import Ledger

    print(json.dumps(open_store(settings).stats(), indent=2))
    data = settings.data_dir
    if (data / Ledger.FILENAME).exists():
        ledger = Ledger(data)
        for run in ledger.runs(3):
            print(f"run {run['run']} {run['started']} {run['command'][:80]}: {_run_state(run)}")
        for source, reason in ledger.failures():
            print(f"  failed: {source}: {reason}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
