"""The stored record is zstd-compressed with a dictionary trained on the data
folder's first records: every record comes back exactly as written, whether it
was written before the dictionary (no dictionary), after it, or by an older
version (zlib), and whichever process reads it."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store import record_codec
from store.embedded import EmbeddedStore
from store.embedded_schema import decode_record, document_fields, encode_record, record_json
from store.interface import StoreError
from store.records import EnrichedArticle, Entity, Quote

REPO = Path(__file__).resolve().parents[1]
WORDS = (
    "the minister said on monday that the council would vote on the budget after weeks of talks with unions "
    "and farmers while protesters gathered outside parliament in the capital and police closed several roads"
).split()
PLACES = [
    ("Kyiv", "geonames:703448", 703448, "UA", 50.45466, 30.5238),
    ("Paris", "geonames:2988507", 2988507, "FR", 48.85341, 2.3488),
]


def synthetic(number: int, rng: random.Random) -> EnrichedArticle:
    """An article with a body of a few hundred words, entities at real offsets, a quote, aliases."""
    body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(300, 600)))
    name, entity_id, geonames_id, country, lat, lon = rng.choice(PLACES)
    body = f"{name} {body}"
    person = f"Person{number % 37} Surname{number % 11}"
    body += f" {person} said “{' '.join(rng.choice(WORDS) for _ in range(12))}”."
    start = body.index(person)
    quote_start = body.index("“") + 1
    return EnrichedArticle(
        id=f"a-{number}",
        text=body,
        title=f"Title {number}",
        outlet=f"Outlet {number % 7}",
        published=f"2020-01-{1 + number % 28:02d}",
        url=f"https://example.org/{number}",
        entities=[
            Entity(name, "GPE", 0, len(name), name, entity_id, geonames_id, country, lat, lon),
            Entity(person, "PERSON", start, start + len(person), person, f"person:{number % 37}"),
        ],
        quotes=[Quote(body[quote_start : body.index("”")], quote_start, body.index("”"), person, person)],
        aliases={name: ["Alias of " + name], person: []},
    )


def dictionary_ids(store: EmbeddedStore) -> list[int]:
    """The dictionary id in the header of each stored record's payload."""
    searcher = store._any_searcher()
    hits = searcher.search(__import__("tantivy").Query.all_query(), searcher.num_docs).hits
    return [
        record_codec.zstandard.get_frame_parameters(bytes(searcher.doc(a).to_dict()["record"][0])).dict_id
        for _, a in hits
    ]


# -- round trips ------------------------------------------------------------------

texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200)


@st.composite
def articles(draw: st.DrawFn) -> EnrichedArticle:
    """Articles whose entities, quotes and aliases repeat one another the way
    enriched ones do (ids made of the name, aliases holding the words used,
    speakers that are entities), and sometimes not quite."""
    body = draw(texts)
    entities = []
    for _ in range(draw(st.integers(0, 5))):
        start = draw(st.integers(0, len(body)))
        end = draw(st.integers(start, len(body)))
        # usually the body's characters at the offsets, sometimes other words (a fixed-up name)
        words = draw(st.one_of(st.just(body[start:end]), texts))
        canonical = draw(st.one_of(st.just(words), texts, st.sampled_from(["Volodymyr Zelensky", "José Ramos-Horta"])))
        geonames_id = draw(st.one_of(st.none(), st.integers(1, 10**8)))
        slug = "-".join("".join(c if c.isalnum() else " " for c in canonical.lower()).split())
        entity_id = draw(st.sampled_from([None, f"geonames:{geonames_id}", f"person:{slug}", f"person:{slug}x", words]))
        coordinates = draw(st.one_of(st.none(), st.floats(-90, 90, allow_nan=False)))
        label = draw(st.sampled_from(["PERSON", "GPE", "ORG", "LOC"]))
        entities.append(
            Entity(words, label, start, end, canonical, entity_id, geonames_id, "UA", coordinates, coordinates)
        )
    quotes = []
    for _ in range(draw(st.integers(0, 3))):
        start = draw(st.integers(0, len(body)))
        end = draw(st.integers(start, len(body)))
        words = draw(st.one_of(st.just(body[start:end]), texts))
        if entities and draw(st.booleans()):
            entity = draw(st.sampled_from(entities))
            speaker = (entity.canonical, draw(st.sampled_from([entity.entity_id, None])))
        else:
            speaker = (draw(st.one_of(st.none(), texts)), draw(st.one_of(st.none(), texts)))
        quotes.append(Quote(words, start, end, draw(st.one_of(st.none(), texts)), *speaker))
    aliases = draw(st.dictionaries(texts, st.lists(texts, max_size=3), max_size=2))
    for entity in entities:  # as the indexer makes them: the words used and other names, sorted
        extra = draw(st.lists(texts, max_size=2))
        used = [e.text for e in entities if e.canonical == entity.canonical and draw(st.booleans())]
        aliases[entity.canonical] = sorted({*extra, *used} - {entity.canonical})
    return EnrichedArticle(
        id=draw(texts.filter(bool)),
        text=body,
        title=draw(st.one_of(st.none(), texts.filter(bool))),
        published=draw(st.one_of(st.none(), st.dates().map(lambda d: d.isoformat()))),
        authors=draw(st.lists(texts, max_size=3)),
        extra=draw(st.dictionaries(texts, st.one_of(st.integers(), texts, st.booleans()), max_size=3)),
        entities=entities,
        quotes=quotes,
        story=draw(st.one_of(st.none(), texts.filter(bool))),
        aliases=aliases,
    )


