"""Entity errors that only show at corpus scale: dates inside capitalised
runs, photo credits, a registry that spreads bogus full names, and surnames
read as small towns. Invented sentences; each test uses a fresh Extractor
when the corpus registry matters."""

from __future__ import annotations

import pytest

from indexer.enrich.canonical import PersonRegistry
from indexer.enrich.extract import Extractor


@pytest.fixture()
def fresh() -> Extractor:
    extractor = Extractor(model="parallax-test-no-such-pipeline")
    extractor.registry = PersonRegistry()  # the pipeline is cached; the registry is per Extractor
    return extractor


def _people(entities) -> set[str]:
    return {e.canonical for e in entities if e.label == "PERSON"}


def _places(entities) -> set[str]:
    return {e.canonical for e in entities if e.label in ("GPE", "LOC", "FAC")}


# 1. day and month names split a run and are never part of a name


def test_day_and_month_names_split_runs_and_are_never_names(fresh: Extractor) -> None:
    text = (
        "The council met in Portland Thursday to vote on the budget, and Senator Maribel Quintero "
        "Friday promised a recount. The audit covered Monday June figures and the results from "
        "Late December, when Governor Tobias Wrenfield September plans were shelved."
    )
    entities, _ = fresh.extract(text)
    people, places = _people(entities), _places(entities)
    assert "Maribel Quintero" in people and "Tobias Wrenfield" in people
    assert "Portland" in places
    for e in entities:
        assert not {"Monday", "June", "Thursday", "Friday", "December", "September", "Late"} & set(e.text.split()), e


def test_holidays_are_not_people(fresh: Extractor) -> None:
    text = (
        "Shops in the region closed early on Easter Sunday and reopened after Memorial Day, while "
        "analysts compared the figures with Super Tuesday turnout and the Christmas Eve rush."
    )
    entities, _ = fresh.extract(text)
    assert not _people(entities)


def test_a_known_person_before_a_day_name_is_that_person(fresh: Extractor) -> None:
    texts = [
        "Mayor Ingrid Halvorsen opened the bridge on a cold morning with her staff beside her.",
        "The plan was unveiled when Halvorsen Tuesday told the board it would cost less than expected.",
    ]
    *_, (second, _) = list(fresh.extract_many(texts))
    people = [(e.text, e.canonical) for e in second if e.label == "PERSON"]
    assert people == [("Halvorsen", "Ingrid Halvorsen")]


# 2. the registry only takes person-like names, and bare words resolve with care


def test_a_pair_of_words_written_in_one_article_lends_no_surname_to_unmarked_words(fresh: Extractor) -> None:
    # A capitalised pair written twice ("Choose Skyvane", a campaign) looks like a
    # full name; every bare "Skyvane" of the corpus must not become that person.
    texts = [
        "The Choose Skyvane plan was unveiled in May. Supporters of Choose Skyvane rallied in June.",
        "By spring, Skyvane was everywhere in the city.",
    ]
    _, (later, _) = list(fresh.extract_many(texts))
    assert fresh.registry.support("Choose Skyvane") == 1  # it did enter the registry
    assert not _people(later)
    # Written in a second article, the name is established and lends its surname.
    list(fresh.extract_many(["The Choose Skyvane plan was revised in July. Critics of Choose Skyvane stayed away."]))
    (again, _) = fresh.extract("By summer, Skyvane was everywhere in the city.")
    assert _people(again) == {"Choose Skyvane"}


def test_a_word_the_corpus_leaves_bare_everywhere_is_not_one_persons_surname(fresh: Extractor) -> None:
    # "Lieutenant Commander Hamidul Islam" once must not make every bare "Islam" him.
    bare = [f"Critics said Sundvik was busy again on day {n} of the fair." for n in range(1, 13)]
    full = "Lieutenant Commander Oskar Sundvik told the agency the boats had arrived."
    *_, (later, _) = list(fresh.extract_many([*bare, full, "On Friday Sundvik was busy again."]))
    assert not _people(later)
    # Written in full about as often as it stands bare, the name lends its surname.
    named = [f"Lieutenant Commander Oskar Sundvik spoke on day {n}." for n in range(1, 3)]
    *_, (again, _) = list(fresh.extract_many([*named, "On Saturday Sundvik was busy again."]))
    assert fresh.registry.sightings("Sundvik") == 14 and fresh.registry.support("Oskar Sundvik") == 3
    assert _people(again) == {"Oskar Sundvik"}


def test_registry_ignores_full_names_that_are_not_person_like(fresh: Extractor) -> None:
    texts = [
        "Residents across Latin America watched the vote closely as the ballots were counted overnight.",
        "The Defund Healthcare campaign, launched by the group, ran advertisements in several states.",
        "Officials said the ceremony at the Rose Garden would be brief and closed to the public.",
    ]
    list(fresh.extract_many(texts))
    for surname in ("America", "Healthcare", "Garden", "Sunday"):
        assert fresh.registry.resolve(surname) is None, surname


