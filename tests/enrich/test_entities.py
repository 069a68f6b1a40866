"""Entities of the offline pipeline: people, places, canonical names."""

from __future__ import annotations

from indexer.enrich.extract import Extractor


def _by_text(entities):
    return {e.text: e for e in entities}


def test_places_carry_geonames_data_and_spelling_variants_share_one(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Flights from Bombay to Mumbai and on to the U.S. resumed, officials in the United States said."
    )
    ents = _by_text(entities)
    assert ents["Bombay"].canonical == ents["Mumbai"].canonical == "Mumbai"
    assert ents["Bombay"].entity_id == ents["Mumbai"].entity_id and ents["Mumbai"].entity_id.startswith("geonames:")
    assert ents["Mumbai"].country == "IN" and 18 < ents["Mumbai"].lat < 20 and 72 < ents["Mumbai"].lon < 74
    assert ents["U.S."].canonical == ents["United States"].canonical == "United States"
    assert ents["U.S."].label == "GPE"


def test_demonyms_are_norp_not_places(offline: Extractor) -> None:
    entities, _ = offline.extract("French and Brazilian diplomats met Canadians in Ottawa.")
    labels = {e.text: e.label for e in entities}
    assert labels["French"] == labels["Brazilian"] == labels["Canadians"] == "NORP"
    assert labels["Ottawa"] == "GPE"


def test_people_from_titles_first_names_and_in_article_aliases(offline: Extractor) -> None:
    text = "Chancellor Angela Merkel met Captain Ruiz in the capital. Mrs Merkel said little, and Merkel left early."
    entities, _ = offline.extract(text)
    people = [(e.text, e.canonical) for e in entities if e.label == "PERSON"]
    assert ("Angela Merkel", "Angela Merkel") in people
    assert ("Merkel", "Angela Merkel") in people  # "Mrs Merkel" and the bare surname
    assert [c for t, c in people if t == "Merkel"] == ["Angela Merkel", "Angela Merkel"]
    assert ("Ruiz", "Ruiz") in people
    assert all(e.text not in ("Chancellor", "Captain") for e in entities)


def test_common_words_that_are_town_names_are_not_places(offline: Extractor) -> None:
    entities, _ = offline.extract("Police said the Mobile phone network was down. Reading the report took hours.")
    assert not [e for e in entities if e.label in ("GPE", "LOC")]


def test_organisations_by_head_word(offline: Extractor) -> None:
    entities, _ = offline.extract("The Federal Reserve Board and the Kenyan Ministry of Health issued statements.")
    orgs = {e.canonical for e in entities if e.label == "ORG"}
    assert "Federal Reserve Board" in orgs
    assert "Kenyan Ministry of Health" in orgs or "Ministry of Health" in orgs


def test_corpus_registry_links_a_bare_surname_to_a_full_name_elsewhere(offline: Extractor) -> None:
    texts = [
        "Analysts expect Okonkwo's proposal to pass.",
        "Finance minister Ngozi Okonkwo presented the budget on Monday.",
    ]
    (first, _), (second, _) = list(offline.extract_many(texts))
    bare = [e for e in first if e.text == "Okonkwo"]
    assert bare and bare[0].label == "PERSON" and bare[0].canonical == "Ngozi Okonkwo"
    assert bare[0].entity_id == [e for e in second if e.label == "PERSON"][0].entity_id


def test_offsets_point_into_the_text(offline: Extractor) -> None:
    text = "In Nairobi, \u201cPresident\u201d Ruto\u2019s aide Wanjiru Kamau met reporters from Kenya."
    entities, _ = offline.extract(text)
    assert entities
    assert all(text[e.start : e.end] == e.text for e in entities)


def test_pipeline_name_says_offline(offline: Extractor) -> None:
    assert offline.pipeline_name == "parallax-offline"


def test_company_names_made_of_words_are_not_people(offline: Extractor) -> None:
    text = (
        "A court fined Amara Care Link, a telemedicine firm. Kofi Mensah, director of the Centre for "
        "Energy Law Studies, said Ruta Cargo Terminals had also been warned."
    )
    entities, _ = offline.extract(text)
    people = {e.text for e in entities if e.label == "PERSON"}
    assert people == {"Kofi Mensah"}
    assert "Amara Care Link" in {e.text for e in entities if e.label == "ORG"}


def test_title_modifiers_only_make_titles_before_a_title(offline: Extractor) -> None:
    entities, _ = offline.extract("Health Minister Amara Diallo met Deputy Mayor Jan Kowal.")
    people = {e.canonical for e in entities if e.label == "PERSON"}
    assert people == {"Amara Diallo", "Jan Kowal"}


def test_arabic_article_before_a_name_makes_a_group_not_a_person(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Al Nadira claimed the raid. Fighters of Al-Farouq crossed the river. Al Brennan spoke later, and Brennan left."
    )
    labels = {e.text: e.label for e in entities}
    assert labels["Al Nadira"] == "ORG" and labels["Al-Farouq"] == "ORG"
    assert labels["Al Brennan"] == "PERSON"


def test_county_is_a_place_and_chief_of_staff_is_a_title(offline: Extractor) -> None:
    entities, _ = offline.extract(
        "Chief of Staff Nora Quill flew to Rowan County on Monday. Deputy Clerk Tim Vale stayed in Orleans Parish."
    )
    people = {e.canonical for e in entities if e.label == "PERSON"}
    places = {e.canonical for e in entities if e.label == "GPE"}
    assert {"Nora Quill", "Tim Vale"} <= people
    assert {"Rowan County", "Orleans Parish"} <= places


def test_a_repeated_pair_makes_a_rare_first_name_that_is_also_a_word(offline: Extractor) -> None:
    # "Mitt" is a dictionary word and rare as a name; twice mid-sentence before
    # the same surname, the pair is a person (and the bare surname is theirs).
    entities, _ = offline.extract(
        "Voters cheered Mitt Calloway in Ohio. Later, Mitt Calloway spoke. Ann Calloway waved, and Calloway left."
    )
    people = [e.canonical for e in entities if e.label == "PERSON"]
    assert people.count("Mitt Calloway") == 3 and "Ann Calloway" in people


def test_britain_is_the_united_kingdom(offline: Extractor) -> None:
    entities, _ = offline.extract("Great Britain and Britain are the same country here.")
    assert [(e.label, e.canonical) for e in entities] == [("GPE", "United Kingdom"), ("GPE", "United Kingdom")]
