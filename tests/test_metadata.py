"""Metadata fill-in: outlet from URL, from the article's own words, else
Unknown; titles derived from the lede; boilerplate kept out of the body."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from indexer.enrich.metadata import _BOILERPLATE, fill_metadata, is_boilerplate, outlet_name_from_domain

BODY = "The river burst its banks on Sunday, flooding the lower town.\n\nResidents were moved to the school."


def test_outlet_from_metadata_wins():
    meta = fill_metadata(BODY, "Flood", "The Example Post", "https://other.example/x")
    assert (meta.outlet, meta.outlet_source) == ("The Example Post", "metadata")


def test_outlet_from_url_domain():
    meta = fill_metadata(BODY, None, None, "https://www.riverside-herald.co.uk/news/flood")
    assert (meta.outlet, meta.outlet_source) == ("Riverside Herald", "url")
    assert outlet_name_from_domain("cnn.com") == "CNN"


def test_outlet_named_by_the_article_itself():
    text = BODY + "\n\nThe Valley Courier has not independently verified the figures."
    meta = fill_metadata(text, None, None, None)
    assert (meta.outlet, meta.outlet_source) == ("The Valley Courier", "text")


def test_outlet_from_newsroom_address_in_footer_and_footer_is_boilerplate():
    text = (
        BODY
        + "\nGet in touch with our news team by emailing us at desk@harbourtimes.co.uk."
        + "\nFor more stories like this, check our news page."
    )
    meta = fill_metadata(text, None, None, None)
    assert (meta.outlet, meta.outlet_source) == ("Harbourtimes", "text")
    assert meta.boilerplate == [
        "Get in touch with our news team by emailing us at desk@harbourtimes.co.uk.",
        "For more stories like this, check our news page.",
    ]
    assert "news team" not in meta.body and meta.body.endswith("school.")


def test_a_newspaper_quoted_as_a_source_is_not_the_outlet():
    text = "Officials confirmed it, according to a Daily Planet investigation.\nHe told the Planet: 'It was cold.'"
    meta = fill_metadata(text, None, None, None)
    assert (meta.outlet, meta.outlet_source) == ("Unknown", "unknown")


def test_title_derived_from_lede_and_flagged():
    meta = fill_metadata(BODY, None, None, None)
    assert meta.title == "The river burst its banks on Sunday, flooding the lower town"
    assert meta.title_derived is True
    long = "Word " * 60
    assert len(fill_metadata(long, None, None, None).title) <= 111
    assert fill_metadata(BODY, "Given title", None, None).title_derived is False


def test_outlet_from_url_prefers_the_name_other_articles_of_that_domain_carry():
    meta = fill_metadata(
        BODY,
        None,
        None,
        "https://valleycourier.example/x",
        known_domains={"valleycourier.example": "The Valley Courier"},
    )
    assert (meta.outlet, meta.outlet_source) == ("The Valley Courier", "url")


def test_share_buttons_before_a_caption_are_furniture_and_the_caption_stays():
    caption = "Facebook Twitter Pinterest Mara Quell, the harbour master, at the flood barrier. Photograph: Staff"
    text = BODY + "\n\n" + caption + "\n\nFacebook and Twitter users shared the pictures."
    meta = fill_metadata(text, "Flood", "The Example Post", None)
    assert "Pinterest" not in meta.body
    assert "\nMara Quell, the harbour master, at the flood barrier." in meta.body
    # prose that names the networks is news, not buttons
    assert meta.body.endswith("Facebook and Twitter users shared the pictures.")
    assert meta.boilerplate == ["Facebook Twitter Pinterest"]


def test_share_buttons_do_not_name_a_person():
    from indexer.enrich.extract import Extractor

    text = "Ivo Brandt opened the flood barrier on Sunday.\n\nFacebook Twitter Pinterest Brandt speaks to residents."
    meta = fill_metadata(text, "Flood", "The Example Post", None)
    entities, _ = Extractor().extract(meta.body)
    people = {e.canonical or e.text for e in entities if e.label == "PERSON"}
    assert people == {"Ivo Brandt"}


# Pieces of boilerplate and of prose, in mixed case and with the letters the
# case-insensitive patterns equate with others ("İ", "ı", "ſ"), to build lines from.
_LINE_PIECES = [
    "Get in touch with our news team",
    "for more stories like this",
    "Sign up for our daily newsletter",
    "subscribe to the",
    "Contact us at tips@example.com",
    "by emailing us at",
    "Follow us on Twitter",
    "click here to",
    "Advertisement",
    "Read more:",
    "share this story",
    "All rights reserved",
    "© 2024",
    "Have you got a story?",
    "Download our app",
    "The river rose on Sunday",
    "residents said",
    "ſign up for our",
    "get ın touch with the desk",
    "SUBSCRİBE TO OUR",
    " ",
    ",",
]


def _decided_as_the_patterns_do(line: str) -> bool:
    return is_boilerplate(line) == any(pattern.search(line) for pattern in _BOILERPLATE)


def test_boilerplate_shortcut_agrees_with_the_patterns_on_each_piece() -> None:
    # is_boilerplate rules most lines out by their words before trying the patterns:
    # it must decide every line as the patterns alone do.
    for piece in _LINE_PIECES:
        for line in (piece, piece.upper(), piece.lower(), f"  {piece}  "):
            assert _decided_as_the_patterns_do(line), line


@given(st.lists(st.sampled_from(_LINE_PIECES), min_size=1, max_size=4), st.booleans())
def test_boilerplate_shortcut_agrees_with_the_patterns(pieces: list[str], upper: bool) -> None:
    line = " ".join(pieces)
    assert _decided_as_the_patterns_do(line.upper() if upper else line)