def test_an_abbreviation_or_a_suffix_is_no_surname(fresh: Extractor) -> None:
    fresh.registry.add("R. Wis.")  # "Paul Ryan (R. Wis.)": a state, not a name
    fresh.registry.add("Dianne Feinstein D-Calif.")
    fresh.registry.add("Martin Luther King Jr.")
    assert fresh.registry.resolve("Wis.") is None and fresh.registry.resolve("Calif.") is None
    assert fresh.registry.resolve("Jr.") is None
    assert fresh.registry.resolve("King") == "Martin Luther King Jr."


def test_bare_day_and_common_words_never_resolve_through_the_registry(fresh: Extractor) -> None:
    fresh.registry.add("Marta Sunday")  # suppose a bogus or rare full name got in
    fresh.registry.add("Olek Bridge")
    entities, _ = fresh.extract("Crowds gathered on Sunday near the old Bridge to hear the speeches in the square.")
    assert not _people(entities)


def test_in_article_full_name_wins_over_the_registry(fresh: Extractor) -> None:
    for _ in range(3):
        fresh.registry.add("Rolf Brannagan")
    entities, _ = fresh.extract(
        "Councillor Edith Brannagan chaired the hearing, and Brannagan said the vote would wait."
    )
    assert {e.canonical for e in entities if e.text == "Brannagan"} == {"Edith Brannagan"}


# 3. photo credits and bylines are not people


def test_photo_credits_are_not_people(fresh: Extractor) -> None:
    text = (
        "The minister spoke to reporters outside the court. Kestrel Moran/AFP/Getty Images\n\n"
        "Photo: Dalia Fenwick\n\nThe crowd dispersed slowly. (Qorvel/ Reuters)\n\n"
        "Later the lawyer Amos Tindall said the appeal would go ahead."
    )
    entities, _ = fresh.extract(text)
    assert _people(entities) == {"Amos Tindall"}
    assert not [e for e in entities if "/" in e.text]


# 4. a registered surname is a person, not a small town, without a locative cue


def test_registered_surname_beats_a_small_town_without_a_cue(fresh: Extractor) -> None:
    texts = [
        "President Barack Obama met the delegation at length and praised its work on trade.",
        "Critics said the Obama administration had moved too slowly on the question of tariffs.",
    ]
    *_, (second, _) = list(fresh.extract_many(texts))
    obama = [e for e in second if e.text == "Obama"]
    assert obama and obama[0].label == "PERSON" and obama[0].canonical == "Barack Obama"


def test_a_locative_cue_keeps_the_town(fresh: Extractor) -> None:
    fresh.registry.add("Barack Obama")
    entities, _ = fresh.extract(
        "The festival drew residents of the small town of Obama and visitors from Kyoto in Japan."
    )
    assert "Obama" in _places(entities)
    entities, _ = fresh.extract(
        "Farmers near Clinton, Iowa, said the harvest was late but the yields were good this year."
    )
    assert "Clinton" in _places(entities)


def test_first_name_town_without_a_cue_is_not_a_place(fresh: Extractor) -> None:
    entities, _ = fresh.extract("The report was long, and Clinton rejected its conclusions in a short written reply.")
    assert "Clinton" not in _places(entities)


def test_isolated_small_foreign_town_is_not_a_place(fresh: Extractor) -> None:
    # "Obama" is a Japanese town; nothing else in this article is in Japan.
    entities, _ = fresh.extract(
        "The governor of Ohio said that under Obama the federal grants for highways grew each year."
    )
    assert "Obama" not in _places(entities)
    assert "Ohio" in _places(entities)


def test_capitals_are_well_known_places(fresh: Extractor) -> None:
    fresh.registry.add("Gideon Washington")
    entities, _ = fresh.extract("Lawmakers in the state said the mood in Washington had soured since the spring.")
    assert "Washington" in _places(entities)
    assert not _people(entities)


# 5. organisations: generic head words alone, "X for Y"


def test_generic_org_heads_alone_are_not_organisations_and_for_joins_a_name(fresh: Extractor) -> None:
    text = (
        "Copyright 2021 The Lakeside Courier, LLC. A researcher at the Center for Coastal Resilience said "
        "the Times had misread the data, and the Senate agreed."
    )
    entities, _ = fresh.extract(text)
    orgs = {e.canonical for e in entities if e.label == "ORG"}
    assert "Center for Coastal Resilience" in orgs
    assert not {"LLC", "Center", "Times"} & orgs
    assert "Senate" in orgs


def test_headline_runs_stop_at_function_words(fresh: Extractor) -> None:
    entities, _ = fresh.extract("Marisol Okafor To Announce Senate Bid On Friday\n\nThe announcement was expected.")
    people = _people(entities)
    assert people == {"Marisol Okafor"}


def test_a_word_registered_mostly_as_a_first_name_does_not_resolve_as_a_surname(fresh: Extractor) -> None:
    for _ in range(4):
        fresh.registry.add("Hillary Clinton")
    fresh.registry.add("Edmund Hillary")
    assert fresh.registry.resolve("Hillary") is None
    assert fresh.registry.resolve("Clinton") == "Hillary Clinton"
