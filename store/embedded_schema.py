"""The embedded index's schema: tantivy fields derived from
`mappings/articles.json`, field for field, and the conversion of records to
tantivy documents and back. The OpenSearch counterpart is the mapping itself
plus `opensearch_query.article_to_source` / `source_to_article`.

    keyword            -> raw-tokenised text, fast (facets, filters, sort),
                          document ids only (no positions: never a phrase)
    text               -> the `news_english` analyser (lowercase, accent
                          folding, English stemming), positions for phrases
    date / boolean     -> tantivy date / boolean, fast
    not indexed        -> no tantivy field (`index: false`, `enabled: false`,
                          nested objects nobody searches inside)

Nothing of that is stored. The record itself is stored once, in `record`
(RECORD_FIELD): compact JSON compressed with zstd and a dictionary trained on
the data folder's first records (`record_codec`; older zlib records stay
readable), entities and quotes without the words the body already holds. Before, every field was stored on its own
(tantivy compresses stored documents with LZ4 in 16 KB blocks) and the
entities and quotes were also indexed as JSON: 13.6 KB per AllSides article,
of which the body's stored copy was 3.8 KB and the entities' 3.4 KB.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import Any

import orjson
import tantivy
from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

import mappings
from textkit.ids import person_id

from . import record_codec
from .interface import QuerySyntaxError, StoreError
from .records import DERIVED_FIELDS, EnrichedArticle, Entity, Quote

ANALYZER = "news_english"
# The stored record (compressed JSON bytes, see `record_codec`): the only stored field.
RECORD_FIELD = "record"
# The month of `published` as months since January 1970 (fast, not in the
# mapping: the search histogram counts months, and a histogram of months
# costs a fraction of one of days, whose thousands of buckets cost more than
# counting the matches). Indexes from before it are read without it.
MONTH_FIELD = "month"
# A fixed pseudo-random number per article, 0 <= n < SAMPLE_RANGE (fast, not
# in the mapping): the first bytes of a hash of its id, so the same article
# is always in the same share and a range of it is a uniform sample. Broad
# searches count their facets over such a share (see `EmbeddedStore`).
# Indexes from before it are read without it, and count facets exactly.
SAMPLE_FIELD = "sample"
_SAMPLE_BYTES = 2
SAMPLE_RANGE = 1 << (8 * _SAMPLE_BYTES)
# Stored list fields that are not nested objects: read back as lists
# (documents of an older schema, read by `reindex`).
_LIST_FIELDS = ("authors", "boilerplate")
# The mapping's fields, read once: `mappings.article_fields()` deep-copies
# the mapping, which per document was a third of the time of a scan.
_FIELDS = mappings.article_fields()
# Record fields left out of the stored JSON when they hold these (the
# dataclass default comes back instead, as it did when fields were stored one by one).
_EMPTY: tuple[Any, ...] = (None, "", [], {})
_ARTICLE_FIELDS = tuple(f.name for f in fields(EnrichedArticle))


def news_analyzer() -> tantivy.TextAnalyzer:
    """Mirror of the OpenSearch `news_english` analyser: split on non-letters,
    lowercase, fold accents (café = cafe), English stemming."""
    return (
        TextAnalyzerBuilder(Tokenizer.simple())
        .filter(Filter.remove_long(64))
        .filter(Filter.lowercase())
        .filter(Filter.ascii_fold())
        .filter(Filter.stemmer("english"))
        .build()
    )


def build_schema(with_month: bool = True, with_sample: bool = True) -> tantivy.Schema:
    """The tantivy schema: one field per searched top-level property of the
    mapping, plus the stored record, the month and the sample number
    (without them: the schemas of indexes written before those fields; an
    index with the sample field always has the month)."""
    builder = tantivy.SchemaBuilder()
    for name, spec in _FIELDS.items():
        add_field(builder, name, spec)
    builder.add_bytes_field(RECORD_FIELD, stored=True, indexed=False)
    if with_month:
        builder.add_integer_field(MONTH_FIELD, stored=False, indexed=False, fast=True)
        if with_sample:
            builder.add_integer_field(SAMPLE_FIELD, stored=False, indexed=False, fast=True)
    return builder.build()


def sample_number(article_id: str) -> int:
    """The article's SAMPLE_FIELD value: stable across runs and machines
    (Python's own `hash` of a string is not)."""
    digest = hashlib.blake2b(article_id.encode("utf-8"), digest_size=_SAMPLE_BYTES).digest()
    return int.from_bytes(digest, "big")


def month_number(day: dt.datetime) -> int:
    """Months since January 1970 (MONTH_FIELD)."""
    return (day.year - 1970) * 12 + day.month - 1


def month_name(number: int) -> str:
    """'YYYY-MM' of a MONTH_FIELD value."""
    year, month = divmod(number, 12)
    return f"{1970 + year:04d}-{month + 1:02d}"


def indexed_fields() -> dict[str, dict[str, Any]]:
    """The mapping's properties that get a tantivy field."""
    return {name: spec for name, spec in _FIELDS.items() if _is_indexed(spec)}


def _is_indexed(spec: dict[str, Any]) -> bool:
    kind = spec.get("type", "object")
    return kind not in ("nested", "object") and spec.get("index", True) is not False


def add_field(builder: tantivy.SchemaBuilder, name: str, spec: dict[str, Any]) -> None:
    """One mapping property as a tantivy field (none when it is not indexed)."""
    kind = spec.get("type", "object")
    if not _is_indexed(spec):
        return
    if kind == "keyword":
        builder.add_text_field(name, stored=False, fast=True, tokenizer_name="raw", index_option="basic")
    elif kind == "text":
        builder.add_text_field(name, stored=False, tokenizer_name=ANALYZER, index_option="position")
    elif kind == "date":
        builder.add_date_field(name, stored=False, indexed=True, fast=True)
    elif kind == "boolean":
        builder.add_boolean_field(name, stored=False, indexed=True, fast=True)
    elif kind in ("integer", "long"):
        builder.add_integer_field(name, stored=False, indexed=True, fast=True)
    else:  # a new mapping type must be mirrored here on purpose
        raise StoreError(f"mappings field {name!r} has type {kind!r}, which the embedded store does not mirror")


def register_tokenizers(index: tantivy.Index) -> None:
    """The analysers the schema names, on an opened index."""
    index.register_tokenizer(ANALYZER, news_analyzer())


def document_fields(
    article: EnrichedArticle, codec: record_codec.RecordCodec | None = None, stored: bytes | None = None
) -> dict[str, Any]:
    """The tantivy document of one article as JSON values (dates in RFC 3339,
    the record in base64), for `IndexWriter.add_json`: a string is cheap to
    send from the process that enriched the article to the one that writes it.
    The record is compressed with `codec`'s dictionary (none without a codec),
    or is `stored`: the article's payload as stored, for a copy of an
    unchanged article (compressing is half the cost of writing one again)."""
    record = vars(article)
    document: dict[str, Any] = {}
    for name, spec in indexed_fields().items():
        value: Any = DERIVED_FIELDS[name](article) if name in DERIVED_FIELDS else record.get(name)
        if value is None or value == [] or value == "":
            continue
        kind = spec.get("type", "object")
        if kind == "date":
            document[name] = parse_date(value).isoformat()
            if name == "published":
                document[MONTH_FIELD] = month_number(parse_date(value))
        elif kind == "boolean":
            document[name] = bool(value)
        elif isinstance(value, list):
            document[name] = [str(item) for item in value]
        else:
            document[name] = str(value)
    document[SAMPLE_FIELD] = sample_number(article.id)
    payload = stored if stored is not None else encode_record(article, codec)
    document[RECORD_FIELD] = base64.b64encode(payload).decode("ascii")
    return document


def record_json_of(prepared: str) -> bytes:
    """The record's JSON inside a prepared document (`document_fields` as a
    JSON string): what the dictionary is trained on."""
    return record_codec.decompress(base64.b64decode(json.loads(prepared)[RECORD_FIELD]))


# -- the stored record ----------------------------------------------------------


def encode_record(article: EnrichedArticle, codec: record_codec.RecordCodec | None = None) -> bytes:
    """`record_json`, compressed by `codec` (zstd without a dictionary when there is none)."""
    record = record_json(article)
    return codec.compress(record) if codec is not None else record_codec.compress_plain(record)


def record_json(article: EnrichedArticle) -> bytes:
    """The article as compact JSON (UTF-8). Entities are written as columns
    of (distance from the previous offset, length, kind) with each distinct
    kind (label, canonical name, ids, coordinates) once, quotes as (distance
    from the previous quote's end, length, speaker), and an entity's or a
    quote's words only when they are not exactly the body's characters at its
    offsets (they always were in AllSides): the entities' JSON shrinks from 11.5 KB to under 1 KB per article.
    What the rest of the record repeats is left out where the reader can put it
    back exactly (`_derivable_id`, `_alias_row`, a quote's speaker as a kind):
    each is checked when written, and written in full when it cannot."""
    body = article.text or ""
    record: dict[str, Any] = {}
    for name in _ARTICLE_FIELDS:
        value = getattr(article, name)
        if name in ("entities", "quotes", "aliases") or value in _EMPTY:
            continue
        if name in ("published", "indexed"):
            value = parse_date(value).date().isoformat()
        record[name] = value
    kinds: dict[tuple[Any, ...], int] = {}
    forms: dict[str, set[str]] = {}  # canonical name -> the words its mentions use
    if article.entities:
        # one list per column (distance from the previous start, length, kind):
        # runs of like numbers compress better than [gap, length, kind] rows
        # (25 B a record); a mention's words only where the body differs
        gaps: list[int] = []
        lengths: list[int] = []
        numbers: list[int] = []
        words: list[list[Any]] = []
        previous = 0
        for position, entity in enumerate(article.entities):
            kind = (entity.label, entity.canonical, entity.entity_id, entity.geonames_id, entity.country,
                    entity.lat, entity.lon)  # fmt: skip
            gaps.append(entity.start - previous)
            lengths.append(entity.end - entity.start)
            numbers.append(kinds.setdefault(kind, len(kinds)))
            previous = entity.start
            if body[entity.start : entity.end] != entity.text:
                words.append([position, entity.text])
            forms.setdefault(entity.canonical, set()).add(entity.text)
        entities: dict[str, Any] = {"kinds": [_kind_row(kind) for kind in kinds]}
        entities |= {"gap": gaps, "len": lengths, "kind": numbers}
        if words:
            entities["words"] = words
        record["entities"] = entities
    if article.aliases:
        record["aliases"] = {name: _alias_row(name, others, forms) for name, others in article.aliases.items()}
    if article.quotes:
        speakers = {(kind[1], kind[2]): number for kind, number in reversed(kinds.items())}  # the first kind wins
        quotes = []
        previous = 0
        for quote in article.quotes:
            speaker = speakers.get((quote.speaker_canonical, quote.speaker_id))
            # (distance from the previous quote's end, length): smaller numbers than offsets (25 B a record)
            row: list[Any] = [quote.start - previous, quote.end - quote.start, quote.speaker]
            previous = quote.end
            row += [speaker] if speaker is not None else [quote.speaker_canonical, quote.speaker_id]
            if body[quote.start : quote.end] != quote.text:
                row.append(quote.text)
            quotes.append(row)
        # an object, where records written before held the rows with offsets in a list
        record["quotes"] = {"spans": quotes}
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return text.encode("utf-8")


# In a kind's entity id: ids that its other fields give back.
_GEONAMES_ID, _PERSON_ID = 0, 1


def _kind_row(kind: tuple[Any, ...]) -> list[Any]:
    label, canonical, entity_id, geonames_id, *rest = kind
    return [label, canonical, _derivable_id(canonical, entity_id, geonames_id), geonames_id, *rest]


def _derivable_id(canonical: str, entity_id: str | None, geonames_id: int | None) -> str | int | None:
    """`entity_id`, or a number when the kind's other fields give it back
    ("geonames:<geonames id>", "person:<the name in lower case, dashed>")."""
    if entity_id is None:
        return None
    if geonames_id is not None and entity_id == f"geonames:{geonames_id}":
        return _GEONAMES_ID
    if entity_id == person_id(canonical):
        return _PERSON_ID
    return entity_id


def _entity_id(row: list[Any]) -> str | None:
    _, canonical, entity_id, geonames_id, *_ = row
    if entity_id == _GEONAMES_ID and type(entity_id) is int:
        return f"geonames:{geonames_id}"
    if entity_id == _PERSON_ID and type(entity_id) is int:
        return person_id(canonical)
    return entity_id


def _alias_row(name: str, others: list[str], forms: dict[str, set[str]]) -> list[Any]:
    """An entity's aliases without the words its own mentions use (the
    indexer adds those): a leading 0 says they were left out. Written in full
    when adding them back would not give the same list."""
    own = forms.get(name, set())
    kept = [other for other in others if other not in own]
    if len(kept) < len(others) and _with_forms(name, kept, own) == others:
        return [0, *kept]
    return others


def _with_forms(name: str, kept: list[str], own: set[str]) -> list[str]:
    return sorted({*kept, *(form for form in own if form and form != name)})


def decode_record(payload: bytes, mentions: bool = True) -> EnrichedArticle:
    """Back from `encode_record`; without the entities, quotes and aliases
    when `mentions` is False (a search hit shows none of them)."""
    record = parse_record_json(record_codec.decompress(payload))
    body = record.setdefault("text", "")  # an empty body is left out like every empty field
    entities, quotes = record.pop("entities", None), record.pop("quotes", None)
    aliases = record.pop("aliases", None)
    article = EnrichedArticle.from_dict(record)
    if not mentions:
        return article
    kinds = []
    if entities:
        kinds = [(row[0], row[1], _entity_id(row), *row[3:]) for row in entities["kinds"]]
        for start, end, kind, written in _mentions(entities):
            label, canonical, entity_id, geonames_id, country, lat, lon = kinds[kind]
            text = written if written is not None else body[start:end]
            article.entities.append(
                Entity(text, label, start, end, canonical, entity_id, geonames_id, country, lat, lon)
            )
    if aliases:
        forms: dict[str, set[str]] = {}
        for entity in article.entities:
            forms.setdefault(entity.canonical, set()).add(entity.text)
        for name, row in aliases.items():
            derived = bool(row) and type(row[0]) is int
            article.aliases[name] = _with_forms(name, row[1:], forms.get(name, set())) if derived else row
    if quotes:
        for start, end, speaker, *rest in _quote_spans(quotes):
            if rest and type(rest[0]) is int:  # the speaker is one of the article's entities
                _, speaker_canonical, speaker_id, *_ = kinds[rest[0]]
                words = rest[1:]
            else:  # as written before (or a speaker no entity names)
                speaker_canonical, speaker_id, *words = rest
            text = words[0] if words else body[start:end]
            article.quotes.append(Quote(text, start, end, speaker, speaker_canonical, speaker_id))
    return article


def _mentions(entities: dict[str, Any]) -> Iterator[tuple[int, int, int, str | None]]:
    """(start, end, kind, words or None) of every mention, from the columns
    `record_json` writes or from the rows of records written before them
    ([gap, length, kind, words?] under "mentions")."""
    if "mentions" in entities:
        rows: Iterable[Sequence[Any]] = entities["mentions"]
    else:
        written = dict(entities.get("words", ()))
        columns = zip(entities["gap"], entities["len"], entities["kind"], strict=True)
        rows = ([*column, written[n]] if n in written else column for n, column in enumerate(columns))
    start = 0
    for gap, length, kind, *words in rows:
        start += gap
        yield start, start + length, kind, (words[0] if words else None)


def _quote_spans(quotes: dict[str, Any] | list[list[Any]]) -> Iterator[list[Any]]:
    """The quote rows with their offsets as (start, end): from the spans
    `record_json` writes (distance from the previous quote's end, length), or
    as records written before them held them (a list of rows with offsets)."""
    if isinstance(quotes, list):
        yield from quotes
        return
    previous = 0
    for gap, length, *rest in quotes["spans"]:
        start = previous + gap
        previous = start + length
        yield [start, previous, *rest]


def parse_record_json(raw: bytes) -> dict[str, Any]:
    """A record's JSON, parsed by orjson (about half the CPU of `json`: each
    search decodes its page of hits, the largest Python cost after the
    snippets). The few texts orjson refuses and `json` reads (an escaped lone
    surrogate, an integer past 64 bits) go to `json`: the same objects."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def stored_payload(document: tantivy.Document) -> bytes | None:
    """The compressed record of a stored document (None: a legacy document)."""
    payload = document.to_dict().get(RECORD_FIELD)
    return bytes(payload[0]) if payload else None


def to_record(document: tantivy.Document, mentions: bool = True) -> EnrichedArticle:
    """The record of a stored document (see `decode_record` for `mentions`)."""
    raw = document.to_dict()
    payload = raw.get(RECORD_FIELD)
    if payload:
        return decode_record(bytes(payload[0]), mentions)
    return _legacy_record(raw)


def _legacy_record(raw: dict[str, list[Any]]) -> EnrichedArticle:
    """A document of a schema from before the stored record (every field
    stored on its own), as `reindex` reads it; derived fields are left out
    because the record recomputes them from its entities."""
    data: dict[str, Any] = {}
    for name, spec in _FIELDS.items():
        if name in DERIVED_FIELDS or name not in raw:
            continue
        values = raw[name]
        kind = spec.get("type", "object")
        if kind == "date":
            data[name] = values[0].date().isoformat()
        elif kind in ("nested", "object"):
            value = values[0]
            data[name] = value.get("items", []) if kind == "nested" else value
        elif name in _LIST_FIELDS:
            data[name] = list(values)
        else:
            data[name] = values[0]
    return EnrichedArticle.from_dict(data)


def parse_date(value: str | dt.date | dt.datetime) -> dt.datetime:
    """A date (or the day of a timestamp) as tantivy's UTC datetime; a
    QuerySyntaxError for anything that is not YYYY-MM-DD."""
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.UTC)
    try:
        return dt.datetime.fromisoformat(str(value)[:10]).replace(tzinfo=dt.UTC)
    except ValueError as exc:
        raise QuerySyntaxError(f"{value!r} is not a date: use YYYY-MM-DD") from exc
