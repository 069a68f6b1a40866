"""One contract for both backends: what the indexer and the portal rely on.

The articles are small, invented and chosen so each behaviour has exactly
one right answer (which articles match, how each facet counts)."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from store.interface import QuerySyntaxError
from store.records import SNIPPET_CHARS, EnrichedArticle, Entity, Quote, SearchRequest

BUCHA = "Bodies were found in the streets of Bucha after Russian troops withdrew from the town near Kyiv."


def person(name: str) -> Entity:
    return Entity(name, "PERSON", 0, len(name), name)


def place(name: str) -> Entity:
    return Entity(name, "GPE", 0, len(name), name)


def corpus() -> list[EnrichedArticle]:
    return [
        EnrichedArticle(
            id="bbc-1",
            outlet="BBC",
            published="2022-04-03",
            title="Bucha: bodies found after retreat",
            text=BUCHA + " President Volodymyr Zelensky called it genocide. \u201cThis is genocide,\u201d he said.",
            entities=[person("Volodymyr Zelensky"), place("Bucha"), place("Kyiv")],
            quotes=[Quote("This is genocide,", 0, 17, "he", "Volodymyr Zelensky")],
            story="bucha",
        ),
        EnrichedArticle(
            id="ind-1",
            outlet="The Independent",
            published="2022-04-04",
            title="War crimes inquiry in Bucha",
            text=BUCHA + " Investigators are gathering evidence of war crimes. Zelensky visited the town.",
            entities=[person("Volodymyr Zelensky"), place("Bucha")],
            story="bucha",
        ),
        EnrichedArticle(
            id="metro-1",
            outlet="Metro",
            published="2022-05-10",
            title="Torture room discovered",
            text="A torture room was discovered in a basement in Bucha, according to local officials and Kyiv police.",
            entities=[place("Bucha"), place("Kyiv")],
            story=None,
        ),
        EnrichedArticle(
            id="bbc-2",
            outlet="BBC",
            published="2021-11-20",
            title="Football results",
            text="Arsenal beat Chelsea in the derby, with a late goal deciding an otherwise quiet match in London.",
            entities=[place("London")],
            story=None,
        ),
    ]


@pytest.fixture
def filled(store):
    report = store.index(corpus())
    assert sorted(report.indexed) == ["bbc-1", "bbc-2", "ind-1", "metro-1"] and report.failed == {}
    return store


def ids(response) -> set[str]:
    return {h.id for h in response.hits}


def facet(response, name: str) -> dict[str, tuple[int, bool]]:
    return {v.value: (v.count, v.selected) for v in response.facets[name]}


def test_index_and_get_round_trip(filled):
    assert filled.get("metro-1") == corpus()[2]
    assert filled.get("nope") is None
    assert [a.id for a in filled.get_many(["ind-1", "nope", "bbc-1"])] == ["ind-1", "bbc-1"]


def test_indexing_again_overwrites_by_id(filled):
    changed = corpus()[0]
    changed.title = "Updated title"
    assert filled.index([changed]).indexed == ["bbc-1"]
    assert filled.get("bbc-1").title == "Updated title"
    assert filled.stats()["articles"] == 4


def test_search_words_phrases_exclusion_or(filled):
    assert ids(filled.search(SearchRequest(q="bucha"))) == {"bbc-1", "ind-1", "metro-1"}
    assert ids(filled.search(SearchRequest(q='"torture room"'))) == {"metro-1"}
    assert ids(filled.search(SearchRequest(q="bucha -genocide"))) == {"ind-1", "metro-1"}
    assert ids(filled.search(SearchRequest(q="genocide OR arsenal"))) == {"bbc-1", "bbc-2"}
    assert ids(filled.search(SearchRequest(q="BUCHA"))) == ids(filled.search(SearchRequest(q="bucha")))
    assert filled.search(SearchRequest(q="")).total == 4


def test_bad_query_is_a_syntax_error(filled):
    with pytest.raises(QuerySyntaxError):
        filled.search(SearchRequest(q='"unclosed'))


def test_unknown_filter_is_refused_on_both_backends(filled):
    with pytest.raises(QuerySyntaxError, match="Unknown filter 'colour'"):
        filled.search(SearchRequest(filters={"colour": ["red"]}))
    assert filled.search(SearchRequest(filters={"colour": []})).total == 4  # nothing selected: nothing to refuse


def test_size_zero_counts_without_hits(filled):
    r = filled.search(SearchRequest(q="bucha", size=0))
    assert r.total == 3 and r.hits == [] and facet(r, "outlet")["BBC"] == (1, False)


def test_filters_or_within_and_across_facets(filled):
    r = filled.search(SearchRequest(filters={"outlet": ["BBC", "Metro"]}))
    assert ids(r) == {"bbc-1", "bbc-2", "metro-1"}
    r = filled.search(SearchRequest(filters={"outlet": ["BBC", "Metro"], "place": ["Kyiv"]}))
    assert ids(r) == {"bbc-1", "metro-1"}


def test_each_facet_counts_with_all_filters_but_its_own(filled):
    r = filled.search(SearchRequest(q="bucha", filters={"outlet": ["BBC"], "person": ["Volodymyr Zelensky"]}))
    assert ids(r) == {"bbc-1"} and r.total == 1
    # outlet counts: query + person filter, not the outlet filter
    assert facet(r, "outlet") == {"BBC": (1, True), "The Independent": (1, False)}
    # person counts: query + outlet filter
    assert facet(r, "person") == {"Volodymyr Zelensky": (1, True)}
    # place counts: every filter
    assert facet(r, "place") == {"Bucha": (1, False), "Kyiv": (1, False)}


def test_facet_counts_are_exact_across_separate_writes(store):
    # Each index() call is its own segment on the embedded backend. "Xavier
    # Quill" is in one article of the first write (outranked there by ten
    # names in two articles each) and in two of the second: three in all.
    crowd = [person(f"Person {n:02d}") for n in range(10)]
    first = [EnrichedArticle(id=f"a{i}", text="first write", entities=crowd) for i in range(2)]
    first.append(EnrichedArticle(id="a2", text="first write", entities=[person("Xavier Quill")]))
    store.index(first)
    store.index([EnrichedArticle(id=f"b{i}", text="second write", entities=[person("Xavier Quill")]) for i in range(2)])
    top = store.search(SearchRequest(facet_size=1)).facets["person"]
    assert [(v.value, v.count) for v in top] == [("Xavier Quill", 3)]
    # Equal counts: the first values alphabetically make the cut.
    top = store.search(SearchRequest(q="first", facet_size=2)).facets["person"]
    assert [(v.value, v.count) for v in top] == [("Person 00", 2), ("Person 01", 2)]


def test_selected_value_with_no_results_stays_visible(filled):
    r = filled.search(SearchRequest(q="arsenal", filters={"outlet": ["Metro"]}))
    assert r.total == 0
    assert facet(r, "outlet")["Metro"] == (0, True)


def test_dates_sort_and_paging(filled):
    r = filled.search(SearchRequest(date_from="2022-04-04", date_to="2022-12-31"))
    assert ids(r) == {"ind-1", "metro-1"}
    newest = filled.search(SearchRequest(sort="date", size=2))
    assert [h.id for h in newest.hits] == ["metro-1", "ind-1"] and newest.total == 4
    second = filled.search(SearchRequest(sort="date", size=2, page=2))
    assert [h.id for h in second.hits] == ["bbc-1", "bbc-2"] and second.page == 2


def test_histogram_by_month(filled):
    r = filled.search(SearchRequest(q="bucha"))
    assert r.histogram == [{"date": "2022-04", "count": 2}, {"date": "2022-05", "count": 1}]


def test_story_and_ids_restrictions(filled):
    assert ids(filled.search(SearchRequest(story="bucha"))) == {"bbc-1", "ind-1"}
    assert ids(filled.search(SearchRequest(ids=["metro-1", "bbc-2", "nope"]))) == {"metro-1", "bbc-2"}
    assert filled.search(SearchRequest(ids=[])).total == 0


def test_highlight_marks_matches_in_escaped_html(store):
    article = corpus()[2]
    article.text = "Officials said <script>alert(1)</script> a torture room was found in Bucha."
    store.index([article])
    hit = store.search(SearchRequest(q="torture")).hits[0]
    # snippet_html is for HTML pages: escaped, matches in <mark>.
    assert "<mark>torture</mark>" in hit.snippet_html
    assert "<script>" not in hit.snippet_html and "&lt;script&gt;" in hit.snippet_html
    # snippet is plain text (exports, JSON clients), highlights are offsets into it.
    assert "<script>alert(1)</script>" in hit.snippet and "<mark>" not in hit.snippet
    assert [hit.snippet[start:end] for start, end in hit.highlights] == ["torture"]


def _visible(snippet: str) -> str:
    """What a reader sees of a snippet: its text without the <mark> tags."""
    return Markup(snippet).striptags()


def test_snippets_are_about_snippet_chars_long_on_every_backend(store):
    # A long invented body: many short sentences, one of them with the word.
    filler = [f"Sentence {n} of the council report covers the river works in some detail." for n in range(60)]
    filler[30] = "The council approved the new floodgate after a long debate about its cost."
    article = corpus()[3]
    article.text = " ".join(filler)
    store.index([article])
    matched = store.search(SearchRequest(q="floodgate")).hits[0].snippet_html
    browsed = store.search(SearchRequest()).hits[0].snippet_html  # no words: the opening of the body
    assert "<mark>floodgate</mark>" in matched
    for snippet in (matched, browsed):
        # A fragment ends at a word boundary, and the opening words may end with an ellipsis.
        assert SNIPPET_CHARS // 2 <= len(_visible(snippet)) <= SNIPPET_CHARS + 20, snippet
    assert _visible(browsed).startswith("Sentence 0 of the council report")


def test_delete(filled):
    assert filled.delete(["bbc-2", "nope", "bbc-2"]) == 1
    assert filled.get("bbc-2") is None
    assert filled.search(SearchRequest(q="arsenal")).total == 0
    assert filled.delete([]) == 0


def test_scan_returns_everything(filled):
    assert sorted(a.id for a in filled.scan()) == ["bbc-1", "bbc-2", "ind-1", "metro-1"]


def test_set_stories_counts_changes_and_is_searchable(filled):
    assert filled.set_stories({"metro-1": "bucha", "bbc-1": "bucha", "nope": "x"}) == 1
    assert ids(filled.search(SearchRequest(story="bucha"))) == {"bbc-1", "ind-1", "metro-1"}
    assert filled.set_stories({"metro-1": None}) == 1
    assert filled.get("metro-1").story is None


def test_more_like_this_finds_the_same_event_not_itself(filled):
    similar = [i for i, _ in filled.more_like_this("bbc-1", size=3)]
    assert "bbc-1" not in similar
    assert similar[0] == "ind-1"
    assert "bbc-2" not in similar[:2]
    windowed = [i for i, _ in filled.more_like_this("bbc-1", size=3, date_window_days=2)]
    assert "metro-1" not in windowed  # five weeks later
    assert filled.more_like_this("nope") == []


def test_reindex_keeps_everything_searchable(filled):
    result = filled.reindex()
    assert result["articles"] == 4
    assert ids(filled.search(SearchRequest(q="bucha"))) == {"bbc-1", "ind-1", "metro-1"}
    assert filled.get("ind-1") == corpus()[1]


def test_compact_keeps_everything_searchable(filled):
    filled.set_stories({"metro-1": "bucha"})  # a rewrite after the first write: a second segment
    result = filled.compact()
    assert result["segments_after"] <= result["segments_before"]
    assert ids(filled.search(SearchRequest(q="bucha"))) == {"bbc-1", "ind-1", "metro-1"}
    assert ids(filled.search(SearchRequest(story="bucha"))) == {"bbc-1", "ind-1", "metro-1"}
    assert filled.get("ind-1") == corpus()[1]
    assert filled.stats()["articles"] == 4


def test_compact_makes_the_story_changes_it_is_given(filled):
    """`parallax index` hands the grouping's changes to the compaction after a
    fresh run: they must land as `set_stories` would have made them."""
    filled.set_stories({"metro-1": "bucha"})  # a second segment, so both backends merge
    result = filled.compact({"metro-1": "bucha-2", "bbc-1": "bucha"}, threads={"metro-1": "war", "bbc-1": None})
    assert result["stories_changed"] == 1  # bbc-1 was already in "bucha" with no thread
    assert ids(filled.search(SearchRequest(story="bucha-2"))) == {"metro-1"}
    assert ids(filled.search(SearchRequest(story="bucha"))) == {"bbc-1", "ind-1"}
    assert ids(filled.search(SearchRequest(thread="war"))) == {"metro-1"}
    assert (filled.get("metro-1").story, filled.get("metro-1").thread) == ("bucha-2", "war")
    assert filled.get("ind-1") == corpus()[1]


def test_stats(filled):
    stats = filled.stats()
    assert (stats["articles"], stats["outlets"], stats["stories"]) == (4, 3, 1)
    assert (stats["first_published"], stats["last_published"]) == ("2021-11-20", "2022-05-10")


def test_quotes_by_a_speaker_that_mention_words(filled):
    found = filled.search_quotes("Volodymyr Zelensky", "genocide")
    assert [(article_id, quote.text) for article_id, quote in found] == [("bbc-1", "This is genocide,")]
    # "evidence" is in an article where Zelensky is named, but not in his quote.
    assert filled.search_quotes("Volodymyr Zelensky", "evidence") == []


def test_threads_are_set_with_stories_and_searchable(filled):
    assert filled.set_stories({"metro-1": "bucha-2"}, threads={"metro-1": "war", "bbc-1": "war"}) == 2
    assert ids(filled.search(SearchRequest(thread="war"))) == {"metro-1", "bbc-1"}
    assert (filled.get("metro-1").story, filled.get("metro-1").thread) == ("bucha-2", "war")
    assert filled.get("bbc-1").story == "bucha"  # only its thread was given
    assert filled.set_stories({}, threads={"bbc-1": "war"}) == 0


def test_set_stories_changes_only_story_and_thread(filled):
    before = {a.id: a for a in filled.scan()}
    assert filled.set_stories({"bbc-2": "s-new", "bbc-1": None}, threads={"bbc-2": "t-new"}) == 2
    after = {a.id: a for a in filled.scan()}
    assert (after["bbc-2"].story, after["bbc-2"].thread) == ("s-new", "t-new")
    assert after["bbc-1"].story is None
    for article_id, article in before.items():
        expected = {**article.to_dict(), **{k: after[article_id].to_dict()[k] for k in ("story", "thread")}}
        assert after[article_id].to_dict() == expected  # text, dates, entities, quotes kept
    assert ids(filled.search(SearchRequest(q="arsenal"))) == {"bbc-2"}  # its text is still indexed
    assert filled.stats()["articles"] == 4
