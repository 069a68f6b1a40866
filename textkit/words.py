"""Words, a light stemmer and the stopword lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


WORD = re.compile(r"\w+(?:['’]\w+)*", re.UNICODE)

# Function words: they carry no fact in either story grouping or alignment.
STOPWORDS = _wordset(
    "a about above after again against all also am an and another any are around as at be because been before "
    "being below between both but by can could did do does doing down during each even few for from further get "
    "got had has have having he her here hers herself him himself his how i if in into is it its itself just let "
    "like many may me might more most much must my myself no nor not now of off on once one only or other our "
    "ours ourselves out over own same shall she should so some such than that the their theirs them themselves "
    "then there these they this those through to too under until up us very via was way we well were what when "
    "where which while who whom why will with would yet you your yours yourself yourselves mr mrs ms dr go goes "
    "went gone come came make made take took know knew think want look use used give gave put keep seem see saw "
    "seen still back thing things people time year years per since among ago"
)
# Reporting verbs say *how* an outlet attributes a fact, not what the fact is.
REPORTING = _wordset(
    "said say says saying told tell tells claim claims claimed claiming allege alleges alleged allegedly "
    "according added add adds stated state states report reports reported reportedly reporting announced "
    "announce announces posted wrote write writes"
)
# Relative time words: every article of a day has them; they place nothing.
TIME_WORDS = _wordset(
    "today yesterday tomorrow tonight week weeks day days month months monday tuesday wednesday thursday friday "
    "saturday sunday news"
)
NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "twenty": "20",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "dozen": "12",
}
_SUFFIXES = ("ations", "ation", "ings", "ing", "edly", "ed", "ies", "es", "s", "ly")
_FOLD = {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-"}


def fold(text: str) -> str:
    """Typographic quotes, apostrophes and dashes to ASCII, accents kept, NFC."""
    text = unicodedata.normalize("NFC", text)
    if text.isascii():
        return text
    # One str.replace per mark: str.translate with a mapping costs a lookup
    # per character, twenty times more on a news article.  The same result,
    # since no replacement is itself a mark that is replaced.
    for mark, plain in _FOLD.items():
        if mark in text:
            text = text.replace(mark, plain)
    return text


def stem(word: str) -> str:
    """A light suffix strip, enough for killed/killing/kills to meet.
    Written here rather than taken from a stemming library: Porter-style
    stemmers conflate far more (e.g. "general"/"generous"), which costs
    precision when a stem must name one fact."""
    if word.isdigit():
        return word
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def words(text: str) -> list[str]:
    """Lower-cased words, possessive and contraction endings dropped."""
    return [w.split("'")[0] for w in WORD.findall(fold(text).lower())]


# content_words' answer for each word as found (folded, lower case, before its
# possessive is dropped), per (stopwords, min_len): "" for a word left out.
# News repeats its words, so most are a dictionary look-up instead of the
# split, the filters and the stemmer (a third of the grouping features' CPU).
# Bounded: past this many distinct words per list, new ones are worked out
# each time (same answers).
CONTENT_WORD_MEMO = 300_000
_content_memo: dict[tuple[frozenset[str], int], dict[str, str]] = {}


def _content_stem(found: str, stop: frozenset[str], min_len: int) -> str:
    word = found.split("'")[0]
    if len(word) < min_len or word in stop or word in NUMBER_WORDS:
        return ""
    return stem(word)  # never "": a word has a letter or digit, and stems keep three


def content_words(text: str, stop: Iterable[str] = STOPWORDS | REPORTING, min_len: int = 2) -> list[str]:
    """Stems of the words that carry a fact: no stopwords, nothing shorter
    than `min_len`, number words left out (callers count numbers apart)."""
    stop = stop if isinstance(stop, frozenset) else frozenset(stop)
    memo = _content_memo.setdefault((stop, min_len), {})
    out = []
    for found in WORD.findall(fold(text).lower()):
        stemmed = memo.get(found)
        if stemmed is None:
            stemmed = _content_stem(found, stop, min_len)
            if len(memo) < CONTENT_WORD_MEMO:
                memo[found] = stemmed
        if stemmed:
            out.append(stemmed)
    return out
