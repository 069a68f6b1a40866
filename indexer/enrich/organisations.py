"""Organisation rules applied after segmentation (the offline recogniser).

- `results_line_teams`: the names on a sports results line ("Stoke 2
  Norwich 1", a standings row, "Birmingham v Barnsley") are teams, unless
  they name a person (a golfer's, a tennis player's row).
- `organisation_short_forms`: "Bahía Austral" after "Bahía Austral
  Terminals", "Hyundai" after "Hyundai Motor Co" are that organisation.
- `teams_in_sports`: in a sports article a city, state or county name in a
  team's position stands for its team, an organisation: before a score or
  a result verb ("Kent 250", "Kent beat Somerset", "Chicago v Boston"), after
  one ("beat Somerset", "drew with Kent"), or on a results line in capitals
  ("KANSAS CITY AT DETROIT"). A country or a nation ("England") stays a
  place: national sides are written as the country. A strong locative cue
  ("in Leeds") or a dateline keeps a place a place.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from .gazetteer import Gazetteer
from .mentions import Mention, Resources
from .names import FAC_HEADS, LEGAL_FORMS, LOC_HEADS, ORG_HEADS, SPORTS_MIN_WORDS, SPORTS_WORDS
from .tokens import Tokens, is_cap

_TEAM_PLACE_KINDS = frozenset({"city", "state", "subdivision"})
# The sports words as a text may write them (a set intersection is cheap).
_SPORTS_FORMS = frozenset(f for w in SPORTS_WORDS for f in (w, w.capitalize(), w.upper()))
# Legal-form words a company's short name drops ("Lear Corp" → "Lear").
_CORPORATE = frozenset(
    ["Inc", "Inc.", "Corp", "Corp.", "Co", "Co.", "Ltd", "Ltd.", "LLC", "Plc", "PLC", "plc", "AG", "SA", "NV",
     "SpA", "AB", "Group", "Holdings", "Corporation", "Company"]
) | LEGAL_FORMS  # fmt: skip
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
    found = _SPORTS_FORMS.intersection(tokens.words)
    return len(found) >= SPORTS_MIN_WORDS and len({w.lower() for w in found}) >= SPORTS_MIN_WORDS


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
    caps_lines: Callable[[], list[bool]],
    gazetteer: Gazetteer,
    first_names: frozenset[str],
) -> None:
    """See the module docstring. A name once in a team's position is the
    team wherever the article writes it (but "at X", "in X" stay places);
    a word left unknown becomes a team only when it reads as a place (see
    _place_like) and stands after or before a result word, not a score (a
    scorecard's "Simmons 4-38" is a bowler)."""
    if not sports_article(tokens):
        return
    caps_line = caps_lines()
    teams = results_line_teams(tokens, mentions, candidates, first_names)
    position = {start: i for i, start in enumerate(tokens.idx)}
    for m in mentions:
        where = _token_range(tokens, position, m.start, m.end) if _may_be_team(m) else None
        if where and _team_position(tokens, where[0], where[1], caps_line[where[0]], scores=True):
            teams.add(m.text.casefold())
    for start, end, text in candidates:
        where = _token_range(tokens, position, start, end) if _place_like(text, gazetteer) else None
        if where and _team_position(tokens, where[0], where[1], caps_line[where[0]], scores=False):
            teams.add(text.casefold())
    # A word that ends a person's full name in the article ("Clinton" of
    # "Hillary Clinton", in a political "race") stays the person's.
    teams -= {m.text.split()[-1].casefold() for m in mentions if m.label == "PERSON" and " " in m.text}
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


# --- results lines ----------------------------------------------------------

_SCORE = re.compile(r"^\d+(?:-\d+)?$")
_VERSUS = frozenset({"v", "v.", "vs", "vs."})


def _line_items(tokens: Tokens, start: int, end: int) -> list[tuple[str, int, int]]:
    """A line as ("G", first, last) name groups, ("N", i, i) numbers,
    ("v", i, i) versus words and ("x", i, i) anything else. A group
    takes capitalised words and a bracketed letter after them ("Mladost ( L )")."""
    items: list[tuple[str, int, int]] = []
    words = tokens.words
    i = start
    while i < end:
        word = words[i]
        if tokens.is_space(i):
            i += 1
            continue
        if _SCORE.match(word):
            items.append(("N", i, i))
        elif word in _VERSUS:
            items.append(("v", i, i))
        elif is_cap(word) or word in ("&", "'s"):
            if items and items[-1][0] == "G":
                items[-1] = ("G", items[-1][1], i)
            else:
                items.append(("G", i, i))
        elif (
            word == "("
            and items
            and items[-1][0] == "G"
            and i + 2 < end
            and words[i + 2] == ")"
            and len(words[i + 1]) <= 2
        ):
            items[-1] = ("G", items[-1][1], i + 2)
            i += 3
            continue
        else:
            items.append(("x", i, i))
        i += 1
    return items


def _result_groups(items: list[tuple[str, int, int]]) -> list[tuple[int, int]]:
    """Name groups in a team's place on a results line: "Stoke 2 Norwich 1",
    a standings row "Stoke 4 3 1 0 7 4 10", a fixture "Birmingham v Barnsley"."""
    shape = "".join(kind for kind, _, _ in items)
    groups = [(a, b) for kind, a, b in items if kind == "G"]
    if re.fullmatch(r"GNGN", shape) or re.fullmatch(r"GN{4,}", shape):
        return groups
    found = []
    for k in range(len(items) - 2):
        if items[k][0] == "G" and items[k + 1][0] == "v" and items[k + 2][0] == "G":
            found += [(items[k][1], items[k][2]), (items[k + 2][1], items[k + 2][2])]
    return found


def _person_group(tokens: Tokens, first: int, last: int, mentions: list[Mention], first_names: frozenset[str]) -> bool:
    """A golfer's or a tennis player's row names a person: a multi-word
    PERSON mention there, or a known first name before another word."""
    start, end = tokens.idx[first], tokens.idx[last] + len(tokens.words[last])
    inside = [m for m in mentions if m.start >= start and m.end <= end]
    if any(m.label == "PERSON" and " " in m.text for m in inside):
        return True
    if any(m.label != "PERSON" for m in inside):
        return False  # a place's or a body's name, though it opens with a first name
    head = tokens.words[last]
    if head in FAC_HEADS or head in ORG_HEADS or head in LOC_HEADS:
        return False  # "Crystal Palace": a facility's word ends it
    return last > first and tokens.words[first] in first_names


def results_line_teams(
    tokens: Tokens,
    mentions: list[Mention],
    candidates: list[tuple[int, int, str]],
    first_names: frozenset[str],
) -> set[str]:
    """Make the name groups of results lines organisations (see
    _result_groups); the texts, for the article-wide team set."""
    teams: set[str] = set()
    line_start = 0
    for i in range(tokens.n + 1):
        if i < tokens.n and "\n" not in tokens.words[i]:
            continue
        for first, last in _result_groups(_line_items(tokens, line_start, i)):
            if _person_group(tokens, first, last, mentions, first_names):
                continue
            start, end = tokens.idx[first], tokens.idx[last] + len(tokens.words[last])
            text = tokens.text(first, last + 1)
            mentions[:] = [m for m in mentions if m.end <= start or m.start >= end]
            candidates[:] = [c for c in candidates if c[1] <= start or c[0] >= end]
            mentions.append(Mention(start, end, text, "ORG", team_name(text)))
            teams.add(text.casefold())
        line_start = i + 1
    return teams


# --- short forms ------------------------------------------------------------


def _short_forms(m: Mention, res: Resources) -> set[str]:
    """What an article calls an organisation after naming it in full: the
    name without its head word ("Bahía Austral" for "Bahía Austral
    Terminals", "Lear" for "Lear Corp"; a two-word name keeps an ORG head:
    "Justice Department" is no "Justice") and its first word when that is no dictionary word, first
    name or place ("Hyundai" for "Hyundai Motor Co")."""
    words = m.text.split()
    if len(words) < 2:
        return set()
    forms = set()
    # Dropped one at a time: "Jones Medical Industries Inc" → "Jones Medical Industries" → "Jones Medical".
    while len(words) >= 2:
        head = words[-1]
        plural_noun = head.endswith("s") and head.lower() in res.common
        if not (len(words) > 2 and (head in ORG_HEADS or plural_noun) or head in _CORPORATE):
            break
        words = words[:-1]
        forms.add(" ".join(words))
    words = m.text.split()
    first = words[0]
    legal = words[-1] in _CORPORATE  # "Jones Medical Industries Inc": "Jones" is the company's too
    if (
        first.lower() not in res.common
        and (first not in res.first_names or legal)
        and first not in ("The", "the")
        and res.gazetteer.lookup(first) is None
        and is_cap(first)
    ):
        forms.add(first)
    return forms


def organisation_short_forms(mentions: list[Mention], candidates: list[tuple[int, int, str]], res: Resources) -> None:
    """Later short mentions of an organisation named in full are that
    organisation: an unlinked one-word "person" or a waiting candidate with
    a short form's text (see _short_forms). A word that ends a person's
    full name in the article ("Trump" of "Donald Trump") stays the person's."""
    surnames = {m.text.split()[-1] for m in mentions if m.label == "PERSON" and " " in m.text}
    forms: dict[str, str] = {}
    for m in mentions:
        if m.label == "ORG":
            for form in _short_forms(m, res):
                if form not in surnames:
                    forms.setdefault(form, m.canonical)
    if not forms:
        return
    for m in mentions:
        if m.label == "PERSON" and not m.registrable and m.text in forms:
            m.label, m.canonical, m.single = "ORG", forms[m.text], False
    keep = []
    for start, end, text in candidates:
        if text in forms:
            mentions.append(Mention(start, end, text, "ORG", forms[text]))
        else:
            keep.append((start, end, text))
    candidates[:] = keep
