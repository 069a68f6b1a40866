"""Compaction: the index merged into one segment, every article still there
and found the same way. `parallax index` compacts after a run that wrote a
quarter of the index or more (a fresh or large run), not after a small one."""

from __future__ import annotations

import random

import pytest
import tantivy
from support import REPO_ROOT, run_cli
from test_record_compression import dictionary_ids, synthetic

from store import embedded as embedded_module
from store import record_codec
from store.embedded import EmbeddedStore
from store.embedded_schema import decode_record, stored_payload
from store.records import SearchRequest

DEMO = REPO_ROOT / "parallax" / "demo_corpus"


def segments(store: EmbeddedStore) -> int:
    return store._any_searcher().num_segments


def payloads(store: EmbeddedStore) -> dict[str, bytes]:
    """Each article's stored record, as the bytes on disk."""
    searcher = store._any_searcher()
    found = {}
    for _, address in searcher.search(tantivy.Query.all_query(), searcher.num_docs).hits:
        payload = stored_payload(searcher.doc(address))
        assert payload is not None
        found[decode_record(payload, mentions=False).id] = payload
    return found


def what_a_reader_sees(store: EmbeddedStore) -> list:
    """Hits, totals and facet counts of a few searches, and every record."""
    seen = []
    for request in (
        SearchRequest(q="minister"),
        SearchRequest(q="council", filters={"outlet": ["Outlet 3"]}),
        SearchRequest(q="", story="event-1"),
    ):
        response = store.search(request)
        seen.append(
            (
                response.total,
                [hit.id for hit in response.hits],
                {name: [(v.value, v.count) for v in values] for name, values in response.facets.items()},
            )
        )
    seen.append(sorted((a.to_dict() for a in store.scan()), key=lambda a: a["id"]))
    return seen


@pytest.fixture
def two_segments(tmp_path) -> EmbeddedStore:
    """Indexed, then some articles rewritten with their events: two segments,
    as `parallax index` leaves a corpus before it compacts."""
    rng = random.Random(11)
    store = EmbeddedStore(tmp_path)
    store.index([synthetic(n, rng) for n in range(60)])
    store.set_stories({f"a-{n}": "event-1" for n in range(0, 60, 4)})
    assert segments(store) == 2
    return store


def test_compact_leaves_one_segment_and_every_article_found_as_before(two_segments):
    before = what_a_reader_sees(two_segments)
    result = two_segments.compact()
    assert (result["segments_before"], result["segments_after"], result["articles"]) == (2, 1, 60)
    assert segments(two_segments) == 1
    assert what_a_reader_sees(two_segments) == before
    # another store opened on the folder (the portal after a restart) sees the same
    assert what_a_reader_sees(EmbeddedStore(two_segments.data_dir, create=False)) == before


def test_compact_of_one_segment_writes_nothing(tmp_path):
    store = EmbeddedStore(tmp_path)
    store.index([synthetic(n, random.Random(2)) for n in range(5)])
    stored = payloads(store)
    assert store.compact()["articles"] == 0
    assert payloads(store) == stored


def test_compact_with_story_changes_rewrites_only_the_changed_records(tmp_path):
    """After a fresh run the grouping's changes are made in the compaction's
    copy (one write of each article, not two), even of a single segment."""
    rng = random.Random(3)
    store = EmbeddedStore(tmp_path)
    store.index([synthetic(n, rng) for n in range(record_codec.TRAIN_AFTER + 20)])
    store.index([synthetic(n, rng) for n in range(record_codec.TRAIN_AFTER + 20, record_codec.TRAIN_AFTER + 40)])
    store.compact()  # every record under the folder's dictionary now: unchanged ones are copied as stored
    stored = payloads(store)
    moved = {f"a-{n}": "event-9" for n in range(0, 40, 3)}
    result = store.compact(moved, threads={i: "thread-9" for i in moved})
    assert (result["segments_after"], result["stories_changed"]) == (1, len(moved))
    assert segments(store) == 1
    after = payloads(store)
    assert {i for i in stored if after[i] != stored[i]} == set(moved)
    assert ids_of(store.search(SearchRequest(q="", story="event-9", size=100))) == set(moved)
    assert ids_of(store.search(SearchRequest(q="", thread="thread-9", size=100))) == set(moved)
    assert (store.get("a-3").story, store.get("a-3").thread) == ("event-9", "thread-9")


