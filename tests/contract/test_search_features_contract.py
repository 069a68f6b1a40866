"""Contract for the search features readers rely on beyond words and
filters: prefixes, operators, entity aliases, forgiving facet filters, facet
listings and exports. Invented articles; every backend must agree."""

from __future__ import annotations

import pytest

from store.interface import QuerySyntaxError
from store.records import EnrichedArticle, Entity, SearchRequest


def entity(name: str, label: str, text: str | None = None) -> Entity:
    written = text or name
    return Entity(written, label, 0, len(written), name)


def corpus() -> list[EnrichedArticle]:
    return [
        EnrichedArticle(
            id="a1",
            outlet="Harbour Gazette",
            published="2024-03-01",
            title="Flood barrier fails in Kraków",
            text="The barrier in Kraków failed overnight. Mayor Taras Hrushevskyy visited the district.",
            entities=[entity("Kraków", "GPE"), entity("Taras Hrushevskyy", "PERSON"), entity("Vistula Board", "ORG")],
            aliases={"Kraków": ["Cracow", "Krakau"], "Taras Hrushevskyy": ["Hrushevsky", "Taras Hrushevsky"]},
        ),
        EnrichedArticle(
            id="a2",
            outlet="Édition Côtière",
            published="2024-03-02",
            title="Cracow residents return",
            text="Residents returned to their homes in Cracow on Wednesday after the water fell.",
            entities=[entity("Kraków", "GPE", "Cracow")],
            aliases={"Kraków": ["Cracow", "Krakau"]},
        ),
        EnrichedArticle(
            id="a3",
            outlet="Harbour Gazette",
            published="2024-03-05",
            title="Harbour dredging begins",
            text="Dredging of the old harbour began, the Vistula Board said, a week after the flood in the south.",
            entities=[entity("Vistula Board", "ORG")],
        ),
    ]


@pytest.fixture
def filled(store):
    store.index(corpus())
    return store


def ids(response) -> set[str]:
    return {h.id for h in response.hits}


def test_prefix_search_folds_case_and_accents(filled):
    # a2 writes "Cracow": the prefix also reaches the stored name "Kraków".
    assert ids(filled.search(SearchRequest(q="krak*"))) == {"a1", "a2"}
    assert ids(filled.search(SearchRequest(q="krak*", alias_mode="never"))) == {"a1"}
    assert ids(filled.search(SearchRequest(q="Dredg*"))) == {"a3"}


def test_and_not_and_parentheses_are_operators(filled):
    assert ids(filled.search(SearchRequest(q="flood AND NOT barrier"))) == {"a3"}
    assert ids(filled.search(SearchRequest(q="(dredging OR residents) NOT harbour"))) == {"a2"}
    assert ids(filled.search(SearchRequest(q="NOT flood"))) == {"a2"}


def test_unsupported_syntax_is_an_error_not_everything(filled):
    for text in ("(", "*", "~", "flood~"):
        with pytest.raises(QuerySyntaxError):
            filled.search(SearchRequest(q=text))


def test_an_alias_finds_the_articles_naming_the_entity_and_says_so(filled):
    found = filled.search(SearchRequest(q="Hrushevsky"))
    assert ids(found) == {"a1"}
    assert found.alias_matches == [{"term": "Hrushevsky", "names": ["Taras Hrushevskyy"], "articles": 1}]
    # The canonical spelling in the text needs no alias, and says nothing.
    assert filled.search(SearchRequest(q="Hrushevskyy")).alias_matches == []
    # "Cracow" is written in a2, and an alias of Kraków in a1.
    assert ids(filled.search(SearchRequest(q="cracow"))) == {"a1", "a2"}
    # The report counts within the search's own filters: a2's outlet alone has no alias match.
    cracow = filled.search(SearchRequest(q="cracow"))
    assert cracow.alias_matches == [{"term": "cracow", "names": ["Kraków"], "articles": 1}]
    assert filled.search(SearchRequest(q="cracow", filters={"outlet": ["Édition Côtière"]})).alias_matches == []


def test_facet_filters_accept_other_spellings_and_show_the_stored_value(filled):
    r = filled.search(SearchRequest(filters={"outlet": ["harbour gazette"]}))
    assert ids(r) == {"a1", "a3"} and r.filters == {"outlet": ["Harbour Gazette"]}
    r = filled.search(SearchRequest(filters={"outlet": ["edition cotiere"]}))
    assert ids(r) == {"a2"} and r.filters == {"outlet": ["Édition Côtière"]}
    r = filled.search(SearchRequest(filters={"place": ["Krakau"]}))
    assert ids(r) == {"a1", "a2"} and r.filters == {"place": ["Kraków"]}
    assert filled.search(SearchRequest(filters={"outlet": ["No Such Outlet"]})).total == 0


