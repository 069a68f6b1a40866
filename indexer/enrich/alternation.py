"""A word list as a regex alternation that is quick to search."""

from __future__ import annotations

import re
from collections.abc import Iterable


def alternation(words: Iterable[str]) -> str:
    """The regex alternation of `words`, longest first, grouped by first
    letter ("s(?:ays|aid|ay)|t(?:old|...)"). It matches the same strings with
    the same preference as the flat "says|said|...|say" (words that start
    with different letters never match at the same place), but the engine
    tries only the branches that start with the letter it is at: a flat list
    of a hundred speech verbs tried at every position of a sentence was a
    fifth of quote attribution's time. Lower-case words give the same
    grouping under re.IGNORECASE."""
    groups: dict[str, list[str]] = {}
    for word in sorted(words, key=len, reverse=True):
        groups.setdefault(word[0], []).append(re.escape(word[1:]))
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())
