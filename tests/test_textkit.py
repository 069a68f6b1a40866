"""The shared text toolkit: what both story grouping and alignment rely on."""

from __future__ import annotations

from textkit import UnionFind, content_words, equivalent_name, first_sentence, split_sentences, stem
from textkit.names import government_key


def test_sentences_split_at_ends_and_line_breaks_not_after_titles():
    text = "Mr. Smith arrived. He said “no.” Then he left\nA new line."
    spans = [text[a:b] for a, b in split_sentences(text)]
    assert spans == ["Mr. Smith arrived.", "He said “no.”", "Then he left", "A new line."]
    assert first_sentence("\n\n  First one. Second.") == "First one."


def test_stems_and_content_words_drop_function_and_reporting_words():
    assert stem("killed") == stem("killing") == stem("kills") == "kill"
    assert content_words("Officials said the soldiers were killed") == ["official", "soldier", "kill"]


def test_names_that_stand_for_one_government_share_a_key():
    assert government_key("the Kremlin") == government_key("Moscow") == government_key("Russia") == "gov:RU"
    assert government_key("Kiev") == government_key("Kyiv") == "gov:UA"
    assert government_key("Bucharest") != government_key("Moscow")
    assert government_key("a small town") is None
    # An entity's canonical id, when known, is its key: two spellings, one place.
    assert equivalent_name("Kiev", "geonames:703448") & equivalent_name("Kyiv", "geonames:703448")


def test_union_find_keeps_the_first_root_and_lists_groups():
    sets: UnionFind[str] = UnionFind(["a", "b", "c", "d"])
    assert sets.union("a", "b") == "a"
    sets.union("c", "b")
    assert sets.find("c") == "c" and sets.find("b") == "c"
    assert sorted(map(sorted, sets.groups().values())) == [["a", "b", "c"], ["d"]]
