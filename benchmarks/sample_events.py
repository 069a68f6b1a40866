"""Print a random sample of events (stories) for checking by hand whether
each is one happening: every member's date, outlet, title and opening.

    PARALLAX_DATA=/tmp/events-data python benchmarks/sample_events.py --seed 12 -n 30

Reads the store only; the verdicts are a person's (nothing is scored here).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from store import open_store  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=30, help="events to print")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--chars", type=int, default=200, help="characters of each member's text")
    args = parser.parse_args()
    events: dict[str, list] = {}
    for article in open_store().scan():
        if article.story:
            events.setdefault(article.story, []).append(article)
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
