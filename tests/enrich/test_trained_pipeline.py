"""The trained-pipeline path: a tiny NER model trained and saved here, loaded
through PARALLAX_SPACY_MODEL exactly as a real one would be."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
import spacy
from spacy.training import Example

from indexer.enrich.extract import Extractor

TRAIN = [
    ("Maria Lopez visited Madrid on Monday.", [(0, 11, "PERSON"), (20, 26, "GPE")]),
    ("Officials in Madrid met Maria Lopez.", [(13, 19, "GPE"), (24, 35, "PERSON")]),
    ("Peter Novak flew to Madrid.", [(0, 11, "PERSON"), (20, 26, "GPE")]),
    ("Peter Novak and Maria Lopez spoke.", [(0, 11, "PERSON"), (16, 27, "PERSON")]),
    ("The French team landed in Madrid.", [(4, 10, "NORP"), (26, 32, "GPE")]),
]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    random.seed(0)
    spacy.util.fix_random_seed(0)
    nlp = spacy.blank("en")
    ner = nlp.add_pipe("ner")
    for _, spans in TRAIN:
        for _, _, label in spans:
            ner.add_label(label)
    examples = [Example.from_dict(nlp.make_doc(t), {"entities": s}) for t, s in TRAIN]
    optimizer = nlp.initialize(lambda: examples)
    for _ in range(40):
        random.shuffle(examples)
        nlp.update(examples, sgd=optimizer, drop=0.1)
    path = tmp_path_factory.mktemp("model") / "tiny_ner"
    nlp.to_disk(path)
    return path


def test_configured_pipeline_is_loaded_from_the_environment(tiny_model: Path, monkeypatch) -> None:
    monkeypatch.setenv("PARALLAX_SPACY_MODEL", str(tiny_model))
    extractor = Extractor()
    assert extractor.pipeline_name == str(tiny_model)
    assert "ner" in extractor.nlp.pipe_names and "parallax_link" in extractor.nlp.pipe_names


def test_trained_entities_are_linked_and_canonicalised(tiny_model: Path) -> None:
    extractor = Extractor(str(tiny_model))
    text = "Maria Lopez visited Madrid on Monday.\n\u201cWe are ready,\u201d Maria Lopez said."
    entities, quotes = extractor.extract(text)
    labels = {(e.text, e.label) for e in entities}
    assert ("Maria Lopez", "PERSON") in labels
    madrid = [e for e in entities if e.text == "Madrid"]
    assert madrid and madrid[0].label == "GPE" and madrid[0].country == "ES"
    assert madrid[0].entity_id.startswith("geonames:") and madrid[0].lat is not None
    assert all(text[e.start : e.end] == e.text for e in entities)
    [quote] = quotes
    assert quote.text == "We are ready" and quote.speaker_canonical == "Maria Lopez"


def test_a_missing_pipeline_falls_back_to_offline(tmp_path: Path) -> None:
    extractor = Extractor(str(tmp_path / "no-model-here"))
    assert extractor.pipeline_name == "parallax-offline"
    entities, _ = extractor.extract("Maria Lopez visited Madrid.")
    assert {e.label for e in entities} >= {"PERSON", "GPE"}
