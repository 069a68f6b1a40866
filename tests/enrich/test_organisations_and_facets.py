"""Issue 11's rules on text written for these tests: datelines, organisations
(acronyms, sports teams, companies named with a place, short forms), full
names, facet-worthy people, and speakers that are never cities."""

from __future__ import annotations

from indexer.enrich.extract import Extractor


def _labels(extractor: Extractor, text: str) -> dict[str, str]:
    return {e.text: e.label for e in extractor.extract(text)[0]}


def test_wire_datelines_are_places_even_unknown_ones(offline: Extractor) -> None:
    entities, _ = offline.extract("KESTRAVIA 1996-03-02\nThe harbour board met on Friday to discuss the dredging.")
    assert [(e.text, e.label, e.canonical) for e in entities][:1] == [("KESTRAVIA", "GPE", "Kestravia")]
    entities, _ = offline.extract("NEW YORK (Wire) - Shares of shipping firms fell sharply on Monday.")
    place = next(e for e in entities if e.text == "NEW YORK")
    assert place.label == "GPE" and place.canonical in ("New York", "New York City") and place.geonames_id


def test_acronyms_in_running_text_are_organisations(offline: Extractor) -> None:
    labels = _labels(
        offline, "Envoys from NATO and the U.N. met the OSCE mission, the CEO of a shipyard told TV crews."
    )
    assert labels["NATO"] == labels["U.N."] == labels["OSCE"] == "ORG"
    assert "CEO" not in labels and "TV" not in labels
    # Initials before a name are a person's, not an organisation.
    assert _labels(offline, "The adviser H.R. Okonkwo arrived later than planned.")["H.R. Okonkwo"] == "PERSON"


def test_in_a_sports_article_a_county_in_a_team_position_is_the_team(offline: Extractor) -> None:
    text = (
        "Kent beat Somerset by an innings in the championship match on Friday.\n"
        "Somerset lost six wickets before lunch, and Kent took the points. The season ends in Leeds next month.\n"
        "Results of league matches:\n"
        "Stoke 2 Norwich 1\n"
        "Bradford 0 Crystal Palace 3\n"
    )
    entities, _ = offline.extract(text)
    labels = [(e.text, e.label) for e in entities]
    assert ("Kent", "ORG") in labels and ("Somerset", "ORG") in labels
    assert all(label == "ORG" for text_, label in labels if text_ in ("Kent", "Somerset"))
    assert ("Stoke", "ORG") in labels and ("Norwich", "ORG") in labels and ("Crystal Palace", "ORG") in labels
    assert ("Leeds", "GPE") in labels  # "in Leeds": the place
    # Outside sport the same county is a place.
    assert _labels(offline, "Floods closed roads across Somerset and Kent on Tuesday, the council said.")["Kent"] in (
        "GPE",
        "LOC",
    )


def test_companies_named_with_a_place_and_their_short_forms(offline: Extractor) -> None:
    text = (
        "Shares of Munich Re rose after Air France ordered new jets. Brannock Holdings Corp said it would cut jobs;"
        " Brannock shares fell 4 percent. Fighting went on in the Gaza Strip."
    )
    entities, _ = offline.extract(text)
    labels = {e.text: e.label for e in entities}
    assert labels["Munich Re"] == labels["Air France"] == "ORG"
    assert labels["Brannock Holdings Corp"] == labels["Brannock"] == "ORG"
    assert next(e.canonical for e in entities if e.text == "Brannock") == "Brannock Holdings Corp"
    assert "Gaza" in labels and labels.get("Gaza") != "ORG"


def test_full_names_are_kept_whole(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Prime Minister John Major said the talks would go on. Jean-Michel Monin and Aravinda de Silva agreed."
    )
    people = {e.canonical for e in entities if e.label == "PERSON"}
    assert {"John Major", "Jean-Michel Monin", "Aravinda de Silva"} <= people


def test_person_facets_hold_no_runs_of_names_or_bare_first_names(offline: Extractor) -> None:
    text = (
        "The release of special counsel Ronald Quist Ronald (Ron) Abel QuistSchiff: the report matters.\n\n"
        "Peter said he would come back. General Motors cut shifts, and Ronald Quist declined to comment."
    )
    people = {e.canonical for e in offline.extract(text)[0] if e.label == "PERSON"}
    assert "Ronald Quist" in people
    assert not any("Ronald Quist Ronald" in p or "Schiff" in p for p in people)
    assert "Peter" not in people and "Motors" not in people


def test_cities_and_states_never_speak_but_countries_and_bodies_do(offline: Extractor) -> None:
    text = (
        "\u201cThe statute is clear,\u201d Texas said in its filing.\n\n"
        "\u201cWe reject the claims,\u201d Russia said on Monday.\n\n"
        "The Justice Department opened an inquiry into the contracts. "
        "\u201cWe take these allegations seriously,\u201d the department said."
    )
    quotes = offline.extract(text)[1]
    by_text = {q.text: q for q in quotes}
    assert by_text["The statute is clear"].speaker is None
    assert by_text["We reject the claims"].speaker_canonical == "Russia"
    assert by_text["We take these allegations seriously"].speaker_canonical == "Justice Department"


def test_a_title_abbreviation_does_not_cut_the_speaker(offline: Extractor) -> None:
    text = "\u201cThe bill is dead,\u201d said Ohio Sen. Marla Quince, who opposed it from the start."
    [quote] = offline.extract(text)[1]
    assert quote.speaker_canonical == "Marla Quince"


