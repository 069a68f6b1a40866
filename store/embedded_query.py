"""Query translation for the embedded index: a `ParsedQuery` and a
`SearchRequest` become tantivy queries, and stored documents become hits.
The OpenSearch counterpart is `store.opensearch_query`.

Nothing here opens an index; functions take the schema (and the analyser
that tokenises the user's words exactly as the index did).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import tantivy
from markupsafe import escape
from tantivy import Occur, Query

from .embedded_schema import parse_date
from .interface import QuerySyntaxError
from .query import Node, Not, Or, ParsedQuery, Term, fold, names_only
from .records import FACET_FIELDS, FACETS, SNIPPET_CHARS, EnrichedArticle, Hit, SearchRequest, snippet_parts
from .snippets import Snippets, Stems

TITLE_BOOST = 2.0
# Other names of entities count, but less than the words as written.
ALIAS_BOOST = 0.5
# What a facet filter adds to each hit's score (tantivy's term set query adds
# 1; kept, so scores are those of earlier versions).
FILTER_SCORE = 1.0


def all_of(queries: list[Query]) -> Query:
    return Query.boolean_query([(Occur.Must, q) for q in queries])


def term_query(
    schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, term: Term, alias_mode: str = "also"
) -> Query | None:
    """A word or phrase, searched in the title (boosted), the body and, by
    `alias_mode` (see SearchRequest), the other names of the entities named
    (`alias`); None when the analyser leaves no token of it."""
    if term.prefix:
        return prefix_query(schema, term, alias_mode != "never")
    tokens: list[str | tuple[int, str]] = list(analyzer.analyze(term.text))
    if not tokens:
        return None

    def in_field(field: str, boost: float) -> tuple[Occur, Query]:
        if len(tokens) == 1:
            query = Query.term_query(schema, field, tokens[0])
        else:
            query = Query.phrase_query(schema, field, tokens)
        return Occur.Should, Query.boost_query(query, boost) if boost != 1.0 else query

    words = [in_field("title", TITLE_BOOST), in_field("text", 1.0)]
    if term.names_only:
        names = in_field("alias", ALIAS_BOOST)[1]
        return Query.boolean_query([(Occur.Must, names), (Occur.MustNot, Query.boolean_query(words))])
    if alias_mode == "never":
        return Query.boolean_query(words)
    return Query.boolean_query([*words, in_field("alias", ALIAS_BOOST)])


def prefix_query(schema: tantivy.Schema, term: Term, expand_aliases: bool = True) -> Query | None:
    """Indexed words starting with the folded prefix (as OpenSearch's
    `prefix` query on the same fields)."""
    prefix = prefix_token(term.text)
    if not prefix:
        return None
    pattern = re.escape(prefix) + ".*"
    clauses = [
        (Occur.Should, Query.boost_query(Query.regex_query(schema, "title", pattern), TITLE_BOOST)),
        (Occur.Should, Query.regex_query(schema, "text", pattern)),
    ]
    if expand_aliases:
        clauses.append((Occur.Should, Query.boost_query(Query.regex_query(schema, "alias", pattern), ALIAS_BOOST)))
    return Query.boolean_query(clauses)


def prefix_token(text: str) -> str:
    """The indexed form a prefix is compared with: folded, letters and
    digits only (the analyser splits on everything else)."""
    words = re.findall(r"[^\W_]+", fold(text))
    return words[-1] if words else ""


def text_query(
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    parsed: ParsedQuery,
    alias_mode: str = "also",
    names_only_term: str | None = None,
) -> Query:
    """The query tree; an empty query (or one with no searchable word)
    matches everything (browsing)."""
    query = words_query(schema, analyzer, parsed, alias_mode, names_only_term)
    return query if query is not None else Query.all_query()


def words_query(
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    parsed: ParsedQuery,
    alias_mode: str = "also",
    names_only_term: str | None = None,
) -> Query | None:
    """`text_query`, or None where that matches everything."""
    parsed = names_only(parsed, names_only_term, expands_aliases=alias_mode != "never")
    return node_query(schema, analyzer, parsed.root, alias_mode) if parsed.root is not None else None


def node_query(schema: tantivy.Schema, analyzer: tantivy.TextAnalyzer, node: Node, alias_mode: str) -> Query | None:
    """One node of the query tree in tantivy terms; None for a node with no
    searchable word (punctuation only), which then constrains nothing."""
    if isinstance(node, Term):
        return term_query(schema, analyzer, node, alias_mode)
    if isinstance(node, Not):
        inner = node_query(schema, analyzer, node.child, alias_mode)
        if inner is None:
            return None
        return Query.boolean_query([(Occur.Must, Query.all_query()), (Occur.MustNot, inner)])
    if isinstance(node, Or):
        alternatives = [
            q for q in (node_query(schema, analyzer, c, alias_mode) for c in node.children) if q is not None
        ]
        if not alternatives:
            return None
        return Query.boolean_query([(Occur.Should, q) for q in alternatives])
    clauses: list[tuple[Occur, Query]] = []
    for child in node.children:
        negated = isinstance(child, Not)
        query = node_query(schema, analyzer, child.child if isinstance(child, Not) else child, alias_mode)
        if query is not None:
            clauses.append((Occur.MustNot if negated else Occur.Must, query))
    if not clauses:
        return None
    if not any(occur == Occur.Must for occur, _ in clauses):
        clauses.append((Occur.Must, Query.all_query()))
    return Query.boolean_query(clauses)


def scope_clauses(schema: tantivy.Schema, request: SearchRequest) -> list[Query]:
    """Restrictions that are not facets: dates, story, explicit ids."""
    clauses = []
    if request.date_from or request.date_to:
        # tantivy dates span 1677-2262; a bound beyond that keeps everything on its side.
        lower = clamp(parse_date(request.date_from)) if request.date_from else tantivy.MIN_DATETIME
        upper = clamp(parse_date(request.date_to)) if request.date_to else tantivy.MAX_DATETIME
        clauses.append(Query.range_query(schema, "published", tantivy.FieldType.Date, lower, upper))
    if request.story:
        clauses.append(Query.term_query(schema, "story", request.story))
    if request.thread:
        clauses.append(Query.term_query(schema, "thread", request.thread))
    for name, values in request.require.items():
        if name not in FACET_FIELDS:
            raise QuerySyntaxError(f"Unknown facet {name!r}: choose one of {', '.join(FACETS)}")
        clauses.append(Query.term_set_query(schema, FACET_FIELDS[name], list(values)))
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
        clauses.append(facet_filter(schema, FACET_FIELDS[name], list(values)))
    return clauses


def facet_filter(schema: tantivy.Schema, field: str, values: list[str]) -> Query:
    """Articles with any of the values, each scoring the same constant (1,
    as a term set query scores), so a filter never reorders the hits. Term
    queries, not a term set: a term set first collects every article of its
    values (a bitset of tens of thousands for a common person), while term
    queries skip along beside the rest of the query (up to 8x cheaper)."""
    terms = [Query.term_query(schema, field, value) for value in dict.fromkeys(values)]
    either = terms[0] if len(terms) == 1 else Query.boolean_query([(Occur.Should, term) for term in terms])
    return Query.const_score_query(either, FILTER_SCORE)


def snippet_generator(
    searcher: tantivy.Searcher,
    schema: tantivy.Schema,
    analyzer: tantivy.TextAnalyzer,
    parsed: ParsedQuery,
    stems: Stems,
) -> Snippets | None:
    """Highlighting of the query's positive words and phrases in the body
    (not the aliases, which are not in the text as typed, nor prefixes), at
    most SNIPPET_CHARS long, as tantivy's SnippetGenerator makes it (see
    `store.snippets`); None when there is nothing to highlight."""
    clauses = []
    words: list[str] = []
    for term in parsed.positive_terms():
        tokens: list[str | tuple[int, str]] = [] if term.prefix else list(analyzer.analyze(term.text))
        if len(tokens) == 1:
            clauses.append((Occur.Should, Query.term_query(schema, "text", tokens[0])))
        elif tokens:
            clauses.append((Occur.Should, Query.phrase_query(schema, "text", tokens)))
        words += [str(token) for token in tokens]
    if not clauses:
        return None
    generator = tantivy.SnippetGenerator.create(searcher, Query.boolean_query(clauses), schema, "text")
    generator.set_max_num_chars(SNIPPET_CHARS)
    return Snippets.create(searcher, generator, words, stems, SNIPPET_CHARS)


def to_hit(article: EnrichedArticle, order_key: Any, snippets: Snippets | None, sort: str) -> Hit:
    """A hit from a stored record; `order_key` is the score (relevance)
    or the sort field's value (date)."""
    # tantivy escapes the text and wraps matches in <b>; snippet_html promises <mark>.
    snippet_html = snippets.html(article.text or "") if snippets else ""
    snippet_html = snippet_html.replace("<b>", "<mark>").replace("</b>", "</mark>")
    if not snippet_html:
        snippet_html = str(escape(lede(article.text or "")))
    snippet, highlights = snippet_parts(snippet_html)
    return Hit(
        id=article.id,
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        url=article.url,
        snippet=snippet,
        snippet_html=snippet_html,
        highlights=highlights,
        authors=list(article.authors),
        indexed=article.indexed,
        score=float(order_key) if sort != "date" and order_key is not None else None,
        story=article.story,
        title_derived=bool(article.title_derived),
    )


def clamp(moment: dt.datetime) -> dt.datetime:
    return min(max(moment, tantivy.MIN_DATETIME), tantivy.MAX_DATETIME)


def lede(text: str) -> str:
    """The opening words, cut at a word boundary within SNIPPET_CHARS."""
    if len(text) <= SNIPPET_CHARS:
        return text
    cut = text.rfind(" ", 0, SNIPPET_CHARS)
    return text[: cut if cut > 0 else SNIPPET_CHARS] + "…"
