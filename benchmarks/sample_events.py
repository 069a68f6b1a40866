"""Print a random sample of events (stories) for checking by hand whether
each is one happening: every member's date, outlet, title and opening.

    PARALLAX_DATA=/tmp/events-data python benchmarks/sample_events.py --seed 12 -n 30

    # the events a regroup of the data directory's feature cache would make
    # (no store write; the texts still come from the store), e.g. to compare
    # two settings on the same seed:
    PARALLAX_DATA=/tmp/events-data python benchmarks/sample_events.py --cached --set embedding_weight=0

Reads the store only; the verdicts are a person's (nothing is scored here).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from indexer.stories import StoryParams, regroup_cached  # noqa: E402
from store import Settings, open_store  # noqa: E402


def _parse(name: str, value: str) -> object:
    kind = type(getattr(StoryParams(), name))
    return value.lower() in ("1", "true", "yes") if kind is bool else kind(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=30, help="events to print")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--chars", type=int, default=200, help="characters of each member's text")
    parser.add_argument("--cached", action="store_true", help="events of a regroup of the feature cache, not stored")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a StoryParams field (--cached)"
    )
    args = parser.parse_args()
    cached: dict[str, tuple[str | None, str | None]] | None = None
    if args.cached:
        overrides: dict[str, Any] = {k: _parse(k, v) for k, v in (s.split("=", 1) for s in args.set)}
        params = StoryParams(**overrides)
        cached = regroup_cached(Settings.from_env().data_dir / "grouping", params)
    events: dict[str, list] = {}
    for article in open_store().scan():
        story = cached.get(article.id, (None, None))[0] if cached is not None else article.story
        if story:
            events.setdefault(story, []).append(article)
    chosen = random.Random(args.seed).sample(sorted(events), min(args.n, len(events)))
    for number, story in enumerate(chosen, 1):
        members = sorted(events[story], key=lambda a: (a.published or "", a.outlet or ""))
        print(f"== {number} {story} ({len(members)} articles)")
        for a in members:
            opening = " ".join((a.text or "").split())[: args.chars]
            print(f"   {a.published} | {a.outlet} | {a.title}")
            print(f"       {opening}")


if __name__ == "__main__":
    main()
