"""The token view every rule reads, and where sentences and reliable capitals are.

`Tokens` holds plain lists (words, offsets, trailing spaces) taken from a
spaCy Doc once: reading spaCy's Token objects one attribute at a time costs
more than all the rules. `sentence_starts` (the `parallax_sentences`
component) starts a sentence after . ! ? : ; and at every line break;
`uncertain_case` says where a capital letter tells nothing (sentence starts,
Title Case headlines).
"""

from __future__ import annotations

import numpy
from spacy.attrs import IDX, LENGTH, ORTH, SENT_START, SPACY
from spacy.language import Language
from spacy.tokens import Doc

SENTENCE_END = frozenset({".", "!", "?", ":", ";", "...", "\u2026"})
TRANSPARENT = frozenset("\"'\u201c\u201d\u2018\u2019([{\u2014\u2013-*\u2022".replace(" ", ""))


# doc.user_data key of the text a doc was made of (with_text): spaCy's tokens
# keep every character, so the text is the doc's text without rebuilding it.
RAW_TEXT = "parallax_text"


def with_text(doc: Doc, text: str) -> Doc:
    """`doc`, made of `text` by the pipeline's tokenizer, carrying it for Tokens."""
    doc.user_data[RAW_TEXT] = text
    return doc


class Tokens:
    """Plain lists of what the rules read from each token: touching spaCy's
    Token objects one attribute at a time costs more than all the rules."""

    def __init__(self, doc: Doc) -> None:
        text: str | None = doc.user_data.get(RAW_TEXT)
        if not len(doc):
            idx, words, spaces = [], [], []
        elif text is not None:
            # Slicing the text the doc was made of is cheaper than asking the string store for every word.
            idx, lengths, spaces = doc.to_array([IDX, LENGTH, SPACY]).T.tolist()
            words = [text[start : start + length] for start, length in zip(idx, lengths, strict=True)]
        else:
            orths, idx, spaces = doc.to_array([ORTH, IDX, SPACY]).T.tolist()
            strings = doc.vocab.strings
            words = [strings[h] for h in orths]
        self.idx = idx
        self.words = words
        self.ws = [" " if sp else "" for sp in spaces]
        self.n = len(self.words)
        self._full_text: str | None = text
        self._caps: list[bool] | None = None

    @property
    def caps(self) -> list[bool]:
        """Per token, is_cap of its word: several rules ask it of every token."""
        if self._caps is None:
            self._caps = list(map(is_cap, self.words))
        return self._caps

    @classmethod
    def of(cls, doc: Doc) -> Tokens:
        """Built once per doc and shared by the components."""
        cached = doc.user_data.get("_parallax_tokens")
        if cached is None or cached.n != len(doc):
            cached = doc.user_data["_parallax_tokens"] = cls(doc)
        return cached

    def full_text(self) -> str:
        """The doc's text (spaCy's doc.text builds a Token per token: slow)."""
        if self._full_text is None:
            self._full_text = "".join(w + s for w, s in zip(self.words, self.ws, strict=True))
        return self._full_text

    def text(self, i: int, j: int) -> str:
        """Tokens i..j-1 as written, without trailing whitespace."""
        if j - i <= 1:
            return self.words[i]
        if self._full_text is not None:
            # The tokens are contiguous in the text: one slice instead of a join.
            last = j - 1
            return self._full_text[self.idx[i] : self.idx[last] + len(self.words[last]) + len(self.ws[last])].rstrip()
        return "".join(self.words[k] + self.ws[k] for k in range(i, j)).rstrip()

    def is_space(self, i: int) -> bool:
        return not self.words[i].strip()


# --- sentence starts --------------------------------------------------------


def sentence_starts(tokens: Tokens) -> list[bool]:
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
        if word in TRANSPARENT and expect:
            expect = False  # the sentence started at its opening mark
            continue
        expect = word in SENTENCE_END
    return starts


@Language.component("parallax_sentences")
def parallax_sentences(doc: Doc) -> Doc:
    """Paragraph- and quote-aware sentence boundaries (see sentence_starts)."""
    if len(doc):
        flags = sentence_starts(Tokens.of(doc))
        starts = numpy.array([1 if f else -1 for f in flags], dtype="int64").astype("uint64").reshape(-1, 1)
        doc.from_array([SENT_START], starts)  # type: ignore[arg-type]  # thinc's Ints2d is this ndarray
    return doc


def _closes(tokens: Tokens, i: int) -> bool:
    text = tokens.words[i]
    if text in ("\u201d", "\u2019", ")", "]", "}"):
        return True
    return text in ('"', "'") and i > 0 and not tokens.ws[i - 1]


def uncertain_case(tokens: Tokens) -> list[bool]:
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
        if word in TRANSPARENT:
            continue
        flags[i] = expect
        expect = word in SENTENCE_END
    _mark_title_case_line(tokens, line_start, tokens.n, flags)
    return flags


LIST_LINE_COMMAS = 2  # commas that make a capitalised line a list of names, not a headline


def _mark_title_case_line(tokens: Tokens, start: int, end: int, flags: list[bool]) -> None:
    words = [w for w in tokens.words[start:end] if len(w) > 3 and w.isalpha()]
    if len(words) >= 3 and sum(1 for w in words if w[0].isupper()) >= 0.75 * len(words):
        if _list_line(tokens, start, end):
            return
        for i in range(start, end):
            flags[i] = True


def _list_line(tokens: Tokens, start: int, end: int) -> bool:
    """A line of capitalised items between commas ("Ian Healy , Michael
    Bevan , Jason Gillespie"): a line-up or a results list. Its capitals are
    the names' own, unlike a Title Case headline's, which rarely has two commas."""
    return tokens.words[start:end].count(",") >= LIST_LINE_COMMAS


def is_cap(text: str) -> bool:
    first = text[:1]
    # The first letter answers for nearly every word; the scan is for an upper-case non-letter ("Ⅻ").
    return first.isupper() and (first.isalpha() or any(c.isalpha() for c in text))


def prev_word(tokens: Tokens, i: int) -> tuple[int, str]:
    k = i - 1
    while k >= 0 and tokens.is_space(k):
        k -= 1
    return k, (tokens.words[k] if k >= 0 else "")


def line_starts(tokens: Tokens) -> list[bool]:
    """Per token: is it the first non-space token of its line?"""
    flags = [False] * tokens.n
    expect = True
    for i, word in enumerate(tokens.words):
        if not word.strip():
            expect = expect or "\n" in word
            continue
        flags[i] = expect
        expect = False
    return flags


def caps_lines(tokens: Tokens) -> list[bool]:
    """Per token: does it sit on a line written in capitals (a wire headline,
    a dateline, a table heading), where capitals tell nothing about names?
    Most of the line's letters-only words are all upper case."""
    flags = [False] * tokens.n
    start = 0
    for i in range(tokens.n + 1):
        if i < tokens.n and "\n" not in tokens.words[i]:
            continue
        words = [w for w in tokens.words[start:i] if w.isalpha()]
        if words and sum(1 for w in words if w.isupper() and len(w) > 1) >= 0.6 * len(words):
            for k in range(start, i):
                flags[k] = True
        start = i + 1
    return flags
