from __future__ import annotations

import pytest

from store import QuerySyntaxError
from store.query import And, Not, Or, Term, names_only, parse_query


def test_words_phrases_exclusions_and_or():
    parsed = parse_query('bucha "torture room" -putin kyiv OR kiev')
    assert parsed.root == And(
        (
            Term("bucha"),
            Term("torture room", phrase=True),
            Not(Term("putin")),
            Or((Term("kyiv"), Term("kiev"))),
        )
    )
    assert parsed.positive_terms() == [Term("bucha"), Term("torture room", phrase=True), Term("kyiv"), Term("kiev")]


def test_typographic_quotes_make_phrases_and_empty_query_is_empty():
    assert parse_query("“war crimes”").root == Term("war crimes", phrase=True)
    assert parse_query("   ").is_empty


def test_and_not_are_operators_and_lower_case_words_are_words():
    assert parse_query("kyiv AND NOT kiev").root == And((Term("kyiv"), Not(Term("kiev"))))
    assert parse_query("war and peace").root == And((Term("war"), Term("and"), Term("peace")))


def test_parentheses_group_alternatives():
    parsed = parse_query('(kyiv OR kiev) AND ("war crimes" OR genocide) -(putin OR kremlin)')
    assert parsed.root == And(
        (
            Or((Term("kyiv"), Term("kiev"))),
            Or((Term("war crimes", phrase=True), Term("genocide"))),
            Not(Or((Term("putin"), Term("kremlin")))),
        )
    )


def test_prefix_search():
    assert parse_query("Krak*").root == Term("Krak", prefix=True)


@pytest.mark.parametrize(
    "text",
    [
        '"unclosed phrase',
        "OR kyiv",
        "kyiv OR",
        "a OR OR b",
        "a OR -b",
        "(",
        ")",
        "(kyiv",
        "kyiv)",
        "()",
        "*",
        "a*",
        "~",
        "kyiv~2",
        "kiev^3",
        "k*v",
        "title:bucha",
        "AND",
        "kyiv AND",
        "NOT",
    ],
)
def test_unreadable_queries_raise_a_message(text):
    with pytest.raises(QuerySyntaxError) as error:
        parse_query(text)
    assert len(str(error.value)) > 20


def test_names_only_narrows_the_query_by_one_term():
    parsed = names_only(parse_query("(kiev OR kyiv) -russia"), "kiev")
    assert parsed.root == And(
        (
            And((Or((Term("kiev"), Term("kyiv"))), Not(Term("russia")))),
            Term("kiev", names_only=True),
        )
    )
    assert names_only(parse_query("kyiv"), "absent").root == Term("kyiv")


def test_names_only_of_a_query_of_that_one_term_is_the_narrowing_alone():
    """Every article found through the other names alone matches the query
    itself, so the query is not evaluated a second time, unless the query
    does not search the other names (then nothing matches both)."""
    assert names_only(parse_query('"kyiv city"'), "kyiv city").root == Term("kyiv city", phrase=True, names_only=True)
    assert names_only(parse_query("kyiv"), "kyiv", expands_aliases=False).root == And(
        (Term("kyiv"), Term("kyiv", names_only=True))
    )