def ids_of(response) -> set[str]:
    return {hit.id for hit in response.hits}


def test_a_failed_compaction_leaves_the_index_as_it_was(two_segments, monkeypatch):
    before = what_a_reader_sees(two_segments)
    calls = {"n": 0}
    real = embedded_module.document_fields

    def breaks_half_way(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 30:
            raise OSError("disk full")  # a fault this test cannot cause for real
        return real(*args, **kwargs)

    monkeypatch.setattr(embedded_module, "document_fields", breaks_half_way)
    with pytest.raises(OSError):
        two_segments.compact()
    monkeypatch.undo()
    assert segments(two_segments) == 2
    assert what_a_reader_sees(two_segments) == before
    assert two_segments.compact()["segments_after"] == 1  # the writer was released


def test_compact_gives_the_records_written_before_the_dictionary_the_dictionary(tmp_path):
    rng = random.Random(7)
    store = EmbeddedStore(tmp_path)
    first = [synthetic(n, rng) for n in range(record_codec.TRAIN_AFTER + 20)]
    store.index(first)  # these train the folder's dictionary, but were written without one
    later = [synthetic(n, rng) for n in range(len(first), len(first) + 30)]
    store.index(later)
    current = int((tmp_path / "dictionaries" / "CURRENT").read_text())
    stored = payloads(store)
    assert 0 in dictionary_ids(store) and segments(store) == 2
    store.compact()
    assert set(dictionary_ids(store)) == {current}
    assert payloads(store) != stored
    assert sorted(store.scan(), key=lambda a: a.id) == sorted(first + later, key=lambda a: a.id)


@pytest.mark.slow
def test_index_compacts_after_a_fresh_run_but_not_after_a_small_one(tmp_path):
    fresh = run_cli("index", str(DEMO), data_dir=tmp_path)  # as a user types it: progress on, piped
    assert fresh.returncode == 0, fresh.stdout + fresh.stderr
    assert "compacting the index (14 articles) into one segment" in fresh.stderr
    store = EmbeddedStore(tmp_path, create=False)
    assert segments(store) == 1
    assert store.stats()["stories"] == 4  # the demo's four events, written by the compaction's copy
    extra = tmp_path / "extra.txt"
    extra.write_text("Flood waters rose in the valley on Tuesday, officials said.\n", encoding="utf-8")
    small = run_cli("index", str(extra), data_dir=tmp_path)
    assert small.returncode == 0, small.stdout + small.stderr
    assert "compacting" not in small.stderr
    store = EmbeddedStore(tmp_path, create=False)
    assert segments(store) == 2 and store.stats()["articles"] == 15


def test_compact_makes_one_segment_of_more_articles_than_a_writer_heap_holds(tmp_path, monkeypatch):
    """An archive whose indexing filled the writer's heap several times (a
    million articles at the default heap: six segments) still ends in one
    segment: compaction's own writer has a heap sized for the whole copy.
    The heap is shrunk to tantivy's minimum so that a few thousand articles
    stand for a million."""
    monkeypatch.setattr(embedded_module, "WRITER_HEAP", 15_000_000)
    rng = random.Random(5)
    store = EmbeddedStore(tmp_path)
    store.index([synthetic(n, rng) for n in range(4_000)])
    written = segments(store)
    assert written > 1  # one commit, several segments: the heap filled
    before = what_a_reader_sees(store)
    result = store.compact()
    assert (result["segments_before"], result["segments_after"], result["articles"]) == (written, 1, 4_000)
    assert what_a_reader_sees(store) == before
