"""Search-hit snippets of the embedded index, as tantivy's SnippetGenerator
makes them, without stemming every word of every hit.

tantivy's generator runs the field's whole analyser (split, lowercase, fold,
English stemmer) over the body of each hit, to learn which words are the
query's terms; the stemmer was most of a snippet's cost. Here each distinct
word is stemmed once, by the same analyser (so to the same stem), and
remembered, and the rest of tantivy's algorithm is followed step by step
(tantivy 0.27, `src/snippet/mod.rs`):

- the text is cut into fragments greedily: the first starts at 0, the next
  at the first word ending more than `max_chars` bytes past the current
  fragment's start (UTF-8 byte offsets, as tantivy counts);
- a fragment scores the sum, in 32-bit floats and in text order, of
  1 / (1 + document frequency) for each of its words that is a query term;
- the best fragment has the highest score, the earliest of equal ones; it
  runs to the end of its last word, and its matches are marked with <b>.

A text this module cannot follow exactly goes to tantivy's own generator: a
character that Python and Rust might not agree is or is not a letter or
digit, a word of 64 bytes or more (tantivy's analyser drops those), a word
whose stem is not one ASCII token. `tests/test_snippets.py` compares the two.
"""

from __future__ import annotations

import re
import struct
import unicodedata

import tantivy

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Categories on which Python and Rust (char::is_alphanumeric, which makes
# tantivy's words) agree for every character: letters and digits are letters
# or digits, punctuation, spaces and controls are not. Marks and symbols are
# left to tantivy (some are alphabetic to Rust: Other_Alphabetic, such as
# vowel signs and circled letters), and so are characters Python's Unicode
# tables do not know (Cn), except these common symbols, which are neither.
_AGREED_CATEGORIES = frozenset("Lu Ll Lt Lm Lo Nd Nl No Pc Pd Ps Pe Pi Pf Po Zs Zl Zp Cc Cf".split())
_PLAIN_SYMBOLS = frozenset("©®™°£€¥¢§¶•·×÷±")
# ASCII bytes that are no letter or digit become spaces; bytes of other characters stay.
_SPACE = ord(" ")
_SPACES = bytes(b if chr(b).isalnum() or b >= 0x80 else _SPACE for b in range(256))
_LONG_WORD = 64  # bytes: tantivy's remove_long(64) drops longer words (the text then goes to tantivy)
_WORD_START = re.compile(rb"[^ ]")
_NONE: frozenset[bytes] = frozenset()
_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#x27;"}
_ESCAPE = re.compile("[&<>\"']")
_MEMO_LIMIT = 200_000  # distinct words remembered (a few tens of MB), then forgotten at once


def escape_minimal(text: str) -> str:
    """HTML escaping as tantivy's snippets do it (htmlescape's encode_minimal)."""
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group()], text)


def _f32(value: float) -> float:
    """`value` rounded to a 32-bit float, as tantivy's scores are."""
    return float(struct.unpack("f", struct.pack("f", value))[0])


class Stems:
    """Each word's stem under the index's analyser, remembered across
    searches: the words (UTF-8) seen, the words of each stem, and those with
    no single ASCII stem. Forgetting replaces the tables, so a search that
    holds them (in another thread) keeps whole ones."""

    def __init__(self, analyzer: tantivy.TextAnalyzer):
        self.analyzer = analyzer
        self._tables: tuple[set[bytes], dict[bytes, set[bytes]], set[bytes]] = (set(), {}, set())

    def tables(self, words: set[bytes]) -> tuple[dict[bytes, set[bytes]], set[bytes]]:
        """(the words of each stem, the unstemmed words), knowing all `words`."""
        seen, words_of, unstemmed = self._tables
        unseen = words.difference(seen)
        if not unseen:
            return words_of, unstemmed
        if len(seen) + len(unseen) > _MEMO_LIMIT:
            seen, words_of, unstemmed = set(), {}, set()
            self._tables = (seen, words_of, unstemmed)
            unseen = words
        for word in unseen:
            tokens = self.analyzer.analyze(word.decode())
            if len(tokens) == 1 and tokens[0].isascii():
                # tantivy looks the stem up lowercased once more (ASCII: Python's lower() is Rust's).
                words_of.setdefault(tokens[0].lower().encode(), set()).add(word)
            else:
                unstemmed.add(word)
            seen.add(word)
        return words_of, unstemmed


