"""Builders for comparison tests: small EnrichedArticles with entities and
quotes at real offsets, so the pure modules can be tested without a store."""

from __future__ import annotations

from store import EnrichedArticle, Entity, Quote


def make_article(
    article_id: str,
    outlet: str,
    text: str,
    *,
    published: str | None = None,
    title: str | None = None,
    people: tuple[str, ...] = (),
    places: tuple[str, ...] = (),
    quotes: tuple[tuple[str, str | None], ...] = (),
) -> EnrichedArticle:
    """An article whose entities and quotes are found in `text` by search:
    people/places are canonical names whose last word appears in the text;
    quotes are (quoted words, speaker)."""
    entities = []
    for label, names in (("PERSON", people), ("GPE", places)):
        for name in names:
            surface = name if name in text else name.split()[-1]
            start = text.find(surface)
            while start >= 0:
                entities.append(Entity(surface, label, start, start + len(surface), name))
                start = text.find(surface, start + 1)
    found = []
    for words, speaker in quotes:
        start = text.index(words)
        found.append(
            Quote(words, start, start + len(words), speaker, speaker if speaker and speaker in people else None)
        )
    return EnrichedArticle(
        id=article_id,
        text=text,
        title=title or text.split(".")[0],
        outlet=outlet,
        published=published,
        entities=entities,
        quotes=found,
    )
