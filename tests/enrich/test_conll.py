"""`parallax eval --format conll FILE` on a small invented CoNLL-2003-style file.

tests/data/conll/synthetic.conll is written for Parallax (no Reuters text):
two documents, the first tagged IOB1 (with a "B-" between two adjacent
people), the second IOB2 (with a MISC span).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from support import require_shared, run_cli

from indexer.conll import ConllFormatError, Span, read_conll, score_documents, split_documents

SYNTHETIC = Path(__file__).resolve().parents[1] / "data" / "conll" / "synthetic.conll"


def _spans(doc) -> list[tuple[str, str]]:
    return [(s.text, s.type) for s in doc.spans]


def test_documents_are_sentences_on_lines_and_tokens_spaced() -> None:
    first, second = read_conll(SYNTHETIC)
    lines = first.text.split("\n")
    assert lines[0] == "KESTRAVIA 1996-03-02"
    assert lines[2] == "Kowalczyk met the singers Anna Lind Bo Ek in Lyon on the way home ."
    assert second.text.startswith("The Vostrel Corp board met in Berlin and Rome .")


def test_iob1_and_iob2_decode_to_the_same_kind_of_spans() -> None:
    first, second = read_conll(SYNTHETIC)
    assert _spans(first) == [
        ("KESTRAVIA", "LOC"),
        ("Marta Kowalczyk", "PER"),
        ("Brannock Holdings", "ORG"),
        ("Dutch", "MISC"),
        ("Paris", "LOC"),
        ("Kowalczyk", "PER"),
        ("Anna Lind", "PER"),  # IOB1: "B-PER" separates two adjacent people
        ("Bo Ek", "PER"),
        ("Lyon", "LOC"),
    ]
    assert _spans(second) == [
        ("Vostrel Corp", "ORG"),
        ("Berlin", "LOC"),
        ("Rome", "LOC"),
        ("Jonas Pell", "PER"),
        ("Euro Cup", "MISC"),
    ]


def _at(doc, text: str, kind: str, extra: int = 0) -> Span:
    start = doc.text.index(text)
    return Span(start, start + len(text) + extra, kind, text)


def test_exact_and_overlap_scores_per_type() -> None:
    _, doc = read_conll(SYNTHETIC)
    predictions = [
        _at(doc, "Vostrel", "ORG"),  # overlap only
        _at(doc, "Berlin", "LOC"),  # exact
        _at(doc, "Rome", "PER"),  # wrong type
        _at(doc, "Jonas Pell", "PER"),  # exact
        _at(doc, "Euro Cup", "ORG"),  # on a MISC span: counts against ORG precision
    ]
    report = score_documents([doc], [predictions])
    assert report["exact"]["LOC"] == {
        "precision": 1.0,
        "recall": 0.5,
        "f1": 0.6667,
        "predicted": 1,
        "gold": 2,
        "matched": 1,
    }
    assert report["exact"]["ORG"]["precision"] == 0.0 and report["overlap"]["ORG"]["precision"] == 0.5
    assert report["overlap"]["ORG"]["recall"] == 1.0
    assert report["exact"]["PER"]["precision"] == 0.5 and report["exact"]["PER"]["recall"] == 1.0
    assert report["errors"]["predicted ORG on_MISC"]["count"] == 1
    assert report["errors"]["gold LOC wrong_type:PER"]["count"] == 1
    assert "MISC" not in report["exact"]


def test_documents_split_into_odd_and_even_halves() -> None:
    docs = read_conll(SYNTHETIC)
    assert split_documents(docs, "odd") == [docs[0]] and split_documents(docs, "even") == [docs[1]]
    assert split_documents(docs, "all") == docs
    result = run_cli("eval", "--format", "conll", "--documents", "even", str(SYNTHETIC))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 1 and report["split"] == "even"
    assert report["exact"]["ORG"]["gold"] == 1  # one organisation is in each document


def test_malformed_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.conll"
    bad.write_text("-DOCSTART- -X- O O\n\nOslo I-LOC\nfell I-VERB\n", encoding="utf-8")
    with pytest.raises(ConllFormatError, match=r"bad.conll:4: unknown tag 'I-VERB'"):
        read_conll(bad)


def test_cli_scores_the_file_as_json() -> None:
    result = run_cli("eval", "--format", "conll", str(SYNTHETIC))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 2
    assert report["exact"]["PER"]["gold"] == 5 and report["exact"]["LOC"]["gold"] == 5
    assert report["exact"]["ORG"]["gold"] == 2
    # Plain full names and well-known cities are found exactly.
    assert report["exact"]["PER"]["matched"] >= 3
    assert report["exact"]["LOC"]["matched"] >= 4


def test_cli_refuses_bad_input_with_a_message(tmp_path: Path) -> None:
    missing = run_cli("eval", "--format", "conll", str(tmp_path / "nothing.conll"))
    assert missing.returncode == 2 and "nothing.conll" in missing.stderr and not missing.stdout
    bad = tmp_path / "bad.conll"
    bad.write_text("Oslo\n", encoding="utf-8")
    malformed = run_cli("eval", "--format", "conll", str(bad))
    assert malformed.returncode == 2 and "bad.conll:1" in malformed.stderr
    no_gold = run_cli("eval", str(SYNTHETIC))
    assert no_gold.returncode == 2 and "--gold" in no_gold.stderr


@pytest.mark.shared_corpus
@pytest.mark.slow
def test_conll_development_set_meets_measured_floors() -> None:
    testa = require_shared("corpus", "conll2003", "eng.testa")
    result = run_cli("eval", "--format", "conll", str(testa))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["documents"] == 216
    exact = report["exact"]
    # Measured exact-span F1 on eng.testa: PER 0.923, LOC 0.886, ORG 0.705 (odd documents, tuned on:
    # 0.935, 0.899, 0.745; even, held out: 0.908, 0.870, 0.646)
    # (before issue 11's rules: 0.847, 0.751, 0.171; before the conll round: 0.882, 0.885, 0.674). Floors just under.
    assert exact["PER"]["f1"] >= 0.91, exact
    assert exact["LOC"]["f1"] >= 0.88, exact
    assert exact["ORG"]["f1"] >= 0.69, exact
    assert report["overlap"]["ALL"]["f1"] >= exact["ALL"]["f1"]
