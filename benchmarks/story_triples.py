"""How well story grouping recovers the AllSides story triples.

The triples (../shared/corpus/allsides/story-triples.jsonl) are three
articles, from three outlets, that AllSides put on one story page.  Grouping
never sees the triples or the topic field; this script only scores it, for
events (the article's `story`) and for threads, on all triples and
separately on the odd and the even lines of the triples file (parameters
were tuned on the odd lines; the even lines are the held-out figure).

Modes:

  # score what an indexed data directory holds (after `parallax index`):
  PARALLAX_DATA=/tmp/events-data python benchmarks/story_triples.py

  # regroup it first (`parallax stories`: writes ids) and time that:
  PARALLAX_DATA=/tmp/events-data python benchmarks/story_triples.py --regroup

  # regroup its feature cache only (no store read or write; for tuning):
  PARALLAX_DATA=/tmp/events-data python benchmarks/story_triples.py --cached --set event_link=0.1

  # or, without any index, group the raw JSON Lines in memory (no entities:
  # a lower bound on what the indexed corpus gets):
  python benchmarks/story_triples.py --raw

Prints recall (triples whose three articles share one event id; pairs) and
precision beside it (see `score`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpus" / "allsides"
sys.path.insert(0, str(REPO))

from indexer.stories import (  # noqa: E402
    StoryParams,
    cluster,
    group_stories,
    regroup_cached,
    size_distribution,
)
from store import EnrichedArticle, Settings, open_store  # noqa: E402


def read_raw(path: Path) -> tuple[list[EnrichedArticle], dict[str, str]]:
    articles, topics = [], {}
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            topics[row["id"]] = row.get("topic") or ""
            articles.append(
                EnrichedArticle(
                    id=row["id"],
                    text=row.get("text") or "",
                    title=row.get("title"),
                    outlet=row.get("outlet"),
                    published=row.get("published") or None,
                )
            )
    return articles, topics


def read_triples(path: Path) -> list[list[str]]:
    return [json.loads(line)["ids"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def score(assignment: dict[str, str | None], triples: list[list[str]], topics: dict[str, str]) -> dict:
    """Recall of the triples and the precision figures beside it.

    Recall: a triple counts when its three articles share one story id.
    Precision (the triples are whole AllSides story pages, chosen so that no
    other article of their day has their topic, so anything else in their
    story is from another page):
      cross_triple_stories: stories holding articles of two or more triples
        (two story pages merged), also as a share of the triples;
      triple_pair_precision: among pairs of triple articles that share a
        story, the share that are of one triple;
      foreign_per_triple_story: mean number of non-triple members in the
        stories of grouped triples; exact_triples_pct: grouped triples whose
        story is exactly the three;
      largest_story and the size distribution: no day- or week-clusters.
    """
    whole = pairs = pair_total = 0
    triple_of = {i: n for n, ids in enumerate(triples) for i in ids}
    members: dict[str, list[str]] = {}
    for article_id, story in assignment.items():
        if story is not None:
            members.setdefault(story, []).append(article_id)
    foreign = exact = 0
    for ids in triples:
        stories = [assignment.get(i) for i in ids]
        if stories[0] is not None and len(set(stories)) == 1:
            whole += 1
            size = len(members[stories[0]])
            foreign += size - sum(1 for i in members[stories[0]] if triple_of.get(i) == triple_of[ids[0]])
            exact += size == 3
        for a in range(3):
            for b in range(a + 1, 3):
                pair_total += 1
                pairs += stories[a] is not None and stories[a] == stories[b]
    cross = same_pairs = all_pairs = 0
    for ids in members.values():
        in_triples = Counter(triple_of[i] for i in ids if i in triple_of)
        cross += len(in_triples) > 1
        k = sum(in_triples.values())
        all_pairs += k * (k - 1) // 2
        same_pairs += sum(c * (c - 1) // 2 for c in in_triples.values())
    pure = sum(1 for ids in members.values() if len({topics.get(i) for i in ids}) == 1)
    dist = size_distribution(assignment)
    return {
        "articles": len(assignment),
        "triples": len(triples),
        "triples_grouped": whole,
        "triples_grouped_pct": round(100 * whole / max(1, len(triples)), 1),
        "triple_pairs_grouped_pct": round(100 * pairs / max(1, pair_total), 1),
        "cross_triple_stories": cross,
        "cross_triple_share_pct": round(100 * cross / max(1, len(triples)), 1),
        "triple_pair_precision_pct": round(100 * same_pairs / max(1, all_pairs), 1),
        "foreign_per_triple_story": round(foreign / max(1, whole), 2),
        "exact_triples_pct": round(100 * exact / max(1, whole), 1),
        "stories": len(members),
        "articles_in_stories_pct": round(100 * sum(len(v) for v in members.values()) / max(1, len(assignment)), 1),
        "largest_story": max(dist),
        "mean_story_size": round(sum(len(v) for v in members.values()) / max(1, len(members)), 2),
        "size_distribution": _bucketed(dist),
        "single_topic_stories_pct": round(100 * pure / max(1, len(members)), 1),
    }


def _bucketed(dist: dict[int, int]) -> dict[str, int]:
    out: Counter = Counter()
    for size, count in dist.items():
        key = str(size) if size <= 6 else "7-10" if size <= 10 else "11-20" if size <= 20 else ">20"
        out[key] += count
    order = ["1", "2", "3", "4", "5", "6", "7-10", "11-20", ">20"]
    return {k: out[k] for k in order if out[k]}


def score_levels(
    assignment: dict[str, tuple[str | None, str | None]], triples: list[list[str]], topics: dict[str, str]
) -> dict:
    """Event and thread figures on all triples, the odd lines and the even lines."""
    events = {i: e for i, (e, _) in assignment.items()}
    # An article in no thread of two or more is alone in its thread.
    threads = {i: t for i, (_, t) in assignment.items()}
    out = {}
    for name, subset in (("all", triples), ("odd_lines", triples[0::2]), ("even_lines", triples[1::2])):
        event_scores = score(events, subset, topics)
        thread_scores = score(threads, subset, topics)
        out[name] = {
            "event_recall": round(event_scores["triples_grouped_pct"] / 100, 3),
            "exact_event_share": round(event_scores["exact_triples_pct"] / 100, 3),
            "foreign_per_grouped_triple": event_scores["foreign_per_triple_story"],
            "merged_with_another_triple_pct": _merged_pct(events, subset, triples),
            "thread_recall": round(thread_scores["triples_grouped_pct"] / 100, 3),
        }
    out["events"] = score(events, triples, topics)
    out["threads"] = {k: v for k, v in score(threads, triples, topics).items() if k != "size_distribution"}
    return out


def _merged_pct(assignment: dict[str, str | None], subset: list[list[str]], triples: list[list[str]]) -> float:
    """Share of the `subset` triples whose event also holds an article of
    another triple (any of all `triples`: a merge with any is a merge)."""
    owner = {i: n for n, ids in enumerate(triples) for i in ids}
    members: dict[str, set[int]] = {}
    for article_id, story in assignment.items():
        if story is not None and article_id in owner:
            members.setdefault(story, set()).add(owner[article_id])
    merged = 0
    for ids in subset:
        n = owner[ids[0]]
        stories = {assignment.get(i) for i in ids} - {None}
        merged += any(len(members[s] - {n}) > 0 for s in stories)
    return round(100 * merged / max(1, len(subset)), 1)


def _parse(name: str, value: str) -> object:
    kind = type(getattr(StoryParams(), name))
    return value.lower() in ("1", "true", "yes") if kind is bool else kind(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", action="store_true", help="group the raw JSON Lines in memory, no index")
    parser.add_argument("--regroup", action="store_true", help="re-run group_stories on the store first")
    parser.add_argument("--cached", action="store_true", help="regroup the data directory's feature cache only")
    parser.add_argument("--corpus", type=Path, default=SHARED / "articles.jsonl.gz")
    parser.add_argument("--triples", type=Path, default=SHARED / "story-triples.jsonl")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a StoryParams field"
    )
    parser.add_argument("--brief", action="store_true", help="print only the per-split summary")
    args = parser.parse_args()
    overrides = {k: _parse(k, v) for k, v in (s.split("=", 1) for s in args.set)}
    params = StoryParams(**overrides)
    triples = read_triples(args.triples)
    started = time.perf_counter()
    timing: dict = {}
    if args.raw:
        articles, topics = read_raw(args.corpus)
        assignment = cluster(articles, params)
    else:
        _, topics = read_raw(args.corpus) if args.corpus.exists() else ([], {})
        if args.cached:
            assignment = regroup_cached(Settings.from_env().data_dir / "grouping", params)
        else:
            store = open_store()
            if args.regroup:
                timing = group_stories(store, params=params)
                timing.pop("size_distribution", None)
            assignment = {a.id: (a.story, a.thread) for a in store.scan()}
    result = score_levels(assignment, triples, topics)
    result["timing"] = timing | {"total_s": round(time.perf_counter() - started, 1)}
    result["params"] = overrides
    if args.brief:
        result = {k: result[k] for k in ("all", "odd_lines", "even_lines", "params")}
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
