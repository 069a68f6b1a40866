"""How well story grouping recovers the AllSides story triples.

The triples (../shared/corpus/allsides/story-triples.jsonl) are three
articles, from three outlets, that AllSides put on one story page.  Grouping
never sees the triples or the topic field; this script only scores it.

Two modes:

  # score the stories already in an indexed data directory (after
  # `parallax index .../articles.jsonl.gz`, which runs the grouping):
  PARALLAX_DATA=/work/data-allsides python benchmarks/story_triples.py

  # or regroup it first (writes story ids) and time that:
  PARALLAX_DATA=/work/data-allsides python benchmarks/story_triples.py --regroup

  # or, without any index, group the raw JSON Lines in memory (no entities
  # or quotes: a lower bound on what the indexed corpus gets):
  python benchmarks/story_triples.py --raw

Prints recall (triples grouped: all three articles share one story id;
pairs grouped) and precision beside it (see `score`): stories merging two
triples, pairwise precision on triple articles, foreign members in the
triples' stories, story sizes and the largest story, and the share of
multi-article stories whose members all carry one AllSides topic (a
same-event story can legitimately mix topics, so that one is a floor).
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

from indexer.stories import StoryParams, cluster, group_stories, size_distribution  # noqa: E402
from store import EnrichedArticle, open_store  # noqa: E402


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--raw", action="store_true", help="group the raw JSON Lines in memory, no index")
    parser.add_argument("--regroup", action="store_true", help="re-run group_stories on the store first")
    parser.add_argument("--corpus", type=Path, default=SHARED / "articles.jsonl.gz")
    parser.add_argument("--triples", type=Path, default=SHARED / "story-triples.jsonl")
    parser.add_argument(
        "--set", action="append", default=[], metavar="PARAM=VALUE", help="override a StoryParams field"
    )
    args = parser.parse_args()
    overrides = {k: type(getattr(StoryParams(), k))(v) for k, v in (s.split("=", 1) for s in args.set)}
    params = StoryParams(**overrides)
    triples = read_triples(args.triples)
    started = time.perf_counter()
    if args.raw:
        articles, topics = read_raw(args.corpus)
        clustering = cluster(articles, params)
        assignment, timing = clustering.assignment, clustering.timing
    else:
        _, topics = read_raw(args.corpus) if args.corpus.exists() else ([], {})
        store = open_store()
        if args.regroup:
            report = group_stories(store, params=params)
            timing = report["timing"]
        else:
            timing = {}
        assignment = {a.id: a.story for a in store.scan()}
    result = score(assignment, triples, topics)
    result["timing"] = timing | {"total_s": round(time.perf_counter() - started, 1)}
    result["params"] = overrides
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
