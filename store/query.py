"""The user's query syntax, parsed once into a small tree each backend translates.

Syntax (docs/architecture.md, "JSON API"; the portal's /help page):

    bucha "torture room" -putin        words and phrases, all required; -excluded
    zelensky OR zelenskyy              either
    kyiv AND NOT kiev                  AND is the default; NOT excludes, like -
    (kyiv OR kiev) "war crimes"        parentheses group
    krak*                              prefix: words starting with "krak"

OR binds tighter than AND (so `a b OR c` is `a AND (b OR c)`), NOT tightest.
Operators are upper-case words; lower-case `and`, `or`, `not` are searched as
words. Anything else that looks like syntax from other search engines
(`~`, `^`, `field:value`, a lone `*`, wildcards inside a word) raises
`QuerySyntaxError` with a sentence for the person who typed it, instead of
being silently ignored.

Both backends get the same `ParsedQuery`, so both read a query the same way.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace

from .interface import QuerySyntaxError
from .records import FACETS

# Straight and typographic double quotes all open or close a phrase.
_QUOTE_CHARS = '"\u201c\u201d\u201e\u00ab\u00bb'
_QUOTE_CLASS = "[" + _QUOTE_CHARS + "]"
_TOKEN = re.compile(
    r"\s*(?:(?P<neg>-)?(?P<phrase>" + _QUOTE_CLASS + r")|(?P<paren>[()])|(?P<word>[^\s()" + _QUOTE_CHARS + "]+))"
)
# Characters stripped from the edges of a word: the user rarely means them.
_EDGE_PUNCT = "[]{},;:!?.'\u2018\u2019"
OPERATORS = ("AND", "OR", "NOT")
# A prefix needs this many letters, so `a*` cannot expand to every word.
MIN_PREFIX = 2
HELP_HINT = "See /help for the search syntax."


@dataclass(frozen=True)
class Term:
    """A word (one token), a phrase (several tokens in order) or a prefix."""

    text: str
    phrase: bool = False
    prefix: bool = False
    # Match only through the other names of entities, not the words as
    # written (set by `names_only`, for reporting alias matches).
    names_only: bool = False


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Not | And | Or


@dataclass
class ParsedQuery:
    """`root` is None for an empty query (browse everything)."""

    root: Node | None = None
    text: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.root is None

    def positive_terms(self) -> list[Term]:
        """Terms that must or may match (not under a NOT), for snippets and
        for reporting alias matches."""
        found: list[Term] = []

        def walk(node: Node | None, negated: bool) -> None:
            if node is None:
                return
            if isinstance(node, Term):
                if not negated:
                    found.append(node)
            elif isinstance(node, Not):
                walk(node.child, not negated)
            else:
                for child in node.children:
                    walk(child, negated)

        walk(self.root, False)
        return found


def names_only(parsed: ParsedQuery, text: str | None, expands_aliases: bool = True) -> ParsedQuery:
    """The same query, narrowed to the articles in which its word or phrase
    spelled `text` matches only through entities' other names (not as
    written): how alias reports count, within the search's own results.
    A query of that one term (searched in the other names too, as
    `expands_aliases` says) is the narrowing alone: every article it finds
    matches the query, and matching the query again would evaluate the term
    twice (at a million articles a phrase's report took a fifth of its
    search)."""
    if not text or parsed.root is None:
        return parsed
    term = next((t for t in parsed.positive_terms() if t.text == text and not t.prefix), None)
    if term is None:
        return parsed
    narrowed = replace(term, names_only=True)
    if parsed.root == term and expands_aliases:
        return replace(parsed, root=narrowed)
    return replace(parsed, root=And((parsed.root, narrowed)))


def parse_query(text: str | None) -> ParsedQuery:
    """Parse user syntax into a tree; QuerySyntaxError for what cannot be read."""
    tokens = _tokenize(text or "")
    parser = _Parser(tokens)
    root = parser.and_sequence()
    if parser.peek() is not None:  # only a stray ")" stops a top-level sequence
        raise QuerySyntaxError(f"A closing parenthesis ')' has no opening one. {HELP_HINT}")
    return ParsedQuery(root=root, text=text or "")


# ---------------------------------------------------------------- tokens

# A token is ("term", Term), ("neg", None) for a leading '-', ("op", "AND"|"OR"|"NOT"),
# ("(", None) or (")", None).
_Token = tuple[str, object]


def _tokenize(text: str) -> list[_Token]:
    out: list[_Token] = []
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
                if match.group("neg"):
                    out.append(("neg", None))
                out.append(("term", Term(" ".join(words), phrase=len(words) > 1)))
            pos = close + 1
            continue
        pos = match.end()
        if match.group("paren"):
            out.append((match.group("paren"), None))
            continue
        word = match.group("word")
        if word in OPERATORS:
            out.append(("op", word))
            continue
        if word == "-" and text[pos : pos + 1] == "(":  # -(a OR b)
            out.append(("neg", None))
            continue
        if word.startswith("-") and len(word) > 1:
            out.append(("neg", None))
            word = word[1:]
        term = _word_term(word)
        if term is not None:
            out.append(("term", term))
    return out


def _word_term(word: str) -> Term | None:
    """A plain word or a prefix (`krak*`); an error for other engines' syntax."""
    word = word.strip(_EDGE_PUNCT)
    if not word or word == "-":
        return None
    _reject_unsupported(word)
    if word.endswith("*"):
        stem = word.rstrip("*")
        if len(fold(stem)) < MIN_PREFIX or not any(ch.isalnum() for ch in stem):
            raise QuerySyntaxError(
                f"'{word}': a * must follow at least {MIN_PREFIX} letters of a word, as in krak*. {HELP_HINT}"
            )
        return Term(stem, prefix=True)
    return Term(word)


