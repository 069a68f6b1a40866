"""Fill in what an input's metadata lacks, and say where it came from.

- outlet: metadata, else the URL's domain, else the article's own words
  ("The Independent has not verified…", a newsroom address "…@metro.co.uk"),
  else "Unknown"; `outlet_source` records which.
- title: metadata, else derived from the lede, with `title_derived` set.
- boilerplate: contact footers, newsletter prompts and the like are kept
  apart from the body, so they are neither searched nor enriched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

UNKNOWN_OUTLET = "Unknown"
TITLE_MAX_CHARS = 110

# Second-level labels under which a country's sites register (bbc.co.uk).
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "news"}
_EMAIL = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
_BARE_DOMAIN = re.compile(
    r"\b(?:www\.)?([a-z0-9-]+\.(?:co\.uk|com|org|net|co|news|ie|com\.au|ca|in)(?:\b))", re.IGNORECASE
)

# An outlet speaking of itself, as newsrooms do: "<Outlet> has not verified",
# "<Outlet> has contacted ...", "<Outlet> understands".
_NAME = r"((?:The |the )?[A-Z][\w&'’.-]*(?: [A-Z][\w&'’.-]*){0,3})"
_SELF_REFERENCE = [
    re.compile(_NAME + r" (?:has|have|could|was|were) not (?:been able to )?(?:independently )?(?:verif|confirm)"),
    re.compile(_NAME + r" (?:has|have) (?:contacted|approached|reached out to|asked)\b"),
    re.compile(_NAME + r" (?:understands|can reveal|can confirm|has learned|has learnt)\b"),
    re.compile(r"(?:contacted|approached|asked) by " + _NAME),
    re.compile(r"(?:[Ss]peaking|[Tt]alking) (?:exclusively )?to " + _NAME),
]
# Words that start a capitalised phrase but are not an outlet's name.
_NOT_OUTLETS = {
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "police",
    "officials",
    "the government",
    "this",
    "that",
    "reuters",
}

# Lines that are about the publication, not the news.
_BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bget in touch with (?:our|the) (?:news )?(?:team|desk|newsroom)",
        r"\bfor more (?:stories|news|articles) like this\b",
        r"\bsign up (?:to|for) (?:our|the)\b.*\bnewsletter",
        r"\bsubscribe to (?:our|the)\b",
        r"\b(?:contact|email|e-mail) (?:us|our newsroom|the newsroom)\b.*@",
        r"\bby emailing us at\b",
        r"\bfollow us on (?:twitter|facebook|instagram|x)\b",
        r"\bclick here to\b",
        r"^\s*(?:advertisement|read more:?|related:?|share this (?:article|story))\s*$",
        r"\ball rights reserved\b",
        r"^\s*©",
        r"\bhave you got a story\b",
        r"\bdownload (?:our|the) app\b",
    )
]
# Words every match of a _BOILERPLATE pattern holds (lower case): a line with
# none of them is no boilerplate. Keep in step with the patterns above.
_BOILERPLATE_WORDS = (
    "get in touch",
    "for more",
    "sign up",
    "subscribe to",
    "contact",
    "mail",  # email, e-mail, emailing
    "follow us",
    "click here",
    "advertisement",
    "read more",
    "related",
    "share this",
    "all rights reserved",
    "©",
    "have you got a story",
    "download",
)
# Letters the case-insensitive patterns match to a word's letter where str.lower()
# gives another ("İ" lowers to "i" plus a dot; "ı", "ſ" stay): such a line is tried.
_CASE_TRAPS = re.compile("[\u0130\u0131\u017f]")
# A page's share buttons pasted at the head of a line, usually an image
# caption ("Facebook Twitter Pinterest Toni Morrison: a book like ..."): two or
# more button words with only spaces between them. The run is page furniture;
# the caption after it stays in the body. Left in, the recogniser read the
# buttons as the start of a name ("Twitter Pinterest Theresa May").
_SHARE_BUTTONS = re.compile(
    r"^\s*(?:(?:Facebook|Twitter|Pinterest|WhatsApp|LinkedIn|Reddit|Tumblr|Flipboard|Messenger|Email|E-mail)"
    r"[ \t]+){2,}"
)
# A short line with an e-mail address at the foot of an article is a contact line.
_FOOTER_EMAIL_MAX_WORDS = 25

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’']?\s+(?=[\"“‘'A-Z0-9])")


@dataclass
class Metadata:
    title: str
    title_derived: bool
    outlet: str
    outlet_source: str
    body: str
    boilerplate: list[str]


def fill_metadata(
    text: str,
    title: str | None,
    outlet: str | None,
    url: str | None,
    outlet_domain: str | None = None,
    known_domains: dict[str, str] | None = None,
) -> Metadata:
    """`known_domains` maps a domain to the outlet name other articles from
    that domain carry in their metadata: better than a name made from the
    domain's letters."""
    body, boilerplate = split_boilerplate(text)
    found_outlet, source = infer_outlet(outlet, url or outlet_domain, body, boilerplate, known_domains or {})
    if title and title.strip():
        final_title, derived = title.strip(), False
    else:
        final_title, derived = derive_title(body), True
    return Metadata(final_title, derived, found_outlet, source, body, boilerplate)


# -- boilerplate -------------------------------------------------------------


