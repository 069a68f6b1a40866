from __future__ import annotations

import pytest

from store import QuerySyntaxError
from store.query import Term, parse_query


def test_words_phrases_exclusions_and_or():
    parsed = parse_query('bucha "torture room" -putin kyiv OR kiev')
    assert parsed.groups == [[Term("bucha")], [Term("torture room", phrase=True)], [Term("kyiv"), Term("kiev")]]
    assert parsed.excluded == [Term("putin")]


def test_typographic_quotes_make_phrases_and_empty_query_is_empty():
    assert parse_query("“war crimes”").groups == [[Term("war crimes", phrase=True)]]
    assert parse_query("   ").is_empty


@pytest.mark.parametrize("text", ['"unclosed phrase', "OR kyiv", "kyiv OR", "a OR OR b", "a OR -b"])
def test_unreadable_queries_raise_a_message(text):
    with pytest.raises(QuerySyntaxError) as error:
        parse_query(text)
    assert str(error.value)
