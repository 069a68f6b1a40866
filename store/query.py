"""The user's query syntax, parsed once, translated by each backend.

Syntax (docs/architecture.md, "JSON API"): words, "quoted phrases", -exclusion (of a word or a
phrase) and OR between two terms. Terms are ANDed. Examples:

    bucha "torture room" -putin
    zelensky OR zelenskyy
    "war crimes" OR genocide kyiv

Both backends get the same `ParsedQuery`, so both read a query the same way;
a query that cannot be read raises `QuerySyntaxError` with a message meant
for the person who typed it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .interface import QuerySyntaxError

# Straight and typographic double quotes all open or close a phrase.
_QUOTE_CHARS = '"\u201c\u201d\u201e\u00ab\u00bb'
_TOKEN = re.compile(
    r'\s*(?:(?P<neg>-)?(?P<phrase>["\u201c\u201d\u201e\u00ab\u00bb])|(?P<word>[^\s"\u201c\u201d\u201e\u00ab\u00bb]+))'
)
# Characters stripped from the edges of a word: the user rarely means them.
_EDGE_PUNCT = "()[]{},;:!?.'\u2018\u2019"


@dataclass(frozen=True)
class Term:
    """A word (one token) or a phrase (several tokens in order)."""

    text: str
    phrase: bool = False


@dataclass
class ParsedQuery:
    """`groups` are ANDed; the terms inside one group are ORed."""

    groups: list[list[Term]] = field(default_factory=list)
    excluded: list[Term] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not self.groups and not self.excluded

    def positive_terms(self) -> list[Term]:
        return [t for g in self.groups for t in g]


def parse_query(text: str | None) -> ParsedQuery:
    """Parse user syntax into groups of alternatives and exclusions."""
    tokens = _tokenize(text or "")
    parsed = ParsedQuery()
    pending_or = False
    for negated, term in tokens:
        if term is None:  # a bare OR
            if not parsed.groups or pending_or:
                raise QuerySyntaxError("OR needs a word or phrase on each side, as in: kyiv OR kiev")
            pending_or = True
            continue
        if negated:
            if pending_or:
                raise QuerySyntaxError("An excluded term (-word) cannot be one side of OR")
            parsed.excluded.append(term)
        elif pending_or:
            parsed.groups[-1].append(term)
            pending_or = False
        else:
            parsed.groups.append([term])
    if pending_or:
        raise QuerySyntaxError("OR needs a word or phrase on each side, as in: kyiv OR kiev")
    return parsed


def _tokenize(text: str) -> list[tuple[bool, Term | None]]:
    """(negated, term) pairs; term None stands for the OR operator."""
    out: list[tuple[bool, Term | None]] = []
    pos = 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            break
        if match.group("phrase"):
            close = _find_closing_quote(text, match.end())
            if close < 0:
                raise QuerySyntaxError("A phrase is missing its closing quotation mark")
            words = text[match.end() : close].split()
            if words:
                out.append((bool(match.group("neg")), Term(" ".join(words), phrase=len(words) > 1)))
            pos = close + 1
            continue
        word = match.group("word")
        pos = match.end()
        if word == "OR":
            out.append((False, None))
            continue
        negated = word.startswith("-") and len(word) > 1
        word = word[1:] if negated else word
        word = word.strip(_EDGE_PUNCT)
        if not word or word == "-":
            continue
        out.append((negated, Term(word)))
    return out


def _find_closing_quote(text: str, start: int) -> int:
    for i in range(start, len(text)):
        if text[i] in _QUOTE_CHARS:
            return i
    return -1
