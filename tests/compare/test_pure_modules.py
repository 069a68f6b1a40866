"""The comparison logic on hand-built articles: alignment, quotes,
matrices, framing. No store, no Flask."""

from __future__ import annotations

from compare_builders import make_article

from portal.compare.align import align
from portal.compare.comparison import build_comparison, column_labels
from portal.compare.framing import framing
from portal.compare.matrix import entity_matrix
from portal.compare.quotes import link_quotes, quote_refs, same_quote, speaker_matrix, wording_diff
from portal.compare.text import split_sentences

A_TEXT = (
    "Flood defences failed in Riverton on Tuesday, forcing 340 residents from their homes.\n"
    '"The barrier did not do what it was built to do," said deputy mayor Anna Kowal.\n'
    "The company that built the panels said it would cooperate with a review.\n"
    "Plans for a permanent embankment have been delayed for years."
)
B_TEXT = (
    "About 340 people were evacuated in Riverton after a flood barrier gave way early on Tuesday.\n"
    "“The barrier didn’t do what it was built to do, and we will find out why,” Mrs Kowal told reporters.\n"
    "Residents said the water rose within minutes.\n"
    "The Independent has not verified the allegations, which the company allegedly denied."
)


def _pair():
    a = make_article(
        "a1",
        "Civic Wire",
        A_TEXT,
        published="2025-03-04",
        people=("Anna Kowal",),
        places=("Riverton",),
        quotes=(("The barrier did not do what it was built to do,", "deputy mayor Anna Kowal"),),
    )
    b = make_article(
        "b1",
        "Daily Post",
        B_TEXT,
        published="2025-03-05",
        people=("Anna Kowal",),
        places=("Riverton",),
        quotes=(("The barrier didn’t do what it was built to do, and we will find out why,", "Mrs Kowal"),),
    )
    return a, b


def test_sentences_keep_offsets_and_skip_abbreviations():
    text = "Mr. Smith arrived at 9 a.m. on Monday. He left.\nU.S. officials agreed!"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Mr. Smith arrived at 9 a.m. on Monday.",
        "He left.",
        "U.S. officials agreed!",
    ]


def test_paraphrased_fact_is_aligned_and_unshared_sentences_are_own():
    a, b = _pair()
    alignment = align([a, b])
    pairs = {(m[0][1], m[1][1]) for m in (g.members for g in alignment.groups)}
    # The lede (paraphrased: evacuated / forced from homes, 340, Riverton) and the quote line match...
    assert (0, 0) in pairs and (1, 1) in pairs
    # ...the embankment and the residents' sentence are each outlet's own.
    assert 3 in alignment.own(0) and 2 in alignment.own(1)
    assert all(len({art for art, _ in g.members}) == 2 for g in alignment.groups)


def test_alignment_is_one_to_one_per_outlet_pair():
    a = make_article(
        "a",
        "A",
        "Rebels seized the airport in Goma on Sunday. Rebels seized the airport in Goma, officials said.",
        places=("Goma",),
    )
    b = make_article("b", "B", "The airport in Goma was seized by rebels on Sunday.", places=("Goma",))
    alignment = align([a, b])
    assert len(alignment.groups) == 1
    assert len(alignment.own(0)) == 1


def test_unrelated_articles_share_no_passage():
    a = make_article("a", "A", "The central bank raised interest rates by half a point to fight inflation.")
    b = make_article("b", "B", "A wildfire forced the evacuation of a mountain town as crews fought the flames.")
    assert align([a, b]).groups == []


def test_same_quote_survives_typography_and_partial_quoting():
    assert same_quote("It’s hard to say what comes next", "It's hard to say what comes next")
    long = "Nobody should doubt that the council will change its plans, which have included closing two libraries"
    assert same_quote("the council will change its plans, which have included closing two libraries", long)
    assert not same_quote("We will rebuild the town", "The river rose faster than anyone expected")


def test_shared_quote_is_linked_with_wording_difference_and_speakers_merged():
    a, b = _pair()
    refs = quote_refs([a, b])
    groups = link_quotes(refs)
    shared = [g for g in groups if len(g) > 1]
    assert len(shared) == 1
    ops = wording_diff(shared[0][0].quote.text, shared[0][1].quote.text)
    changed = [o for o in ops if o["op"] != "equal"]
    assert any("did not" in o["a"] and "didn't" in o["b"] for o in changed)
    assert any("find out why" in o["b"] for o in changed)
    # "Mrs Kowal" and "deputy mayor Anna Kowal" are one speaker, quoted in both outlets.
    matrix = speaker_matrix(refs, 2)
    assert matrix[0] == {"speaker": "Anna Kowal", "counts": [1, 1]}


def test_wording_diff_ignores_curly_apostrophes():
    assert [o["op"] for o in wording_diff("It’s over", "It's over")] == ["equal"]


def test_entity_matrix_counts_mentions_per_outlet_widest_first():
    a, b = _pair()
    c = make_article("c1", "Gazette", "Officials in Springfield met on Tuesday.", places=("Springfield",))
    matrix = entity_matrix([a, b, c])
    places = {row["name"]: row["counts"] for row in matrix["place"]}
    assert places == {"Riverton": [1, 1, 0], "Springfield": [0, 0, 1]}
    assert matrix["place"][0]["name"] == "Riverton"
    assert matrix["person"][0]["counts"] == [1, 1, 0]


def test_framing_counts_hedging_and_attribution_with_context():
    _, b = _pair()
    f = framing(b)
    assert f["counts"]["not verified"] == 1
    assert f["counts"]["alleged / allegedly"] == 2  # "allegations", "allegedly"
    assert f["counts"]["told"] == 1 and f["counts"]["said / says"] == 1
    assert f["lede"].startswith("About 340 people")
    hit = next(h for h in f["hits"] if h["label"] == "not verified")
    assert hit["sentence"][hit["start"] : hit["end"]] == "has not verified"
    assert f["per_1000_words"]["hedging"] > 0


def test_columns_are_numbered_when_an_outlet_appears_twice():
    a, b = _pair()
    a2 = make_article("a2", "Civic Wire", "Another story entirely about rates.")
    assert column_labels([a, b, a2]) == ["Civic Wire (1)", "Daily Post", "Civic Wire (2)"]


def test_build_comparison_needs_two_articles_and_is_json_ready():
    import json

    import pytest

    a, b = _pair()
    with pytest.raises(ValueError):
        build_comparison([a])
    result = build_comparison([a, b])
    json.dumps(result)  # the API returns it as is
    assert [x["id"] for x in result["articles"]] == ["a1", "b1"]
    assert result["dates"] == {"first": "2025-03-04", "last": "2025-03-05", "undated": 0}
    shared = [g for g in result["quotes"]["groups"] if g["shared"]]
    assert shared and {m["column"] for m in shared[0]["members"]} == {0, 1}
    assert result["passages"]["own_counts"] == [
        len(result["passages"]["sentences"][0]) - len(result["passages"]["groups"]),
        len(result["passages"]["sentences"][1]) - len(result["passages"]["groups"]),
    ]
