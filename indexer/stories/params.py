"""The grouping's parameters, in one place.

Tuned on the odd lines of the AllSides story triples and checked on the
even ones (benchmarks/story_triples.py prints both); change with a
measurement."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StoryParams:
    # -- features ------------------------------------------------------------
    lede_chars: int = 600
    title_weight: float = 3.0
    lede_weight: float = 2.0
    entity_weight: float = 0.5  # once per distinct canonical name
    top_terms: int = 300  # strongest terms kept per article
    hash_bits: int = 22  # terms are hashed into 2**hash_bits buckets (collisions are rare and harmless)
    embedding_chars: int = 1500  # the title and this much of the text make an article's sentence vector
    # -- similarity ----------------------------------------------------------
    window_days: int = 1  # dated articles further apart are never compared
    next_day_weight: float = 0.3  # similarity factor per day of gap (gap g: this ** g)
    same_outlet_factor: float = 0.5  # similarity factor for two articles of one outlet
    neighbours: int = 5  # an edge must be among the strongest this many of one of its two articles
    # -- events: the same happening ------------------------------------------
    event_edge: float = 0.06  # with the sentence vectors mixed in (was 0.07 on TF-IDF alone)
    event_link: float = 0.05  # average similarity two groups need to merge into one event (was 0.06 on TF-IDF alone)
    event_neighbours: int = 5  # as `neighbours`, for event edges: an event is each member's closest matches
    event_min_shared: int = 3  # distinct terms two articles must share for an event edge (one word is a subject)
    event_max_size: int = 5
    event_growth: float = 1.0  # link threshold factor per member beyond three: big events need more cohesion
    event_span_days: int = 2
    event_outlet_clash: float = 5.0  # link threshold factor when a merge repeats an outlet on a day
    event_pair_link: float = 0.15  # similarity two lone articles need to start an event: its core is one happening
    event_by_average: bool = True  # merge the most cohesive pair of groups first (true average linkage)
    embedding_weight: float = 0.2  # an event edge: (1 - this) x TF-IDF cosine + this x sentence-vector cosine
    # -- threads: the same subject in the same days --------------------------
    thread_edge: float = 0.03
    thread_link: float = 0.01
    thread_max_size: int = 20
    thread_span_days: int = 4
    thread_outlet_clash: float = 2.0
    # -- undated articles ----------------------------------------------------
    undated_threshold: float = 0.25  # only this close to its best match does an undated article join its thread
    # ... and its event only this close (with no date, only a near retelling is one happening),
    undated_event_threshold: float = 0.4
    undated_event_vector: float = 0.75  # ... or when their centred sentence vectors are this alike
    # -- bounded work --------------------------------------------------------
    block_days: int = 30  # a full regroup adds the timeline this many days at a time
