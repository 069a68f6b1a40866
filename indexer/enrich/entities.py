"""Entity recognition and linking as spaCy pipeline components.

Offline pipeline (`parallax_sentences` → `parallax_entities` →
`parallax_link`): runs of capitalised tokens are split into places
(gazetteer), organisations (head words: "... Office", "the Kremlin"),
nationalities (NORP), and people (a title before, a known first name, or a
name-like sequence no dictionary knows). Single unknown capitalised words are
kept as *candidates*: they become people when the article (or the corpus)
names someone with that surname, or when they say something.

Trained pipeline (`ner` → `parallax_link`): the model's spans are linked the
same way (places to GeoNames, demonyms to NORP, surnames to full names).

Results travel in `doc.user_data` (offsets in characters):
  "parallax_mentions": list[Mention], "parallax_candidates": list[(start, end, text)].
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy
from spacy.attrs import IDX, ORTH, SENT_START, SPACY
from spacy.lang.en.stop_words import STOP_WORDS
from spacy.language import Language
from spacy.tokens import Doc, Span

from store.records import PLACE_LABELS

from .canonical import ascii_fold, normalise_name, strip_possessive, surname_key
from .gazetteer import Gazetteer, Place, load_gazetteer
from .names import (
    CREDIT_WORDS,
    DATE_MODIFIERS,
    DAY_NAMES,
    DAY_QUALIFIERS,
    FAC_HEADS,
    GENERIC_ORG_HEADS,
    HOLIDAYS,
    LOC_HEADS,
    MONTH_NAMES,
    ORG_HEADS,
    SPEECH_VERBS,
    TITLES,
    load_common_words,
    load_demonyms,
    load_first_names,
)

# Tokens that may sit inside a name ("Osama bin Laden", "Bank of America").
_NAME_PARTICLES = frozenset(
    ["de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "ibn", "al", "el"]
)
_JOINERS = frozenset({"of", "'s", "\u2019s", "and", "&", "-"}) | _NAME_PARTICLES
_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})
_SENTENCE_END = frozenset({".", "!", "?", ":", ";", "...", "\u2026"})
_TRANSPARENT = frozenset("\"'\u201c\u201d\u2018\u2019([{\u2014\u2013-*\u2022".replace(" ", ""))
_DETERMINERS = frozenset({"The", "the"})
_NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'\u2019.-]*(?:['\u2019.-][^\W\d_]+)*\.?$")
_INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
_CALENDAR = frozenset(w.lower() for w in list(calendar.day_name) + list(calendar.month_name) if w)
# Words that are dates, never names: they split a capitalised run.
_DATE_WORDS = DAY_NAMES | MONTH_NAMES | HOLIDAYS
# Words a person's name never continues with ("Hillary Clinton To Announce ...").
_NAME_STOPS = frozenset(
    w
    for w in STOP_WORDS
    if w not in {"de", "da", "del", "van", "von", "der", "den", "la", "le", "bin", "ibn", "al", "el"}
)
# Before a run: a place name after these is a place ("in Clinton", "near Obama").
_LOCATIVE_BEFORE = frozenset(
    ["in", "at", "near", "outside", "from", "across", "around", "inside", "into", "toward", "towards", "throughout"]
)
_STRONG_LOCATIVE_BEFORE = frozenset(["in", "near", "outside", "inside", "throughout"])
_COMPASS = frozenset(["North", "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western"])
# Title words that only make a title before another one ("Health Minister",
# "Deputy Mayor"); before anything else they are part of a name ("Zuri Health Link").
_TITLE_MODIFIERS = frozenset(
    """
    Vice Prime Deputy Assistant Acting Former Foreign Defence Defense Interior Health Finance State Minority Majority
    First
    """.split()
)
# Lower-case nouns after a place name that make it the region of that name.
_UNIT_NOUNS = frozenset(["region", "oblast", "province"])
# Lower-case nouns that make the unknown proper noun before them a place:
# "the Vistula river", "the Podgórze district".
_GEO_NOUNS = {w: "LOC" for w in ["river", "sea", "lake", "mountains", "hills", "foothills", "valley", "desert"]}
_GEO_NOUNS.update({w: "GPE" for w in ["district", "region", "province", "county"]})
# "Rowan County", "Orleans Parish": administrative areas named by their head word.
_COUNTY_WORDS = frozenset(["County", "Parish", "Borough", "Township"])
# "Chief of Staff", "Secretary of State": a title continued by "of".
_TITLE_OF_WORDS = frozenset(["Staff", "State", "Police", "Defense", "Defence", "Homeland"])
# The Arabic article, also an English first name ("Al").
_ARABIC_ARTICLES = frozenset({"Al", "El"})
# "the town of Lac du Bonnet": a settlement too small for the gazetteer.
_SETTLEMENT_NOUNS = frozenset(["town", "city", "village", "hamlet", "port", "municipality"])


@dataclass
class Mention:
    start: int  # character offsets
    end: int
    text: str
    label: str
    canonical: str
    place: Place | None = None
    single: bool = False  # a one-word person name waiting for its full name
    candidates: tuple[Place, ...] = ()  # every place the name may mean, best first
    # A full person name that looks like one (a first name, initials or a
    # title before it; no date, place or credit words): it may enter the
    # corpus registry and lend its surname to bare mentions elsewhere.
    registrable: bool = False
    locative: bool = False  # a place with a strong locative cue ("in X", "X, Texas")
    cue: bool = False  # a place with any locative cue (also "at X", "from X")


@dataclass
class Resources:
    gazetteer: Gazetteer
    first_names: frozenset[str]
    common: frozenset[str]
    demonyms: frozenset[str]


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    return Resources(load_gazetteer(), load_first_names(), load_common_words(), load_demonyms())


# --- token view ---------------------------------------------------------------


class _Tokens:
    """Plain lists of what the rules read from each token: touching spaCy's
    Token objects one attribute at a time costs more than all the rules."""

    def __init__(self, doc: Doc) -> None:
        if len(doc):
            orths, idx, spaces = doc.to_array([ORTH, IDX, SPACY]).T.tolist()
        else:
            orths, idx, spaces = [], [], []
        strings = doc.vocab.strings
        self.idx = idx
        self.words = [strings[h] for h in orths]
        self.ws = [" " if sp else "" for sp in spaces]
        self.n = len(self.words)

    @classmethod
    def of(cls, doc: Doc) -> _Tokens:
        """Built once per doc and shared by the components."""
        cached = doc.user_data.get("_parallax_tokens")
        if cached is None or cached.n != len(doc):
            cached = doc.user_data["_parallax_tokens"] = cls(doc)
        return cached

    def text(self, i: int, j: int) -> str:
        return "".join(self.words[k] + self.ws[k] for k in range(i, j)).rstrip() if j - i > 1 else self.words[i]

    def is_space(self, i: int) -> bool:
        return not self.words[i].strip()


# --- sentence starts --------------------------------------------------------


def sentence_starts(tokens: _Tokens) -> list[bool]:
    """Sentence starts after . ! ? : ; and at every line break (paragraphs);
    an opening quote mark or bracket starts the sentence it opens; a closing
    one belongs to the sentence it ends."""
    starts = [False] * tokens.n
    expect = True
    words = tokens.words
    for i, word in enumerate(words):
        if i == 0:
            starts[0] = True
        if not word.strip():
            expect = expect or "\n" in word
            continue
        if _closes(tokens, i):
            continue
        if expect:
            starts[i] = True
        if word in _TRANSPARENT and expect:
            expect = False  # the sentence started at its opening mark
            continue
        expect = word in _SENTENCE_END
    return starts


@Language.component("parallax_sentences")
def parallax_sentences(doc: Doc) -> Doc:
    """Paragraph- and quote-aware sentence boundaries (see sentence_starts)."""
    if len(doc):
        flags = sentence_starts(_Tokens.of(doc))
        starts = numpy.array([1 if f else -1 for f in flags], dtype="int64").astype("uint64").reshape(-1, 1)
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # thinc's Ints2d is this ndarray
    return doc


def _closes(tokens: _Tokens, i: int) -> bool:
    text = tokens.words[i]
    if text in ("\u201d", "\u2019", ")", "]", "}"):
        return True
    return text in ('"', "'") and i > 0 and not tokens.ws[i - 1]


def _uncertain_case(tokens: _Tokens) -> list[bool]:
    """Per token: is its capital letter uninformative? True for the first word
    of a sentence and for every word of a Title Case line (headlines)."""
    flags = [False] * tokens.n
    expect = True
    line_start = 0
    for i, word in enumerate(tokens.words):
        if not word.strip():
            if "\n" in word:
                _mark_title_case_line(tokens, line_start, i, flags)
                line_start = i + 1
                expect = True
            continue
        if word in _TRANSPARENT:
            continue
        flags[i] = expect
        expect = word in _SENTENCE_END
    _mark_title_case_line(tokens, line_start, tokens.n, flags)
    return flags


def _mark_title_case_line(tokens: _Tokens, start: int, end: int, flags: list[bool]) -> None:
    words = [w for w in tokens.words[start:end] if len(w) > 3 and w.isalpha()]
    if len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words):
        for i in range(start, end):
            flags[i] = True


# --- capitalised runs and their segmentation --------------------------------


def _is_cap(text: str) -> bool:
    return text[:1].isupper() and any(c.isalpha() for c in text)


def _runs(tokens: _Tokens) -> list[tuple[int, int]]:
    """Maximal token ranges of capitalised words, joined by name particles,
    "of", "'s", "and" or hyphens when a capitalised word follows."""
    runs = []
    words = tokens.words
    n = tokens.n
    i = 0
    while i < n:
        if not _is_cap(words[i]):
            i += 1
            continue
        j = i + 1
        while j < n:
            text = words[j]
            if _is_cap(text):
                j += 1
            elif (
                text in ("'", "\u2019")
                and not tokens.ws[j - 1]
                and words[j - 1].endswith("s")
                and j + 1 < n
                and _is_cap(words[j + 1])
            ):
                j += 2  # a plural possessive inside a name: "Dockworkers’ Federation"
            elif text == "for" and words[j - 1] in ORG_HEADS and _org_continues(words, j + 1, n):
                j += 3 if words[j + 1] == "the" else 2  # "Center for Western Priorities"
            elif text in _JOINERS:
                k = j
                while k < n and words[k] in _JOINERS and k - j < 2:
                    k += 1  # "bin", "al" + "-": up to two joiners
                if k < n and _is_cap(words[k]):
                    j = k + 1
                else:
                    break
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _org_continues(words: list[str], k: int, n: int) -> bool:
    """Does a name go on at k after "for" ("... for Western", "... for the Study")?"""
    if k < n and words[k] == "the":
        k += 1
    return k < n and _is_cap(words[k]) and words[k] not in _DATE_WORDS


def _prev_word(tokens: _Tokens, i: int) -> tuple[int, str]:
    k = i - 1
    while k >= 0 and tokens.is_space(k):
        k -= 1
    return k, (tokens.words[k] if k >= 0 else "")


def _is_credit(tokens: _Tokens, start: int, end: int) -> bool:
    """Is the run part of a photo credit or byline ("Saul Loeb/AFP/Getty
    Images", "AP Photo/...", "Photo: ...", "Mousily/ Reuters")? A "/" glued to
    or inside the run, or a credit word and ":" or "by" before it."""
    words = tokens.words
    if any("/" in words[k] for k in range(start, end)):
        return True
    k, prev = _prev_word(tokens, start)
    if prev.endswith("/") or (end < tokens.n and words[end].startswith("/")):
        return True
    if prev in (":", "by", "By"):
        _, before = _prev_word(tokens, k)
        return before.lower() in CREDIT_WORDS
    return False


def split_runs(tokens: _Tokens, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Capitalised runs cut at date words: day and month names and holidays,
    with the word that qualifies them ("Late December", "Easter Sunday",
    "Super Tuesday") and a following "Day"/"Eve"/"Night". "Washington
    Thursday" → "Washington"; "Memorial Day" → nothing."""
    words = tokens.words
    out: list[tuple[int, int]] = []
    for start, end in runs:
        if end - start >= 2 and words[end - 1] in ("Day", "Eve") and words[start] not in load_first_names():
            continue  # "Memorial Day", "New Year's Eve": a holiday
        s = start
        k = start
        while k < end:
            word = words[k]
            if word not in _DATE_WORDS:
                k += 1
                continue
            cut = k
            if k - 1 >= s:
                prev = words[k - 1]
                if prev.lower() in DATE_MODIFIERS or (word in DAY_NAMES and prev in DAY_QUALIFIERS) or prev in HOLIDAYS:
                    cut = k - 1
            _keep(words, s, cut, out)
            k += 1
            if k < end and words[k] in ("Day", "Eve", "Night", "Morning", "Weekend"):
                k += 1
            s = k
        _keep(words, s, end, out)
    return out


def _keep(words: list[str], s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and words[s] in _JOINERS:
        s += 1
    while e > s and words[e - 1] in _JOINERS:
        e -= 1
    if e > s:
        out.append((s, e))


class _Segmenter:
    """Splits one capitalised run into mentions; see module docstring."""

    def __init__(
        self,
        tokens: _Tokens,
        res: Resources,
        uncertain: list[bool],
        confident_words: set[str],
        settlements: frozenset[str] = frozenset(),
    ) -> None:
        self.tokens = tokens
        self.res = res
        self.uncertain = uncertain
        self.confident_words = confident_words
        self.settlements = settlements  # run texts the article calls a town
        # Capitalised words the article writes on their own, not after "Al"/"El"
        # ("Franken said"): surnames, for _arabic_article_name.
        words = tokens.words
        self.surname_words = frozenset(
            w
            for k, w in enumerate(words)
            if _is_cap(w) and not any(words[m] in _ARABIC_ARTICLES for m in range(max(0, k - 2), k))
        )
        self.mentions: list[Mention] = []
        self.candidates: list[tuple[int, int, str]] = []
        self.pairs: set[tuple[str, str]] | None = None  # see _repeated_pair

    # helpers
    def _word(self, i: int) -> str:
        return self.tokens.words[i]

    def _common(self, i: int) -> bool:
        return self._word(i).lower() in self.res.common

    def _add(
        self,
        i: int,
        j: int,
        label: str,
        canonical: str,
        place: Place | None = None,
        single: bool = False,
        candidates: tuple[Place, ...] = (),
        registrable: bool = False,
        locative: bool = False,
        cue: bool = False,
    ) -> None:
        text = self.tokens.text(i, j)
        start = self.tokens.idx[i]
        self.mentions.append(
            Mention(
                start, start + len(text), text, label, canonical, place, single, candidates, registrable, locative, cue
            )
        )

    def _candidate(self, i: int) -> None:
        word = self._word(i)
        self.candidates.append((self.tokens.idx[i], self.tokens.idx[i] + len(word), word))

    def _place_at(self, i: int, end: int) -> tuple[int, Place, tuple[Place, ...]] | None:
        gaz = self.res.gazetteer
        for n in range(min(gaz.max_words, end - i), 0, -1):
            if self._word(i + n - 1) in _JOINERS:
                continue
            candidates = gaz.candidates(self.tokens.text(i, i + n))
            if not candidates:
                continue
            place = candidates[0]
            if n == 1 and not self._trust_single_place(i, place):
                return None
            return i + n, place, candidates
        return None

    def _trust_single_place(self, i: int, place: Place) -> bool:
        word = self._word(i)
        if place.kind == "city" and word.lower() in self.res.common:
            return False  # "Police", "Mobile": a word first
        if self.uncertain[i]:
            return place.well_known or word in self.confident_words
        return True

    def _org_end(self, i: int, end: int) -> int | None:
        """End of an organisation starting at i: up to the last head word
        before anything that starts a person ("House Speaker Nancy ...")."""
        last = None
        k = i
        while k < end:
            word = self._word(k)
            if word in TITLES and k + 1 < end and self._word(k + 1) in self.res.first_names and k > i:
                break
            if k > i and word[:1].isupper() and word.lower() in _NAME_STOPS:
                break  # a headline's "To", "On": "Maria Okafor To Announce Senate Bid"
            if word in ORG_HEADS:
                last = k + 1
            k += 1
        if last is not None and last < end and self._word(last) in ("of", "for"):
            return end  # "Bank of America", "University of Texas", "Center for ..."
        return last

    def _fac_end(self, i: int, end: int) -> int | None:
        """ "National Mall", "Trump Tower": a run closed by a facility word
        (a place of its own; "Hostomel Airfield" is handled with places)."""
        k = i
        while k < end and self._word(k) not in TITLES and self._word(k) not in ORG_HEADS:
            k += 1
        if k - i >= 2 and self._word(k - 1) in FAC_HEADS and self.res.gazetteer.lookup(self._word(i)) is None:
            return k
        return None

    def _person_end(self, i: int, end: int) -> int:
        k = i
        while k < end:
            word = self._word(k)
            if word in ORG_HEADS or word in TITLES and k > i and self._is_title(k, end) or word in self.res.demonyms:
                break
            if word in ("of", "and", "&", "'s", "\u2019s", "'", "\u2019"):
                break
            if k > i and self._ends_name(i, k):
                break
            k += 1
        while k > i + 1 and self._word(k - 1) in _JOINERS:
            k -= 1
        return k

    def _ends_name(self, i: int, k: int) -> bool:
        """Does the word at k (after the name's first word at i) stop a
        person's name? Function words and speech verbs ("... To Announce",
        "... Says"), dates, non-words, a country/state/region (unless a
        first name opens the name: "Jim Jordan"), and the lower-case words of
        a Title Case headline from the third word on."""
        word = self._word(k)
        lower = word.lower()
        if lower in _NAME_STOPS or lower in SPEECH_VERBS or word in _DATE_WORDS:
            return True
        if word not in _SUFFIXES and word != "-" and not _NAME_WORD.match(word):
            return True
        if self._word(k - 1) != "-":
            place = self.res.gazetteer.lookup(word)
            if place is not None and place.kind != "city":
                first = self._word(i)
                if (
                    word not in self.confident_words
                    or place.kind == "region"
                    or first not in self.res.first_names
                    or self.res.gazetteer.lookup(first) is not None
                ):
                    return True
        return (
            k >= i + 2
            and self.uncertain[k]
            and self._common(k)
            and word not in self.res.first_names
            and not _INITIALS.match(self._word(k - 1))
        )

    def _registrable(self, i: int, j: int, titled: bool) -> bool:
        """Does the full name at i..j look like a person's, enough to lend its
        surname to bare mentions across the corpus? A first name, initials or
        a title before it; two to four words; no date, function or credit
        word; no common-word first and last word ("the Rose Garden"); a
        country/state/region/big city as last word only after a title."""
        words = [self._word(k) for k in range(i, j) if self._word(k) not in _JOINERS and self._word(k) not in _SUFFIXES]
        if not 2 <= len(words) <= 4:
            return False
        first, last = words[0], strip_possessive(words[-1])
        if not (
            titled
            or first in self.res.first_names
            or _INITIALS.match(first)
            or (j - i == 2 and self.tokens.words[i] == first and self._repeated_pair(i))
        ):
            return False
        if any(w in _DATE_WORDS or w.lower() in _NAME_STOPS or not _NAME_WORD.match(w) for w in words):
            return False
        common = self.res.common
        if not titled and first.lower() in common and last.lower() in common:
            return False
        place = self.res.gazetteer.lookup(last)
        return place is None or not place.well_known or titled

    def _locative(self, i: int, j: int) -> tuple[bool, bool]:
        """(any cue, strong cue) that the name at i..j is a place: "in/near X"
        (strong), "at/from X" (weak), "X, Texas" and "the town of X" (strong)."""
        words = self.tokens.words
        if j < self.tokens.n and words[j] in ("'s", "\u2019s", "'", "\u2019"):
            return False, False  # "in Obama's speech"
        _, prev = _prev_word(self.tokens, i)
        prev = prev.lower()
        if prev in _STRONG_LOCATIVE_BEFORE or self.tokens.text(i, j) in self.settlements:
            return True, True
        if j + 1 < self.tokens.n and words[j] == ",":
            k = j + 1
            while k < self.tokens.n and self.tokens.is_space(k):
                k += 1
            if k < self.tokens.n:
                after = self.res.gazetteer.lookup(words[k])
                if after is not None and after.kind in ("country", "state", "subdivision"):
                    return True, True
        return prev in _LOCATIVE_BEFORE, False

    def _places_only(self, start: int, end: int) -> None:
        """A photo credit: its places count, its names do not."""
        i = start
        while i < end:
            found = self._place_at(i, end)
            if found and found[1].well_known:
                self._add(i, found[0], found[1].label, found[1].name, found[1], candidates=found[2])
                i = found[0]
            else:
                i += 1

    def segment(self, start: int, end: int) -> None:
        if _is_credit(self.tokens, start, end):
            self._places_only(start, end)
            return
        i = start
        titled = False
        after_common = False  # the previous word was a dictionary word written with a capital mid-sentence
        if self.settlements and self.tokens.text(start, end) in self.settlements and self._place_at(start, end) is None:
            text = self.tokens.text(start, end)
            self._add(start, end, "GPE", normalise_name(text))
            return
        while i < end:
            word = self._word(i)
            if word in _JOINERS or word in _DETERMINERS:
                i += 1
                continue
            if i > start and self.uncertain[i] and not word.isupper() and word.lower() in _NAME_STOPS:
                i += 1  # a headline's "To", "On" between its names
                continue
            org_end = self._org_end(i, end)
            found = self._place_at(i, end)
            if found and found[0] - i > 1 and (org_end is None or org_end <= found[0]):
                org_end = None  # "Russian Federation" is the country, not an organisation
            fac_end = self._fac_end(i, end)
            if fac_end is not None and (org_end is None or fac_end > org_end):
                text = self.tokens.text(i, fac_end)
                self._add(i, fac_end, "FAC", normalise_name(text))
                i = fac_end
                titled = False
                continue
            if word in _COMPASS and i + 1 < end and not self.uncertain[i + 1]:
                region = self._place_at(i + 1, end)
                if region and region[1].kind in ("continent", "country"):
                    text = self.tokens.text(i, region[0])
                    self._add(i, region[0], "LOC", normalise_name(text))
                    i = region[0]
                    continue
            if org_end is not None and org_end > i:
                alone = org_end - i == 1
                if not (alone and (word in GENERIC_ORG_HEADS or self.uncertain[i] and not self._preceded_by_the(i))):
                    self._add(i, org_end, "ORG", _org_name(self.tokens.text(i, org_end)))
                i = org_end
                titled = False
                continue
            if (
                i + 1 < end
                and self._word(i + 1) in _COUNTY_WORDS
                and not found
                and word not in TITLES
                and _NAME_WORD.match(word)
            ):
                # "Rowan County", "Orleans Parish": an administrative area.
                self._add(i, i + 2, "GPE", normalise_name(self.tokens.text(i, i + 2)))
                i += 2
                continue
            if word in TITLES and i + 2 < end and self._word(i + 1) == "of" and self._word(i + 2) in _TITLE_OF_WORDS:
                titled = True  # "Chief of Staff Ana Ruiz", "Secretary of State ..."
                i += 3
                continue
            if word in _ARABIC_ARTICLES and i + 1 < end and not titled and self._arabic_article_name(i, end):
                j = i + 3 if self._word(i + 1) == "-" and i + 2 < end else i + 2
                self._add(i, j, "ORG", normalise_name(self.tokens.text(i, j)))
                i = j
                continue
            if not found and i == start and end - i >= 2 and self._word(end - 1) in LOC_HEADS and org_end is None:
                text = self.tokens.text(i, end)  # "Bird River", "Tana River"
                self._add(i, end, "LOC", normalise_name(text))
                i = end
                continue
            if found and (found[0] - i > 1 or not self._person_starts(i, end, titled)):
                i = self._add_place(i, found[0], found[1], end, found[2])
                titled = False
                continue
            if word in self.res.demonyms:
                self._add(i, i + 1, "NORP", _demonym_name(word, self.res.demonyms))
                i += 1
                continue
            if word in TITLES and i + 1 < end and self._is_title(i, end):
                titled = True
                i += 1
                continue
            if self._person_starts(i, end, titled):
                j = self._person_end(i, end)
                if found and j - i == 1 and not titled:
                    # "Washington Republicans": a place before a non-name.
                    i = self._add_place(i, found[0], found[1], end, found[2])
                    continue
                name = strip_possessive(self.tokens.text(i, j))
                if after_common and not titled and self._common(j - 1):
                    # "Centre for Information Law Studies": a name of words.
                    i = j
                    after_common = False
                    continue
                if not titled and self._named_like_organisation(i, j):
                    self._add(i, j, "ORG", normalise_name(name))
                elif not titled and self._preceded_by_the(i) and all(self._common(k) for k in range(i, j)):
                    pass  # "the Rose Garden", "the Grant Park": words, not a person
                else:
                    self._add(
                        i,
                        j,
                        "PERSON",
                        normalise_name(name),
                        single=(j - i == 1),
                        registrable=j - i > 1 and self._registrable(i, j, titled),
                    )
                i = j
                titled = False
                continue
            # Unknown words wait as candidates (even sentence-initial ones:
            # they only become people if a full name has that surname).
            if not self._common(i) and word not in TITLES and not word.isupper() and _NAME_WORD.match(word):
                geo = _GEO_NOUNS.get(self._word(i + 1)) if i + 1 == end and end < self.tokens.n else None
                if geo and not self.uncertain[i]:
                    self._add(i, i + 1, geo, normalise_name(word))
                else:
                    self._candidate(i)
            after_common = self._common(i) and not self.uncertain[i] and word not in TITLES
            titled = False
            i += 1

    def _arabic_article_name(self, i: int, end: int) -> bool:
        """ "Al Qaeda", "Al-Shabaab": the Arabic article before a name makes a
        group's name, not "Al" the first name, unless the article also names
        the person by that surname alone ("Al Franken ... Franken said") or a
        first name comes before ("Bashar al-Assad" is read elsewhere)."""
        k, prev = _prev_word(self.tokens, i)
        if prev in self.res.first_names and k >= 0 and self.tokens.ws[k]:
            return False
        nxt = i + 1
        if self._word(nxt) == "-" and nxt + 1 < end:
            nxt += 1
        if nxt + 1 < end and _is_cap(self._word(nxt + 1)) and self._word(nxt + 1) not in ORG_HEADS:
            return False  # "Al Smith Jones": a longer name
        surname = self._word(nxt)
        return surname not in self.surname_words

    def _is_title(self, i: int, end: int) -> bool:
        """Is the title word at i used as a title? A modifier ("Health",
        "Deputy") only is before another title word."""
        if self._word(i) not in _TITLE_MODIFIERS:
            return True
        return i + 1 < end and self._word(i + 1) in TITLES

    def _named_like_organisation(self, i: int, j: int) -> bool:
        """Three or more words whose later words are all dictionary words
        and no first names ("Zuri Health Link"), or that end in a plural
        dictionary noun ("Bahía Austral Terminals"), name a company or a
        body, not a person ("Donald Trump Jr", "Thomas Eric Duncan" do)."""
        if j - i < 3:
            return False
        later = [self._word(k) for k in range(i + 1, j)]
        if all(w.lower() in self.res.common and w not in self.res.first_names for w in later):
            return True
        last = later[-1].lower()
        return last.endswith("s") and last in self.res.common and last[:-1] in self.res.common

    def _preceded_by_the(self, i: int) -> bool:
        return i > 0 and self.tokens.words[i - 1].lower() == "the"

    def _person_starts(self, i: int, end: int, titled: bool) -> bool:
        word = self._word(i)
        if (
            word in ORG_HEADS
            or word in TITLES
            or word in self.res.demonyms
            or (word.isupper() and not _INITIALS.match(word))
        ):
            return False
        if word in _DATE_WORDS:
            return False
        if titled:
            return True
        if not _NAME_WORD.match(word):
            return False  # "TG24", "OpenSecrets.org"
        following = self._word(i + 1) if i + 1 < end else ""
        nxt = (
            _is_cap(following)
            and following not in ORG_HEADS
            and following not in FAC_HEADS
            and following not in LOC_HEADS
            and following.lower() not in _CALENDAR
            and following not in _DATE_WORDS
            and following not in self.res.demonyms
            and _NAME_WORD.match(following) is not None
        )
        if _INITIALS.match(word) and nxt and self.res.gazetteer.lookup(word) is None:
            return True  # "H.R. McMaster"
        if word in self.res.first_names and nxt:
            # "Will Congress act?" opens a sentence with a name-like word;
            # "Maria Lopez said" has a surname no dictionary knows.
            return not (
                self.uncertain[i] and self._common(i) and word not in self.confident_words and self._common(i + 1)
            )
        if nxt and not self.uncertain[i] and not self._common(i) and not self._common(i + 1):
            # Two capitalised words no dictionary knows: a name.
            return self.res.gazetteer.lookup(word) is None
        if nxt and self._repeated_pair(i) and not self._common(i + 1):
            # "Mitt Romney" twice mid-sentence: a rare first name that is also a word.
            return self.res.gazetteer.lookup(word) is None and self.res.gazetteer.lookup(following) is None
        return False

    def _repeated_pair(self, i: int) -> bool:
        """Is the two-word sequence at i written at least twice in the
        article with both capitals where case is informative?"""
        if self.pairs is None:
            words, ws, uncertain = self.tokens.words, self.tokens.ws, self.uncertain
            counts: dict[tuple[str, str], int] = {}
            for k in range(self.tokens.n - 1):
                if ws[k] and not uncertain[k] and _is_cap(words[k]) and _is_cap(words[k + 1]):
                    key = (words[k], words[k + 1])
                    counts[key] = counts.get(key, 0) + 1
            self.pairs = {key for key, n in counts.items() if n >= 2}
        return (self._word(i), self._word(i + 1)) in self.pairs

    def _add_place(self, i: int, j: int, place: Place, end: int, candidates: tuple[Place, ...] = ()) -> int:
        head = self._word(j) if j < end else None
        if head in FAC_HEADS or head in LOC_HEADS:
            label = "FAC" if head in FAC_HEADS else "LOC"
            text = self.tokens.text(i, j + 1)
            start = self.tokens.idx[i]
            self.mentions.append(Mention(start, start + len(text), text, label, normalise_name(text), None))
            return j + 1
        if j == end and j < self.tokens.n and self._word(j) in _UNIT_NOUNS:
            # "the Donetsk region": the region, when the gazetteer knows it.
            unit = self.res.gazetteer.candidates(self.tokens.text(i, j + 1))
            if unit:
                self._add(i, j + 1, unit[0].label, unit[0].name, unit[0], candidates=unit)
                return j
        cue, strong = self._locative(i, j) if j - i == 1 and not place.well_known else (True, False)
        if not cue and place.small_town and self._word(i) in self.res.first_names and _NAME_WORD.match(self._word(i)):
            # "Clinton", "Jackson": a name first, unless "in Clinton", "Clinton, Iowa".
            self._candidate(i)
            return j
        self._add(i, j, place.label, place.name, place, candidates=candidates or (place,), locative=strong, cue=cue)
        return j


def _org_name(text: str) -> str:
    name = normalise_name(text)
    return name[4:] if name.startswith("the ") else name


def _demonym_name(word: str, demonyms: frozenset[str]) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in demonyms else word


@Language.component("parallax_entities")
def parallax_entities(doc: Doc) -> Doc:
    """Rule-based NER over capitalised runs (the offline pipeline)."""
    res = load_resources()
    tokens = _Tokens.of(doc)
    uncertain = _uncertain_case(tokens)
    # Words capitalised mid-sentence somewhere in the article: proper nouns.
    confident = {w for w, u in zip(tokens.words, uncertain, strict=True) if not u and _is_cap(w)}
    runs = split_runs(tokens, _runs(tokens))
    seg = _Segmenter(tokens, res, uncertain, confident, _settlements(tokens, runs))
    for start, end in runs:
        seg.segment(start, end)
    _promote_speakers(tokens, seg)
    doc.user_data["parallax_mentions"] = seg.mentions
    doc.user_data["parallax_candidates"] = seg.candidates
    doc.ents = _spans(doc, seg.mentions)
    doc.user_data.pop("_parallax_tokens", None)
    return doc


def _settlements(tokens: _Tokens, runs: list[tuple[int, int]]) -> frozenset[str]:
    """Texts of capitalised runs the article introduces as "the town of X"
    (every mention of X is then a place)."""
    found = set()
    words = tokens.words
    for start, end in runs:
        k = start - 1
        while k >= 0 and tokens.is_space(k):
            k -= 1
        if k >= 1 and words[k] == "of":
            m = k - 1
            while m >= 0 and tokens.is_space(m):
                m -= 1
            if m >= 0 and words[m] in _SETTLEMENT_NOUNS:
                found.add(tokens.text(start, end))
    return frozenset(found)


def _promote_speakers(tokens: _Tokens, seg: _Segmenter) -> None:
    """A candidate followed by a speech verb ("Putin said") is a person."""
    position = {start: i for i, start in enumerate(tokens.idx)}
    keep = []
    for start, end, text in seg.candidates:
        i = position.get(start)
        nxt = tokens.words[i + 1] if i is not None and i + 1 < tokens.n else None
        if nxt in SPEECH_VERBS:
            seg.mentions.append(Mention(start, end, text, "PERSON", strip_possessive(text), None, True))
        else:
            keep.append((start, end, text))
    seg.candidates = keep
    for m in seg.mentions:
        if m.label == "GPE" and m.place is not None and not m.place.well_known and " " not in m.text:
            i = position.get(m.start)
            if i is not None and i + 1 < tokens.n and tokens.words[i + 1] in SPEECH_VERBS:
                m.label, m.canonical, m.place, m.single = "PERSON", m.text, None, True


def _spans(doc: Doc, mentions: list[Mention]) -> list[Span]:
    spans = []
    last_end = -1
    for m in sorted(mentions, key=lambda m: m.start):
        span = doc.char_span(m.start, m.end, label=m.label)
        if span is not None and span.start >= last_end:
            spans.append(span)
            last_end = span.end
    return spans


# --- linking (both pipelines) -----------------------------------------------


@Language.component("parallax_link")
def parallax_link(doc: Doc) -> Doc:
    """Canonical names within the article: places to GeoNames, demonyms to
    NORP, "Mr Zelensky"/"Zelensky" to the full name the article gives."""
    mentions = doc.user_data.get("parallax_mentions")
    if mentions is None:  # a trained pipeline: start from its spans
        mentions = [_from_model_span(ent) for ent in doc.ents]
        mentions = [m for m in mentions if m is not None]
        doc.user_data["parallax_candidates"] = []
    candidates = doc.user_data.setdefault("parallax_candidates", [])
    _alias_people(mentions, candidates)
    resolve_places(mentions)
    _drop_isolated_towns(mentions, candidates)
    doc.user_data["parallax_mentions"] = sorted(mentions, key=lambda m: m.start)
    return doc


def resolve_places(mentions: list[Mention]) -> None:
    """Pick each ambiguous place name's meaning by country coherence.

    A name whose candidates all lie in one country ("Chile", "Kraków")
    votes for that country once per mention. A name that may mean places in
    several countries ("San Antonio": Texas, Chile, ...) votes half as much
    for its default's country, so the setting an article keeps naming
    ("Valparaiso" twice) also counts. Each ambiguous name then takes the
    candidate in the country with most votes (its own votes left out), and
    keeps its default (kind, then population) unless another country
    out-votes the default by more than the name's own weight.
    """
    places = [m for m in mentions if m.place is not None and m.label in PLACE_LABELS]
    if not places:
        return
    strong: dict[str, float] = {}
    weak: dict[str, dict[str, float]] = {}  # country → name → weight
    ambiguous: dict[str, list[Mention]] = {}
    for m in places:
        assert m.place is not None  # filtered above
        countries = {p.country for p in m.candidates or (m.place,)}
        if len(countries) == 1:
            country = next(iter(countries))
            if country:
                strong[country] = strong.get(country, 0) + 1
        else:
            key = m.place.name if m.place is m.candidates[0] else m.text
            ambiguous.setdefault(key, []).append(m)
            if m.place.country:
                per_name = weak.setdefault(m.place.country, {})
                per_name[key] = per_name.get(key, 0) + 0.5
    for key, group in ambiguous.items():

        def score(country: str | None, key: str = key) -> float:
            # `key` bound now: the weak votes of this name itself do not count.
            return strong.get(country or "", 0) + sum(
                w for name, w in weak.get(country or "", {}).items() if name != key
            )

        default = group[0].place
        assert default is not None
        best = max(group[0].candidates, key=lambda p: score(p.country))
        if best.country != default.country and score(best.country) > score(default.country) + 0.5 * len(group):
            for m in group:
                m.place, m.canonical, m.label = best, best.name, best.label


def _drop_isolated_towns(mentions: list[Mention], candidates: list[tuple[int, int, str]]) -> None:
    """A one-word small town with no locative cue, in a country nothing else
    in the article is in ("the Obama administration" in an American story),
    is no place: it waits as a candidate name instead (the corpus registry
    may know it as a surname)."""
    places = [m for m in mentions if m.place is not None and m.label in PLACE_LABELS]
    if not places:
        return
    drop = []
    for m in places:
        assert m.place is not None  # filtered above
        if m.label == "GPE" and not m.cue and m.place.kind == "city" and not m.place.well_known and _by_alternate(m):
            drop.append(m)  # "Hamas" is only an odd alternate name of Hamm: no place without "in Hamas"
            continue
        if m.label != "GPE" or " " in m.text or m.cue or not m.place.small_town:
            continue
        if any(o.place is not None and o.place.country == m.place.country and o.text != m.text for o in places):
            continue
        drop.append(m)
    for m in drop:
        mentions.remove(m)
        candidates.append((m.start, m.end, m.text))


def _by_alternate(m: Mention) -> bool:
    """Did the name match its place only through a GeoNames alternate name
    that is no plain spelling variant of the place's own name? Variants keep
    the name's ending (Mykolaiv/Mykolayiv, Cracow/Krakow); an alternate with
    another ending is mostly another language's inflected form or another
    word altogether ("Hamas" for Hamm)."""
    assert m.place is not None  # called for place mentions only
    alt = ascii_fold(strip_possessive(m.text)).lower()
    own = ascii_fold(m.place.name).lower()
    return alt != own and alt[-1:] != own[-1:]


def _from_model_span(ent: Span) -> Mention | None:
    res = load_resources()
    text = ent.text.strip()
    label = ent.label_
    if not text:
        return None
    if text in res.demonyms:
        return Mention(ent.start_char, ent.end_char, ent.text, "NORP", _demonym_name(text, res.demonyms))
    if label in PLACE_LABELS or label in ("PERSON", "ORG"):
        candidates = res.gazetteer.candidates(strip_possessive(_strip_the(text)))
        if candidates and label != "PERSON":
            place = candidates[0]
            return Mention(
                ent.start_char, ent.end_char, ent.text, place.label, place.name, place, candidates=candidates
            )
    if label == "PERSON":
        words = [w for w in strip_possessive(text).split() if w not in TITLES]
        if not words:
            return None
        name = normalise_name(" ".join(words))
        return Mention(
            ent.start_char,
            ent.end_char,
            ent.text,
            label,
            name,
            None,
            len(words) == 1,
            registrable=looks_like_full_name(name, res),
        )
    return Mention(
        ent.start_char,
        ent.end_char,
        ent.text,
        label,
        _org_name(strip_possessive(text)) if label == "ORG" else normalise_name(text),
    )


def looks_like_full_name(name: str, res: Resources | None = None) -> bool:
    """A full name fit for the corpus registry when nothing but its words is
    known (a trained model's span): two to four words, a known first name or
    initials first, no date/function/credit word, no country/state/region or
    big city last."""
    res = res or load_resources()
    words = [w for w in name.split() if w not in _JOINERS and w not in _SUFFIXES]
    if not 2 <= len(words) <= 4 or not (words[0] in res.first_names or _INITIALS.match(words[0])):
        return False
    if any(w in _DATE_WORDS or w.lower() in _NAME_STOPS or not _NAME_WORD.match(w) for w in words):
        return False
    place = res.gazetteer.lookup(words[-1])
    return place is None or not place.well_known


def _strip_the(text: str) -> str:
    return text[4:] if text.lower().startswith("the ") else text


def _alias_people(mentions: list[Mention], candidates: list[tuple[int, int, str]]) -> None:
    """Link one-word names to the article's full names sharing the surname;
    candidates that match a full name become people."""
    full: dict[str, str] = {}
    by_first: dict[str, set[str]] = {}
    for m in mentions:
        if m.label == "PERSON" and not m.single:
            full.setdefault(surname_key(m.canonical), m.canonical)
            by_first.setdefault(m.canonical.split()[0], set()).add(m.canonical)
    for m in mentions:
        if m.label == "PERSON" and m.single:
            target = full.get(surname_key(m.canonical))
            if not target and len(by_first.get(m.canonical, ())) == 1:
                target = next(iter(by_first[m.canonical]))  # "Hillary" after "Hillary Clinton"
            if target:
                m.canonical, m.single = target, False
    singles = {m.canonical for m in mentions if m.label == "PERSON" and m.single}
    for m in mentions:
        # "Obama" and "Duncan" are also towns; in an article naming the person
        # the surname is the person.
        if m.label == "GPE" and m.place is not None and not m.place.well_known and not m.locative:
            target = full.get(surname_key(m.text))
            if target:
                m.label, m.canonical, m.place = "PERSON", target, None
            elif m.text in singles:
                m.label, m.canonical, m.place, m.single = "PERSON", m.text, None, True
    remaining = []
    for start, end, text in candidates:
        target = full.get(surname_key(strip_possessive(text)))
        if target:
            mentions.append(Mention(start, end, text, "PERSON", target))
        else:
            remaining.append((start, end, text))
    candidates[:] = remaining


def resolvable_bare_name(word: str, person: bool = False) -> bool:
    """May a one-word mention take a full name from the corpus registry?
    Never a date word or a credit fragment. A word not yet known to be a
    person (a candidate, a small town) also must not be a dictionary word or a
    well-known place ("Sunday", "America", "Washington" stay what they are);
    a word the article already makes a person ("President Trump", "Rice
    said") may be a dictionary word."""
    res = load_resources()
    if " " in word or "/" in word or word in _DATE_WORDS or word in DAY_QUALIFIERS or not _NAME_WORD.match(word):
        return False
    if person:
        return word.lower() not in _NAME_STOPS
    if word.lower() in res.common or word.lower() in _NAME_STOPS:
        return False
    place = res.gazetteer.lookup(word)
    return place is None or not place.well_known