def _reject_unsupported(word: str) -> None:
    if "~" in word:
        raise QuerySyntaxError(
            f"'{word}': fuzzy or proximity search (~) is not supported; "
            f"use OR between spellings, as in kyiv OR kiev. {HELP_HINT}"
        )
    if "^" in word:
        raise QuerySyntaxError(f"'{word}': boosting terms (^) is not supported. {HELP_HINT}")
    if "*" in word.rstrip("*") or "?" in word.rstrip("?"):
        raise QuerySyntaxError(f"'{word}': wildcards are only supported at the end of a word (krak*). {HELP_HINT}")
    name, sep, rest = word.partition(":")
    if sep and name.isalpha() and rest and not rest.isdigit():
        raise QuerySyntaxError(
            f"'{word}': field searches ({name}:…) are not supported; search the words, "
            f"and use the filters beside the results for outlet, person and place. {HELP_HINT}"
        )


def _find_closing_quote(text: str, start: int) -> int:
    for i in range(start, len(text)):
        if text[i] in _QUOTE_CHARS:
            return i
    return -1


def fold(text: str) -> str:
    """Lower case without accents: how the `news_english` analyser sees a
    word before stemming (so a prefix `Krak*` finds "Kraków")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


# ---------------------------------------------------------------- parser


class _Parser:
    """Recursive descent over the tokens:

    and_sequence := or_chain ( [AND] or_chain )*
    or_chain     := unary ( OR unary )*
    unary        := (NOT | -) unary | primary
    primary      := term | ( and_sequence )
    """

    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def and_sequence(self) -> Node | None:
        children: list[Node] = []
        while True:
            token = self.peek()
            if token is None or token[0] == ")":
                break
            if token == ("op", "AND"):
                self.take()
                if not children or self._at_end_of_group():
                    raise QuerySyntaxError(
                        f"AND needs a word or phrase on each side, as in: kyiv AND bucha. {HELP_HINT}"
                    )
                continue
            if token == ("op", "OR"):
                raise QuerySyntaxError(f"OR needs a word or phrase on each side, as in: kyiv OR kiev. {HELP_HINT}")
            children.append(self.or_chain())
        if not children:
            return None
        return children[0] if len(children) == 1 else And(tuple(children))

    def _at_end_of_group(self) -> bool:
        token = self.peek()
        return token is None or token[0] == ")" or token[0] == "op" and token[1] in ("AND", "OR")

    def or_chain(self) -> Node:
        alternatives = [self.unary()]
        while self.peek() == ("op", "OR"):
            self.take()
            if self._at_end_of_group():
                raise QuerySyntaxError(f"OR needs a word or phrase on each side, as in: kyiv OR kiev. {HELP_HINT}")
            alternatives.append(self.unary())
        if len(alternatives) == 1:
            return alternatives[0]
        if any(isinstance(a, Not) for a in alternatives):
            raise QuerySyntaxError("An excluded term (-word or NOT word) cannot be one side of OR")
        return Or(tuple(alternatives))

    def unary(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError(f"The query ends where a word or phrase was expected. {HELP_HINT}")
        if token[0] == "neg" or token == ("op", "NOT"):
            self.take()
            if self._at_end_of_group():
                raise QuerySyntaxError(f"NOT (or -) needs a word or phrase after it, as in: kyiv NOT kiev. {HELP_HINT}")
            child = self.unary()
            return child.child if isinstance(child, Not) else Not(child)
        return self.primary()

    def primary(self) -> Node:
        kind, value = self.take()
        if kind == "term":
            assert isinstance(value, Term)
            return value
        if kind == "(":
            inner = self.and_sequence()
            if self.peek() is None or self.peek()[0] != ")":  # type: ignore[index]
                raise QuerySyntaxError(f"A parenthesis '(' is not closed. {HELP_HINT}")
            self.take()
            if inner is None:
                raise QuerySyntaxError(f"Empty parentheses '()': put words inside them. {HELP_HINT}")
            return inner
        if kind == ")":
            raise QuerySyntaxError(f"A closing parenthesis ')' has no opening one. {HELP_HINT}")
        raise QuerySyntaxError(f"{value} needs a word or phrase on each side. {HELP_HINT}")


def check_filters(filters: dict[str, list[str]]) -> None:
    """A filter on a facet that does not exist is the caller's mistake (a
    hand-edited URL, a typo in code): both backends refuse it with the same
    message rather than one silently dropping it and showing unfiltered
    results as if they were filtered."""
    for name, values in filters.items():
        if name not in FACETS and any(values):
            raise QuerySyntaxError(f"Unknown filter {name!r}: filter by {', '.join(FACETS)}")