def test_a_spelling_left_only_by_deleted_articles_is_read_forgivingly(store):
    # The exact typed value was stored once, by an article since deleted (in
    # the same write as the others, so its terms stay in the index until a
    # merge): the filter must not take it as existing (it would find nothing).
    store.index([*corpus(), EnrichedArticle(id="a4", outlet="harbour gazette", title="Gone", text="Withdrawn.")])
    store.delete(["a4"])
    r = store.search(SearchRequest(filters={"outlet": ["harbour gazette"]}))
    assert ids(r) == {"a1", "a3"} and r.filters == {"outlet": ["Harbour Gazette"]}


def test_facet_filters_narrow_the_hits_without_reordering_them(store):
    # Relevance differs by article (text length, how often "flood" occurs);
    # the people's lists differ in length, and some articles name both people
    # filtered on: a filter must add the same to every hit's score, if anything.
    articles = []
    for n in range(12):
        people = ["Ada Brook", "Cal Dunn", *[f"Extra {k}" for k in range(n % 4)]][: 1 + n % 3]
        text = "flood " * (1 + n % 5) + "water rose along the river bank " * (1 + n % 7)
        articles.append(
            EnrichedArticle(
                id=f"f{n}",
                outlet="Harbour Gazette",
                title=f"Report {n}",
                text=text,
                entities=[entity(name, "PERSON") for name in people],
            )
        )
    store.index(articles)
    unfiltered = store.search(SearchRequest(q="flood", size=20)).hits
    for people in (["Ada Brook"], ["Cal Dunn"], ["Ada Brook", "Cal Dunn"]):
        filtered = store.search(SearchRequest(q="flood", size=20, filters={"person": people})).hits
        named = {a.id for a in articles if set(people) & set(a.people())}
        assert [h.id for h in filtered] == [h.id for h in unfiltered if h.id in named]
        score_of = {h.id: h.score for h in unfiltered}
        offsets = {round(h.score - score_of[h.id], 4) for h in filtered}
        assert len(offsets) == 1, offsets


def test_org_facet(filled):
    r = filled.search(SearchRequest())
    assert {v.value: v.count for v in r.facets["org"]} == {"Vistula Board": 2}
    assert ids(filled.search(SearchRequest(filters={"org": ["vistula board"]}))) == {"a1", "a3"}


def test_facet_values_contains_page_and_total(filled):
    page = filled.facet_values(SearchRequest(), "outlet", contains="GAZ")
    assert [(v.value, v.count) for v in page.values] == [("Harbour Gazette", 2)] and page.total == 1
    page = filled.facet_values(SearchRequest(), "outlet", contains="cotiere")
    assert [v.value for v in page.values] == ["Édition Côtière"]
    first = filled.facet_values(SearchRequest(), "outlet", size=1)
    second = filled.facet_values(SearchRequest(), "outlet", page=2, size=1)
    assert first.total == second.total == 2
    assert [v.value for v in first.values + second.values] == ["Harbour Gazette", "Édition Côtière"]
    scoped = filled.facet_values(SearchRequest(q="residents"), "place")
    assert [(v.value, v.count) for v in scoped.values] == [("Kraków", 1)]


def test_iter_hits_streams_every_match_with_filters(filled):
    hits = list(filled.iter_hits(SearchRequest(filters={"outlet": ["Harbour Gazette"]}, sort="date"), limit=10))
    assert [h.id for h in hits] == ["a3", "a1"]
    assert len(list(filled.iter_hits(SearchRequest(), limit=2))) == 2


def test_required_values_narrow_hits_and_every_facet(filled):
    r = filled.search(SearchRequest(require={"place": ["Kraków"]}))
    assert ids(r) == {"a1", "a2"}
    assert {v.value for v in r.facets["place"]} == {"Kraków"}
    assert {v.value: v.count for v in r.facets["org"]} == {"Vistula Board": 1}


def test_stories_newest_first(store):
    articles = corpus()
    articles[0].story, articles[1].story, articles[2].story = "early", "early", "late"
    store.index(articles)
    assert store.stories_by_latest(10) == [("late", "2024-03-05", 1), ("early", "2024-03-02", 2)]


def test_alias_report_counts_within_the_search(filled):
    # "cracow" is written in a2 and is only an alias in a1; "flood" narrows to a1 (and a3, which names neither).
    found = filled.search(SearchRequest(q="cracow flood"))
    assert ids(found) == {"a1"}
    assert found.alias_matches == [{"term": "cracow", "names": ["Kraków"], "articles": 1}]
    either = filled.search(SearchRequest(q="cracow OR dredging"))
    assert ids(either) == {"a1", "a2", "a3"}
    assert either.alias_matches == [{"term": "cracow", "names": ["Kraków"], "articles": 1}]
