"""Story grouping: same event grouped across outlets, unrelated and
distant-in-time articles kept apart, ids stable."""
from __future__ import annotations

from conftest import make_article
from indexer.stories import cluster, size_distribution, story_id

FLOOD = "A flood barrier failed in Riverton on Tuesday and 340 residents were evacuated from the Podgorze district as the Vistula river rose."
FLOOD_2 = "Riverton evacuated 340 residents of Podgorze after the Vistula flood barrier failed on Tuesday, officials said."
FIRE = "A wildfire near Lac du Bonnet forced 1,100 people to leave as crews cut a guard line along the Bird River."
RATES = "The central bank raised its key interest rate by half a point, citing stubborn inflation in services."


def _corpus():
    return [
        make_article("flood-a", "Civic Wire", FLOOD, published="2025-03-04"),
        make_article("flood-b", "Daily Post", FLOOD_2, published="2025-03-05"),
        make_article("fire-a", "Civic Wire", FIRE, published="2025-03-04"),
        make_article("rates-a", "Daily Post", RATES, published="2025-03-04"),
        make_article("flood-late", "Gazette", FLOOD, published="2025-06-20"),
    ]


def test_same_event_grouped_unrelated_and_distant_apart():
    assignment, _ = cluster(_corpus())
    assert assignment["flood-a"] is not None
    assert assignment["flood-a"] == assignment["flood-b"]
    # Same words three months later are another event (outside the date window).
    assert assignment["flood-late"] != assignment["flood-a"]
    assert assignment["fire-a"] is None and assignment["rates-a"] is None


def test_story_ids_are_stable_and_independent_of_order():
    first, _ = cluster(_corpus())
    second, _ = cluster(list(reversed(_corpus())))
    assert first == second
    assert first["flood-a"] == story_id(["flood-b", "flood-a"])


def test_undated_article_joins_only_a_close_match():
    articles = _corpus() + [make_article("flood-undated", "Metro", FLOOD_2)]
    assignment, _ = cluster(articles)
    assert assignment["flood-undated"] is not None
    assert assignment["flood-undated"] in {assignment["flood-a"], assignment["flood-late"]}


def test_size_distribution_counts_singletons():
    assignment, _ = cluster(_corpus())
    assert size_distribution(assignment) == {1: 3, 2: 1}