@pytest.fixture(scope="module")
def trained_codec(tmp_path_factory: pytest.TempPathFactory) -> record_codec.RecordCodec:
    codec = record_codec.RecordCodec(tmp_path_factory.mktemp("codec"))
    rng = random.Random(1)
    codec.train([record_json(synthetic(n, rng)) for n in range(record_codec.TRAIN_AFTER)])
    return codec


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(articles())
def test_every_payload_format_gives_the_same_article_back(trained_codec, article):
    formats = {
        "zstd with the dictionary": encode_record(article, trained_codec),
        "zstd without a dictionary": encode_record(article),
        "zlib, as written before dictionaries": zlib.compress(record_json(article), 6),
    }
    for name, payload in formats.items():
        assert decode_record(payload) == article, name
    with_dictionary = formats["zstd with the dictionary"]
    assert record_codec.zstandard.get_frame_parameters(with_dictionary).dict_id == trained_codec.current().dict_id()


# -- a data folder's life ----------------------------------------------------------


def test_the_first_records_train_a_dictionary_and_every_record_reads_back(tmp_path):
    rng = random.Random(7)
    first = [synthetic(n, rng) for n in range(record_codec.TRAIN_AFTER + 50)]
    store = EmbeddedStore(tmp_path)
    with store.session() as session:
        for written in first:
            session.add(written.id, store.prepare(written))
        session.commit()
    dictionaries = sorted((tmp_path / "dictionaries").glob("*.zdict"))
    assert len(dictionaries) == 1, "the first records a data folder receives train its dictionary"
    current = int((tmp_path / "dictionaries" / "CURRENT").read_text())
    later = [synthetic(n, rng) for n in range(len(first), len(first) + 20)]
    store.index(later)
    ids = dictionary_ids(store)
    assert ids.count(current) >= len(later) and 0 in ids, "records before the dictionary keep theirs (none)"
    # another process, which never saw the dictionary trained, reads every record
    script = (
        "import json,sys; from store.embedded import EmbeddedStore; "
        "articles = [a.to_dict() for a in EmbeddedStore(sys.argv[1], create=False).scan()]; "
        "print(json.dumps(sorted(articles, key=lambda a: a['id'])))"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], cwd=REPO, capture_output=True, text=True, check=True
    )
    expected = sorted([a.to_dict() for a in first + later], key=lambda a: a["id"])
    assert json.loads(out.stdout) == expected


def test_records_with_the_dictionary_are_smaller(tmp_path):
    rng = random.Random(3)
    codec = record_codec.RecordCodec(tmp_path)
    codec.train([record_json(synthetic(n, rng)) for n in range(record_codec.TRAIN_AFTER)])
    held_out = [synthetic(n, rng) for n in range(100_000, 100_050)]
    with_dictionary = sum(len(encode_record(a, codec)) for a in held_out)
    without = sum(len(zlib.compress(record_json(a), 6)) for a in held_out)
    assert with_dictionary < 0.8 * without


def test_a_folder_of_zlib_records_reads_and_reindex_moves_it_to_a_dictionary(tmp_path):
    rng = random.Random(5)
    written = [synthetic(n, rng) for n in range(record_codec.TRAIN_AFTER + 10)]
    store = EmbeddedStore(tmp_path)
    writer = store._writer()
    for article in written:  # as the previous version wrote them: zlib, no dictionary folder
        document = document_fields(article)
        document["record"] = __import__("base64").b64encode(zlib.compress(record_json(article), 6)).decode()
        writer.add_json(json.dumps(document))
    writer.commit()
    writer.wait_merging_threads()
    store._tantivy.reload()
    assert not (tmp_path / "dictionaries").exists()
    assert store.get(written[0].id) == written[0]
    assert store.reindex()["articles"] == len(written)
    current = int((tmp_path / "dictionaries" / "CURRENT").read_text())
    assert set(dictionary_ids(store)) == {current}
    assert sorted(store.scan(), key=lambda a: a.id) == sorted(written, key=lambda a: a.id)


def test_a_small_folder_has_no_dictionary_and_its_records_read_back(tmp_path):
    rng = random.Random(9)
    few = [synthetic(n, rng) for n in range(30)]
    store = EmbeddedStore(tmp_path)
    store.index(few)
    store.reindex()
    assert not (tmp_path / "dictionaries").exists()
    assert set(dictionary_ids(store)) == {0}
    assert sorted(store.scan(), key=lambda a: a.id) == sorted(few, key=lambda a: a.id)


def test_a_missing_dictionary_is_a_clear_error(tmp_path):
    codec = record_codec.RecordCodec(tmp_path / "one")
    rng = random.Random(11)
    codec.train([record_json(synthetic(n, rng)) for n in range(record_codec.TRAIN_AFTER)])
    payload = bytearray(codec.compress(record_json(synthetic(1, rng))))
    # a frame naming a dictionary id that no data folder holds
    header = record_codec.zstandard.get_frame_parameters(bytes(payload))
    unknown = (header.dict_id + 1).to_bytes(4, "little")
    position = bytes(payload).index(header.dict_id.to_bytes(4, "little"))
    payload[position : position + 4] = unknown
    with pytest.raises(StoreError, match="dictionary"):
        decode_record(bytes(payload))
    with pytest.raises(StoreError, match="unknown format"):
        decode_record(b"\x00garbage")
