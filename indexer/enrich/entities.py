"""Entity recognition and linking as spaCy pipeline components, by job:

- `tokens`: the token view, sentence starts, where capitals are informative
  (`parallax_sentences`);
- `recognise`: the offline recogniser over capitalised runs (`parallax_entities`);
- `linking`: canonical names, places by country coherence, surnames to full
  names (`parallax_link`, for the offline and the trained pipeline alike);
- `mentions`: the Mention record and the resources both read.

Offline pipeline: `parallax_entities` → `parallax_link` (no sentence starts: see nlp.build_offline).
Trained pipeline: `parallax_sentences` → `ner` → `parallax_link`.
Importing this module registers the three components.
"""

from __future__ import annotations

from . import linking, recognise, tokens  # noqa: F401  (register the components)
from .linking import looks_like_full_name, nameable_single, plainly_a_persons_name, resolvable_bare_name, resolve_places
from .mentions import PLACE_LABELS, Mention, Resources, label_by_context, load_resources

__all__ = [
    "PLACE_LABELS",
    "Mention",
    "Resources",
    "load_resources",
    "looks_like_full_name",
    "label_by_context",
    "nameable_single",
    "plainly_a_persons_name",
    "resolvable_bare_name",
    "resolve_places",
]
