"""Who "he", "she" or "the senator" stands for: plausible subjects and the
gender the article itself gives a person.

Quote attribution asks two questions of the people an article names:

- Is this mention a plausible subject, a person a later pronoun may point
  to? (`plausible_subject`) Yes when the mention opens its sentence, speaks
  ("Narang said", "said Vipin Narang"), or is followed by a verb
  ("Kim agreed ..."); no when it is possessive ("Bolton's time frame") or
  the object of a preposition ("with Mr. Obama").
- What gender does the article give them? (`gender_cues`) Only from the
  article's own words: an honorific (Mr., Mrs., Ms.), a gendered role noun
  next to the name ("spokeswoman Gwendolyn Crump", "X, his wife"), or
  "he"/"she" in a sentence the person alone opens. No list of first names:
  a name says nothing certain about its bearer, and such lists were not
  made for news.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from functools import lru_cache
from itertools import islice
from typing import Protocol

from .alternation import alternation
from .names import SPEECH_VERBS, TITLES

MALE, FEMALE = "m", "f"
PRONOUN_GENDER = {"he": MALE, "she": FEMALE}

_MALE_HONORIFICS = ("Mr.", "Mr ")
_FEMALE_HONORIFICS = ("Mrs.", "Mrs ", "Ms.", "Ms ", "Miss ")
_FEMALE_NOUNS = frozenset(
    """spokeswoman chairwoman congresswoman councilwoman businesswoman congresswoman alderwoman actress
    wife mother daughter sister grandmother widow girlfriend queen princess duchess lady madam dame
    woman""".split()
)
_MALE_NOUNS = frozenset(
    """spokesman chairman congressman councilman businessman alderman actor husband father son brother
    grandfather widower boyfriend king prince duke lord sir man""".split()
)
_GENDER_NOUN = re.compile(r"(?i)\b(?:" + alternation(_FEMALE_NOUNS | _MALE_NOUNS) + r")\b")
# Words after which a name is an object, not a subject ("with Mr. Obama").
_OBJECT_BEFORE = frozenset(
    """to with by for from of about against on at in between than as like under over toward towards into via
    including among behind beside despite without after before during thank thanked met meet meets called
    named and or nor""".split()
)
_AUXILIARIES = frozenset(
    """has had have is was will would could can may might must should did does also then later once still
    never previously reportedly initially""".split()
)
_DOTTED_TITLES = frozenset(t for t in TITLES if t.endswith(".")) | {"Sens.", "Reps.", "Jr.", "Sr.", "St."}
# Speech verbs written before their subject ('..., said X'), not before an object ('told X').
_INVERTED_SPEECH_VERBS = frozenset(
    """said says added adds wrote writes noted notes explained explains continued continues replied replies
    recalled argued insisted warned declared stated remarked observed concluded""".split()
)
_TITLE_WORD = re.compile(r"(?:[A-Z][\w\u2019'.\-]*|of|the)$")
_WORD = re.compile(r"[\w\u2019'.\-]+")


class EntityLike(Protocol):
    """What the speaker rules read of an entity (quotes.py uses it too)."""

    text: str
    label: str
    start: int
    end: int
    canonical: str
    entity_id: str | None


# plausible_subject and then speaks ask it of the same mention, one after the
# other: the latest answers are kept (the key's text hashes once, as a str does).
@lru_cache(maxsize=256)
def _word_before_name(text: str, start: int) -> str:
    """The first word before a name and its capitalised titles
    ("... met with Vice President Joe Biden" -> "with")."""
    words = _WORD.findall(text[max(0, start - 80) : start])
    while words and _TITLE_WORD.match(words[-1]) and words[-1][0].isupper():
        if _ends_sentence(words[-1]):
            return ""  # "... Medicare for All. Buttigieg said": a sentence ended
        words.pop()
    if not words or _ends_sentence(words[-1]):
        return ""
    return words[-1].lower()


def _ends_sentence(word: str) -> bool:
    """A full stop after a word that is no title abbreviation or initial."""
    return word.endswith(".") and word not in _DOTTED_TITLES and not re.fullmatch(r"(?:[A-Z]\.)+", word)


def _next_word(text: str, end: int) -> str:
    m = re.match(r"\s+([\w\u2019'-]+)", text[end : end + 40])
    return m.group(1) if m else ""


def _followed_by_verb(text: str, end: int) -> bool:
    """'Kim agreed', 'Obama has said', 'Klain, a former aide, told CBS'."""
    rest = text[end : end + 160]
    appositive = re.match(r",\s[^,;\"\u201c\u201d.!?]{1,120},", rest)
    if appositive:
        return _verb_like(_next_word(text, end + appositive.end()))
    return _verb_like(_next_word(text, end))


def _verb_like(word: str) -> bool:
    lower = word.lower()
    if not word or not word[0].islower():
        return False
    if lower in SPEECH_VERBS or lower in _AUXILIARIES:
        return True
    return lower.endswith("ed") or (lower.endswith("s") and not lower.endswith(("ss", "us", "is")))


def speaks(text: str, ent: EntityLike) -> bool:
    """'Narang said', 'Klain, a former aide, told CBS', 'said Vipin Narang'."""
    if _after_speech_verb(text, ent.start):
        return True
    rest = text[ent.end : ent.end + 160]
    appositive = re.match(r",\s[^,;\"\u201c\u201d.!?]{1,120},", rest)
    after = rest[appositive.end() :] if appositive else rest
    words = [m.group().rstrip(".") for m in islice(_WORD.finditer(after), 3)]  # the first three words only
    while words and words[0].lower() in _AUXILIARIES:
        words.pop(0)
    return bool(words) and words[0].lower() in SPEECH_VERBS


def _after_speech_verb(text: str, start: int) -> bool:
    """'..., said Thomas Countryman' (titles allowed between); not 'told X'
    or 'asked X', whose X is spoken to."""
    return _word_before_name(text, start) in _INVERTED_SPEECH_VERBS


def opens_sentence(text: str, at: int, max_lead: int = 3) -> bool:
    before = text[max(0, at - 60) : at]
    cut = max(
        before.rfind(". "),
        before.rfind("\n"),
        before.rfind("? "),
        before.rfind("! "),
        before.rfind("\u201d "),
        before.rfind('" '),
    )
    lead = before[cut + 1 :] if cut >= 0 else (before if at <= 60 else None)
    return lead is not None and len(lead.split()) <= max_lead


def plausible_subject(text: str, ent: EntityLike, quoted: Callable[[int], bool]) -> bool:
    """May a later pronoun point to this person mention?"""
    if quoted(ent.start):
        return False
    if text[ent.end : ent.end + 2] in ("'s", "\u2019s", "' ", "\u2019 "):
        # "Some disputed Bolton's time frame": no subject; but a sentence
        # opening "Moran's problems were ..., though he ..." is about Moran.
        return opens_sentence(text, ent.start, max_lead=1)
    before = _word_before_name(text, ent.start)
    if before in _INVERTED_SPEECH_VERBS:
        return True  # "..., said Vipin Narang"
    if before in _OBJECT_BEFORE:
        return False
    return opens_sentence(text, ent.start) or _followed_by_verb(text, ent.end)


def _honorific_gender(text: str, ent: EntityLike) -> str | None:
    before = text[max(0, ent.start - 6) : ent.start]
    if before.endswith(_FEMALE_HONORIFICS):
        return FEMALE
    if before.endswith(_MALE_HONORIFICS):
        return MALE
    return None


def _role_noun_gender(text: str, ent: EntityLike) -> str | None:
    """'spokeswoman Gwendolyn Crump', 'X, a spokesman for ...', 'his wife, X'."""
    if _GENDER_NOUN.search(text, max(0, ent.start - 30), ent.end + 40) is None:
        return None  # most names have no gendered noun near them: skip the word split
    before = [w.lower() for w in _WORD.findall(text[max(0, ent.start - 30) : ent.start])][-2:]
    after = [w.lower() for w in _WORD.findall(text[ent.end : ent.end + 40])][:4]
    near = set(before)
    if text[ent.end : ent.end + 2] == ", ":
        near |= set(after[:3])
    if near & _FEMALE_NOUNS and not near & _MALE_NOUNS:
        return FEMALE
    if near & _MALE_NOUNS and not near & _FEMALE_NOUNS:
        return MALE
    return None


def _sentence_pronoun_gender(sentence: str) -> str | None:
    words = {w.lower() for w in re.findall(r"[A-Za-z]+", sentence)}
    male = bool(words & {"he", "his", "him", "himself"})
    female = bool(words & {"she", "her", "hers", "herself"})
    if male == female:
        return None
    return MALE if male else FEMALE


def gender_cues(text: str, people: Iterable[EntityLike], sentence_of: Callable[[int], tuple[int, int]]) -> dict:
    """canonical -> MALE/FEMALE where the article's words say so, and agree."""
    votes: dict[str, Counter] = {}
    people = list(people)
    for ent in people:
        cue = _honorific_gender(text, ent) or _role_noun_gender(text, ent)
        if cue is None and opens_sentence(text, ent.start):
            start, end = sentence_of(ent.start)
            others = [p for p in people if start <= p.start < end and p.canonical != ent.canonical]
            if not others:
                cue = _sentence_pronoun_gender(text[ent.end : end])
        if cue is not None:
            votes.setdefault(ent.canonical, Counter())[cue] += 1
    return {name: c.most_common(1)[0][0] for name, c in votes.items() if len(c) == 1}
