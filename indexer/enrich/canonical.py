"""One canonical name per entity: text folding, person keys, corpus registry.

Within an article, "Mr Zelensky" and "Zelensky" become the full name the
article gives ("Volodymyr Zelensky"). Across articles, `PersonRegistry`
remembers every full name seen, so a bare surname in a later (or a batch-mate)
article links to the same canonical and id.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

# Defined in textkit, which the store shares; the indexer imports them from here.
from textkit.ids import ascii_fold, fold_apostrophes, person_id, slug  # noqa: F401

_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:'s|')$")
NAME_SUFFIXES = frozenset({"Jr", "Jr.", "Sr", "Sr.", "II", "III", "IV"})  # after a surname, never one
_PARTY_TAG = re.compile(r"^[DRI]-[A-Z]")  # "D-Calif", "R-Ariz.": party and state after a lawmaker's name


@lru_cache(maxsize=1 << 16)  # the gazetteer asks for every capitalised n-gram: most repeat
def normalise_name(text: str) -> str:
    """The form of a name used as a dictionary key: apostrophes folded,
    whitespace collapsed, case kept (case tells "US" from "us")."""
    return _SPACES.sub(" ", fold_apostrophes(text)).strip()


def match_key(text: str) -> str:
    """Case-insensitive key for comparing names (evaluation, aliases)."""
    return normalise_name(text).casefold()


def strip_possessive(text: str) -> str:
    return _POSSESSIVE.sub("", fold_apostrophes(text)) if text.endswith(("'s", "\u2019s", "'", "\u2019")) else text


@lru_cache(maxsize=1 << 16)  # asked again for the same names by linking and the registry
def surname_key(name: str) -> str:
    """Key of a person's last name, tolerant of transliteration doubling
    ("Zelensky", "Zelenskyy", "Zelenskiy" share one key) and of a double
    surname's hyphen (its last part is the key). A suffix is not the surname:
    "Martin Luther King Jr." is filed under "king", not "jr."."""
    words = _without_suffixes(name.split())
    last = ascii_fold(words[-1]).lower() if words else ""
    last = last.rsplit("-", 1)[-1] or last  # "Ocasio-Cortez" and "Ocasio Cortez" share "cortez"
    last = re.sub(r"(?:iy|yy|ii|y|i)$", "y", last)
    return last


def _without_suffixes(words: list[str]) -> list[str]:
    kept = [w for w in words if w not in NAME_SUFFIXES]
    return kept or words


def lends_a_surname(full_name: str) -> bool:
    """May this full name lend its last word to bare mentions elsewhere? Not
    when that word is an abbreviation ("W. Va.", "R. Wis.", "Sen. Dianne Feinstein
    D-Calif.": a state, not a surname; the corpus has hundreds of bare "Va.")."""
    words = _without_suffixes(full_name.split())
    if len(words) < 2:
        return False
    last = words[-1]
    return not last.endswith(".") and not _PARTY_TAG.match(last)


@lru_cache(maxsize=1 << 16)  # asked for every registered name sharing a surname, for every person mention
def _first_name_key(first_name: str) -> str:
    return ascii_fold(first_name).lower()


@lru_cache(maxsize=1 << 16)  # asked of every registered full name with a surname, for each person mention
def _first_name_key_of(full_name: str) -> str:
    return _first_name_key(full_name.split()[0])


@dataclass
class PersonRegistry:
    """Full person names seen across the corpus, indexed by surname key.

    Kept by the Extractor for its lifetime: a batch registers its full names
    before its bare surnames are resolved, so batch-mates link to each other
    and later batches link to everything seen so far.
    """

    by_surname: dict[str, Counter] = field(default_factory=dict)
    first_names: Counter = field(default_factory=Counter)  # first words of the registered names
    bare: Counter = field(default_factory=Counter)  # surname key -> articles that leave the word bare
    # canonical_full's answers since the last full name was added: the Extractor asks
    # them of every person mention of a chunk after registering the whole chunk's names.
    _canonical: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    def add(self, full_name: str) -> None:
        """Register a full name written in an article; a single word records
        an article that leaves that word bare. Both go through `add` so that
        whatever records and replays a registry's additions (the indexing
        lanes, a resumed run) carries both."""
        if " " not in full_name.strip():
            self.bare[surname_key(full_name)] += 1
            return
        if not lends_a_surname(full_name):
            return
        self.by_surname.setdefault(surname_key(full_name), Counter())[full_name] += 1
        self._canonical.clear()
        self.first_names[full_name.split()[0]] += 1

    def knows(self, surname: str) -> bool:
        """Is `surname` the last name of some registered full name?"""
        return surname_key(surname) in self.by_surname

    def resolve(self, surname: str) -> str | None:
        """The full name a bare surname most likely refers to, or None when
        unknown or too ambiguous (two names with near-equal support)."""
        counts = self.by_surname.get(surname_key(surname))
        if not counts:
            return None
        if self.first_names.get(surname, 0) > 3 * sum(counts.values()):
            return None  # far more often a first name: "Hillary", "Joe"
        ranked = counts.most_common(2)
        if len(ranked) > 1 and ranked[1][1] * 2 > ranked[0][1]:
            return None
        return ranked[0][0]

    def sightings(self, word: str) -> int:
        """In how many articles did this word stand bare?"""
        return self.bare.get(surname_key(word), 0)

    def support(self, full_name: str) -> int:
        """In how many articles was this full name registered?"""
        return self.by_surname.get(surname_key(full_name), Counter()).get(full_name, 0)

    def canonical_full(self, full_name: str) -> str:
        """Spelling variants of one full name ("Volodymyr Zelenskyy") map to
        the most frequent spelling with the same first name and surname key."""
        found = self._canonical.get(full_name)
        if found is None:
            found = self._canonical[full_name] = self._most_frequent_spelling(full_name)
        return found

    def _most_frequent_spelling(self, full_name: str) -> str:
        parts = full_name.split()
        counts = self.by_surname.get(surname_key(full_name))
        if not counts or len(parts) < 2:
            return full_name
        first = _first_name_key(parts[0])
        same = [(n, c) for n, c in counts.items() if _first_name_key_of(n) == first]
        if not same:
            return full_name
        return max(same, key=lambda item: (item[1], item[0] == full_name))[0]