def test_a_surname_that_is_a_town_is_no_team_in_a_political_race(offline: Extractor) -> None:
    # Election prose uses sports words ("race", "victory", "beat"); a word
    # that ends a person's full name in the article stays that person.
    text = (
        "Senator Tomas Lincoln and Ada Kerr fought a close race for the nomination.\n"
        "The victory was narrow: Lincoln beat Kerr in the primary, a championship of sorts, and the league "
        "of women voters scored the debate as a draw. Lincoln won the match on points."
    )
    entities, _ = offline.extract(text)
    lincolns = {(e.label, e.canonical) for e in entities if e.text == "Lincoln"}
    assert lincolns == {("PERSON", "Tomas Lincoln")}


def test_later_mentions_of_a_titled_surname_are_that_person(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "President Okonjo spoke on Monday.\nAides feared that Okonjo would veer to the left in a second term."
    )
    assert [(e.text, e.label) for e in entities if e.text == "Okonjo"] == [("Okonjo", "PERSON")] * 2


def test_a_dictionary_word_surname_inside_a_run_links_to_the_full_name(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Foreign Minister Dana Cross will visit Oslo.\nThe ministry said Cross and Aalto would meet on Friday."
    )
    assert {e.canonical for e in entities if e.text == "Cross"} == {"Dana Cross"}


def test_names_before_a_country_in_brackets_are_people_in_results(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "1. Tavian Quellor ( U.S. ) 48.23 seconds\nDarvel Hill (Australia) beat Ruch (Poland)"
    )
    people = {e.text for e in entities if e.label == "PERSON"}
    assert people == {"Tavian Quellor", "Darvel Hill"}


def test_words_after_a_bare_name_say_person_or_organisation(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Vornholt, 34, was arrested on Monday, the Kestrafax news agency reported. Zumwalder shares fell."
    )
    labels = {e.text: e.label for e in entities}
    assert labels.get("Vornholt") == "PERSON"
    assert labels.get("Kestrafax") == "ORG" and labels.get("Zumwalder") == "ORG"


def test_a_plural_noun_in_british_spelling_is_no_person(offline: Extractor) -> None:
    entities, _ = offline.extract("The march was loud.\nOrganisers said they expected 5,000 people.")
    assert [e for e in entities if e.label == "PERSON"] == []


def test_a_well_known_place_is_the_person_of_that_surname_only_where_it_speaks(offline: Extractor) -> None:
    entities, _ = offline.extract(
        'Rep. Dana Israel spoke on Monday.\n"It was hard," Israel said.\nThe talks were held in Israel.'
    )
    readings = [(e.label, e.canonical) for e in entities if e.text == "Israel"]
    assert readings == [("PERSON", "Dana Israel"), ("GPE", "Israel")]


def test_a_lower_case_role_before_a_bare_name_makes_it_a_person(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Ramos thanked Indonesian president Sukarwo on Monday, and midfielder Donatelli scored."
    )
    people = {e.text for e in entities if e.label == "PERSON"}
    assert {"Sukarwo", "Donatelli"} <= people


def test_a_title_word_after_two_first_names_is_the_surname(offline: Extractor) -> None:
    entities, _ = offline.extract("U.S. captain Marta Jean King said at the draw that the team was ready.")
    assert "Marta Jean King" in {e.canonical for e in entities if e.label == "PERSON"}


def test_a_well_known_city_stays_a_place_beside_a_bare_person_of_that_name(offline: Extractor) -> None:
    entities, _ = offline.extract("Ms. Paris said she was happy with the show.\nThe attacks in Paris shocked Europe.")
    assert ("Paris", "GPE") in {(e.text, e.label) for e in entities}


def test_an_organisation_named_for_a_purpose_lends_no_surname() -> None:
    # "Committee to Protect X", twice in an article, read as the person "Protect X"
    # and made every bare "X" in the corpus that person.
    extractor = Extractor()
    first = "Dr Ana Lind leads the Committee to Protect Fisheries. The Committee to Protect Fisheries met on Monday."
    later = "Fisheries quotas were cut again, the ministry said on Tuesday."
    (entities, _), (later_entities, _) = extractor.extract_many([first, later])
    assert ("Committee to Protect Fisheries", "ORG") in {(e.canonical, e.label) for e in entities}
    assert not [e for e in entities + later_entities if e.label == "PERSON" and "Fisheries" in e.canonical]


def test_a_spaced_dash_ends_a_name() -> None:
    # A wire credit ("En Français - Agency:") is no person, and the agency's name
    # alone elsewhere is not that person's surname.
    extractor = Extractor()
    credit = "En Français - Nordwire: the prime minister Jonas Eld says talks must go on.\n\nRelated: more news."
    later = "The vote was close, Nordwire reported on Friday."
    (entities, _), (later_entities, _) = extractor.extract_many([credit, later])
    people = {e.canonical for e in entities + later_entities if e.label == "PERSON"}
    assert not [p for p in people if "Nordwire" in p]
    assert "Jonas Eld" in people


def test_state_initials_time_zones_and_two_bodies(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "The mayor flew to Washington, D.C. on Monday and then to Troy, N.Y., where the House and Senate "
        "delegations met at 7 p.m. ET."
    )
    found = {(e.text, e.label, e.canonical) for e in entities}
    assert ("D.C.", "GPE", "District of Columbia") in found and ("N.Y.", "GPE", "New York") in found
    assert ("House", "ORG", "House") in found and ("Senate", "ORG", "Senate") in found
    assert not [e for e in entities if e.text in ("ET", "House and Senate")]
