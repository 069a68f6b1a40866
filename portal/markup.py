"""Article text as HTML with entities and quotes marked.

Quotes are the outer layer (<q>), entities the inner (<mark>); an entity
that straddles a quote boundary is left unmarked rather than breaking the
nesting. Every piece of article text is escaped here; the result is Markup.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from store.records import Entity, Quote


@dataclass
class _Span:
    start: int
    end: int
    open_tag: str
    close_tag: str
    reopen_tag: str = ""  # after a paragraph break: the same tag without its id

    def __post_init__(self) -> None:
        self.reopen_tag = self.reopen_tag or self.open_tag


def _quote_span(quote: Quote) -> _Span:
    speaker = quote.speaker_canonical or quote.speaker or "unattributed"
    return _Span(
        quote.start,
        quote.end,
        Markup('<q class="quote" id="quote-{}" data-speaker="{}" title="Quoted: {}">').format(
            quote.start, speaker, speaker
        ),
        Markup("</q>"),
        Markup('<q class="quote" data-speaker="{}" title="Quoted: {}">').format(speaker, speaker),
    )


def _entity_span(entity: Entity) -> _Span:
    title = entity.canonical if entity.canonical == entity.text else f"{entity.canonical} ({entity.text})"
    return _Span(
        entity.start,
        entity.end,
        Markup('<mark class="ent ent-{}" data-label="{}" title="{}: {}">').format(
            entity.label, entity.label, entity.label, title
        ),
        Markup("</mark>"),
    )


def _nestable(spans: list[_Span], outer: list[_Span]) -> list[_Span]:
    """Spans that do not overlap each other and sit wholly inside or
    wholly outside every outer span."""
    kept: list[_Span] = []
    last_end = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if span.start < last_end:
            continue
        if any(
            o.start < span.end and span.start < o.end and not (o.start <= span.start and span.end <= o.end)
            for o in outer
        ):
            continue
        kept.append(span)
        last_end = span.end
    return kept


def mark_up(text: str, entities: list[Entity], quotes: list[Quote]) -> Markup:
    """Paragraphs (<p>) of escaped text with quote and entity tags."""
    length = len(text)
    quote_spans = _nestable([_quote_span(q) for q in quotes if 0 <= q.start < q.end <= length], [])
    entity_spans = _nestable([_entity_span(e) for e in entities if 0 <= e.start < e.end <= length], quote_spans)
    opens: dict[int, list[_Span]] = {}
    closes: dict[int, list[_Span]] = {}
    for span in quote_spans + entity_spans:
        opens.setdefault(span.start, []).append(span)
        closes.setdefault(span.end, []).append(span)
    out: list[str] = ["<p>"]
    open_stack: list[_Span] = []
    cursor = 0
    boundaries = sorted(set(opens) | set(closes) | {i for i, ch in enumerate(text) if ch == "\n"})
    for position in boundaries + [length]:
        out.append(str(escape(text[cursor:position])))
        cursor = position
        for span in sorted(closes.get(position, []), key=lambda s: -s.start):
            if span in open_stack:
                open_stack.remove(span)
                out.append(str(span.close_tag))
        if position < length and text[position] == "\n":
            # A paragraph break closes open tags and reopens them after, so
            # a quote continued over paragraphs stays marked in both.
            out += [str(s.close_tag) for s in reversed(open_stack)]
            out.append("</p><p>")
            out += [str(s.reopen_tag) for s in open_stack]
            cursor = position + 1
        for span in sorted(opens.get(position, []), key=lambda s: -s.end):
            open_stack.append(span)
            out.append(str(span.open_tag))
    out.append("</p>")
    html = "".join(out).replace("<p></p>", "")
    return Markup(html)
