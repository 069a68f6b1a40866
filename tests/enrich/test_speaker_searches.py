"""The speaker searches before a quote find what the plain patterns find.

quotes.py tries only the starts of word runs and lets the speaker's words
give up no characters (a speed-up); these tests hold the searches to the
plain patterns they replace, on sentences written for them, including a
search resumed inside a run of word characters ("said-so").
"""

from __future__ import annotations

import re

import pytest

from indexer.enrich import quotes
from indexer.enrich.quotes import _VERBS, _WORD

PLAIN_BEFORE_SPEAKER = re.compile(
    rf"(?P<spk>(?:{_WORD}\s+){{0,8}}?{_WORD})\s+(?:(?:has|had|have|also|then|later)\s+)*(?:{_VERBS})"
    rf"(?:\s+(?:{_WORD}\s*){{0,4}}?)?\s*[:,]\s*$"
)
PLAIN_NAMING_SUBJECT = re.compile(
    r"(?P<spk>(?:[\w\u2019'.\-&]+\s+){0,5}?[\w\u2019'.\-&]+)\s+(?:(?:has|had|have|also|then|later|once|previously)\s+)*"
    r"(?:call(?:s|ed)?|describ(?:es|ed)|label(?:s|ed|led)|brand(?:s|ed)|term(?:s|ed)|dismiss(?:es|ed)|characteri[sz](?:es|ed))\b"
)
PLAIN_SPEECH_IN_SENTENCE = re.compile(rf"(?P<spk>(?:{_WORD}\s+){{0,5}}?{_WORD})\s+(?:{_VERBS})\b")

SENTENCES = [
    "The mayor of the small town said,",
    "Officials claimed the officers knocked and announced themselves after they were",
    "He said-so the crowd said. Then she told reporters:",
    "The report, which the agency's director later described as",
    "  Police commander Ana Ortiz   has said in a statement:",
    "O'Neill's spokesman, J.R. Smith-Jones & Co. said",
    "said said said said said said said said",
    "a b c d e f g h i j said,",
    "Nobody answered the door when",
    "\u2019Tis what the mayor\u2019s aide called it, she added",
    "-- and then the minister wrote, according to aides:",
    "He had also told the paper's editors that they should,",
    "x.said y said'z told",
]


@pytest.mark.parametrize("sentence", SENTENCES)
def test_speaker_searches_match_the_plain_patterns(sentence: str) -> None:
    for fast, plain in (
        (quotes._BEFORE_SPEAKER, PLAIN_BEFORE_SPEAKER),
        (quotes._NAMING_SUBJECT, PLAIN_NAMING_SUBJECT),
    ):
        a, b = fast.search(sentence), plain.search(sentence)
        assert (a and (a.span(), a.group("spk"))) == (b and (b.span(), b.group("spk")))
    found = [(m.span(), m.group("spk")) for m in quotes._speech_in_sentence(sentence)]
    assert found == [(m.span(), m.group("spk")) for m in PLAIN_SPEECH_IN_SENTENCE.finditer(sentence)]


def test_a_search_resumed_inside_a_word_run_starts_there() -> None:
    # After "said" the next run of word characters begins at "'" inside "said'z":
    # finditer tries that start; so must the faster search.
    sentence = "Kim said'z Lee told"
    found = [m.group("spk") for m in quotes._speech_in_sentence(sentence)]
    assert found == [m.group("spk") for m in PLAIN_SPEECH_IN_SENTENCE.finditer(sentence)] == ["Kim", "'z Lee"]


def _scanned_sentence_start(text: str, floor: int, at: int) -> int:
    last = floor
    for match in quotes._SENTENCE_BREAK.finditer(text, floor, at):
        last = match.end()
    return last


@pytest.mark.parametrize(
    "text",
    [
        "He left. She stayed! Did they? No.\u201d Then \u201cyes.\u201d  Later",
        "The U.S. rate rose 3.5 percent (a record.) in May?!  Officials said",
        "No break at all here",
        "Ends with a stop.",
        "...  ?! .\n. x",
    ],
)
def test_sentence_start_is_the_end_of_the_last_break(text: str) -> None:
    for floor in range(len(text) + 1):
        for at in range(floor, len(text) + 1):
            assert quotes._sentence_start(text, floor, at) == _scanned_sentence_start(text, floor, at)
