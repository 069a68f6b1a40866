"""The OpenSearch analyser in mappings/articles.json and the embedded
backend's tantivy analyser turn the same text into the same tokens, on a
live node (its `_analyze` API): the words a search matches are the same on
both backends."""

from __future__ import annotations

import uuid

import pytest
from live_opensearch import live_store

from store.embedded_schema import news_analyzer
from store.opensearch import OpenSearchStore

pytestmark = pytest.mark.opensearch_live

# Cases where analysers commonly part ways: stemmer flavours (Porter and
# Porter 2), possessives, hyphens, dotted abbreviations, domains, digits,
# accents, typographic apostrophes, long tokens.
SAMPLES = [
    "News agencies said the skies were clearing; generously, importantly, hopefully.",
    "The dying soldiers\u2019 families and the women's group met on e-mail.",
    "U.S. officials visited trump.com, don't they? 3.5 per cent in 2016.",
    "Caf\u00e9 na\u00efve r\u00e9sum\u00e9 Zo\u00eb \u00c5ngstr\u00f6m Stra\u00dfe",
    "a" * 70 + " short tokens survive",
    "Running runs ran; studies studying studied; agreed agreement",
]


@pytest.fixture
def live_index(opensearch_url: str):
    store = live_store(opensearch_url, f"parallax-analysis-{uuid.uuid4().hex[:8]}", index_replicas=0)
    store.index([])  # creates the index with the mappings
    yield store
    store.client.indices.delete(index=f"{store.alias}-v*", ignore_unavailable=True)
    store.close()


@pytest.mark.parametrize("text", SAMPLES)
def test_opensearch_and_embedded_analysers_agree(live_index: OpenSearchStore, text: str) -> None:
    response = live_index.client.indices.analyze(
        index=live_index.alias, body={"analyzer": "news_english", "text": text}
    )
    assert [t["token"] for t in response["tokens"]] == news_analyzer().analyze(text)
