"""The offline recogniser (`parallax_entities`): capitalised runs → mentions.

Runs of capitalised tokens are split into places (gazetteer), organisations
(head words: "... Office", "the Kremlin"), nationalities (NORP), and people (a
title before, a known first name, or a name-like sequence no dictionary
knows). Single unknown capitalised words are kept as *candidates*: they become
people when the article (or the corpus) names someone with that surname, or
when they say something.

Results travel in `doc.user_data` (offsets in characters):
  "parallax_mentions": list[Mention], "parallax_candidates": list[(start, end, text)].
"""

from __future__ import annotations

import re
from bisect import bisect_left

from spacy.language import Language
from spacy.tokens import Doc

from .canonical import normalise_name, strip_possessive
from .gazetteer import Place
from .mentions import (
    CALENDAR,
    DATE_WORDS,
    INITIALS,
    JOINERS,
    NAME_PARTICLES,
    NAME_STOPS,
    NAME_WORD,
    SUFFIXES,
    Mention,
    Resources,
    label_by_context,
    load_resources,
    role_before,
)
from .names import (
    CREDIT_WORDS,
    DATE_MODIFIERS,
    DAY_NAMES,
    DAY_QUALIFIERS,
    FAC_HEADS,
    GENERIC_ORG_HEADS,
    HOLIDAYS,
    LEGAL_FORMS,
    LOC_HEADS,
    NON_ORG_ACRONYMS,
    ORG_HEADS,
    SPEECH_VERBS,
    TITLES,
    load_first_names,
)
from .organisations import organisation_short_forms, sports_article, teams_in_sports
from .tokens import Tokens, caps_lines, is_cap, line_starts, prev_word, uncertain_case

