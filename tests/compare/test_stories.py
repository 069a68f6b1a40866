"""Story grouping: same event grouped across outlets, unrelated and
distant-in-time articles kept apart, ids stable."""

from __future__ import annotations

from compare_builders import make_article

from indexer.stories import cluster, size_distribution, story_id

FLOOD = (
    "A flood barrier failed in Riverton on Tuesday and 340 residents were evacuated from the Podgorze district as "
    "the Vistula river rose."
)
FLOOD_2 = (
    "Riverton evacuated 340 residents of Podgorze after the Vistula flood barrier failed on Tuesday, officials said."
)
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
    assignment = cluster(_corpus()).assignment
    assert assignment["flood-a"] is not None
    assert assignment["flood-a"] == assignment["flood-b"]
    # Same words three months later are another event (outside the date window).
    assert assignment["flood-late"] != assignment["flood-a"]
    assert assignment["fire-a"] is None and assignment["rates-a"] is None


def test_story_ids_are_stable_and_independent_of_order():
    first = cluster(_corpus()).assignment
    second = cluster(list(reversed(_corpus()))).assignment
    assert first == second
    assert first["flood-a"] == story_id(["flood-b", "flood-a"])


def test_undated_article_joins_only_a_close_match():
    articles = _corpus() + [make_article("flood-undated", "Metro", FLOOD_2)]
    assignment = cluster(articles).assignment
    assert assignment["flood-undated"] is not None
    assert assignment["flood-undated"] in {assignment["flood-a"], assignment["flood-late"]}


def test_size_distribution_counts_singletons():
    assignment = cluster(_corpus()).assignment
    assert size_distribution(assignment) == {1: 3, 2: 1}


QUAKE = [
    (
        "A magnitude 6.1 earthquake struck near Valdora early on Wednesday, collapsing two apartment blocks and a "
        "school gymnasium."
    ),
    (
        "Rescuers in Valdora dug through collapsed apartment blocks after Wednesday's 6.1 earthquake; the school "
        "gymnasium also fell."
    ),
    (
        "The Valdora earthquake, magnitude 6.1, brought down apartment blocks; officials said the gymnasium "
        "collapse caused no deaths."
    ),
]
BUDGET = [
    (
        "The Senate passed a stopgap budget bill late on Wednesday, averting a shutdown of federal agencies until "
        "December."
    ),
    "Senators approved the stopgap budget on Wednesday night, so federal agencies avoid a shutdown until December.",
    (
        "A late Wednesday Senate vote on the stopgap budget bill kept federal agencies open through December, "
        "averting a shutdown."
    ),
]


def test_same_day_events_from_three_outlets_grouped_and_kept_apart():
    outlets = ("Left Daily", "Centre Wire", "Right Herald")
    articles = [make_article(f"quake-{n}", outlets[n], text, published="2025-05-07") for n, text in enumerate(QUAKE)]
    articles += [make_article(f"budget-{n}", outlets[n], text, published="2025-05-07") for n, text in enumerate(BUDGET)]
    articles += [
        make_article("rates-a", "Centre Wire", RATES, published="2025-05-07"),
        make_article("fire-a", "Left Daily", FIRE, published="2025-05-07"),
    ]
    assignment = cluster(articles).assignment
    quake = {assignment[f"quake-{n}"] for n in range(3)}
    budget = {assignment[f"budget-{n}"] for n in range(3)}
    assert len(quake) == 1 and None not in quake
    assert len(budget) == 1 and None not in budget
    assert quake != budget
    assert assignment["rates-a"] is None and assignment["fire-a"] is None


def test_next_day_follow_up_joins_but_a_week_later_does_not():
    articles = [
        make_article(f"quake-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(QUAKE[:2])
    ]
    articles += [
        make_article("quake-next", "Outlet 2", QUAKE[2], published="2025-05-08"),
        make_article("quake-later", "Outlet 3", QUAKE[2], published="2025-05-15"),
    ]
    assignment = cluster(articles).assignment
    assert assignment["quake-next"] is not None and assignment["quake-next"] == assignment["quake-0"]
    assert assignment["quake-later"] is None


def test_undated_article_joins_its_closest_story_without_bridging():
    articles = [
        make_article(f"quake-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(QUAKE[:2])
    ]
    articles += [
        make_article(f"budget-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(BUDGET[:2])
    ]
    # Undated and worded like both events: it may join one, never merge them.
    articles.append(make_article("both", "Metro", QUAKE[2] + " " + BUDGET[2]))
    assignment = cluster(articles).assignment
    assert assignment["quake-0"] != assignment["budget-0"]
    assert assignment["both"] in {assignment["quake-0"], assignment["budget-0"], None}


def test_same_outlet_twice_on_a_day_needs_a_closer_match():
    from indexer.stories import StoryParams, _Groups

    params = StoryParams()
    sim = params.link_threshold * (1 + params.outlet_day_clash) / 2  # enough for two outlets, not for one
    day = 739000
    different = _Groups([day, day], [1, 2], params)
    different.add_link(0, 1, sim)
    assert different.try_merge(0, 1)
    same = _Groups([day, day], [1, 1], params)
    same.add_link(0, 1, sim)
    assert not same.try_merge(0, 1)
    next_day = _Groups([day, day + 1], [1, 1], params)  # one outlet on two days: no clash
    next_day.add_link(0, 1, sim)
    assert next_day.try_merge(0, 1)
