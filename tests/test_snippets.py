"""The embedded index's snippets (`store.snippets`) are tantivy's own: the
same HTML as tantivy's SnippetGenerator for the same query and text, on
texts made to reach every step of its algorithm (fragment cuts inside and
between words, ties, several terms, phrases, characters outside ASCII,
words tantivy drops, escaping) and on the demo corpus."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import tantivy

from store import embedded_query as eq
from store.embedded import EmbeddedStore
from store.query import parse_query
from store.records import EnrichedArticle
from store.snippets import Stems

DEMO = Path(__file__).resolve().parents[1] / "parallax" / "demo_corpus"

TEXTS = [
    "",
    "police",
    "  police  ",
    "Police said the police were policing; POLICE! police's policemen.",
    "Snake_case police_state police-state police.state 'police' \"police\" <police> & police",
    "café Zürich naïve façade — “quoted police” ‘police’ … police ©2020 £5 €3 • police",
    "Ⓟolice circled, police",  # a circled letter: alphabetic to Rust, not to Python
    "हिन्दी police पुलिस",  # vowel signs (marks)
    "x" * 70 + " police " + "y" * 63 + " police",  # tantivy drops words of 64 bytes or more
    "police " * 120,
    "The election was held. " * 30 + "Police and the election commission met the police. " + "Nothing. " * 40,
    "Budget talks stalled; the tax bill and the budget and tax plans. " * 12,
    "New York police in New York City said new york was york new. " * 6,
    "ÉLECTION élection election Elections electing",
    "\u00a0police\u2003police\u200bpolice\u00adpolice",
    "police\npolice\tpolice\r\npolice",
]
QUERIES = [
    "police",
    "police election",
    '"new york"',
    '"new york" police',
    "tax OR budget -trump",
    "election",
    "elections",
    "nothingatall",
    "police AND NOT election",
]


def random_texts(count: int) -> list[str]:
    rng = random.Random(13)
    words = "police election tax budget new york the a of said élection café – “ ” ’ , . ; 2020 x".split()
    texts = []
    for _ in range(count):
        n = rng.randint(1, 400)
        texts.append(" ".join(rng.choice(words) for _ in range(n)).replace(" ,", ","))
    return texts


def demo_texts() -> list[str]:
    texts = []
    for path in sorted(DEMO.rglob("*")):
        if path.suffix == ".jsonl":
            texts += [json.loads(line).get("text") or "" for line in path.read_text(encoding="utf-8").splitlines()]
        elif path.suffix == ".txt":
            texts.append(path.read_text(encoding="utf-8"))
    return texts


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> EmbeddedStore:
    store = EmbeddedStore(tmp_path_factory.mktemp("snippets"))
    corpus = TEXTS + random_texts(60)
    store.index([EnrichedArticle(id=f"a{n}", text=text) for n, text in enumerate(corpus)])
    return store


def tantivy_html(generator: tantivy.SnippetGenerator, text: str) -> str:
    document = tantivy.Document()
    if text:
        document.add_text("text", text)
    return generator.snippet_from_doc(document).to_html()


@pytest.mark.parametrize("q", QUERIES)
def test_snippets_are_tantivys(store, q):
    searcher = store._searcher()
    snippets = eq.snippet_generator(searcher, store.schema, store.analyzer, parse_query(q), Stems(store.analyzer))
    assert snippets is not None
    texts = TEXTS + random_texts(200) + demo_texts()
    for text in texts:
        assert snippets.html(text) == tantivy_html(snippets.generator, text), text[:80]
    # The second time every word's stem is remembered: still the same.
    for text in texts:
        assert snippets.html(text) == tantivy_html(snippets.generator, text), text[:80]


def test_texts_it_cannot_follow_go_to_tantivy(store):
    stems = Stems(store.analyzer)
    snippets = eq.snippet_generator(store._searcher(), store.schema, store.analyzer, parse_query("police"), stems)
    assert snippets is not None
    assert snippets._follow("Ⓟolice circled, police") is None
    assert snippets._follow("हिन्दी police") is None
    assert snippets._follow("x" * 70 + " police") is None
    assert snippets._follow("café police ©") is not None


def test_forgetting_the_stems_changes_nothing(store, monkeypatch):
    import store.snippets as snippets_module

    monkeypatch.setattr(snippets_module, "_MEMO_LIMIT", 20)
    searcher = store._searcher()
    stems = Stems(store.analyzer)
    snippets = eq.snippet_generator(searcher, store.schema, store.analyzer, parse_query("police election"), stems)
    assert snippets is not None
    for text in TEXTS + random_texts(50):
        assert snippets.html(text) == tantivy_html(snippets.generator, text)
