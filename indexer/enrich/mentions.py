"""What the recogniser and the linker share: the Mention record, the word
lists and gazetteer they read (`Resources`), and the shapes of name words."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from store.records import PLACE_LABELS

from .canonical import NAME_SUFFIXES
from .gazetteer import Gazetteer, Place, load_gazetteer
from .names import (
    DAY_NAMES,
    HOLIDAYS,
    MONTH_NAMES,
    PERSON_NOUNS,
    load_common_words,
    load_demonyms,
    load_first_names,
)

__all__ = ["PLACE_LABELS", "Mention", "Resources", "load_resources"]

# Tokens that may sit inside a name ("Osama bin Laden", "Bank of America").
NAME_PARTICLES = frozenset(
    ["de", "da", "del", "della", "di", "du", "van", "von", "der", "den", "la", "le", "bin", "ibn", "al", "el"]
)
JOINERS = frozenset({"of", "'s", "\u2019s", "and", "&", "-"}) | NAME_PARTICLES
SUFFIXES = NAME_SUFFIXES
NAME_WORD = re.compile(r"^[^\W\d_][^\W\d_'\u2019.-]*(?:['\u2019.-][^\W\d_]+)*\.?$")
INITIALS = re.compile(r"^(?:[A-Z]\.){1,3}$")
CALENDAR = frozenset(w.lower() for w in list(calendar.day_name) + list(calendar.month_name) if w)
# Words that are dates, never names: they split a capitalised run.
DATE_WORDS = DAY_NAMES | MONTH_NAMES | HOLIDAYS
# Words a person's name never continues with ("Hillary Clinton To Announce ...").
NAME_STOPS = frozenset(
    w
    for w in STOP_WORDS
    if w not in {"de", "da", "del", "van", "von", "der", "den", "la", "le", "bin", "ibn", "al", "el"}
)


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
    titled: bool = False  # a person named after a title ("President Trump", "Mr Kępa")


@dataclass
class Resources:
    gazetteer: Gazetteer
    first_names: frozenset[str]
    common: frozenset[str]
    demonyms: frozenset[str]


@lru_cache(maxsize=1)
def load_resources() -> Resources:
    return Resources(load_gazetteer(), load_first_names(), load_common_words(), load_demonyms())


# --- bare words that their context names ------------------------------------

# After a bare word, what only a person has: an age ("Kowalski, 34,"), a
# "who" clause, a pronoun after the speech verb ("Dole said he"), a relative.
_PERSON_AFTER = re.compile(
    r"(?:\s?,\s\d{1,3}\s?,|\s?,\s(?:who|whose)\b|\s(?:said|says|told|added)\s(?:he|she)\b"
    r"|\s?(?:'s|\u2019s)\s(?:wife|husband|son|daughter|father|mother|brother|sister)\b)"
)
# After a bare word, what names an organisation: "Interfax news agency",
# "a Reuters reporter", "Pirelli shares". (Not "spokesman": "the Dole
# spokesman" speaks for a person.)
_ORGANISATION_AFTER = re.compile(
    r"\s(?:news\s+agency|agency|newspaper|shares|stock|subsidiary|unit|analysts?|economists?|reporters?"
    r"|correspondents?|survey|poll|shareholders)\b"
)


# Positions a player's name follows ("scrum-half Kyran Bracken", "off-spinner Such").
_PLAYER_ROLES = frozenset(
    """striker midfielder defender goalkeeper playmaker winger forward spinner bowler batsman pitcher
    quarterback half fly-half scrum-half hooker lock champion international veteran rookie""".split()
)
# Lower-case roles written right before a name: "Indonesian president
# Suharto", "midfielder Donato", "off-spinner Such".
_ROLE_BEFORE = re.compile(r"(?:^|\s)(?P<role>[a-z][a-z-]+)\s+$")


def role_before(text: str, start: int) -> bool:
    """Is a lower-case role written right before the name ('president Suharto')?"""
    m = _ROLE_BEFORE.search(text, max(0, start - 30), start)
    return m is not None and (m.group("role") in PERSON_NOUNS or m.group("role").split("-")[-1] in _PLAYER_ROLES)


def label_by_context(text: str, start: int, end: int) -> str | None:
    """PERSON or ORG for a bare capitalised word nobody's full name claimed,
    when the words right after it say which (see _PERSON_AFTER and
    _ORGANISATION_AFTER); None otherwise."""
    after = text[end : end + 40]
    if _PERSON_AFTER.match(after) or role_before(text, start):
        return "PERSON"
    if _ORGANISATION_AFTER.match(after):
        return "ORG"
    return None
