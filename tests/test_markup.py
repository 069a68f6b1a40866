from __future__ import annotations

from portal.markup import mark_up
from store.records import Entity, Quote


def test_quotes_and_entities_marked_and_text_escaped():
    text = 'Ana Lima said: "Rio <b>floods</b> again."\nIt rained.'
    start = text.index("Rio")
    html = mark_up(
        text,
        [Entity("Ana Lima", "PERSON", 0, 8, "Ana Lima"), Entity("Rio", "GPE", start, start + 3, "Rio de Janeiro")],
        [Quote("Rio <b>floods</b> again.", start, text.index('"', start), "Ana Lima")],
    )
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert html.count("<p>") == 2
    assert '<mark class="ent ent-PERSON"' in html
    assert html.index('<q class="quote"') < html.index('<mark class="ent ent-GPE"') < html.index("</q>")


def test_quote_over_two_paragraphs_is_marked_in_both():
    text = "First part\nsecond part"
    html = mark_up(text, [], [Quote(text, 0, len(text))])
    assert html.count('<q class="quote"') == 2


def test_entity_crossing_a_quote_boundary_is_not_marked():
    text = "abc def ghi"
    html = mark_up(text, [Entity("c de", "PERSON", 2, 6, "x")], [Quote("def", 4, 7)])
    assert "<mark" not in html and "<q" in html
