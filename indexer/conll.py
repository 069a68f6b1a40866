"""Scoring entity recognition on CoNLL-2003-style annotated text.

    parallax eval --format conll FILE

The file holds one token a line, its NER tag in the last column (the
CoNLL-2003 layout "token POS chunk NER" or just "token NER"), a blank line
between sentences and a `-DOCSTART-` line between documents. Tags are IOB1
(an "I-" span starts wherever the type changes, "B-" only separates two
adjacent spans of one type) or IOB2 (every span opens with "B-"); the decoder
below reads both the same way.

Each document becomes one article: tokens joined by single spaces, sentences
by newlines. It goes through the enrichment that indexing uses, and the
predicted entities are scored mention by mention against the gold spans:

- PER is our PERSON, LOC our GPE/LOC/FAC, ORG our ORG. MISC is not scored,
  but a PERSON/place/ORG prediction on a MISC span is a false positive (it
  matches no gold span of its type).
- Exact: same type, same start and end. Overlap: same type, sharing at least
  one character (each gold span and each prediction is counted once).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from store.records import ENTITY_KINDS, Entity

SCORED = ("PER", "LOC", "ORG")
# Our entity kinds → CoNLL types, so our labels → CoNLL types; anything else
# (NORP, dates...) is no CoNLL prediction.
CONLL_TYPE_OF_KIND = {"person": "PER", "place": "LOC", "organisation": "ORG"}
TYPE_OF_LABEL = {label: CONLL_TYPE_OF_KIND[kind.key] for kind in ENTITY_KINDS for label in kind.labels}
GOLD_TYPES = frozenset(SCORED) | {"MISC"}
EXAMPLES = 12  # error examples kept per kind


class ConllFormatError(ValueError):
    """A line that is no CoNLL token line, with where it is."""


@dataclass
class Span:
    start: int  # character offsets in the document text
    end: int
    type: str
    text: str


@dataclass
class Document:
    text: str
    spans: list[Span] = field(default_factory=list)


def _tag(line: str, number: int, path: str) -> tuple[str, str]:
    parts = line.split()
    if len(parts) < 2:
        raise ConllFormatError(f"{path}:{number}: expected a token and a tag, got {line.strip()!r}")
    token, tag = parts[0], parts[-1]
    if tag != "O":
        prefix, _, kind = tag.partition("-")
        if prefix not in ("I", "B") or kind not in GOLD_TYPES:
            raise ConllFormatError(
                f"{path}:{number}: unknown tag {tag!r} (expected O, I-X or B-X, X in PER/LOC/ORG/MISC)"
            )
    return token, tag


class _DocumentBuilder:
    """Accumulates tokens into text and decodes IOB1/IOB2 tags into spans."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []
        self.sentence_open = False
        self.open: Span | None = None

    def token(self, token: str, tag: str) -> None:
        if self.sentence_open:
            self._write(" ")
        elif self.length:
            self._write("\n")
        self.sentence_open = True
        start = self.length
        self._write(token)
        self._tag(tag, start)

    def _tag(self, tag: str, start: int) -> None:
        if tag == "O":
            self._close()
            return
        prefix, kind = tag.split("-", 1)
        if self.open is not None and self.open.type == kind and prefix == "I":
            self.open.end = self.length  # the span goes on
            return
        self._close()
        self.open = Span(start, self.length, kind, "")

    def end_sentence(self) -> None:
        self._close()
        self.sentence_open = False

    def _close(self) -> None:
        if self.open is not None:
            self.spans.append(self.open)
            self.open = None

    def _write(self, text: str) -> None:
        self.parts.append(text)
        self.length += len(text)

    def build(self) -> Document | None:
        self._close()
        if not self.length:
            return None
        text = "".join(self.parts)
        for span in self.spans:
            span.text = text[span.start : span.end]
        return Document(text, self.spans)


def read_conll(path: str | Path) -> list[Document]:
    """The documents of a CoNLL file (see the module docstring)."""
    docs: list[Document] = []
    builder = _DocumentBuilder()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                builder.end_sentence()
                continue
            if line.startswith("-DOCSTART-"):
                doc = builder.build()
                if doc is not None:
                    docs.append(doc)
                builder = _DocumentBuilder()
                continue
            builder.token(*_tag(line, number, str(path)))
    doc = builder.build()
    if doc is not None:
        docs.append(doc)
    return docs


def predicted_spans(text: str, entities: list[Entity]) -> list[Span]:
    spans = []
    for e in entities:
        kind = TYPE_OF_LABEL.get(e.label)
        if kind is not None:
            spans.append(Span(e.start, e.end, kind, text[e.start : e.end]))
    return spans


