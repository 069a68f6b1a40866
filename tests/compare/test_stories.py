"""Story grouping: same event grouped across outlets, unrelated and
distant-in-time articles kept apart, events inside threads, ids stable
when articles join, the incremental path agreeing with a full regroup."""

from __future__ import annotations

from compare_builders import make_article

from indexer.stories import StoryGrouper, StoryParams, group_stories, size_distribution
from indexer.stories import cluster as cluster_both
from indexer.stories.clustering import Agglomerator, event_level
from indexer.stories.features import Features
from store.embedded import EmbeddedStore


def cluster(articles):
    """Events only, as the old single-level tests read them."""
    both = cluster_both(articles)
    return {i: event for i, (event, _) in both.items()}, both


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
    assignment = cluster(_corpus())[0]
    assert assignment["flood-a"] is not None
    assert assignment["flood-a"] == assignment["flood-b"]
    # Same words three months later are another event (outside the date window).
    assert assignment["flood-late"] != assignment["flood-a"]
    assert assignment["fire-a"] is None and assignment["rates-a"] is None


def test_story_ids_are_stable_and_independent_of_order():
    first = cluster(_corpus())[0]
    second = cluster(list(reversed(_corpus())))[0]
    assert first == second


def test_undated_article_joins_only_a_close_match():
    articles = _corpus() + [make_article("flood-undated", "Metro", FLOOD_2)]
    assignment = cluster(articles)[0]
    assert assignment["flood-undated"] is not None
    assert assignment["flood-undated"] in {assignment["flood-a"], assignment["flood-late"]}


def test_size_distribution_counts_singletons():
    assignment = cluster(_corpus())[0]
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
    assignment = cluster(articles)[0]
    quake = {assignment[f"quake-{n}"] for n in range(3)}
    budget = {assignment[f"budget-{n}"] for n in range(3)}
    assert len(quake) == 1 and None not in quake
    assert len(budget) == 1 and None not in budget
    assert quake != budget
    assert assignment["rates-a"] is None and assignment["fire-a"] is None