def is_boilerplate(line: str) -> bool:
    # Most lines hold none of the patterns' words: a substring test rules them out
    # at about an eighth of the regexes' cost (measured on AllSides lines).
    if not _may_be_boilerplate(line):
        return False
    return any(p.search(line) for p in _BOILERPLATE)


def _may_be_boilerplate(line: str) -> bool:
    """False only when no _BOILERPLATE pattern can match: the line holds none
    of their words, case aside."""
    lowered = line.lower()
    if any(word in lowered for word in _BOILERPLATE_WORDS):
        return True
    return not line.isascii() and _CASE_TRAPS.search(line) is not None


def split_boilerplate(text: str) -> tuple[str, list[str]]:
    """(body, boilerplate lines). Lines matching a boilerplate pattern are
    removed wherever they stand; short lines with an e-mail address are
    removed only from the foot of the article, where contact lines live."""
    kept: list[tuple[int, str]] = []
    removed: list[tuple[int, str]] = []  # (line number, text): reported in the article's order
    for number, line in enumerate(text.splitlines()):
        buttons = _SHARE_BUTTONS.match(line)
        if buttons and line[buttons.end() :].strip():
            removed.append((number, buttons.group(0)))
            line = line[buttons.end() :]
        (removed if line.strip() and is_boilerplate(line) else kept).append((number, line))
    while kept and (not kept[-1][1].strip() or _is_contact_line(kept[-1][1])):
        number, line = kept.pop()
        if line.strip():
            removed.append((number, line))
    removed.sort(key=lambda numbered: numbered[0])
    return "\n".join(line for _, line in kept).strip(), [line.strip() for _, line in removed]


def _is_contact_line(line: str) -> bool:
    return bool(_EMAIL.search(line)) and len(line.split()) <= _FOOTER_EMAIL_MAX_WORDS


# -- outlet ------------------------------------------------------------------


def infer_outlet(
    outlet: str | None, url: str | None, body: str, boilerplate: list[str], known_domains: dict[str, str] | None = None
) -> tuple[str, str]:
    """(outlet, how it was found): metadata | url | text | unknown."""
    if outlet and outlet.strip():
        return outlet.strip(), "metadata"
    if url:
        domain = domain_of(url)
        if domain:
            return (known_domains or {}).get(domain) or outlet_name_from_domain(domain, body), "url"
    named = outlet_named_in_text(body)
    if named:
        return named, "text"
    for line in boilerplate + body.splitlines()[-3:]:
        for match in _EMAIL.finditer(line):
            return outlet_name_from_domain(match.group(1), body), "text"
        for match in _BARE_DOMAIN.finditer(line):
            return outlet_name_from_domain(match.group(1), body), "text"
    return UNKNOWN_OUTLET, "unknown"


def domain_of(url: str) -> str | None:
    candidate = url if "//" in url else "//" + url
    host = urlsplit(candidate).hostname
    return host.lower().removeprefix("www.") if host else None


def outlet_name_from_domain(domain: str, body: str = "") -> str:
    """'metro.co.uk' -> 'Metro'. When the article spells the name out
    ('The Independent' for independent.co.uk), use its spelling."""
    labels = domain.lower().removeprefix("www.").split(".")
    if len(labels) > 1:
        labels.pop()  # the top-level domain
    if len(labels) > 1 and labels[-1] in _SECOND_LEVEL:
        labels.pop()  # co.uk, com.au
    name = labels[-1]
    words = [w for w in re.split(r"[-_]", name) if w]
    # The site's name as the article spells it: letters of the domain label
    # in order, spaces or hyphens allowed between them ("copperlinedaily"
    # finds "Copperline Daily"; "independent" finds "The Independent").
    letters = r"[\s-]?".join(map(re.escape, name.replace("-", "")))
    for spelled in re.finditer(r"\b((?:The\s)?" + letters + r")\b", body, re.IGNORECASE):
        candidate = " ".join(spelled.group(1).split())
        if all(word[0].isupper() for word in candidate.split()):
            return candidate
    # Initialisms have no vowels (bbc, cnn, npr): spell them in capitals.
    return " ".join(w.upper() if not set(w) & set("aeiouy") else w.capitalize() for w in words)


def outlet_named_in_text(body: str) -> str | None:
    for pattern in _SELF_REFERENCE:
        for match in pattern.finditer(body):
            name = match.group(1).strip(" .")
            if name.lower() in _NOT_OUTLETS or name.split()[-1].lower() in _NOT_OUTLETS:
                continue
            if name.startswith("the "):
                name = "The " + name[4:]
            return name
    return None


# -- title -------------------------------------------------------------------


def first_sentence(body: str) -> str:
    paragraph = next((p.strip() for p in body.splitlines() if p.strip()), "")
    parts = _SENTENCE_END.split(paragraph, maxsplit=1)
    return parts[0].strip() if parts else paragraph


def derive_title(body: str) -> str:
    """The lede's first sentence, cut at a word boundary if long."""
    sentence = first_sentence(body).rstrip(".")
    if len(sentence) <= TITLE_MAX_CHARS:
        return sentence
    cut = sentence.rfind(" ", 0, TITLE_MAX_CHARS)
    return sentence[: cut if cut > 0 else TITLE_MAX_CHARS].rstrip(",;:") + "…"
