"""The project's one small text toolkit: words, stems, stopwords, sentences
and union-find.

A ground-floor package: it imports nothing of Parallax, so the indexer
(story grouping, enrichment) and the portal (passage alignment) can both
use it without importing each other.  Pure Python, no model, no data files.
"""

from .names import equivalent_name
from .sentences import first_sentence, split_sentences
from .unionfind import UnionFind
from .words import NUMBER_WORDS, REPORTING, STOPWORDS, TIME_WORDS, content_words, fold, stem, words

__all__ = [
    "NUMBER_WORDS",
    "REPORTING",
    "STOPWORDS",
    "TIME_WORDS",
    "UnionFind",
    "content_words",
    "equivalent_name",
    "first_sentence",
    "fold",
    "split_sentences",
    "stem",
    "words",
]