_DETERMINERS = frozenset({"The", "the"})
_CONTRACTION_PIECES = frozenset(["re", "ve", "ll"])
_NAME_PREFIX = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|St|Fitz|O['\u2019])")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
# An abbreviation in capitals: "NATO", "KDP", "AT&T", "U.N.", "U.S.A.".
_ACRONYM = re.compile(r"^(?:[A-Z][A-Z&]{1,5}|(?:[A-Z]\.){2,4})$")
_ACRONYM_SECOND = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ&.")  # what an _ACRONYM's second character must be
# Before a run: a place name after these is a place ("in Clinton", "near Obama").
_LOCATIVE_BEFORE = frozenset(
    ["in", "at", "near", "outside", "from", "across", "around", "inside", "into", "toward", "towards", "throughout"]
)
_STRONG_LOCATIVE_BEFORE = frozenset(["in", "near", "outside", "inside", "throughout"])
_COMPASS = frozenset(["North", "South", "East", "West", "Central", "Northern", "Southern", "Eastern", "Western"])
# Title words that only make a title before another one ("Health Minister",
# "Deputy Mayor"); before anything else they are part of a name ("Zuri Health Link").
_TITLE_MODIFIERS = frozenset(
    [
        "Vice",
        "Prime",
        "Deputy",
        "Assistant",
        "Acting",
        "Former",
        "Foreign",
        "Defence",
        "Defense",
        "Interior",
        "Health",
        "Finance",
        "State",
        "Minority",
        "Majority",
        "First",
    ]
)
# Lower-case nouns after a place name that make it the region of that name.
_UNIT_NOUNS = frozenset(["region", "oblast", "province"])
# Lower-case nouns that make the unknown proper noun before them a place:
# "the Vistula river", "the Podgórze district".
_GEO_NOUNS = {w: "LOC" for w in ["river", "sea", "lake", "mountains", "hills", "foothills", "valley", "desert"]}
_GEO_NOUNS.update({w: "GPE" for w in ["district", "region", "province", "county"]})
# Words that make a place name a part or kind of that place, not an
# organisation ("Greater London", "Gaza Strip", "Downtown Chicago"), or a
# politician's affiliation ("Sanders, Vermont Independent").
_PLACE_WORDS = frozenset(
    ["Independent", "Independents", "Greater", "Upstate", "Downstate", "Downtown", "Uptown", "Midtown", "Metro",
     "Metropolitan", "Inner", "Outer", "Old", "New", "Upper", "Lower", "Mid", "Middle", "Coastal", "Rural",
     "Suburban", "Strip", "Area", "Border", "Front", "Zone", "Basin", "Delta", "Heights", "Corridor", "Bank",
     "Mount", "Cape", "Port", "Isle", "Gulf", "Bay", "Capital", "Province", "State", "City", "Town", "Village",
     "District", "Republic", "Kingdom", "Empire"]
)  # fmt: skip
# "Rowan County", "Orleans Parish": administrative areas named by their head word.
_COUNTY_WORDS = frozenset(["County", "Parish", "Borough", "Township"])
# "Chief of Staff", "Secretary of State": a title continued by "of".
_TITLE_OF_WORDS = frozenset(["Staff", "State", "Police", "Defense", "Defence", "Homeland"])
# The Arabic article, also an English first name ("Al").
_ARABIC_ARTICLES = frozenset({"Al", "El"})
# "the town of Lac du Bonnet": a settlement too small for the gazetteer.
_REGNAL_NUMBERS = frozenset("I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI".split())
# Title words that are mostly first names when a surname follows ("Dean Saunders",
# "Earl Thomas"); "Major", "Judge", "King" are titles first.
_FIRST_NAME_TITLES = frozenset(["Dean", "Earl"])
# Titles a person is known by together with one name ("Pope Francis",
# "Queen Elizabeth"): the name alone is a first name nobody can facet on.
_STYLED_TITLES = frozenset(
    ["Pope", "King", "Queen", "Prince", "Princess", "Saint", "St.", "Emperor", "Empress", "Sultan"]
)
# Speech verbs that are also plural nouns after a name ("Facebook posts", "Kremlin claims"):
# no sign that the name speaks.
_NOUN_LIKE_VERBS = frozenset(["posts", "tweets", "notes", "states", "claims", "remarks", "replies"])
# Lower-case nouns beside a name that make it a publication or an agency.
_PUBLICATION_NOUNS = frozenset(["daily", "weekly", "newspaper", "magazine", "tabloid", "broadsheet"])
_SETTLEMENT_NOUNS = frozenset(["town", "city", "village", "hamlet", "port", "municipality"])
# Organisations named for a purpose, "<head> to <Verb> ...": "Committee to Protect
# Journalists", "Campaign to Stop Killer Robots". Without this the purpose ("Protect
# Medicare", twice in an article) read as a person's name and lent its last word
# to every bare "Medicare" in the corpus.
_PURPOSE_ORG_HEADS = frozenset(
    "Committee Campaign Coalition Alliance Movement Project Initiative Fund Foundation Council Society League"
    " Association Center Centre Network".split()
)


def _runs(tokens: Tokens) -> list[tuple[int, int]]:
    """Maximal token ranges of capitalised words, joined by name particles,
    "of", "'s", "and" or hyphens when a capitalised word follows."""
    runs = []
    words = tokens.words
    caps = tokens.caps
    n = tokens.n
    i = 0
    while i < n:
        if not caps[i]:
            i += 1
            continue
        j = i + 1
        while j < n:
            text = words[j]
            if caps[j]:
                j += 1
            elif (
                text in ("'", "\u2019")
                and not tokens.ws[j - 1]
                and words[j - 1].endswith("s")
                and j + 1 < n
                and caps[j + 1]
            ):
                j += 2  # a plural possessive inside a name: "Dockworkers’ Federation"
            elif text == "for" and words[j - 1] in ORG_HEADS and _org_continues(words, j + 1, n):
                j += 3 if words[j + 1] == "the" else 2  # "Center for Western Priorities"
            elif text == "to" and words[j - 1] in _PURPOSE_ORG_HEADS and _purpose_follows(words, j + 1, n):
                j += 2  # "Committee to Protect Journalists"
            elif text == "-" and tokens.ws[j - 1]:
                break  # a spaced dash separates names ("En Français - Reuters"); "Jean-Marie" has none
            elif text in JOINERS:
                k = j
                while k < n and words[k] in JOINERS and k - j < 2:
                    k += 1  # "bin", "al" + "-": up to two joiners
                if k < n and caps[k]:
                    j = k + 1
                else:
                    break
            else:
                break
        runs.append((i, j))
        i = j
    return runs


def _purpose_follows(words: list[str], k: int, n: int) -> bool:
    """Is a purpose written at k after "<head> to" ("... to Protect", "... to Stop")?
    A capitalised dictionary word (a verb); "the Council to Albany" is a place."""
    return k < n and is_cap(words[k]) and words[k].lower() in load_resources().common


def _org_continues(words: list[str], k: int, n: int) -> bool:
    """Does a name go on at k after "for" ("... for Western", "... for the Study")?"""
    if k < n and words[k] == "the":
        k += 1
    return k < n and is_cap(words[k]) and words[k] not in DATE_WORDS


def _is_credit(tokens: Tokens, start: int, end: int) -> bool:
    """Is the run part of a photo credit or byline ("Saul Loeb/AFP/Getty
    Images", "AP Photo/...", "Photo: ...", "Mousily/ Reuters")? A "/" glued to
    or inside the run, or a credit word and ":" or "by" before it."""
    words = tokens.words
    if "/" in "".join(words[start:end]):
        return True
    k, prev = prev_word(tokens, start)
    if prev.endswith("/") or (end < tokens.n and words[end].startswith("/")):
        return True
    if prev in (":", "by", "By"):
        _, before = prev_word(tokens, k)
        return before.lower() in CREDIT_WORDS
    return False


def split_runs(tokens: Tokens, runs: list[tuple[int, int]]) -> list[tuple[int, int]]:
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
            if word not in DATE_WORDS or _month_as_surname(tokens, k, s):
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


def _month_as_surname(tokens: Tokens, k: int, s: int) -> bool:
    """ "Theresa May said": "May" after a first name, with no day number
    after it, is a surname, not the month ("Theresa May 5" would be)."""
    if tokens.words[k] != "May" or k - 1 < s or tokens.words[k - 1] not in load_first_names():
        return False
    j = k + 1
    while j < tokens.n and tokens.is_space(j):
        j += 1
    return j >= tokens.n or not tokens.words[j][:1].isdigit()


def _keep(words: list[str], s: int, e: int, out: list[tuple[int, int]]) -> None:
    while s < e and words[s] in JOINERS:
        s += 1
    while e > s and words[e - 1] in JOINERS:
        e -= 1
    if e > s:
        out.append((s, e))


class _Segmenter:
    """Splits one capitalised run into mentions; see module docstring."""

    def __init__(
        self,
        tokens: Tokens,
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
        self._surname_words: frozenset[str] | None = None
        self._sports: bool | None = None  # see _in_sports_article
        self.mentions: list[Mention] = []
        self.candidates: list[tuple[int, int, str]] = []
        self.caps_words: list[int] = []  # words in capitals on a capitals line (see caps_headline_words)
        self.surname_only: list[tuple[int, int, str]] = []  # see _surname_only
        self.pairs: set[tuple[str, str]] | None = None  # see _repeated_pair
        self._line_start: list[bool] | None = None
        self._caps_line: list[bool] | None = None

    @property
    def surname_words(self) -> frozenset[str]:
        """Capitalised words the article writes on their own, not after
        "Al"/"El" ("Franken said"): surnames, for _arabic_article_name
        (built when first needed: most articles have no "Al"/"El")."""
        if self._surname_words is None:
            words, caps = self.tokens.words, self.tokens.caps
            self._surname_words = frozenset(
                w
                for k, w in enumerate(words)
                if caps[k] and not any(words[m] in _ARABIC_ARTICLES for m in range(max(0, k - 2), k))
            )
        return self._surname_words

    @property
    def line_start(self) -> list[bool]:
        """Per token, see tokens.line_starts (built when first needed: few
        articles have a word in capitals at a line's start)."""
        if self._line_start is None:
            self._line_start = line_starts(self.tokens)
        return self._line_start

    @property
    def caps_line(self) -> list[bool]:
        """Per token, see tokens.caps_lines (built when first needed)."""
        if self._caps_line is None:
            self._caps_line = caps_lines(self.tokens)
        return self._caps_line

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
        titled: bool = False,
    ) -> None:
        text = self.tokens.text(i, j)
        start = self.tokens.idx[i]
        self.mentions.append(
            Mention(
                start,
                start + len(text),
                text,
                label,
                canonical,
                place,
                single,
                candidates,
                registrable,
                locative,
                cue,
                titled,
            )
        )

    def _candidate(self, i: int) -> None:
        word = self._word(i)
        self.candidates.append((self.tokens.idx[i], self.tokens.idx[i] + len(word), word))

    def _place_at(self, i: int, end: int) -> tuple[int, Place, tuple[Place, ...]] | None:
        gaz = self.res.gazetteer
        # No place name starts with the word at i: neither it alone nor, when a
        # space follows it, a longer phrase needs a lookup (most words: a speed-up).
        word = self._word(i)
        no_name_starts = not gaz.may_start(word)
        if no_name_starts and self.tokens.ws[i] and not word.isupper():
            return None  # (what the loop below finds then: no phrase to look up, none in capitals)
        for n in range(min(gaz.max_words, end - i), 0, -1):
            if self._word(i + n - 1) in JOINERS:
                continue
            if no_name_starts and (n == 1 or self.tokens.ws[i]):
                candidates = self._caps_candidates(i, i + n)
            else:
                candidates = gaz.candidates(self.tokens.text(i, i + n)) or self._caps_candidates(i, i + n)
            if not candidates:
                continue
            place = candidates[0]
            if n == 1 and not self._trust_single_place(i, place):
                return None
            return i + n, place, candidates
        return None

    def _caps_candidates(self, i: int, j: int) -> tuple[Place, ...]:
        """Places for a name written in capitals ("NEW YORK", "ST LOUIS"):
        looked up in title case. Two-letter codes stay codes ("US" is in the
        gazetteer as written; "GB" in a table is no place)."""
        if not self._word(i).isupper():
            return ()
        text = self.tokens.text(i, j)
        if not text.isupper() or len(text) < 4 or any(not self._word(k).isalpha() for k in range(i, j)):
            return ()
        name = title_case(text)
        if name in DATE_WORDS:
            return ()
        found = self.res.gazetteer.candidates(name)
        if found and not found[0].well_known and not self.caps_line[i]:
            return ()  # "FIRE" in running text is an acronym, not the town of Fire
        return found

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
            if word in TITLES and k > i and self._titles_before_first_name(k, end):
                break  # "Department of Energy Acting Deputy Secretary Ken ...": the person starts
            if k > i and word[:1].isupper() and word.lower() in NAME_STOPS:
                break  # a headline's "To", "On": "Maria Okafor To Announce Senate Bid"
            if (
                word == "and"
                and k == i + 1
                and self._word(i) in ORG_HEADS
                and k + 1 < end
                and self._word(k + 1) in ORG_HEADS
            ):
                return k  # "the House and Senate": two bodies ("Health and Human Services" is one)
            if word in ORG_HEADS or k > i and word in LEGAL_FORMS:
                last = k + 1
            k += 1
        if last is not None and last < k and self._word(last) in ("of", "for", "to"):
            return k  # "Bank of America", "University of Texas", "Center for ...", "Committee to ..."
        return last

    def _titles_before_first_name(self, k: int, end: int) -> bool:
        """Do title words from k on lead to a first name ("Acting Deputy Secretary Ken")?"""
        while k < end and self._word(k) in TITLES:
            k += 1
        return k < end and self._word(k) in self.res.first_names

    def _fac_end(self, i: int, end: int) -> int | None:
        """ "National Mall", "Trump Tower": a run closed by a facility word
        (a place of its own; "Hostomel Airfield" is handled with places)."""
        k = i
        while k < end and self._word(k) not in TITLES and self._word(k) not in ORG_HEADS:
            k += 1
        if (
            k - i >= 2
            and self._word(k - 1) in FAC_HEADS
            and self.res.gazetteer.lookup(self._word(i)) is None
            and not self._first_name_and_surname(i, k)
        ):
            return k
        return None

    def _person_end(self, i: int, end: int) -> int:
        k = i
        while k < end:
            word = self._word(k)
            if word in ORG_HEADS or word in self.res.demonyms or self._title_inside_name(i, k, end):
                break
            if word in ("of", "and", "&", "'s", "\u2019s", "'", "\u2019"):
                break
            if k > i and self._ends_name(i, k):
                break
            k += 1
        while k > i + 1 and self._word(k - 1) in JOINERS:
            k -= 1
        return k

    def _organisation_word(self, k: int) -> bool:
        """A dictionary word, capitalised where case tells, that may sit
        beside a place in an organisation's name ("Munich Re", "Air France",
        "Red Star"): not a title, date, demonym, compass, qualifier or
        geographic word, and no place itself."""
        word = self._word(k)
        if self.uncertain[k] or not is_cap(word) or word.isupper() and len(word) > 2 or not self._common(k):
            return False
        if word in TITLES or word in DATE_WORDS or word in self.res.demonyms or word in _COMPASS:
            return False
        if word in _PLACE_WORDS or word in LOC_HEADS or word in FAC_HEADS or word in _COUNTY_WORDS:
            return False
        # Function words do not name ("Paris On Monday", "CHICAGO AT DETROIT"); spaCy's stop
        # words also hold contraction pieces, and "Re" of "Munich Re" is none.
        lower = word.lower()
        return self.res.gazetteer.lookup(word) is None and (lower not in NAME_STOPS or lower in _CONTRACTION_PIECES)

    def _place_named_organisation(
        self, i: int, found: tuple[int, Place, tuple[Place, ...]] | None, end: int
    ) -> int | None:
        """End of an organisation named with a place and dictionary words
        ("Munich Re", "Bucharest Newsroom", "Air France", "Dynamo Moscow"),
        or None. Case must be informative on every word (no headline)."""
        if found is not None:
            if self._word(i) in self.res.first_names:
                return None  # "Paris Hilton", "Austin Dillon": a person first
            k = found[0]
            while k < end and self._organisation_word(k):
                k += 1
            return k if k > found[0] and not self.uncertain[i] else None
        if i + 1 >= end:
            return None
        # "Bill Clinton", "John Bolton": a first name and a surname that is also a town; but in a sports
        # article a dictionary word before a big city names a club even if it is a first name ("Real Madrid").
        sports_word = self._word(i) in self.res.first_names and self._common(i) and self._in_sports_article()
        if self._word(i) in self.res.first_names and not sports_word:
            return None
        club = self._club_word(i)
        if not self._organisation_word(i) and not club:
            return None
        place = self._place_at(i + 1, end)
        if place is None or place[1].kind == "continent" or (club and place[1].kind != "city"):
            return None
        if sports_word and not (place[1].kind == "city" and place[1].well_known):
            return None
        return place[0]

    def _club_word(self, k: int) -> bool:
        """In a sports article, an unknown name word before a city names a
        club ("Ruch Chorzow", "Rotor Volgograd"): no first name, title or place."""
        word = self._word(k)
        if self.uncertain[k] or not is_cap(word) or word.isupper() or not NAME_WORD.match(word):
            return False
        if word in TITLES or word in self.res.demonyms or self.res.gazetteer.lookup(word) is not None:
            return False
        return self._in_sports_article()

    def _in_sports_article(self) -> bool:
        if self._sports is None:
            self._sports = sports_article(self.tokens)
        return self._sports

    def _after_title_words(self, i: int, j: int) -> int:
        """Where the name starts after a title whose object comes first:
        "Director of National Intelligence James Clapper" names James
        Clapper. Dictionary words before a first name that opens a name of
        two words or more belong to the title."""
        for k in range(i + 1, j - 1):
            if self._word(k) in self.res.first_names and all(self._common(m) for m in range(i, k)):
                return k
        return i

    def _first_name_and_surname(self, i: int, j: int) -> bool:
        """Two words, a first name and a word that may be a surname: "Celinda
        Lake", "Edwin Park" are people before they are a lake or a park."""
        return j - i == 2 and self._word(i) in self.res.first_names and not self._common(i)

    def _person_context_after(self, i: int) -> bool:
        """Do the words after token i say a person (linking.label_by_context)?"""
        word = self._word(i)
        after = "".join(self.words_ws(k) for k in range(i + 1, min(self.tokens.n, i + 6)))
        # "Organisers, who ...": a plural noun opening a sentence takes "who" too.
        plural = word.endswith("s") or after.lstrip(" ,").startswith(("who", "whose"))
        return not plural and label_by_context(word + self.tokens.ws[i] + after, 0, len(word)) == "PERSON"

    def words_ws(self, k: int) -> str:
        return self.tokens.words[k] + self.tokens.ws[k]

    def _common_word_surname(self, i: int) -> bool:
        """May a dictionary word capitalised on its own mid-sentence be a
        surname ("Dole", "Woods")? Not a title, date, compass, demonym or
        organisation word. It waits as a candidate; only a full name with
        that surname in the same article makes it a person (the corpus
        registry never resolves dictionary words)."""
        word = self._word(i)
        if word.isupper() or not NAME_WORD.match(word) or word.lower() in NAME_STOPS:
            return False
        if self.uncertain[i] and not self._person_context_after(i):
            return False  # "Levy rose": a word; "Levy, who ...", "Dole said he ...": maybe a person
        return not (
            word in TITLES or word in ORG_HEADS or word in DATE_WORDS or word in _COMPASS or word in self.res.demonyms
        )

    def _surname_only(self, i: int, end: int) -> bool:
        """A word that is a person only as the surname of a full name the
        article gives (linking.surnames_of_full_names; no registry, no
        context): a dictionary word opening a sentence ("Miller raised the
        pace" after "Nate Miller"), or a title word before no name and after
        no determiner ("said King" after "Billie Jean King")."""
        word = self._word(i)
        if word.isupper() or not NAME_WORD.match(word) or word.lower() in NAME_STOPS:
            return False
        if word in TITLES:
            return i + 1 == end and word not in _TITLE_MODIFIERS and not self._after_determiner(i)
        return (
            self.uncertain[i]
            and self._common(i)
            and not (word in ORG_HEADS or word in DATE_WORDS or word in _COMPASS or word in self.res.demonyms)
        )

    def _after_determiner(self, i: int) -> bool:
        _, before = prev_word(self.tokens, i)
        return before.lower() in ("the", "a", "an", "this", "that", "his", "her", "their", "its", "our")

    def _title_inside_name(self, i: int, k: int, end: int) -> bool:
        """Does the title word at k start another person's title? Not when it
        ends the run after first names: "John Major said" names John Major."""
        if self._word(k) not in TITLES or k == i:
            return False
        if k + 1 == end and all(self._word(m) in self.res.first_names for m in range(i, k)):
            return False  # "John Major said", "Billie Jean King said": the title word is the surname
        if k + 1 == end and self._word(k - 1) not in TITLES and self._word(k) not in _TITLE_MODIFIERS:
            return False  # "Hun Sen agreed": a title before no name is none; the word is the surname
        return self._is_title(k, end)

    def _ends_name(self, i: int, k: int) -> bool:
        """Does the word at k (after the name's first word at i) stop a
        person's name? Function words and speech verbs ("... To Announce",
        "... Says"), dates, non-words, two words glued together or a word the
        name already has, a country/state/region (unless a first name opens
        the name: "Jim Jordan"), and the lower-case words of a Title Case
        headline from the third word on."""
        word = self._word(k)
        lower = word.lower()
        if _month_as_surname(self.tokens, k, i):
            return False  # "Theresa May"
        if lower in NAME_STOPS or lower in SPEECH_VERBS or word in DATE_WORDS:
            return True
        if word not in SUFFIXES and word != "-" and not NAME_WORD.match(word):
            return True
        if glued(word) or word in (self._word(m) for m in range(i, k)):
            return True  # "Robert Mueller Robert (Bob) Swan MuellerSpeier": a tooltip run into the text
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
            and not INITIALS.match(self._word(k - 1))
        )

    def _registrable(self, i: int, j: int, titled: bool) -> bool:
        """Does the full name at i..j look like a person's, enough to lend its
        surname to bare mentions across the corpus? A first name, initials or
        a title before it; two to four words; no date, function or credit
        word; no common-word first and last word ("the Rose Garden"); a
        country/state/region/big city as last word only after a title."""
        words = [self._word(k) for k in range(i, j) if self._word(k) not in JOINERS and self._word(k) not in SUFFIXES]
        if not 2 <= len(words) <= 4:
            return False
        first, last = words[0], strip_possessive(words[-1])
        if not (
            titled
            or first in self.res.first_names
            or INITIALS.match(first)
            or (j - i == 2 and self.tokens.words[i] == first and self._repeated_pair(i))
        ):
            return False
        if any(w in DATE_WORDS or w.lower() in NAME_STOPS or not NAME_WORD.match(w) for w in words):
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
        _, prev = prev_word(self.tokens, i)
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

    def _dateline(self, start: int, end: int) -> bool:
        """A wire dateline: a line opening with a place in capitals, then a
        date, "(" or "," ("LONDON 1996-12-06", "WASHINGTON (Reuters) -",
        "KYIV, Ukraine"). The place is a place even when the gazetteer does
        not know it (a small town) or it is also a name."""
        if not self.line_start[start] or not all(self._word(k).isupper() for k in range(start, end)):
            return False
        k = end
        while k < self.tokens.n and self.tokens.is_space(k):
            k += 1
        if k >= self.tokens.n or "\n" in self.tokens.words[k - 1] and k > end:
            return False
        after = self._word(k)
        if not (after in ("(", ",") or after.isdigit() and len(after) == 4 or after in DATE_WORDS):
            return False
        text = self.tokens.text(start, end)
        candidates = self.res.gazetteer.candidates(title_case(text)) or self.res.gazetteer.candidates(text)
        if candidates:
            # A dateline names a city ("NEW YORK" is the city, not the state).
            place = next((p for p in candidates if p.kind == "city"), candidates[0])
            self._add(start, end, place.label, place.name, place, candidates=candidates, locative=True, cue=True)
        elif len(text) > 2 and all(self._word(k).isalpha() for k in range(start, end)) and after not in ("(", ","):
            # A place the gazetteer does not know needs a date after it ("CNN, and Acosta" is no dateline).
            self._add(start, end, "GPE", title_case(text), locative=True, cue=True)
        else:
            return False
        return True

    def _name_before_country(self, start: int, end: int) -> bool:
        """ "Torrance Zellner ( U.S. ) 48.23", "Darryn Hill (Australia) beat":
        two or three capitalised words, the first no dictionary word, title
        or organisation word, then a country in brackets: a person in
        results and line-ups."""
        if not 2 <= end - start <= 3 or end + 2 >= self.tokens.n or self._word(end) != "(":
            return False  # (the bracket first: the cheapest test, and the rarest)
        words = [self._word(k) for k in range(start, end)]
        if not all(is_cap(w) and not w.isupper() and NAME_WORD.match(w) for w in words):
            return False
        gaz = self.res.gazetteer
        if any(w in TITLES or w in ORG_HEADS for w in words) or self._common(start):
            return False  # "Red Star (Yugoslavia)", "Sporting Club (Portugal)": no person's first word
        if gaz.lookup(self.tokens.text(start, end)) is not None:
            return False
        k = end
        close = next((j for j in range(k + 1, min(self.tokens.n, k + 5)) if self._word(j) == ")"), None)
        if close is None:
            return False
        place = gaz.lookup(self.tokens.text(k + 1, close))
        if place is None or not (place.kind == "country" or place.nation):
            return False
        name = self.tokens.text(start, end)
        self._add(start, end, "PERSON", normalise_name(name), registrable=self._registrable(start, end, False))
        return True

    def _before_tooltip(self, start: int, end: int) -> int:
        """Where a name's tooltip, run into the text, starts: "Trump Donald
        John TrumpGOP" is "Trump" and the tooltip "Donald John Trump" glued
        to the next word. A glued word whose first part the run already has
        marks it; the run ends after that first part's earlier place."""
        for k in range(start + 2, end):
            word = self._word(k)
            if glued(word):
                head = _INNER_CAPITAL.split(word, maxsplit=1)[0]
                head = word[: len(head) + 1]
                for m in range(start, k - 1):
                    if self._word(m) == head:
                        return m + 1
        return end

    def segment(self, start: int, end: int) -> None:
        if _is_credit(self.tokens, start, end):
            self._places_only(start, end)
            return
        if self._dateline(start, end):
            return
        if self._name_before_country(start, end):
            return
        end = self._before_tooltip(start, end)
        i = start
        titled = False
        after_common = False  # the previous word was a dictionary word written with a capital mid-sentence
        if self.settlements and self.tokens.text(start, end) in self.settlements and self._place_at(start, end) is None:
            text = self.tokens.text(start, end)
            self._add(start, end, "GPE", normalise_name(text))
            return
        while i < end:
            word = self._word(i)
            if word in JOINERS or word in _DETERMINERS:
                i += 1
                continue
            if i > start and self.uncertain[i] and not word.isupper() and word.lower() in NAME_STOPS:
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
                    self._add(i, org_end, "ORG", org_name(self.tokens.text(i, org_end)))
                i = org_end
                titled = False
                continue
            if (
                i + 1 < end
                and self._word(i + 1) in _COUNTY_WORDS
                and (not found or found[0] == i + 1)  # "Bergen County", "Hamilton County": not the town, nor a person
                and word not in TITLES
                and NAME_WORD.match(word)
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
            if (
                not found
                and i == start
                and end - i >= 2
                and self._word(end - 1) in LOC_HEADS
                and org_end is None
                and not self._first_name_and_surname(i, end)
            ):
                text = self.tokens.text(i, end)  # "Bird River", "Tana River"
                self._add(i, end, "LOC", normalise_name(text))
                i = end
                continue
            named = self._place_named_organisation(i, found, end) if not titled else None
            if named is not None:
                self._add(i, named, "ORG", normalise_name(self.tokens.text(i, named)))
                i = named
                continue
            if found and found[0] == i + 1 and not titled and self._double_surname_after(i + 1, end):
                # "Alexandria Ocasio-Cortez": a place's name as a first name before a double surname.
                name = strip_possessive(self.tokens.text(i, i + 4))
                self._add(i, i + 4, "PERSON", normalise_name(name), registrable=True)
                i += 4
                continue
            if found and (found[0] - i > 1 or not self._person_starts(i, end, titled)):
                i = self._add_place(i, found[0], found[1], end, found[2])
                titled = False
                continue
            if self._acronym(i, end):
                self._add(i, i + 1, "ORG", word)
                i += 1
                continue
            if word in self.res.demonyms:
                self._add(i, i + 1, "NORP", demonym_name(word, self.res.demonyms))
                i += 1
                continue
            if (
                word in TITLES
                and i + 1 < end
                and self._is_title(i, end)
                and not self._first_name_after_title(i, titled)
            ):
                titled = True
                i += 1
                continue
            if self._person_starts(i, end, titled):
                j = self._person_end(i, end)
                if found and j - i == 1 and not titled:
                    # "Washington Republicans": a place before a non-name.
                    i = self._add_place(i, found[0], found[1], end, found[2])
                    continue
                if titled:
                    i = self._after_title_words(i, j)
                name = strip_possessive(self.tokens.text(i, j))
                if after_common and not titled and self._common(j - 1):
                    # "Centre for Information Law Studies": a name of words.
                    i = j
                    after_common = False
                    continue
                if not titled and (self._named_like_organisation(i, j) or self._publication(i, j)):
                    self._add(i, j, "ORG", normalise_name(name))
                elif not titled and self._preceded_by_the(i) and all(self._common(k) for k in range(i, j)):
                    pass  # "the Rose Garden", "the Grant Park": words, not a person
                elif titled and j - i == 1 and i > start and self._word(i - 1) in _STYLED_TITLES:
                    # "Pope Francis", "Prince Charles": known by title and name; the facet shows both,
                    # with a regnal number written after the name ("Queen Elizabeth I").
                    if j < self.tokens.n and self.tokens.ws[j - 1] and self._word(j) in _REGNAL_NUMBERS:
                        j += 1
                        name = self.tokens.text(i, j)
                    self._add(i, j, "PERSON", f"{self._word(i - 1)} {normalise_name(name)}", titled=True)
                else:
                    self._add(
                        i,
                        j,
                        "PERSON",
                        normalise_name(name),
                        single=(j - i == 1),
                        registrable=j - i > 1 and self._registrable(i, j, titled),
                        titled=titled,
                    )
                i = j
                titled = False
                continue
            # Unknown words wait as candidates (even sentence-initial ones:
            # they only become people if a full name has that surname).
            if not self._common(i) and word not in TITLES and not word.isupper() and NAME_WORD.match(word):
                geo = _GEO_NOUNS.get(self._word(i + 1)) if i + 1 == end and end < self.tokens.n else None
                if geo and not self.uncertain[i]:
                    self._add(i, i + 1, geo, normalise_name(word))
                else:
                    self._candidate(i)
            elif self._common_word_surname(i):
                self._candidate(i)  # "Dole", "King": a person only if the article names "Bob Dole"
            elif self._surname_only(i, end):
                self.surname_only.append((self.tokens.idx[i], self.tokens.idx[i] + len(word), word))
            elif word.isupper() and self.caps_line[i] and NAME_WORD.match(word):
                self.caps_words.append(i)  # "LYNAGH SEALS VICTORY": maybe a name the body gives
            after_common = self._common(i) and not self.uncertain[i] and word not in TITLES
            titled = False
            i += 1

    def _acronym(self, i: int, end: int) -> bool:
        """ "NATO", "U.N.", "KDP", "AT&T" in running text: an organisation,
        unless the word is an everyday abbreviation (NON_ORG_ACRONYMS), a
        word written in capitals ("AIDS"), a place ("US"), initials before a
        name ("H.R. McMaster"), or on a line in capitals (headlines and
        tables shout every word)."""
        word = self._word(i)
        if word[1:2] not in _ACRONYM_SECOND:
            return False  # most capitalised words ("Trump"): no regex needed
        if not _ACRONYM.match(word) or word in NON_ORG_ACRONYMS or word in TITLES or self.caps_line[i]:
            return False
        if INITIALS.match(word) and i + 1 < end and is_cap(self._word(i + 1)):
            return False
        return word.lower() not in self.res.common and word.replace(".", "").lower() not in NAME_STOPS

    def _arabic_article_name(self, i: int, end: int) -> bool:
        """ "Al Qaeda", "Al-Shabaab": the Arabic article before a name makes a
        group's name, not "Al" the first name, unless the article also names
        the person by that surname alone ("Al Franken ... Franken said") or a
        first name comes before ("Bashar al-Assad" is read elsewhere)."""
        k, prev = prev_word(self.tokens, i)
        if prev in self.res.first_names and k >= 0 and self.tokens.ws[k]:
            return False
        nxt = i + 1
        if self._word(nxt) == "-" and nxt + 1 < end:
            nxt += 1
        if nxt + 1 < end and is_cap(self._word(nxt + 1)) and self._word(nxt + 1) not in ORG_HEADS:
            return False  # "Al Smith Jones": a longer name
        surname = self._word(nxt)
        # "Al Gore", "Al Green": a dictionary word after "Al" is an English surname.
        return surname not in self.surname_words and surname.lower() not in self.res.common

    def _is_title(self, i: int, end: int) -> bool:
        """Is the title word at i used as a title? A modifier ("Health",
        "Deputy") only is before another title word."""
        if self._word(i) not in _TITLE_MODIFIERS:
            return True
        return i + 1 < end and self._word(i + 1) in TITLES

    def _named_like_organisation(self, i: int, j: int) -> bool:
        """Three or more words whose later words are all dictionary words
        and no first names ("Zuri Health Link"), that end in two of them, or
        in a plural dictionary noun ("Bahía Austral Terminals"), name a company or a
        body, not a person ("Donald Trump Jr", "Thomas Eric Duncan" do)."""
        if j - i < 3:
            return False
        later = [self._word(k) for k in range(i + 1, j)]
        if all(w.lower() in self.res.common and w not in self.res.first_names for w in later):
            return True
        last = later[-1].lower()
        if last.endswith("s") and last in self.res.common and last[:-1] in self.res.common:
            return True
        # "Dow Jones Industrial Average": two dictionary words at the end ("Martin Luther King" has one).
        return all(w.lower() in self.res.common and w not in self.res.first_names for w in later[-2:])

    def _double_surname_after(self, k: int, end: int) -> bool:
        """Is a double-barrelled surname written at k ("Ocasio-Cortez"): two
        capitalised name words joined by a hyphen, no dictionary word or place,
        that the article also writes without the word before it?"""
        if k + 3 > end or self._word(k + 1) != "-" or self.tokens.ws[k] or self.tokens.ws[k + 1]:
            return False
        if self.tokens.words.count(self._word(k)) < 2:  # rare: a hyphenated pair after a place
            return False
        parts = (self._word(k), self._word(k + 2))
        gaz = self.res.gazetteer
        return all(
            is_cap(w) and not w.isupper() and NAME_WORD.match(w) and w.lower() not in self.res.common
            and gaz.lookup(w) is None and w not in ORG_HEADS
            for w in parts
        )  # fmt: skip

    def _role_before(self, i: int) -> bool:
        """Is a lower-case role written right before token i (mentions.role_before)?"""
        k, before = prev_word(self.tokens, i)
        return k >= 0 and before.islower() and role_before(before + " ", len(before) + 1)

    def _first_name_after_title(self, i: int, titled: bool) -> bool:
        """Is the title word at i a first name before a name: after another
        title ("Sen. Dean Heller", "Rep. Earl Blumenauer"), or one of the
        _FIRST_NAME_TITLES anywhere but after "the" ("Dean Saunders")?"""
        word = self._word(i)
        if word not in self.res.first_names or self._word(i + 1) not in TITLES and not is_cap(self._word(i + 1)):
            return False
        if word in _FIRST_NAME_TITLES and not self._preceded_by_the(i):
            return self._word(i + 1) not in TITLES  # "Dean Saunders scored"; "the Dean of ..." is a title
        return titled and self._word(i + 1) not in TITLES

    def _publication(self, i: int, j: int) -> bool:
        """A newspaper or agency by the noun beside it: "Zycie Warszawy daily
        said", "the daily Sueddeutsche Zeitung", "Le Matin newspaper"."""
        k = j
        while k < self.tokens.n and self.tokens.is_space(k):
            k += 1
        if k < self.tokens.n and self._word(k) in _PUBLICATION_NOUNS:
            return True
        _, before = prev_word(self.tokens, i)
        return before in _PUBLICATION_NOUNS

    def _preceded_by_the(self, i: int) -> bool:
        return i > 0 and self.tokens.words[i - 1].lower() == "the"

    def _person_starts(self, i: int, end: int, titled: bool) -> bool:
        word = self._word(i)
        if (
            word in ORG_HEADS
            or word in TITLES
            and not (i + 1 < end and self._first_name_after_title(i, titled))
            or word in self.res.demonyms
            or (word.isupper() and not INITIALS.match(word))
        ):
            return False
        if word in DATE_WORDS:
            return False
        if titled:
            return True
        if not _name_shaped(word):
            return False  # "TG24", "OpenSecrets.org", "TrumpGOP"
        k = self._next_name_word(i, end)
        following = self._word(k) if k < end else ""
        nxt = (
            is_cap(following)
            and following not in ORG_HEADS
            and following not in FAC_HEADS
            and following not in LOC_HEADS
            and (
                following.lower() not in CALENDAR
                and following not in DATE_WORDS
                or _month_as_surname(self.tokens, k, i)
            )
            and following not in self.res.demonyms
            and NAME_WORD.match(following) is not None
        )
        if INITIALS.match(word) and nxt and self.res.gazetteer.lookup(word) is None:
            return True  # "H.R. McMaster"
        if word in self.res.first_names and nxt:
            # "Will Congress act?" opens a sentence with a name-like word;
            # "Maria Lopez said" has a surname no dictionary knows.
            return not (self.uncertain[i] and self._common(i) and word not in self.confident_words and self._common(k))
        if nxt and not self._common(i) and not self._common(k) and (not self.uncertain[i] or not self.uncertain[k]):
            # Two capitalised words no dictionary knows: a name (also opening
            # a sentence, when the second word's capital is informative).
            return self.res.gazetteer.lookup(word) is None
        if nxt and k == i + 1 and not self._common(i) and self._role_before(i):
            # "scrum-half Kyran Bracken", "playmaker Corentine Martins": a surname may be a dictionary word.
            return self.res.gazetteer.lookup(word) is None
        if nxt and not self._common(i) and not self.uncertain[k] and self._speech_context(i, k + 1):
            # "said Vaile Wright": a surname may be a dictionary word.
            return self.res.gazetteer.lookup(word) is None
        if nxt and k == i + 1 and self._repeated_pair(i) and not self._common(i + 1):
            # "Mitt Romney" twice mid-sentence: a rare first name that is also a word.
            return self.res.gazetteer.lookup(word) is None and self.res.gazetteer.lookup(following) is None
        return False

    def _speech_context(self, i: int, j: int) -> bool:
        """Is the two-word name at i..j the subject of a speech verb written
        before it ("said Vaile Wright")? Its second word may be a dictionary
        word then; a plural ("said Fletchers Solicitors") names a firm."""
        _, before = prev_word(self.tokens, i)
        return before in SPEECH_VERBS and j == i + 2 and not self._word(i + 1).endswith("s")

    def _next_name_word(self, i: int, end: int) -> int:
        """The name word after i, across a hyphen inside a word ("Jean-Michel
        Monin") or a lower-case particle ("Aravinda de Silva")."""
        j = i + 1
        if j + 1 < end and is_cap(self._word(j + 1)):
            joiner = self._word(j)
            if joiner == "-" and not self.tokens.ws[i] and not self.tokens.ws[j] and j + 2 < end:
                return j + 1  # a surname must follow: "Jean-Georges restaurant" names a place
            if joiner in NAME_PARTICLES:
                return j + 1
        particles = j + 2 < end and self._word(j) in NAME_PARTICLES and self._word(j + 1) in NAME_PARTICLES
        if particles and is_cap(self._word(j + 2)):
            return j + 2  # two particles: "Joost van der Westhuizen"
        return j

    def _repeated_pair(self, i: int) -> bool:
        """Is the two-word sequence at i written at least twice in the
        article with both capitals where case is informative?"""
        if self.pairs is None:
            words, ws, uncertain, caps = self.tokens.words, self.tokens.ws, self.uncertain, self.tokens.caps
            counts: dict[tuple[str, str], int] = {}
            for k in range(self.tokens.n - 1):
                if ws[k] and not uncertain[k] and caps[k] and caps[k + 1]:
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
        if not cue and place.small_town and self._word(i) in self.res.first_names and NAME_WORD.match(self._word(i)):
            # "Clinton", "Jackson": a name first, unless "in Clinton", "Clinton, Iowa".
            self._candidate(i)
            return j
        self._add(i, j, place.label, place.name, place, candidates=candidates or (place,), locative=strong, cue=cue)
        return j


# _person_starts asks this of nearly every capitalised word, and most repeat:
# the answers are kept, up to this many words (then worked out each time).
NAME_SHAPE_MEMO = 200_000
_name_shape_memo: dict[str, bool] = {}


def _name_shaped(word: str) -> bool:
    """Written as one name word (NAME_WORD), not two glued together."""
    known = _name_shape_memo.get(word)
    if known is None:
        known = NAME_WORD.match(word) is not None and not glued(word)
        if len(_name_shape_memo) < NAME_SHAPE_MEMO:
            _name_shape_memo[word] = known
    return known


def glued(word: str) -> bool:
    """Two words written as one, a capital inside after a lower-case letter
    ("TrumpGOP", "PearceNew": text joined without its line break), not a
    name's own inner capital ("McConnell", "DeSantis", "MacArthur", "O'Neill")."""
    rest = _NAME_PREFIX.sub("", word)
    return _INNER_CAPITAL.search(rest) is not None


def title_case(text: str) -> str:
    """ "RIO DE JANEIRO" → "Rio de Janeiro": name particles stay lower case."""
    return " ".join(w.lower() if w.lower() in NAME_PARTICLES else w.capitalize() for w in text.split())


def org_name(text: str) -> str:
    name = normalise_name(text)
    return name[4:] if name.startswith("the ") else name


def demonym_name(word: str, demonyms: frozenset[str]) -> str:
    return word[:-1] if word.endswith("s") and word[:-1] in demonyms else word


@Language.component("parallax_entities")
def parallax_entities(doc: Doc) -> Doc:
    """Rule-based NER over capitalised runs (the offline pipeline). The
    mentions go to doc.user_data, where parallax_link and the Extractor read
    them; doc.ents stays empty: nothing reads it, and making spaCy spans of
    the mentions cost about 0.4 ms an article (4% of the enrichment)."""
    res = load_resources()
    tokens = Tokens.of(doc)
    uncertain = uncertain_case(tokens)
    # Words capitalised mid-sentence somewhere in the article: proper nouns.
    confident = {w for w, u, c in zip(tokens.words, uncertain, tokens.caps, strict=True) if c and not u}
    runs = split_runs(tokens, _runs(tokens))
    seg = _Segmenter(tokens, res, uncertain, confident, _settlements(tokens, runs))
    for start, end in runs:
        seg.segment(start, end)
    _promote_speakers(tokens, seg)
    _names_of_things(seg)
    teams_in_sports(tokens, seg.mentions, seg.candidates, lambda: seg.caps_line, res.gazetteer, res.first_names)
    organisation_short_forms(seg.mentions, seg.candidates, res)
    doc.user_data["parallax_mentions"] = seg.mentions
    doc.user_data["parallax_candidates"] = seg.candidates
    doc.user_data["parallax_caps_words"] = caps_headline_words(tokens, seg.caps_words)
    doc.user_data["parallax_surname_only"] = seg.surname_only
    doc.user_data.pop("_parallax_tokens", None)
    return doc


def caps_headline_words(tokens: Tokens, caps_words: list[int]) -> list[tuple[int, int, str]]:
    """Words in capitals on a headline or table line that nothing else
    claimed, as (start, end, text), two adjacent ones also as a pair
    ("KEVIN BROWN"): linking.people_in_capitals names them when the article
    names a person so."""
    found = []
    for n, i in enumerate(caps_words):
        start = tokens.idx[i]
        found.append((start, start + len(tokens.words[i]), tokens.words[i]))
        if n + 1 < len(caps_words) and caps_words[n + 1] == i + 1 and tokens.ws[i] == " ":
            pair = tokens.text(i, i + 2)
            found.append((start, start + len(pair), pair))
    return found


def _settlements(tokens: Tokens, runs: list[tuple[int, int]]) -> frozenset[str]:
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


def _names_of_things(seg: _Segmenter) -> None:
    """Several "full names" that open with one word no first-name list knows,
    each with another ending ("Reynard Honda", "Reynard Mercedes-Benz",
    "Reynard Ford Cosworth" in a results table), name a maker's cars, a
    brand's products or a group's branches, not people: organisations. Two
    people rarely share an unknown first word in one article."""
    endings: dict[str, set[str]] = {}
    first_names = seg.res.first_names
    for m in seg.mentions:
        if m.label == "PERSON" and not m.titled and " " in m.text:
            first, _, rest = m.text.partition(" ")
            if (
                first not in first_names
                and not INITIALS.match(first)
                and not any(w in first_names for w in rest.split())
            ):
                endings.setdefault(first, set()).add(rest)
    things = {first for first, rests in endings.items() if len(rests) >= 2}
    if not things:
        return
    for m in seg.mentions:
        if m.label == "PERSON" and not m.titled and " " in m.text and m.text.partition(" ")[0] in things:
            if any(w in first_names for w in m.text.split()[1:]):
                continue  # "Cofinec CEO Stephen Frater": a person after the group's name
            m.label, m.canonical, m.registrable = "ORG", normalise_name(m.text), False


def _promote_speakers(tokens: Tokens, seg: _Segmenter) -> None:
    """A candidate followed by a speech verb ("Putin said") is a person."""
    keep = []
    for start, end, text in seg.candidates:
        i = _token_at(tokens, start)
        nxt = tokens.words[i + 1] if i is not None and i + 1 < tokens.n else None
        if (
            nxt in SPEECH_VERBS
            and nxt not in _NOUN_LIKE_VERBS  # "Facebook posts on current events"
            and text.lower() not in seg.res.common  # "Amazon said" is no person
            and label_by_context(tokens.full_text(), start, end) != "ORG"  # nor "Talvask news agency said"
        ):
            seg.mentions.append(Mention(start, end, text, "PERSON", strip_possessive(text), None, True))
        else:
            keep.append((start, end, text))
    seg.candidates = keep
    for m in seg.mentions:
        if m.label == "GPE" and m.place is not None and not m.place.well_known and " " not in m.text:
            i = _token_at(tokens, m.start)
            if i is not None and i + 1 < tokens.n and tokens.words[i + 1] in SPEECH_VERBS:
                m.label, m.canonical, m.place, m.single = "PERSON", m.text, None, True


def _token_at(tokens: Tokens, offset: int) -> int | None:
    """The token that starts at character `offset`, if one does (offsets
    increase with the tokens: a binary search, no table of every token)."""
    i = bisect_left(tokens.idx, offset)
    return i if i < tokens.n and tokens.idx[i] == offset else None