class Snippets:
    """The snippets of one search's hits: its terms in the body field with
    their scores, as SnippetGenerator.create computes them, and tantivy's
    own generator for the texts this one does not follow."""

    def __init__(self, generator: tantivy.SnippetGenerator, scores: dict[str, float], stems: Stems, max_chars: int):
        self.generator = generator
        self.scores = {term.encode(): score for term, score in scores.items()}
        self.stems = stems
        self.max_chars = max_chars

    @classmethod
    def create(
        cls,
        searcher: tantivy.Searcher,
        generator: tantivy.SnippetGenerator,
        tokens: list[str],
        stems: Stems,
        max_chars: int,
    ) -> Snippets:
        """For a query whose body terms are `tokens` (the analysed words of
        its positive terms and phrases): as SnippetGenerator.create, a term
        no document has is left out, and each scores 1 / (1 + its document
        frequency) in 32-bit floats."""
        scores = {}
        for token in dict.fromkeys(tokens):
            frequency = searcher.doc_freq("text", token)
            if frequency > 0:
                scores[token] = _f32(1.0 / _f32(1.0 + frequency))
        return cls(generator, scores, stems, max_chars)

    def html(self, text: str) -> str:
        """The snippet as tantivy's `Snippet.to_html()` ("" when no term occurs)."""
        made = self._follow(text)
        if made is not None:
            return made
        document = tantivy.Document()
        if text:
            document.add_text("text", text)
        return self.generator.snippet_from_doc(document).to_html()

    def _follow(self, text: str) -> str | None:
        """The snippet, or None for a text to leave to tantivy. Works on the
        UTF-8 bytes (tantivy's offsets) with each character that is no
        letter or digit made spaces, a space a byte: tantivy's words are
        then what split() finds, where it finds them."""
        if not text or not self.scores:
            return ""
        spaced = text
        for character in set(_NON_ASCII.findall(text)):
            if character in _PLAIN_SYMBOLS:
                category = "So"
            else:
                category = _category(character)
                if category not in _AGREED_CATEGORIES:
                    return None
            if category[0] not in "LN":
                spaced = spaced.replace(character, " " * len(character.encode()))
        words_only = spaced.encode().translate(_SPACES)
        words = set(words_only.split())
        if max(map(len, words), default=0) >= _LONG_WORD:
            return None
        words_of, unstemmed = self.stems.tables(words)
        if not words.isdisjoint(unstemmed):
            return None
        hits = []
        padded = b" " + words_only + b" "  # a match is a whole word: spaces (or the ends) around it
        for term, score in self.scores.items():
            for word in words & words_of.get(term, _NONE):
                needle = b" " + word + b" "
                at = padded.find(needle)
                while at >= 0:
                    hits.append((at, at + len(word), score))  # the pad's shift of one cancels the leading space
                    at = padded.find(needle, at + len(word) + 1)
        if not hits:
            return ""
        hits.sort()
        return self._best(text.encode(), words_only, hits)

    def _best(self, data: bytes, words_only: bytes, hits: list[tuple[int, int, float]]) -> str:
        size = len(words_only)
        best: tuple[float, int, int, list[tuple[int, int]]] | None = None
        start = index = 0  # the fragment's start (a byte offset); the first hit not yet placed
        while index < len(hits):
            boundary = _next_start(words_only, start + self.max_chars)
            score = 0.0
            marked = []
            while index < len(hits) and hits[index][0] < boundary:
                begin, end, term_score = hits[index]
                score = _f32(score + term_score)
                marked.append((begin, end))
                index += 1
            if marked and (best is None or score > best[0]):
                best = (score, start, len(words_only[:boundary].rstrip(b" ")), marked)
            if boundary >= size:
                break
            start = boundary
        assert best is not None  # every hit lies in some fragment
        _, start, stop, marked = best
        parts = []
        position = start
        for begin, end in marked:
            parts.append(escape_minimal(data[position:begin].decode()))
            parts.append("<b>" + escape_minimal(data[begin:end].decode()) + "</b>")
            position = end
        parts.append(escape_minimal(data[position:stop].decode()))
        return "".join(parts)


_CATEGORIES: dict[str, str] = {}


def _category(character: str) -> str:
    known = _CATEGORIES.get(character)
    if known is None:
        known = _CATEGORIES[character] = unicodedata.category(character)
    return known


def _next_start(words_only: bytes, limit: int) -> int:
    """Where the next fragment starts when the current one may run to byte
    `limit`: the start of the first word ending past it (the text's end if none)."""
    if limit >= len(words_only):
        return len(words_only)
    if words_only[limit] != _SPACE:
        return words_only.rfind(b" ", 0, limit) + 1
    following = _WORD_START.search(words_only, limit)
    return following.start() if following else len(words_only)
