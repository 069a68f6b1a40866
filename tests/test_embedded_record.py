"""The embedded index stores each article once, as compact compressed JSON
(entities and quotes without the words the body already holds): what comes
back out of the index is exactly what went in."""

from __future__ import annotations

from store.embedded import EmbeddedStore
from store.records import EnrichedArticle, Entity, Quote

BODY = "Café owners in Kyiv said “we stay open” on Monday. Mr Zelensky agreed."


def article() -> EnrichedArticle:
    return EnrichedArticle(
        id="odd-1",
        text=BODY,
        title="Cafés stay open",
        outlet="Kyiv Post",
        published="2022-03-07",
        url="https://example.org/cafes",
        authors=["A. Writer", "B. Writer"],
        topic="war",
        source="feed.jsonl:3",
        extra={"section": "city", "rank": 2},
        boilerplate=["Subscribe to our newsletter."],
        entities=[
            Entity("Kyiv", "GPE", 15, 19, "Kyiv", "geonames:703448", 703448, "UA", 50.45466, 30.5238),
            # words that are not the body's characters at the offsets (a fixed-up name)
            Entity("Volodymyr Zelensky", "PERSON", 54, 62, "Volodymyr Zelensky", "person:volodymyr-zelensky"),
            Entity("Kyiv", "GPE", 15, 19, "Kyiv", "geonames:703448", 703448, "UA", 50.45466, 30.5238),
        ],
        quotes=[
            Quote("we stay open", 26, 38, None),
            Quote("agreed (paraphrased)", 63, 69, "Mr Zelensky", "Volodymyr Zelensky", "person:volodymyr-zelensky"),
        ],
        story="story-1",
        thread="thread-1",
        aliases={"Kyiv": ["Kiev"], "Volodymyr Zelensky": []},
        indexed="2022-03-08",
        title_derived=True,
        outlet_source="url",
    )


def test_an_article_comes_back_from_the_index_exactly_as_written(tmp_path):
    store = EmbeddedStore(tmp_path)
    written = article()
    assert BODY[15:19] == "Kyiv" and BODY[26:38] == "we stay open"  # the offsets the record relies on
    assert store.index([written]).indexed == ["odd-1"]
    assert store.get("odd-1") == written
    assert list(EmbeddedStore(tmp_path).scan()) == [written]


def test_a_bare_article_comes_back_with_the_defaults(tmp_path):
    store = EmbeddedStore(tmp_path)
    bare = EnrichedArticle(id="bare-1", text="Just words.")
    store.index([bare])
    assert store.get("bare-1") == bare


def test_a_record_orjson_refuses_is_still_read():
    # Texts `json` reads and orjson does not: an escaped lone surrogate (a
    # body cut inside a pair by an older writer) and an integer past 64 bits.
    from store import record_codec
    from store.embedded_schema import decode_record

    for raw, read in [
        (b'{"id":"odd","text":"cut \\ud83d here"}', "cut \ud83d here"),
        (b'{"id":"odd","text":"big","score":123456789012345678901234567890}', "big"),
    ]:
        article = decode_record(record_codec.compress_plain(raw), mentions=False)
        assert (article.id, article.text) == ("odd", read)


# The record of `article()` as written before the mentions were columns and
# the quotes (distance, length) spans: folders written then must read the same.
RECORD_WITH_MENTION_ROWS = (
    '{"id":"odd-1","text":"Café owners in Kyiv said “we stay open” on Monday. Mr Zelensky agreed.",'
    '"title":"Cafés stay open","outlet":"Kyiv Post","published":"2022-03-07","url":"https://example.org/cafes",'
    '"authors":["A. Writer","B. Writer"],"topic":"war","source":"feed.jsonl:3","extra":{"section":"city","rank":2},'
    '"title_derived":true,"outlet_source":"url","boilerplate":["Subscribe to our newsletter."],'
    '"story":"story-1","thread":"thread-1","indexed":"2022-03-08",'
    '"entities":{"kinds":[["GPE","Kyiv",0,703448,"UA",50.45466,30.5238],'
    '["PERSON","Volodymyr Zelensky",1,null,null,null,null]],'
    '"mentions":[[15,4,0],[39,8,1,"Volodymyr Zelensky"],[-39,4,0]]},'
    '"aliases":{"Kyiv":["Kiev"],"Volodymyr Zelensky":[]},'
    '"quotes":[[26,38,null,null,null],[63,69,"Mr Zelensky",1,"agreed (paraphrased)"]]}'
)


def test_a_record_in_the_layout_written_before_reads_the_same():
    from store import record_codec
    from store.embedded_schema import decode_record, record_json

    old = decode_record(record_codec.compress_plain(RECORD_WITH_MENTION_ROWS.encode("utf-8")))
    assert old == article()
    assert record_json(article()) != RECORD_WITH_MENTION_ROWS.encode("utf-8")  # the layout did change
    assert decode_record(record_codec.compress_plain(record_json(article()))) == article()