def _overlap(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


def _prf(tp_pred: int, n_pred: int, tp_gold: int, n_gold: int) -> dict[str, Any]:
    precision = tp_pred / n_pred if n_pred else 0.0
    recall = tp_gold / n_gold if n_gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


def _overlap_matches(gold: list[Span], pred: list[Span]) -> int:
    """Pairs of same-type overlapping spans, matched one-to-one in text order."""
    used: set[int] = set()
    matched = 0
    for g in gold:
        for k, p in enumerate(pred):
            if k not in used and p.type == g.type and _overlap(g, p):
                used.add(k)
                matched += 1
                break
    return matched


class _Tally:
    """Counts per type, and the kinds of errors with examples."""

    def __init__(self) -> None:
        self.counts: dict[str, Counter[str]] = {t: Counter() for t in SCORED}
        self.errors: dict[str, Counter[str]] = {}
        self.examples: dict[str, list[str]] = {}

    def add_document(self, gold: list[Span], pred: list[Span]) -> None:
        scored_gold = [g for g in gold if g.type in SCORED]
        exact = {(g.start, g.end, g.type) for g in scored_gold}
        for t in SCORED:
            g_t = [g for g in scored_gold if g.type == t]
            p_t = [p for p in pred if p.type == t]
            hits = sum(1 for p in p_t if (p.start, p.end, t) in exact)
            over = _overlap_matches(g_t, p_t)
            c = self.counts[t]
            c["gold"] += len(g_t)
            c["predicted"] += len(p_t)
            c["exact"] += hits
            c["overlap"] += over
        self._error_kinds(gold, pred)

    def _error_kinds(self, gold: list[Span], pred: list[Span]) -> None:
        pred_keys = {(p.start, p.end, p.type) for p in pred}
        gold_keys = {(g.start, g.end, g.type) for g in gold}
        for g in gold:
            if g.type not in SCORED or (g.start, g.end, g.type) in pred_keys:
                continue
            near = [p for p in pred if _overlap(g, p)]
            if not near:
                kind = "missed"
            elif any(p.type == g.type for p in near):
                kind = "boundary"
            else:
                kind = "wrong_type:" + "/".join(sorted({p.type for p in near}))
            detail = " ".join(f"{p.text!r}:{p.type}" for p in near)
            self._note(f"gold {g.type} {kind}", f"{g.text!r} {detail}".strip())
        for p in pred:
            if (p.start, p.end, p.type) in gold_keys:
                continue
            near = [g for g in gold if _overlap(g, p)]
            if not near:
                kind = "no_gold"
            elif any(g.type == p.type for g in near):
                kind = "boundary"
            elif all(g.type == "MISC" for g in near):
                kind = "on_MISC"
            else:
                kind = "wrong_type:" + "/".join(sorted({g.type for g in near}))
            detail = " ".join(f"{g.text!r}:{g.type}" for g in near)
            self._note(f"predicted {p.type} {kind}", f"{p.text!r} {detail}".strip())

    def _note(self, kind: str, example: str) -> None:
        self.errors.setdefault(kind, Counter())[example] += 1

    def report(self) -> dict[str, Any]:
        out: dict[str, Any] = {"exact": {}, "overlap": {}}
        for mode in ("exact", "overlap"):
            total: Counter[str] = Counter()
            for t in SCORED:
                c = self.counts[t]
                out[mode][t] = {
                    **_prf(c[mode], c["predicted"], c[mode], c["gold"]),
                    "predicted": c["predicted"],
                    "gold": c["gold"],
                    "matched": c[mode],
                }
                total.update({"m": c[mode], "p": c["predicted"], "g": c["gold"]})
            out[mode]["ALL"] = {
                **_prf(total["m"], total["p"], total["m"], total["g"]),
                "predicted": total["p"],
                "gold": total["g"],
                "matched": total["m"],
            }
        out["errors"] = {
            kind: {"count": sum(c.values()), "examples": [f"{text} ×{n}" for text, n in c.most_common(EXAMPLES)]}
            for kind, c in sorted(self.errors.items(), key=lambda item: -sum(item[1].values()))
        }
        return out


def score_documents(docs: list[Document], predictions: list[list[Span]]) -> dict[str, Any]:
    tally = _Tally()
    for doc, pred in zip(docs, predictions, strict=True):
        tally.add_document(doc.spans, pred)
    result = tally.report()
    result["documents"] = len(docs)
    return result


DOCUMENT_SPLITS = ("all", "odd", "even")


def split_documents(docs: list[Document], which: str) -> list[Document]:
    """Documents 1, 3, 5, ... ("odd") or 2, 4, 6, ... ("even"), counted from
    1 in file order: tune on one half, report the other as held out."""
    if which not in DOCUMENT_SPLITS:
        raise ValueError(f"unknown document split {which!r}; one of {', '.join(DOCUMENT_SPLITS)}")
    if which == "all":
        return docs
    parity = 1 if which == "odd" else 0
    return [doc for number, doc in enumerate(docs, start=1) if number % 2 == parity]


def main_eval_conll(path: str | Path, documents: str = "all") -> dict[str, Any]:
    """Read, enrich (as indexing does) and score one CoNLL file, or its odd
    or even documents (see split_documents); a JSON-able dict."""
    from .pipeline import get_extractor

    docs = split_documents(read_conll(path), documents)
    extractor = get_extractor()
    predictions = [
        predicted_spans(doc.text, entities)
        for doc, (entities, _quotes) in zip(docs, extractor.extract_many(d.text for d in docs), strict=True)
    ]
    result = score_documents(docs, predictions)
    result["file"] = str(path)
    result["split"] = documents
    result["pipeline"] = extractor.pipeline_name
    return result
