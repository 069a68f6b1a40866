"""Quote finding and speaker attribution, on text written for these tests."""
from __future__ import annotations

from indexer.enrich.extract import Extractor


def _quotes(extractor: Extractor, text: str):
    return extractor.extract(text)[1]


def test_offsets_index_the_quoted_words_without_marks(offline: Extractor) -> None:
    text = 'The mayor arrived late. \u201cWe will rebuild the bridge,\u201d Mayor Helen Ortiz said on Tuesday.'
    [quote] = _quotes(offline, text)
    assert text[quote.start:quote.end] == quote.text == "We will rebuild the bridge"
    assert quote.speaker == "Helen Ortiz"
    assert quote.speaker_canonical == "Helen Ortiz" and quote.speaker_id == "person:helen-ortiz"


def test_straight_single_and_said_before_forms(offline: Extractor) -> None:
    text = ("Carlos Mendes spoke to reporters outside. He told the Herald: 'The water rose in minutes.'\n"
            'A spokesman said: "The road will stay closed until Friday."')
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == ["The water rose in minutes.", "The road will stay closed until Friday."]
    assert quotes[0].speaker_canonical == "Carlos Mendes"  # "He" resolved
    assert quotes[1].speaker == "A spokesman" and quotes[1].speaker_canonical is None


def test_apostrophes_never_close_a_single_quote(offline: Extractor) -> None:
    text = "\u2018The farmers\u2019 fields are gone and the children\u2019s school didn\u2019t open,\u2019 said Ana Ruiz."
    [quote] = _quotes(offline, text)
    assert quote.text == "The farmers\u2019 fields are gone and the children\u2019s school didn\u2019t open"
    assert quote.speaker == "Ana Ruiz"


def test_quote_continued_over_paragraphs_keeps_its_speaker(offline: Extractor) -> None:
    text = ('"We heard the sirens first," Tomas Berger said.\n'
            '"Then the lights went out across the whole valley.\n'
            '"Nobody knew where to go."\n'
            "The storm passed by morning.")
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == [
        "We heard the sirens first",
        "Then the lights went out across the whole valley.",
        "Nobody knew where to go.",
    ]
    assert {q.speaker_canonical for q in quotes} == {"Tomas Berger"}


def test_interrupted_quote_is_two_quotes_with_one_speaker(offline: Extractor) -> None:
    text = "\u201cI was at the window,\u201d said Priya Nair, \u201cand I saw the truck turn over.\u201d"
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == ["I was at the window", "and I saw the truck turn over."]
    assert [q.speaker for q in quotes] == ["Priya Nair", "Priya Nair"]


def test_scare_quotes_are_not_quotes_but_short_attributed_speech_is(offline: Extractor) -> None:
    text = ('Officials described a \u201csecret garden\u201d behind the depot.\n'
            '"I screamed," she said.')
    assert [q.text for q in _quotes(offline, text)] == ["I screamed"]


def test_partial_quote_inside_a_sentence(offline: Extractor) -> None:
    text = ("The ministry dismissed the report as \u201ca fabrication meant to mislead foreign readers\u201d "
            "on Monday.")
    [quote] = _quotes(offline, text)
    assert quote.text == "a fabrication meant to mislead foreign readers"


def test_pronoun_resolves_to_the_last_named_speaker(offline: Extractor) -> None:
    text = ("\u201cThe vote is not over,\u201d said Senator Mark Ellison.\n"
            "\u201cWe will keep counting,\u201d he added.")
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Mark Ellison", "Mark Ellison"]


def test_unattributed_quote_paragraph_after_indirect_speech_is_that_speakers(offline: Extractor) -> None:
    # From the bundled demo corpus (civic-wire.jsonl, CC0).
    text = ("\u201cLeave now. Don\u2019t wait for a knock on the door,\u201d Mayor Denise Thorvaldson urged residents.\n\n"
            "Kyle Ostrowski, a provincial wildfire information officer, said a change in wind direction on Monday "
            "afternoon had driven the fire several kilometres in a matter of hours.\n\n"
            "\u201cThe crews did good work over the weekend. Then the wind turned.\n\n"
            "\u201cThat\u2019s where we are this morning.\u201d\n\n"
            "No injuries have been reported.")
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Denise Thorvaldson", "Kyle Ostrowski", "Kyle Ostrowski"]


def test_pronoun_indirect_speech_names_the_speaker_of_the_next_quote(offline: Extractor) -> None:
    text = ("\u201cWe will win,\u201d said Rosa Ibarra.\n"
            "Tomas Vidal, 52, has driven trucks for 23 years. He said the new rules would hurt.\n"
            "\u201cThey tell us it is safer. Maybe it is.\u201d")
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Rosa Ibarra", "Tomas Vidal"]


def test_a_sentence_after_the_closing_mark_is_not_its_attribution(offline: Extractor) -> None:
    text = ('Kevin Odhiambo, head of communications, said the firm was "studying the judgment carefully". '
            'He said there was "no evidence that any record was misused".')
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Kevin Odhiambo", "Kevin Odhiambo"]
    assert all(not (q.speaker or "").startswith(".") for q in quotes)


def test_speaker_with_an_appositive_after_the_quote(offline: Extractor) -> None:
    text = '"We are against a future without us," Marta Quiroga, the federation\'s president, told a rally.'
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Marta Quiroga"
