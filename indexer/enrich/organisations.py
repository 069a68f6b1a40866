"""Organisation rules applied after segmentation (the offline recogniser).

- `teams_in_sports`: in a sports article a city, state or county name in a
  team's position stands for its team, an organisation: before a score or
  a result verb ("Kent 250", "Kent beat Somerset", "Chicago v Boston"), after
  one ("beat Somerset", "drew with Kent"), or on a results line in capitals
  ("KANSAS CITY AT DETROIT"). A country or a nation ("England") stays a
  place: national sides are written as the country. A strong locative cue
  ("in Leeds") or a dateline keeps a place a place.
"""

from __future__ import annotations

from .gazetteer import Gazetteer
from .mentions import Mention
from .names import SPORTS_MIN_WORDS, SPORTS_WORDS
from .tokens import Tokens

_TEAM_PLACE_KINDS = frozenset({"city", "state", "subdivision"})
# Words after a team's name in results: "Kent beat", "Chicago v Boston".
_TEAM_AFTER = frozenset(
    ["v", "v.", "vs", "vs.", "beat", "beats", "drew", "draw", "lost", "lose", "won", "win", "defeated", "edged",
     "thrashed", "routed", "trailed", "led", "leads", "scored", "held", "crushed", "overcame", "downed", "swept",
     "rallied", "clinched", "hammered", "trounced", "eliminated", "knocked"]
)  # fmt: skip
# Words before a team's name: "beat Kent", "against Somerset", "drew with Kent".
_TEAM_BEFORE = frozenset(
    ["v", "v.", "vs", "vs.", "beat", "beating", "against", "defeated", "defeating", "over", "with", "edged",
     "thrashed", "routed", "crushed", "downed", "swept", "hosts", "visiting", "visitors", "champions", "host"]
)  # fmt: skip


def sports_article(tokens: Tokens) -> bool:
    """Does the article use at least SPORTS_MIN_WORDS distinct sports words?"""
    seen: set[str] = set()
    for word in tokens.words:
        lower = word.lower()
        if lower in SPORTS_WORDS:
            seen.add(lower)
            if len(seen) >= SPORTS_MIN_WORDS:
                return True
    return False


def team_name(text: str) -> str:
    return text.title() if text.isupper() else text


def _neighbour(tokens: Tokens, i: int, step: int) -> str:
    k = i + step
    while 0 <= k < tokens.n and tokens.is_space(k):
        if "\n" in tokens.words[k]:
            return "\n"
        k += step
    return tokens.words[k] if 0 <= k < tokens.n else "\n"


def _token_range(tokens: Tokens, position: dict[int, int], start: int, end: int) -> tuple[int, int] | None:
    first = position.get(start)
    if first is None:
        return None
    last = first
    while last + 1 < tokens.n and tokens.idx[last + 1] < end:
        last += 1
    return first, last


def _team_position(tokens: Tokens, first: int, last: int, caps_line: bool, scores: bool) -> bool:
    """Is the name at first..last where results put a team? "at X" is the
    venue, a place, even on a results line ("CHICAGO AT TORONTO")."""
    after = _neighbour(tokens, last, 1)
    before = _neighbour(tokens, first, -1).lower()
    if before == "at":
        return False
    if caps_line and scores:
        return True
    return (scores and after[:1].isdigit()) or after.lower() in _TEAM_AFTER or before in _TEAM_BEFORE


def _may_be_team(m: Mention) -> bool:
    if m.locative or m.label != "GPE":
        return False
    return m.place is None or (m.place.kind in _TEAM_PLACE_KINDS and not m.place.nation)


def _place_like(word: str, gazetteer: Gazetteer) -> bool:
    """A word left as a candidate that still reads as a place: some place's
    name (a small town yielding to a first name: "Kent"), or an English
    county's shape ("Derbyshire"). A surname ("Edberg beat ...") is not."""
    return gazetteer.lookup(word) is not None or word.endswith("shire")


def teams_in_sports(
    tokens: Tokens,
    mentions: list[Mention],
    candidates: list[tuple[int, int, str]],
    caps_line: list[bool],
    gazetteer: Gazetteer,
) -> None:
    """See the module docstring. A name once in a team's position is the
    team wherever the article writes it (but "at X", "in X" stay places);
    a word left unknown becomes a team only when it reads as a place (see
    _place_like) and stands after or before a result word, not a score (a
    scorecard's "Simmons 4-38" is a bowler)."""
    if not sports_article(tokens):
        return
    position = {start: i for i, start in enumerate(tokens.idx)}
    teams: set[str] = set()
    for m in mentions:
        where = _token_range(tokens, position, m.start, m.end) if _may_be_team(m) else None
        if where and _team_position(tokens, where[0], where[1], caps_line[where[0]], scores=True):
            teams.add(m.text.casefold())
    for start, end, text in candidates:
        where = _token_range(tokens, position, start, end) if _place_like(text, gazetteer) else None
        if where and _team_position(tokens, where[0], where[1], caps_line[where[0]], scores=False):
            teams.add(text.casefold())
    if not teams:
        return
    for m in mentions:
        if m.text.casefold() in teams and _may_be_team(m) and _neighbour_word(tokens, position, m.start) != "at":
            m.label, m.canonical, m.place, m.candidates = "ORG", team_name(m.text), None, ()
    keep = []
    for start, end, text in candidates:
        if text.casefold() in teams and _neighbour_word(tokens, position, start) != "at":
            mentions.append(Mention(start, end, text, "ORG", team_name(text)))
        else:
            keep.append((start, end, text))
    candidates[:] = keep


def _neighbour_word(tokens: Tokens, position: dict[int, int], start: int) -> str:
    first = position.get(start)
    return _neighbour(tokens, first, -1).lower() if first is not None else ""
