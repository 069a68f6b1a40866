"""Direct quotations and who said them.

1. `find_spans` scans each paragraph for quoted stretches: straight and curly,
   double and single marks. An apostrophe (letter on both sides, or a plural
   possessive "soldiers’ lives") never closes a quote; a quote left open at
   the end of its paragraph ends there (the next paragraph reopens it).
2. `attribute` keeps the stretches that are quotations: attributed ones
   ("…," X said / said X / X said: "…" / according to X), whole sentences or
   paragraphs of quoted speech, and partial quotes of six words or more.
   A few quoted words inside a sentence with nobody saying them are scare
   quotes and are dropped; a naming verb with its object makes even one
   word a quote ('called it "unacceptable"', 'described X as "…"'), while
   Title Case words ("Face the Nation") are show and book titles.
3. Speakers: the attribution phrase as written; pronouns resolve to the
   latest person before the quote (a named person, an earlier speaker, or a
   sentence opening like "Another soldier"); paragraphs that only continue
   a quotation keep its speaker; a later quote in the same sentence keeps
   the earlier one's; "…, saying/telling …" and "… and said" take the
   sentence's subject; an attribution after the quote needs the quote to
   end its clause ('"…," X said', not '"…." The statement says'). A speaker that contains a known entity is
   linked to it (speaker_canonical, speaker_id).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import accumulate

from spacy.lang.en.stop_words import STOP_WORDS

from store.records import Quote

from .alternation import alternation
from .antecedents import PRONOUN_GENDER, EntityLike, gender_cues, plausible_subject, speaks
from .canonical import person_id
from .gazetteer import load_gazetteer
from .names import PERSON_NOUNS, SPEECH_VERBS, TITLES

_DOUBLE_OPEN = "\u201c\u201e\u00ab"  # “ „ «
_DOUBLE_CLOSE = "\u201d\u00bb"  # ” »
_SINGLE_OPEN = "\u2018"  # ‘
_SINGLE_CLOSE = "\u2019"  # ’ (also the typographic apostrophe)
_OPEN_BEFORE = set(" \t([{\u2014\u2013-/:\u00a0") | {""}
MIN_UNATTRIBUTED_WORDS = 6  # shorter in-sentence quotes without a speaker are scare quotes
MIN_REPORTED_WORDS = 3  # ... unless the sentence reports speech and they are not one or two words
_PRONOUNS = {"he", "she", "they", "it", "we", "i"}
_PERSON_PRONOUNS = {"he", "she", "i"}

_VERBS = alternation(SPEECH_VERBS)  # grouped by first letter: much quicker to search
# A full stop after a title's abbreviation ends no speaker: "said Texas Sen. Ted Cruz".
_TITLE_STEMS = sorted({t[:-1] for t in TITLES if t.endswith(".")} | {"Sens", "Reps", "Govs", "Sts"})
_NOT_TITLE = "".join(f"(?<!\\b{re.escape(stem)})" for stem in _TITLE_STEMS)
_WORD = r"[\w\u2019'.\-&]+"
# The speaker searches before a quote (_BEFORE_SPEAKER, _NAMING_SUBJECT,
# _SPEECH_IN_SENTENCE) try every start. Each speaker word is a whole run of
# word characters (the spaces after it must follow), so a start inside a run
# gives what the run's first character gives: the lookbehind skips those starts
# and the possessive words and spaces give up no characters (the same matches,
# about four times faster on AllSides).
_RUN_START = r"(?<![\w\u2019'.\-&])"
_WHOLE_WORD = r"[\w\u2019'.\-&]++"
_WORD_CHAR = re.compile(r"[\w\u2019'.\-&]")
# "…," the department said / Police commander X said / he added
_AFTER_SPEAKER_VERB = re.compile(
    rf"^[\s,]*(?P<spk>(?:{_WORD}\s+){{0,8}}?{_WORD})\s+(?:(?:has|had|have|also|then|later|once|previously|reportedly)\s+)*(?:{_VERBS})\b"
)
# "…," said Mr Zelensky, who …
_AFTER_VERB_SPEAKER = re.compile(
    rf"^[\s,]*(?:{_VERBS})\s+(?P<spk>(?:{_WORD}\s+){{0,6}}?{_WORD})(?=\s*(?:[,;:!?\u2014\u2013(]|{_NOT_TITLE}\.(?:\s|$)|$|\s+(?:in|on|at|during|after|before|when|while|who|to|of|from|as)\b))"
)
# X said: "…"  /  He told the Times: '…'
_BEFORE_SPEAKER = re.compile(
    rf"{_RUN_START}(?P<spk>(?:{_WHOLE_WORD}\s++){{0,8}}?{_WHOLE_WORD})\s++(?:(?:has|had|have|also|then|later)\s+)*(?:{_VERBS})(?:\s+(?:{_WORD}\s*){{0,4}}?)?\s*[:,]\s*$"
)
# "…," Marisol Quintanilla, the federation's president, told a rally
_AFTER_SPEAKER_APPOSITIVE = re.compile(
    rf"^[\s,]*(?P<spk>(?:{_WORD}\s+){{0,4}}?{_WORD}),\s(?P<app>(?:[^,;\"\u201c\u201d\u2018.!?]|(?<=\b[A-Z])\.){{1,100}}),\s+(?:(?:has|had|have|also|then|later)\s+)*(?:{_VERBS})\b"
)
# "…," a former factory worker who asked not to be named told the paper.
_AFTER_UNNAMED_WHO = re.compile(
    rf"^[\s,]*(?P<spk>(?:a|an|the|one|another)\s+[^.;:!?\"\u201c\u201d]{{0,60}}?\b"
    rf"(?:{'|'.join(sorted(PERSON_NOUNS, key=len, reverse=True))}))\s*,?\s+who\b",
    re.I,
)
# A speaker after the quote, at the end of its sentence: 'he "fired ten
# rounds" into the flat, Police Chief Ana Ortiz wrote in the letter'.
_TRAILING_SPEAKER = re.compile(
    rf",\s+(?P<spk>(?:{_WORD}\s+){{0,7}}?{_WORD})\s+(?:(?:has|had|have|also|then|later)\s+)*(?:{_VERBS})\b(?=\s*(?:[,.;:!?]|$|\s+(?:in|on|at|to|during|after|before|when|while|as)\b))"
)
# Naming verbs that quote someone's words about a thing: called it
# "unacceptable", described the plan as "a very significant step". An object
# (or "as") must come between: 'a group called "Open Doors"' names, not quotes.
_NAMING = re.compile(
    r"(?<![\w-])(?:(?P<call>call(?:s|ed|ing)?|label(?:s|ed|led|ing)?|brand(?:s|ed|ing)?|term(?:s|ed|ing))"
    r"|(?:describ(?:e|es|ed|ing)|dismiss(?:es|ed|ing)?|characteri[sz](?:e|es|ed|ing)))\b(?P<rest>[^.;:!?]*)$",
    re.I,
)
_DETERMINERS = frozenset(
    ["a", "an", "the", "his", "her", "its", "their", "our", "my", "your", "this", "that", "these", "those", "so-called"]
)
_NAMING_SUBJECT = re.compile(
    rf"{_RUN_START}(?P<spk>(?:{_WHOLE_WORD}\s++){{0,5}}?{_WHOLE_WORD})\s++(?:(?:has|had|have|also|then|later|once|previously)\s+)*"
    r"(?:call(?:s|ed)?|describ(?:es|ed)|label(?:s|ed|led)|brand(?:s|ed)|term(?:s|ed)|dismiss(?:es|ed)|characteri[sz](?:es|ed))\b"
)
# ", saying …", ", telling him …": the subject of the sentence speaks.
_PARTICIPLE = re.compile(
    r",\s*(?:saying|telling|adding|noting|writing|insisting|arguing|explaining|declaring|warning|stating)\b[^,.;\u201c\u201d\"]{0,40}[:,]?\s*$"
)
# '… and said, "Congratulations."': speech introduced by its verb and a comma or colon.
_INTRODUCED = re.compile(rf"\b(?:{_VERBS})\s*[:,]\s*$")
_CONJUNCTIONS = {"and", "but", "or", "nor", "then", "yet"}
_PREPOSITIONS = frozenset("of to for with from by about against at in on into over under".split())
# Function words a title keeps lower case ("Face the Nation").
_TITLE_SMALL = frozenset(
    """
    a an the of and or in on at to for with by from as de la le del
    """.split()
)
# Reported speech after a person's name: "Kyle Ostrowski, a provincial
# officer, said ...", "Ostrowski said ...", "He told reporters ...".
_REPORTING = re.compile(
    rf"(?:['\u2019]s)?(?:,\s[^,;\"\u201c\u201d\u2018\u2019.!?]{{1,120}},)?\s+(?:(?:has|had|have|also|then|later|previously)\s+)*(?:{_VERBS})\b"
)
# The lookaheads at the front of this and _OPENING_NP say what the match
# starts with before the sentence-start test: the same matches, twice as fast.
_PRONOUN_REPORTING = re.compile(
    rf"(?=[HS])(?:^|(?<=[.!?]\s)|(?<=\n))(?:He|She)\s+(?:(?:has|had|have|also|then|later)\s+)*(?:{_VERBS})\b"
)
_ACCORDING = re.compile(rf"according to\s+(?P<spk>(?:{_WORD}\s+){{0,6}}?{_WORD})(?=\s*(?:[,;:.!?]|$))", re.I)
_SPEECH_IN_SENTENCE = re.compile(rf"(?P<spk>(?:{_WHOLE_WORD}\s++){{0,5}}?{_WHOLE_WORD})\s++(?:{_VERBS})\b")
_SPEECH_AT_RUN_START = re.compile(_RUN_START + _SPEECH_IN_SENTENCE.pattern)
_SPEECH_VERB = re.compile(rf"\s(?:{_VERBS})\b")  # what every speaker pattern before a quote needs
_SENTENCE_BREAK = re.compile(r"[.!?][\u201d\u2019\"')\]]*\s+")
_STOP_LEADERS = re.compile(r"^(?:and|but|so|then|as|while|when|because|that)\s+", re.I)


# "the department", "the company": a speaker that names a kind of body.
_VAGUE = re.compile(
    r"^the\s+(department|ministry|agency|company|firm|group|organi[sz]ation|campaign|office|committee|police"
    r"|government|administration|court|party|union|bank|council|commission|embassy|board|team|club|network"
    r"|newspaper|paper|magazine|service|institute|university|foundation|association|bureau|center|centre)$",
    re.I,
)
_ANY_ORGANISATION = frozenset({"company", "firm", "group", "organisation", "organization"})
VAGUE_REACH = 1500  # characters back to the organisation a vague speaker stands for


@dataclass
class Span:
    start: int  # offsets of the words inside the marks
    end: int
    open_at: int  # offset of the opening mark
    close_at: int | None  # offset just after the closing mark; None if left open
    para_start: int
    para_end: int
    para_index: int


@dataclass
class _Speaker:
    phrase: str | None
    canonical: str | None = None
    entity_id: str | None = None
    is_person: bool = False
    at: int = 0
    gender: str | None = None  # from the article's own words (antecedents.gender_cues)
    sentence: int = -1  # start of the sentence an antecedent stands in
    speaks: bool = False  # the antecedent is reported speaking there ("X said", a quote's speaker)


# --- 1. quoted stretches ----------------------------------------------------


def _paragraphs(text: str) -> Iterable[tuple[int, int]]:
    start = 0
    for match in re.finditer(r"\n", text):
        if match.start() > start:
            yield start, match.start()
        start = match.end()
    if start < len(text):
        yield start, len(text)


def _opens(text: str, i: int, para_start: int) -> str | None:
    """'d' or 's' when the mark at i opens a double or single quote."""
    ch = text[i]
    prev = text[i - 1] if i > para_start else ""
    nxt = text[i + 1] if i + 1 < len(text) else ""
    if not nxt or nxt.isspace():
        return None
    if ch in _DOUBLE_OPEN:
        return "d"
    if ch == '"' and (prev in _OPEN_BEFORE or prev in _DOUBLE_OPEN + _SINGLE_OPEN):
        return "d"
    if ch in (_SINGLE_OPEN, "'") and (prev in _OPEN_BEFORE or prev in _DOUBLE_OPEN):
        if ch == "'" and re.match(r"'(?:\d0s|em\b|cause\b|til\b|n\b)", text[i : i + 6]):
            return None  # '90s, 'em: elisions, not quotes
        return "s"
    return None


def _closes(text: str, i: int, kind: str, para_end: int) -> bool:
    ch = text[i]
    prev = text[i - 1]
    nxt = text[i + 1] if i + 1 < para_end else ""
    if prev.isspace():
        return False
    if kind == "d":
        return ch in _DOUBLE_CLOSE or ch == '"'
    if ch not in (_SINGLE_CLOSE, "'"):
        return False
    if nxt.isalnum():
        return False  # people’s, they’ve, didn’t
    if prev in "sS" and nxt == " ":
        # "soldiers’ lives" is a possessive; "…the soldiers’ he said" is rare.
        rest = text[i + 2 : i + 30]
        first = rest.split(" ", 1)[0].strip(",.;:")
        if first[:1].islower() and first.lower() not in SPEECH_VERBS and first.lower() not in _PRONOUNS:
            return False
    return True


# The only characters that may open, or close, a quote of each kind: the
# scans jump from one to the next instead of testing every character.
_OPENING_MARK = re.compile(f"[{re.escape(_DOUBLE_OPEN + _SINGLE_OPEN)}\"']")
_CLOSING_MARK = {"d": re.compile(f'[{re.escape(_DOUBLE_CLOSE)}"]'), "s": re.compile(f"[{_SINGLE_CLOSE}']")}


def find_spans(text: str) -> list[Span]:
    spans: list[Span] = []
    for index, (p_start, p_end) in enumerate(_paragraphs(text)):
        i = p_start
        while i < p_end:
            mark = _OPENING_MARK.search(text, i, p_end)
            if mark is None:
                break
            i = mark.start()
            kind = _opens(text, i, p_start)
            if kind is None:
                i += 1
                continue
            j = i + 1
            closing = _CLOSING_MARK[kind]
            while j < p_end:
                close = closing.search(text, j, p_end)
                j = close.start() if close else p_end
                if j < p_end and _closes(text, j, kind, p_end):
                    break
                j += 1
            j = min(j, p_end)
            closed = j < p_end
            inner_end = j if closed else p_end
            span = _trimmed(text, i + 1, inner_end)
            if span is not None:
                spans.append(Span(span[0], span[1], i, j + 1 if closed else None, p_start, p_end, index))
            i = j + 1
    return spans


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return (start, end) if end > start else None


# --- 2. and 3. which are quotations, and who said them -----------------------


@dataclass
class _Context:
    """What the attribution rules read of one article. The people a pronoun
    may point to (`people_at`, `genders`: _antecedents) are worked out on
    first use: about two articles in five never resolve a pronoun."""

    text: str
    entities: list
    quoted: list[tuple[int, int]] = field(default_factory=list)  # (start, end) of each quoted stretch
    _people_at: list[tuple[int, _Speaker]] | None = None
    _genders: dict[str, str] = field(default_factory=dict)
    _spoken: list[tuple[int, _Speaker]] = field(default_factory=list)  # speakers added before _people_at

    def __post_init__(self) -> None:
        # Some stretch holds pos when the farthest end of those starting at or
        # before pos lies after it: a binary search, not a scan per entity.
        ordered = sorted(self.quoted)
        self._starts = [a for a, _ in ordered]
        self._reach = list(accumulate((b for _, b in ordered), max))

    def inside_quote(self, pos: int) -> bool:
        k = bisect_right(self._starts, pos)
        return k > 0 and self._reach[k - 1] > pos

    @property
    def people_at(self) -> list[tuple[int, _Speaker]]:
        """(position, speaker) of everyone a pronoun may point to, in text order."""
        if self._people_at is None:
            self._genders, found = _antecedents(self)
            # One stable sort of the speakers added so far gives the order adding them one by one gave.
            self._people_at = sorted(found + self._spoken, key=lambda item: item[0])
        return self._people_at

    @property
    def genders(self) -> dict[str, str]:
        self.people_at  # noqa: B018  (computes them)
        return self._genders

    def add_speaker(self, at: int, speaker: _Speaker) -> None:
        if self._people_at is None:
            self._spoken.append((at, speaker))
        else:
            self._people_at.append((at, speaker))
            self._people_at.sort(key=lambda item: item[0])


def _entity_in(ctx: _Context, start: int, end: int, labels: tuple[str, ...]) -> EntityLike | None:
    best = None
    for ent in ctx.entities:
        if ent.start >= start and ent.end <= end and ent.label in labels:
            best = ent  # the last one: "White House adviser Jake Sullivan"
    return best


def _speaker_from(ctx: _Context, phrase: str, start: int) -> _Speaker:
    phrase = _clean_phrase(_STOP_LEADERS.sub("", phrase.strip(" ,\u2014\u2013")))
    offset = start + (ctx.text[start : start + 200].find(phrase) if phrase else 0)
    end = offset + len(phrase)
    person = _entity_in(ctx, offset, end, ("PERSON",))
    if person is not None:
        return _Speaker(person.text, person.canonical, person.entity_id or person_id(person.canonical), True, offset)
    other = _entity_in(ctx, offset, end, ("ORG", "GPE", "NORP", "LOC", "FAC"))
    words = phrase.lower().replace("\u2019", "'").split()
    is_person = bool(words) and (words[-1] in PERSON_NOUNS or words[-1] in _PERSON_PRONOUNS)
    if other is not None and not is_person and len(other.text) >= len(phrase) - 4:
        if silent_place(other):
            return _Speaker(None, at=offset)  # "Washington said": a dateline, a state's law, no speaker
        return _Speaker(phrase, other.canonical, other.entity_id, False, offset)
    if other is not None and is_person and words[-1] in _SPOKES and not silent_place(other):
        # "White House officials", "a Justice Department spokesman": they speak for it.
        return _Speaker(phrase, other.canonical, other.entity_id, True, offset)
    body = _vague_body(ctx, phrase, offset) if not is_person else _group_body(ctx, phrase, offset)
    if body is not None:
        return _Speaker(phrase, body.canonical, body.entity_id, is_person, offset)
    described = _described_person(ctx, phrase, offset) if is_person else None
    if described is not None:
        return _Speaker(phrase, described.canonical, described.entity_id, True, offset, described.gender)
    return _Speaker(phrase, None, None, is_person, offset)


_POSSESSIVE_PRONOUNS = {"his": "he", "her": "she"}
# Words after which a speaker phrase has run into its verb ("The campaign hasn't [announced]").
_TRAILING_AUXILIARIES = frozenset(
    """has had have hasn't hadn't haven't didn't did does doesn't would wouldn't will won't could couldn't
    can can't may might must should shouldn't not never also""".split()
)


def _clean_phrase(phrase: str) -> str:
    """Trim what is no part of who spoke: 'the next day she' and 'in 2018 he'
    are the pronoun; 'she seemed to push back against' is 'she'; 'The
    campaign hasn't' is 'The campaign'."""
    words = phrase.replace("\u2019", "'").split()
    if len(words) > 1 and words[-1].lower() in _PRONOUNS:
        lead = words[:-1]
        if all(w.islower() or w.isdigit() or (k == 0 and w.lower() in STOP_WORDS) for k, w in enumerate(lead)):
            return phrase.split()[-1]  # "the next day she said": she
    if len(words) > 1 and words[0].lower() in ("he", "she") and all(w.islower() for w in words[1:]):
        return phrase.split()[0]  # "she seemed to push back against [claims]"
    if 1 < len(words) <= 4 and words[0].lower() in _POSSESSIVE_PRONOUNS and all(w.islower() for w in words[1:]):
        return _POSSESSIVE_PRONOUNS[words[0].lower()]  # "Her closing remarks:": hers
    kept = phrase.split()
    while len(kept) > 1 and kept[-1].replace("\u2019", "'").lower() in _TRAILING_AUXILIARIES:
        kept.pop()
    return " ".join(kept)


# People who speak for a body ("White House officials", "officials").
_SPOKES = frozenset(
    """official officials spokesman spokeswoman spokesperson spokespeople aide aides representative
    representatives""".split()
)
_GROUP_SPEAKER = re.compile(r"^(?:officials|authorities|an?\s+spokes(?:man|woman|person))$", re.I)


def _group_body(ctx: _Context, phrase: str, at: int) -> EntityLike | None:
    """'officials said', 'a spokesman said': the organisation named last in
    this paragraph or the one before, if any."""
    if _GROUP_SPEAKER.match(phrase.strip()) is None:
        return None
    floor = _previous_paragraph_start(ctx.text, ctx.text.rfind("\n", 0, at) + 1)
    best = None
    for ent in ctx.entities:
        if ent.start >= at:
            break
        if ent.label == "ORG" and ent.start >= floor:
            best = ent
    return best


# Roles a description speaker names ("the senator", "the former vice president").
_ROLE_FORMS = {
    "senator": ("senator", "sen."),
    "president": ("president",),
    "governor": ("governor", "gov."),
    "congressman": ("congressman", "rep.", "representative"),
    "congresswoman": ("congresswoman", "rep.", "representative"),
    "mayor": ("mayor",),
    "minister": ("minister",),
    "secretary": ("secretary",),
    "speaker": ("speaker",),
    "chairman": ("chairman",),
    "chairwoman": ("chairwoman",),
    "judge": ("judge",),
    "candidate": ("candidate",),
    "leader": ("leader",),
    "ambassador": ("ambassador",),
    "attorney": ("attorney",),
    "director": ("director",),
    "commissioner": ("commissioner",),
    "chancellor": ("chancellor",),
}
_DESCRIPTION = re.compile(r"^the\s+(?:[\w'-]+\s+){0,4}?(?P<role>[a-z]+)$")


def _role_words(text: str, ent: EntityLike) -> list[str]:
    """The title words before a name and its appositive after it, lower case."""
    before = text[max(0, ent.start - 40) : ent.start].lower().split()[-3:]
    appositive = re.match(r",\s([^,;.\u201c\u201d\"]{1,60})", text[ent.end : ent.end + 70])
    return before + (appositive.group(1).lower().split() if appositive else [])


def _described_person(ctx: _Context, phrase: str, at: int) -> _Speaker | None:
    """'the senator', 'the former vice president': the latest plausible
    subject before (as for a pronoun), when the article writes that role
    next to one of its mentions ("Sen. Jo Ray", "Jo Ray, the former vice
    president"); else None."""
    m = _DESCRIPTION.match(phrase.strip())
    forms = _ROLE_FORMS.get(m.group("role")) if m else None
    if not forms:
        return None
    subject = _pronoun_antecedent(ctx, "i", at)
    if subject is None or subject.canonical is None:
        return None
    for ent in ctx.entities:
        if ent.start >= at:
            break
        same = ent.label == "PERSON" and ent.canonical == subject.canonical
        if same and any(form in _role_words(ctx.text, ent) for form in forms):
            return subject
    return None


def silent_place(entity: EntityLike) -> bool:
    """A place that cannot be a quote's speaker: a city, state, region or
    landmark. A country may speak as its government ("Russia denied ...")."""
    if entity.label not in ("GPE", "LOC", "FAC"):
        return False
    place = load_gazetteer().lookup(entity.canonical)
    return place is None or not (place.kind == "country" or place.nation)


def _vague_body(ctx: _Context, phrase: str, at: int) -> EntityLike | None:
    """The organisation a vague speaker ("the department", "the company")
    stands for: the latest organisation named before it whose name has that
    head word ("the Justice Department"), or, for a company, firm or group,
    the latest organisation at all, within VAGUE_REACH characters."""
    m = _VAGUE.match(phrase.strip())
    if m is None:
        return None
    noun = m.group(1).lower().rstrip("s")
    best = None
    for ent in ctx.entities:
        if ent.start >= at:
            break
        if ent.label != "ORG" or at - ent.end > VAGUE_REACH:
            continue
        heads = {w.lower().rstrip("s") for w in ent.canonical.split()}
        if noun in heads or noun in _ANY_ORGANISATION:
            best = ent
    return best


def _sentence_start(text: str, floor: int, at: int) -> int:
    """End of the last _SENTENCE_BREAK in text[floor:at], else floor.

    Found from the end: a break starts at its only ". ! ?" (closing marks and
    spaces follow), so whether one starts at a mark does not depend on the
    marks before it, and the last mark that starts one ends the last break
    (the same answer as scanning every break from floor, without the loop)."""
    end = at
    while True:
        mark = max(text.rfind(".", floor, end), text.rfind("!", floor, end), text.rfind("?", floor, end))
        if mark < 0:
            return floor
        found = _SENTENCE_BREAK.match(text, mark, at)
        if found is not None:
            return found.end()
        end = mark


def _attribution(
    ctx: _Context, span: Span, prev_end: int, carry: _Speaker | None = None
) -> tuple[_Speaker | None, bool]:
    """(speaker, attributed_next_to_the_quote) for one quoted stretch;
    `carry` is the speaker of an earlier quote in the same sentence."""
    text = ctx.text
    if span.close_at is not None and not re.match(r"[.!?]", text[span.close_at : span.close_at + 1]):
        # ("…". He said … starts a new sentence: no attribution after it;
        # neither does '"…." The statement says' nor '"deeply offensive"
        # remarks and said', whose quote ends no clause.)
        after_end = _next_quote_or(text, span.close_at, span.para_end)
        after = text[span.close_at : after_end]
        last = text[span.close_at - 2] if span.close_at >= 2 else ""
        clause_end = last in ",?!\u2014\u2013-" or re.match(r"\s*[,\u2014\u2013]", after) is not None
        patterns = (
            (_AFTER_VERB_SPEAKER, _AFTER_UNNAMED_WHO, _AFTER_SPEAKER_VERB, _AFTER_SPEAKER_APPOSITIVE)
            if clause_end
            else ()
        )
        for pattern in patterns:
            m = pattern.match(after)
            if m and _plausible(m.group("spk")):
                if pattern is _AFTER_SPEAKER_APPOSITIVE:
                    # "the group's spokesperson, Robert B. Engel, said": the person named.
                    a = span.close_at + m.start("app")
                    person = _entity_in(ctx, a, a + len(m.group("app")), ("PERSON",))
                    if (
                        person is not None
                        and _entity_in(ctx, span.close_at + m.start("spk"), span.close_at + m.end("spk"), ("PERSON",))
                        is None
                    ):
                        return _Speaker(
                            person.text,
                            person.canonical,
                            person.entity_id or person_id(person.canonical),
                            True,
                            person.start,
                        ), True
                return _speaker_from(ctx, m.group("spk"), span.close_at + m.start("spk")), True
    floor = max(span.para_start, prev_end)
    sent_start = _sentence_start(text, floor, span.open_at)
    before = text[sent_start : span.open_at]
    # _BEFORE_SPEAKER and _SPEECH_IN_SENTENCE need a speech verb, the former
    # also a colon or comma last: checked first, as both are costly searches.
    has_verb = _SPEECH_VERB.search(before) is not None
    introduced = has_verb and before.rstrip().endswith((":", ","))
    m = _BEFORE_SPEAKER.search(before) if introduced else None
    if m and _plausible(m.group("spk")):
        return _speaker_from(ctx, m.group("spk"), sent_start + m.start("spk")), True
    sentence = text[sent_start : _sentence_end(text, span)]
    m = _ACCORDING.search(sentence)
    if m:
        return _speaker_from(ctx, m.group("spk"), sent_start + m.start("spk")), True
    m = _NAMING_SUBJECT.search(before) if _NAMING.search(before) else None
    if m is not None and _plausible(m.group("spk")):
        return _speaker_from(ctx, _last_phrase(m.group("spk")), sent_start + m.start("spk")), False
    # The last speech verb with a plausible subject ("Officials claimed
    # the officers knocked and announced themselves … after they were '…'").
    verbs = _speech_in_sentence(before) if has_verb else []
    m = next((m for m in reversed(verbs) if _plausible(m.group("spk"))), None)
    if m is not None:
        return _speaker_from(ctx, _last_phrase(m.group("spk")), sent_start + m.start("spk")), False
    if span.close_at is not None:
        m = _TRAILING_SPEAKER.search(text, span.close_at, _sentence_end(text, span))
        if m and _plausible(m.group("spk")):
            return _speaker_from(ctx, m.group("spk"), m.start("spk")), False
    if carry is not None:
        return carry, False  # an earlier quote in this sentence: its speaker goes on
    if _PARTICIPLE.search(before) or re.search(rf"\band\s+(?:then\s+)?(?:{_VERBS})\b[^.]*$", before):
        # "Francis gave him a pen, telling him, …", "He … and said, …"
        opener = re.match(r"\s*(He|She)\b", text[sent_start : span.open_at])
        if opener:
            return _Speaker(opener.group(1).lower(), at=sent_start), False
    subject = _entity_in(ctx, sent_start, span.open_at, ("PERSON", "ORG", "GPE", "NORP"))
    first = _first_entity(ctx, sent_start, span.open_at)
    if first is not None:
        subject = first
    if subject is not None and not silent_place(subject):
        return _Speaker(
            subject.text, subject.canonical, subject.entity_id, subject.label == "PERSON", subject.start
        ), False
    return None, False


def _speech_in_sentence(before: str) -> list[re.Match[str]]:
    """What `_SPEECH_IN_SENTENCE.finditer(before)` finds, trying only the
    starts of word runs (_RUN_START); a search resumed inside a run (after
    "said" of "said-so") tries that start first, as finditer would."""
    found: list[re.Match[str]] = []
    pos = 0
    while True:
        m = _SPEECH_IN_SENTENCE.match(before, pos) if pos and _WORD_CHAR.match(before, pos - 1) else None
        if m is None:
            m = _SPEECH_AT_RUN_START.search(before, pos)
        if m is None:
            return found
        found.append(m)
        pos = m.end()


def _first_entity(ctx: _Context, start: int, end: int) -> EntityLike | None:
    for ent in ctx.entities:
        if start <= ent.start < end and ent.label in ("PERSON", "ORG", "GPE"):
            return ent
    return None


def _last_phrase(phrase: str) -> str:
    return re.split(r"[,;]\s*", phrase)[-1]


def _plausible(phrase: str) -> bool:
    words = phrase.split()
    if not words or len(words) > 9:
        return False
    if all(w.lower() in STOP_WORDS and w.lower() not in _PRONOUNS for w in words):
        return False  # "… but said": the speaker is elsewhere
    if words[-1].lower() in _CONJUNCTIONS:
        return False  # "… handed them an envelope and said": the subject is earlier
    if len(words) > 1 and words[-1].lower() in _DETERMINERS | _PREPOSITIONS:
        return False  # "provided her description of the [call]": the "verb" was a noun
    return not any(w.lower() in ("that", "which", "if", "whether", "what", "how") for w in words)


def _next_quote_or(text: str, start: int, end: int) -> int:
    m = re.compile(r"[\u201c\u2018\"]").search(text, start, end)
    return m.start() if m else end


def _sentence_end(text: str, span: Span) -> int:
    m = _SENTENCE_BREAK.search(text, span.close_at or span.para_end, span.para_end)
    return m.start() + 1 if m else span.para_end


def _has_speech_verb(text: str, span: Span) -> bool:
    start = _sentence_start(text, span.para_start, span.open_at)
    sentence = text[start : _sentence_end(text, span)]
    return any(w.strip(",.;:").lower() in SPEECH_VERBS for w in sentence.split())


def _after_naming_verb(text: str, span: Span, sentence_start: int) -> bool:
    """Does a naming verb with its object introduce the quote ('called it
    "unacceptable"', 'described the move as "a very significant step"')?"""
    if text[span.start].isupper():
        return False
    # The last naming phrase before the quote is the one that introduces it.
    matches = list(_NAMING.finditer(text, sentence_start, span.open_at))
    if not matches:
        return False
    m = matches[-1]
    words = re.findall(r"[\w\u2019'-]+", m.group("rest"))
    if not 1 <= len(words) <= 16:
        return False
    if span.close_at is not None and re.match(
        r"\s*(?:(?:a|an|the)\s+)?[\u201c\"]", text[span.close_at : span.close_at + 8]
    ):
        return False  # 'called the test at the "point of care" a "big step"': part of the object
    if m.group("call") is None:
        return words[-1].lower() == "as"  # described the plan as "…"
    # called it "unacceptable", called the plan a "disaster"; not 'called a "meeting"'.
    return any(w.lower() not in _DETERMINERS for w in words)


def _title_like(text: str, span: Span) -> bool:
    """Quoted words in Title Case ("Face the Nation", "The Rachel Maddow
    Show") name a show, book or film: two or more words, each capitalised
    but for small function words, no inner sentence break. A headline may
    hold commas when it is long ("A Straight, White, Multimillionaire Pop
    Star Had a Great Year"); a short one ending in "?" or "!" is speech."""
    inner = text[span.start : span.end].rstrip(".,")
    if span.close_at is not None and text[span.close_at - 2] in "?!":
        return False  # '"Thank You Very Much!" she said' is speech
    words = re.findall(r"[^\W\d_][\w\u2019'-]*", inner)
    if re.search(r"[;!?\u2014]|\.\s", inner) or ("," in inner and len(words) < HEADLINE_WORDS):
        return False
    if len(words) < 2 or sum(1 for w in words if w[0].isupper()) < 2:
        return False
    return all(w[0].isupper() or (k and w.lower() in _TITLE_SMALL) for k, w in enumerate(words))


HEADLINE_WORDS = 5  # Title Case this long is a headline even with commas inside
_TITLED = re.compile(r"\b(?:titled|entitled|headlined|headline|called|named)\s*(?:,\s*)?$", re.I)
_LIST_ITEM = re.compile(r"\s*(?:[\u2022\u25aa\u25cf\u00b7*\u2013\u2014-]|\d{1,2}[.)])\s")


def _named_title(text: str, span: Span) -> bool:
    """'a piece nicely titled "10 Albums to Help You Heal"': a work's title,
    whatever its case."""
    return _TITLED.search(text, max(span.para_start, span.open_at - 40), span.open_at) is not None and (
        text[span.start].isupper() or text[span.start].isdigit()
    )


def _list_item(text: str, span: Span) -> bool:
    """A bullet or numbered line ("• "Ten Things ..."", "3. "...""): a list, not speech."""
    return _LIST_ITEM.match(text, span.para_start, span.open_at + 1) is not None


def _standalone(text: str, span: Span, prev_end: int) -> bool:
    """Does the quote open its paragraph or a sentence?"""
    before = text[max(span.para_start, prev_end) : span.open_at].strip()
    return not before or before[-1] in ".!?:\u2014" or before.endswith(("\u201d", '"', "\u2019"))


def _resolve(ctx: _Context, spk: _Speaker, at: int, last: _Speaker | None) -> _Speaker:
    if spk.phrase is None or spk.phrase.lower() not in _PRONOUNS:
        return spk
    found = _pronoun_antecedent(ctx, spk.phrase.lower(), at)
    if found is not None:
        return _Speaker(found.phrase, found.canonical, found.entity_id, found.is_person, at, found.gender)
    return spk if last is None else last


def _pronoun_antecedent(ctx: _Context, pronoun: str, at: int) -> _Speaker | None:
    """What a pronoun at `at` names: the latest sentence before it with a
    plausible subject that fits (a person for he/she/I, of the pronoun's
    gender unless the article gives none); in that sentence, the one
    reported speaking, else its first (the main clause's subject:
    "Romney was asked whether Trump should be impeached. He ...")."""
    want_person = pronoun in _PERSON_PRONOUNS
    want_gender = PRONOUN_GENDER.get(pronoun)
    chosen: list[_Speaker] = []
    for pos, cand in reversed(ctx.people_at):
        if pos >= at or (want_person and not cand.is_person):
            continue
        if want_gender and cand.canonical is None and _plural(cand.phrase):
            continue  # "Some experts ...": no "he" or "she"
        gender = cand.gender or ctx.genders.get(cand.canonical or "")
        if want_gender and gender and gender != want_gender:
            continue
        if chosen and cand.sentence != chosen[0].sentence:
            break
        chosen.append(cand)
    if not chosen:
        return None
    speaking = [c for c in chosen if c.speaks]
    return speaking[0] if speaking else chosen[-1]


def _antecedents(ctx: _Context) -> tuple[dict[str, str], list[tuple[int, _Speaker]]]:
    """(genders, people) of the people a pronoun may point to: named persons
    that are plausible subjects (antecedents.plausible_subject) and sentence
    openings ending in a people noun ("One man who survived ..."), in text order."""
    people = [e for e in ctx.entities if e.label == "PERSON"]
    genders = gender_cues(ctx.text, people, lambda at: _sentence_bounds(ctx.text, at))
    found: list[tuple[int, _Speaker]] = []
    for ent in people:
        if plausible_subject(ctx.text, ent, ctx.inside_quote):
            speaker = _Speaker(ent.text, ent.canonical, ent.entity_id or person_id(ent.canonical), True, ent.start)
            speaker.gender = genders.get(ent.canonical)
            speaker.sentence = _sentence_bounds(ctx.text, ent.start)[0]
            speaker.speaks = speaks(ctx.text, ent)
            found.append((ent.start, speaker))
    for m in _OPENING_NP.finditer(ctx.text):
        words = m.group("np").split()
        if words[0].lower() in _PRONOUNS or words[0].lower() in ("his", "her", "their", "its"):
            continue  # "She and her husband", "He added that people": no new person
        for k, word in enumerate(words):
            noun = _person_noun(word)
            if noun and not word[0].isupper() or (k and noun):
                phrase = " ".join(words[: k + 1])
                if _named_after(people, m.start() + len(phrase)):
                    break  # "Davis' husband, Joe Davis, ...": the named person is the antecedent
                found.append(
                    (m.start(), _Speaker(phrase, None, None, True, m.start(), _noun_gender(word), sentence=m.start()))
                )
                break
    return genders, sorted(found, key=lambda item: item[0])


_OPENING_NP = re.compile(r"(?=[A-Z])(?:^|(?<=[.!?]\s)|(?<=\n))(?P<np>(?:[A-Z][\w\u2019'-]*)(?:\s+[\w\u2019'-]+){0,3})")


def _person_noun(word: str) -> bool:
    """A people noun, or a hyphenated one ("director-general", "co-founder")."""
    lower = word.lower()
    if lower in PERSON_NOUNS:
        return True
    if "-" not in lower:
        return False
    return any(part in PERSON_NOUNS for part in lower.split("-") if part)


def _plural(phrase: str | None) -> bool:
    last = (phrase or "").split()[-1:] or [""]
    word = last[0].lower()
    return word in ("people", "men", "women", "children", "police", "staff") or (
        word.endswith("s") and not word.endswith("ss")
    )


def _named_after(people: list, end: int) -> bool:
    return any(end <= p.start <= end + 3 for p in people)


def _noun_gender(word: str) -> str | None:
    lower = word.lower()
    if lower.endswith("woman") or lower in ("mother", "wife", "daughter", "sister", "girl", "mom", "grandmother"):
        return "f"
    if lower.endswith("man") or lower in ("father", "husband", "son", "brother", "boy", "dad", "grandfather"):
        return "m"
    return None


def _sentence_bounds(text: str, at: int) -> tuple[int, int]:
    para_start = text.rfind("\n", 0, at) + 1
    para_end = text.find("\n", at)
    para_end = len(text) if para_end < 0 else para_end
    start = _sentence_start(text, para_start, at)
    m = _SENTENCE_BREAK.search(text, at, para_end)
    return start, (m.start() + 1 if m else para_end)


def _reported_speakers(ctx: _Context) -> list[tuple[int, _Speaker]]:
    """Named people reported as speaking outside quote marks, in order:
    "X said (that) …", "X, a …, said …", and "He said …" resolved to the
    person it points to. A following quote with no attribution of its own
    is theirs."""
    quoted = ctx.inside_quote
    found: list[tuple[int, _Speaker]] = []
    for ent in ctx.entities:
        if ent.label != "PERSON" or quoted(ent.start):
            continue
        m = _REPORTING.match(ctx.text, ent.end, min(len(ctx.text), ent.end + 160))
        if m:
            found.append(
                (m.end(), _Speaker(ent.text, ent.canonical, ent.entity_id or person_id(ent.canonical), True, ent.start))
            )
    for m in _PRONOUN_REPORTING.finditer(ctx.text):
        if quoted(m.start()):
            continue
        cand = _pronoun_antecedent(ctx, m.group(0).split()[0].lower(), m.start())
        if cand is not None and cand.canonical:
            found.append((m.end(), _Speaker(cand.phrase, cand.canonical, cand.entity_id, True, m.start(), cand.gender)))
    return sorted(found, key=lambda item: item[0])


def _latest_report(reports: list[tuple[int, _Speaker]], after: int, before: int) -> _Speaker | None:
    best = None
    for pos, speaker in reports:
        if after < pos < before:
            best = speaker
    return best


def attribute(text: str, spans: list[Span], entities: list) -> list[Quote]:
    ctx = _Context(text, sorted(entities, key=lambda e: e.start), [(s.open_at, s.close_at or s.end) for s in spans])
    reports = _reported_speakers(ctx)
    quotes: list[Quote] = []
    last: _Speaker | None = None
    last_at = -1
    last_para = -10
    prev_end = 0
    for span in spans:
        words = len(text[span.start : span.end].split())
        sentence_start = _sentence_start(text, span.para_start, span.open_at)
        carry = last if last is not None and last_at >= sentence_start else None
        speaker, adjacent = _attribution(ctx, span, prev_end, carry)
        if speaker is not None and speaker.phrase is None:
            speaker = None  # attributed to a place: nobody we can name
        standalone = _standalone(text, span, prev_end)
        continues = standalone and last is not None and span.para_index - last_para <= 1
        reported = words >= MIN_REPORTED_WORDS and _has_speech_verb(text, span)
        named = (
            _after_naming_verb(text, span, sentence_start)
            or _INTRODUCED.search(text, sentence_start, span.open_at) is not None
        )
        if not adjacent and (
            _title_like(text, span)
            or _named_title(text, span)
            or _list_item(text, span)
            or (not standalone and words < MIN_UNATTRIBUTED_WORDS and not reported and not named)
        ):
            continue  # scare quotes, titles of shows and books (they cut no sentence)
        # Someone reported speaking since the last quote, in this paragraph
        # or the one before, is who an unattributed quote paragraph quotes.
        window = _previous_paragraph_start(text, span.para_start)
        reporter = _latest_report(reports, max(last_at, window - 1), span.open_at) if standalone else None
        if not adjacent and reporter is not None and (continues or speaker is None):
            speaker = reporter
        elif not adjacent and continues:
            speaker = last
        elif speaker is not None:
            speaker = _resolve(ctx, speaker, span.open_at, last)
        elif standalone and last is not None and span.para_index - last_para <= 2:
            speaker = last
        quotes.append(_quote(text, span, speaker))
        if speaker is not None and speaker.phrase:
            last = speaker
            last_at = span.open_at
            speaker.sentence, speaker.speaks = sentence_start, True
            ctx.add_speaker(span.open_at, speaker)
        last_para = span.para_index
        prev_end = span.close_at or span.end
    return quotes


def _previous_paragraph_start(text: str, para_start: int) -> int:
    """Start of the non-empty paragraph before the one at `para_start`."""
    end = para_start - 1
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    return text.rfind("\n", 0, end) + 1 if end > 0 else 0


def _quote(text: str, span: Span, speaker: _Speaker | None) -> Quote:
    return Quote(
        text=text[span.start : span.end],
        start=span.start,
        end=span.end,
        speaker=speaker.phrase if speaker else None,
        speaker_canonical=speaker.canonical if speaker else None,
        speaker_id=speaker.entity_id if speaker else None,
    )


def find_quotes(text: str, entities: list) -> list[Quote]:
    """All direct quotations in `text`, with speakers linked to `entities`."""
    return attribute(text, find_spans(text), entities)