def test_next_day_follow_up_joins_the_thread_but_a_week_later_does_not():
    articles = [
        make_article(f"quake-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(QUAKE[:2])
    ]
    articles += [
        make_article("quake-next", "Outlet 2", QUAKE[2], published="2025-05-08"),
        make_article("quake-later", "Outlet 3", QUAKE[2], published="2025-05-15"),
    ]
    events, both = cluster(articles)
    threads = {i: thread for i, (_, thread) in both.items()}
    # A paraphrase a day later is the same subject; only a much closer one
    # would be the same event (similarity decays by day).
    assert threads["quake-next"] is not None and threads["quake-next"] == threads["quake-0"]
    assert events["quake-0"] is not None and events["quake-0"] == events["quake-1"]
    assert events["quake-later"] is None and threads["quake-later"] is None


def test_undated_article_joins_its_closest_story_without_bridging():
    articles = [
        make_article(f"quake-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(QUAKE[:2])
    ]
    articles += [
        make_article(f"budget-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(BUDGET[:2])
    ]
    # Undated and worded like both events: it may join one, never merge them.
    articles.append(make_article("both", "Metro", QUAKE[2] + " " + BUDGET[2]))
    assignment = cluster(articles)[0]
    assert assignment["quake-0"] != assignment["budget-0"]
    assert assignment["both"] in {assignment["quake-0"], assignment["budget-0"], None}


def test_same_outlet_twice_on_a_day_needs_a_closer_match():
    level = event_level(StoryParams())
    sim = level.link * (1 + level.outlet_clash) / 2  # enough for two outlets, not for one
    day = 739000

    def rows(outlets, days):
        return [Features(str(k), d, o, None, None) for k, (o, d) in enumerate(zip(outlets, days, strict=True))]

    different = Agglomerator(rows(["a", "b"], [day, day]), level)
    different.add_link(0, 1, sim)
    assert different.try_merge(0, 1)
    same = Agglomerator(rows(["a", "a"], [day, day]), level)
    same.add_link(0, 1, sim)
    assert not same.try_merge(0, 1)
    next_day = Agglomerator(rows(["a", "a"], [day, day + 1]), level)  # one outlet on two days: no clash
    next_day.add_link(0, 1, sim)
    assert next_day.try_merge(0, 1)


SHORT_UNRELATED = [
    ("The mayor said the budget is balanced.", "Mayor Jane Doe said the new bridge will reopen in spring."),
    ("Police said the road is closed.", "The governor said police will get new radios."),
    ("The minister said talks will resume.", "A minister said the school will close."),
    ("Officials said the vote was delayed.", "Officials said the storm damaged the pier."),
]


def test_two_unrelated_short_articles_are_never_one_event():
    for n, (first, second) in enumerate(SHORT_UNRELATED):
        articles = [
            make_article(f"a{n}", "Civic Wire", first, published="2025-03-04"),
            make_article(f"b{n}", "Daily Post", second, published="2025-03-04"),
        ]
        events, _ = cluster(articles)
        assert events[f"a{n}"] is None or events[f"a{n}"] != events[f"b{n}"], (first, second)


def test_events_nest_inside_threads():
    outlets = ("Left Daily", "Centre Wire", "Right Herald")
    articles = [make_article(f"quake-{n}", outlets[n], t, published="2025-05-07") for n, t in enumerate(QUAKE)]
    articles += [make_article(f"budget-{n}", outlets[n], t, published="2025-05-07") for n, t in enumerate(BUDGET)]
    _, both = cluster(articles)
    thread_of_event: dict[str, set] = {}
    for event, thread in both.values():
        if event is not None:
            thread_of_event.setdefault(event, set()).add(thread)
    assert thread_of_event and all(len(t) == 1 and None not in t for t in thread_of_event.values())


def _indexed_store(tmp_path, articles):
    store = EmbeddedStore(tmp_path / "data")
    store.index(articles)
    grouper = StoryGrouper(store)
    grouper.add(articles)
    grouper.finish()
    return store


def test_incremental_join_keeps_story_ids_and_matches_a_full_regroup(tmp_path):
    outlets = ("Left Daily", "Centre Wire", "Right Herald")
    first = [make_article(f"quake-{n}", outlets[n], QUAKE[n], published="2025-05-07") for n in range(2)]
    first += [make_article(f"budget-{n}", outlets[n], BUDGET[n], published="2025-05-07") for n in range(3)]
    store = _indexed_store(tmp_path, first)
    before = {a.id: a.story for a in store.scan()}
    assert before["quake-0"] is not None and before["budget-0"] is not None
    # A third outlet's quake report arrives, with an id sorting before the others.
    late = make_article("a-quake", outlets[2], QUAKE[2], published="2025-05-07")
    store.index([late])
    grouper = StoryGrouper(store)
    grouper.add([late])
    report = grouper.finish()
    after = {a.id: (a.story, a.thread) for a in store.scan()}
    assert report["mode"] == "incremental"
    assert after["a-quake"][0] == after["quake-0"][0] == before["quake-0"]  # the event kept its id
    assert all(after[f"budget-{n}"][0] == before["budget-0"] for n in range(3))  # untouched
    full = group_stories(store)
    assert full["changed"] == 0  # a full regroup finds the same events and threads


def test_vectors_of_many_rows_equal_each_row_alone():
    """The batched TF-IDF vectors (one pass over many rows) carry exactly
    the numbers of one row at a time, long articles cut to their
    strongest terms included: grouping must not depend on how many rows
    a call vectorises."""
    import numpy as np

    from indexer.stories.similarity import vectors, weighted_terms

    params = StoryParams(top_terms=8)
    rng = np.random.default_rng(7)
    df = rng.integers(0, 50, size=1 << 10).astype(np.int32)
    rows = []
    for k in range(40):
        terms = np.sort(rng.choice(1 << 10, size=int(rng.integers(0, 30)), replace=False)).astype(np.uint32)
        counts = rng.choice([0.5, 1.0, 2.0, 3.5], size=len(terms)).astype(np.float32)
        rows.append(Features(f"a{k}", k, "outlet", terms, counts))
    matrix = vectors(rows, df, 60, params)
    for k, row in enumerate(rows):
        terms, weights = weighted_terms(row, df, 60, params)
        alone = vectors([row], df, 60, params)
        start, end = matrix.indptr[k], matrix.indptr[k + 1]
        assert end - start == len(terms) == alone.nnz
        assert matrix.data[start:end].tobytes() == weights.tobytes() == alone.data.tobytes()


def test_undated_article_on_the_subject_joins_the_thread_but_only_a_near_copy_the_event():
    dated = [
        make_article(f"quake-{n}", f"Outlet {n}", text, published="2025-05-07") for n, text in enumerate(QUAKE[:2])
    ]
    dated += [make_article("rates-a", "Outlet 2", RATES, published="2025-05-07")]
    follow_up = (
        "A year after the Valdora earthquake collapsed apartment blocks, families still wait for them to be rebuilt "
        "while the city argues over building codes."
    )
    # With no date, a later piece on the same subject is not the same happening.
    loose = cluster_both(dated + [make_article("later", "Metro", follow_up)])
    assert loose["quake-0"][0] is not None
    assert loose["later"] == (None, loose["quake-0"][1])
    # A retelling of the happening itself joins its event.
    close = cluster_both(dated + [make_article("retold", "Metro", QUAKE[2])])
    assert close["retold"] == close["quake-0"]
