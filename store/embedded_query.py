"""Query translation for the embedded index: a `ParsedQuery` and a
`SearchRequest` become tantivy queries, and stored documents become hits.
The OpenSearch counterpart is `store.opensearch_query`.

Nothing here opens an index; functions take the schema (and the analyser
that tokenises the user's words exactly as the index did).
"""

from __future__ import annotations

from typing import Any

import tantivy
from markupsafe import escape
from tantivy import Occur, Query

from .embedded_schema import parse_date
from .query import ParsedQuery, Term
from .records import FACET_FIELDS, SNIPPET_CHARS, Hit, SearchRequest

TITLE_BOOST = 2.0


def all_of(queries: list[Query]) -> Query:
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def term_query(schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, term: Term) -> Query | None:
    """A word or phrase, searched in the title (boosted) and the body; None
    when the analyser leaves no token of it."""
    tokens: list[str | tuple[int, str]] = list(analyzer.analyze(term.text))
    if not tokens:
        return None
    per_field = []
    for field, boost in (("title", TITLE_BOOST), ("text", 1.0)):
        if len(tokens) == 1:
            query = Query.term_query(schema, field, tokens[0])
        else:
            query = Query.phrase_query(schema, field, tokens)
        per_field.append((Occur.Should, Query.boost_query(query, boost) if boost != 1.0 else query))
    return Query.boolean_query(per_field)


def text_query(schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, parsed: ParsedQuery) -> Query:
    """Groups are ANDed, alternatives inside a group ORed, exclusions removed;
    no positive term matches everything (browsing)."""
    clauses: list[tuple[Occur, Query]] = []
    for group in parsed.groups:
        alternatives = [q for q in (term_query(schema, analyzer, t) for t in group) if q is not None]
        if not alternatives:
            continue
        group_query = (
            alternatives[0]
            if len(alternatives) == 1
            else Query.boolean_query([(Occur.Should, q) for q in alternatives])
        )
        clauses.append((Occur.Must, group_query))
    for term in parsed.excluded:
        query = term_query(schema, analyzer, term)
        if query is not None:
            clauses.append((Occur.MustNot, query))
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses.append((Occur.Must, Query.all_query()))
    return Query.boolean_query(clauses)


def scope_clauses(schema: tantivy.Schema, request: SearchRequest) -> list[Query]:
    """Restrictions that are not facets: dates, story, explicit ids."""
    clauses = []
    if request.date_from or request.date_to:
        lower = parse_date(request.date_from) if request.date_from else tantivy.MIN_DATETIME
        upper = parse_date(request.date_to) if request.date_to else tantivy.MAX_DATETIME
        clauses.append(Query.range_query(schema, "published", tantivy.FieldType.Date, lower, upper))
    if request.story:
        clauses.append(Query.term_query(schema, "story", request.story))
    if request.thread:
        clauses.append(Query.term_query(schema, "thread", request.thread))
    if request.ids is not None:
        clauses.append(Query.term_set_query(schema, "id", list(request.ids)) if request.ids else Query.empty_query())
    return clauses


def facet_filters(schema: tantivy.Schema, request: SearchRequest, skip: str | None) -> list[Query]:
    """One clause per active facet (OR within it), leaving out `skip` so
    that facet's own counts are computed as if it were not selected."""
    clauses = []
    for name, values in request.filters.items():
        if name == skip or not values or name not in FACET_FIELDS:
            continue
        clauses.append(Query.term_set_query(schema, FACET_FIELDS[name], list(values)))
    return clauses


def snippet_generator(
    index: tantivy.Index,
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    parsed: ParsedQuery,
) -> tantivy.SnippetGenerator | None:
    """Highlighting of the query's positive words in the body, at most
    SNIPPET_CHARS long; None when there is nothing to highlight."""
    terms = [t for t in parsed.positive_terms() if analyzer.analyze(t.text)]
    if not terms:
        return None
    words = " ".join(f'"{t.text}"' if t.phrase else t.text for t in terms)
    try:
        query = index.parse_query_lenient(strip_parser_syntax(words), ["text"])[0]
    except ValueError:
        return None
    generator = tantivy.SnippetGenerator.create(searcher, query, schema, "text")
    generator.set_max_num_chars(SNIPPET_CHARS)
    return generator


def to_hit(document: tantivy.Document, order_key: Any, snippets: tantivy.SnippetGenerator | None, sort: str) -> Hit:
    """A hit from a stored document; `order_key` is the score (relevance)
    or the sort field's value (date)."""
    raw = document.to_dict()

    def first(name: str) -> Any:
        values = raw.get(name)
        return values[0] if values else None

    # tantivy escapes the text and wraps matches in <b>; the API promises <mark>.
    snippet = snippets.snippet_from_doc(document).to_html() if snippets else ""
    snippet = snippet.replace("<b>", "<mark>").replace("</b>", "</mark>")
    if not snippet:
        snippet = str(escape(lede(first("text") or "")))
    published = first("published")
    return Hit(
        id=first("id"),
        title=first("title"),
        outlet=first("outlet"),
        published=published.date().isoformat() if published else None,
        url=first("url"),
        snippet=snippet,
        score=float(order_key) if sort != "date" and order_key is not None else None,
        story=first("story"),
        title_derived=bool(first("title_derived")),
    )


def strip_parser_syntax(text: str) -> str:
    """Remove characters tantivy's query parser treats as syntax, keeping
    the quotes that mark phrases; the snippet only needs the words."""
    return "".join(ch if ch.isalnum() or ch in ' "' else " " for ch in text)


def lede(text: str) -> str:
    """The opening words, cut at a word boundary within SNIPPET_CHARS."""
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + "…"
