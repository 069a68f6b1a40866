"""Page furniture pasted into an article's body (a newsletter's country
picker) names nobody: its names are no facet values.
A roll of names one a paragraph, and a list in prose, still are. Text
written for these tests."""

from __future__ import annotations

from indexer.enrich.extract import Extractor


def _names(extractor: Extractor, text: str) -> set[str]:
    return {e.text for e in extractor.extract(text)[0]}


def test_a_country_picker_in_the_body_gives_no_people_places_or_organisations(offline: Extractor) -> None:
    text = (
        "Senator Mara Velden of Ohio said on Tuesday that the bill would pass.\n\n"
        "Get the briefing. Choose your country Canada Mexico Brazil Argentina Chile Peru France Germany "
        "Italy Spain Portugal Greece Turkey Egypt Kenya Nigeria India China Japan\n\n"
        "Velden said the vote would come next week."
    )
    names = _names(offline, text)
    assert "Mara Velden" in names and "Ohio" in names
    assert not names & {"Canada", "Brazil", "Germany", "Spain", "Kenya", "India", "Japan"}


def test_a_roll_of_names_one_a_paragraph_and_a_list_in_prose_keep_their_names(offline: Extractor) -> None:
    roll = (
        "The panel heard from:\n\nSenator Jana Morrow of Ohio\n\nAdmiral Pieter Vask\n\n"
        "Denver Mayor Lina Oduya\n\nGovernor Carl Bremmer of Kansas\n\nJudge Sofia Laine\n\nDr. Anton Brisk\n"
    )
    assert {"Jana Morrow", "Pieter Vask", "Lina Oduya", "Carl Bremmer", "Sofia Laine"} <= _names(offline, roll)
    prose = "Ministers from France, Germany, Italy, Spain, Portugal, Greece and Austria met in Brussels."
    assert {"France", "Germany", "Italy", "Spain", "Portugal", "Greece", "Austria"} <= _names(offline, prose)
