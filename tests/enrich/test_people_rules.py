"""Person rules from the CoNLL error kinds (issue 11), on text written for
these tests: line-ups and results lists, headlines in capitals, a company's
legal form, and bare one-word names in the facets."""

from __future__ import annotations

from indexer.enrich.extract import Extractor


def _people(extractor: Extractor, text: str) -> dict[str, str]:
    """Person mentions as written → canonical."""
    return {e.text: e.canonical for e in extractor.extract(text)[0] if e.label == "PERSON"}


def test_a_line_up_of_names_is_read_as_names_not_as_a_headline(offline: Extractor) -> None:
    # Every word of a line-up is capitalised, like a Title Case headline; its commas say it is a list.
    text = (
        "The visitors named their side on Friday.\n"
        "Teams :\n"
        "Korvania - Tamsin Orlov ( captain ) , Idris Velakan , Oskar Brennid , Juna Taverel ,\n"
        "Pelle Mourad , Anik Sorvandi .\n"
    )
    people = _people(offline, text)
    assert {"Idris Velakan", "Oskar Brennid", "Juna Taverel", "Anik Sorvandi"} <= set(people)


def test_unknown_words_in_a_list_of_people_are_people(offline: Extractor) -> None:
    text = (
        "Eduard Krovanek and Milo Stafferd scored for the visitors.\n"
        "Line-up : Krovanek , Stafferd , Tulliver , Orbask , Quennel .\n"
    )
    people = _people(offline, text)
    assert {"Tulliver", "Orbask", "Quennel"} <= set(people)
    # A list of unknown words with fewer than two people in it says nothing.
    assert "Varnoth" not in _people(offline, "The firms Varnoth , Delquist and Ombrel merged on Monday .")


def test_a_surname_in_a_headline_in_capitals_is_the_person_the_article_names(offline: Extractor) -> None:
    text = (
        "TENNIS - DRAVENKO AND KESTRIL SURVIVE LATE SCARES .\n"
        "Tomas Dravenko and Ilse Kestril both came from a set down on Thursday .\n"
        "Dravenko served 14 aces .\n"
    )
    people = _people(offline, text)
    assert people["DRAVENKO"] == "Tomas Dravenko" and people["KESTRIL"] == "Ilse Kestril"
    # A pair in capitals is the full name.
    people = _people(offline, "BOXING - RENATA OSWELL KEEPS HER TITLE .\nRenata Oswell won on points .\n")
    assert people["RENATA OSWELL"] == "Renata Oswell"
    # A word in capitals the article names nobody by stays unnamed.
    assert "SCARES" not in _people(offline, text) and "SURVIVE" not in _people(offline, text)


def test_a_legal_form_ends_a_company_name(offline: Extractor) -> None:
    entities, _ = offline.extract("Shares of the packaging group Trovell SA fell on Friday , and Trovell said more .")
    labels = {e.text: e.label for e in entities}
    assert labels["Trovell SA"] == "ORG" and labels.get("Trovell") != "PERSON"


def test_a_publication_is_an_organisation_in_every_mention(offline: Extractor) -> None:
    text = (
        "Privatisation of the chain was delayed , Brzosko Wolnica daily said on Friday .\n"
        "Brzosko Wolnica said the ministry would decide in May .\n"
        "The agency was quoted by the daily Kalmer Vostrand on Saturday .\n"
    )
    entities, _ = offline.extract(text)
    labels = [(e.text, e.label) for e in entities if e.text in ("Brzosko Wolnica", "Kalmer Vostrand")]
    assert labels == [("Brzosko Wolnica", "ORG"), ("Brzosko Wolnica", "ORG"), ("Kalmer Vostrand", "ORG")]
    # A news agency named so once is no person where it speaks.
    text = "Talvask news agency reported the fire . Police had closed the road , Talvask said ."
    assert {e.label for e in offline.extract(text)[0] if e.text == "Talvask"} == {"ORG"}


def test_a_county_is_a_place_not_its_town_nor_a_person(offline: Extractor) -> None:
    entities, _ = offline.extract("The sheriff of Hamilton County said the road near Bergen County was closed .")
    assert [(e.text, e.label) for e in entities] == [("Hamilton County", "GPE"), ("Bergen County", "GPE")]


def test_a_first_name_that_is_also_a_title_after_a_title_is_a_first_name(offline: Extractor) -> None:
    people = _people(offline, "Sen. Dean Marwick , R-Nev. , voted no . Marwick said he would wait .")
    assert people == {"Dean Marwick": "Dean Marwick", "Marwick": "Dean Marwick"}


def test_a_pope_or_a_king_is_faceted_with_the_title(offline: Extractor) -> None:
    people = _people(offline, "Pope Anselm met the envoys on Monday . Anselm said peace was near .")
    assert set(people.values()) == {"Pope Anselm"}


def test_a_town_stays_a_town_when_the_registry_knows_several_people_by_its_name() -> None:
    fresh = Extractor(model="parallax-test-no-such-pipeline")  # a registry of its own
    texts = [
        "Olivia Kettering, a historian, spoke on Monday.",
        "Marcus Kettering, a lawyer, spoke on Tuesday.",
        "Protests in Kettering went on for a week, as in Northampton. Kettering has been quiet since.",
        "Crowds marched through Northampton at night. Kettering has been quiet since the protests.",
    ]
    results = list(fresh.extract_many(texts))
    for entities, _ in results[2:]:
        assert not [e for e in entities if e.text == "Kettering" and e.label == "PERSON"]


def test_a_company_that_posts_is_no_person(offline: Extractor) -> None:
    people = _people(
        offline, "Newspapers drive the reporting . Zanthrop posts on current events come from news sites ."
    )
    assert "Zanthrop" not in people


def test_a_place_name_before_a_double_surname_is_a_first_name(offline: Extractor) -> None:
    people = _people(
        offline, "Voters chose Alexandria Brevik-Ostrand of Ohio . Brevik-Ostrand said she would vote no ."
    )
    assert "Alexandria Brevik-Ostrand" in people


def test_a_title_word_that_ends_a_name_is_its_surname(offline: Extractor) -> None:
    people = _people(offline, "The co-premiers Norrik Talvane and Vosk Sen agreed on Monday .")
    assert "Vosk Sen" in people


def test_after_a_lower_case_role_two_words_are_a_name_even_with_a_dictionary_surname(offline: Extractor) -> None:
    assert "Tarvin Bracken" in _people(offline, "The visitors scored through scrum-half Tarvin Bracken late on .")


def test_dean_before_a_surname_is_a_first_name_and_a_regnal_number_stays_with_the_name(offline: Extractor) -> None:
    people = _people(offline, "Scorers : Dean Vollmar ( 2nd minute ) , Osric Talle ( 25th ) .")
    assert "Dean Vollmar" in people
    assert not _people(offline, "The Dean of Students closed the hall .")
    assert _people(offline, "1533 - Queen Isolde I born .") == {"Isolde I": "Queen Isolde I"}


def test_a_dictionary_word_or_a_title_is_the_surname_of_the_full_name_the_article_gives(offline: Extractor) -> None:
    text = (
        "Defending champion Nate Glazier kept his title on Saturday .\n"
        "Glazier raised the pace in the fifth round .\n"
        '" I got the right horses , " said captain Billie Jean Prince . " We will wait , " said Prince .\n'
    )
    people = _people(offline, text)
    assert people["Glazier"] == "Nate Glazier" and people["Prince"] == "Billie Jean Prince"
    # Without a full name they stay words.
    assert not _people(offline, "Glazier raised the pace in the fifth round .")


def test_in_sports_a_dictionary_first_name_before_a_big_city_is_a_club(offline: Extractor) -> None:
    text = (
        "The striker scored twice as the visitors beat the champions in the league match .\n"
        "The coach Tomasz Verell praised the goalkeeper after the draw with Real Madrid , and the fans sang .\n"
    )
    labels = {e.text: e.label for e in offline.extract(text)[0]}
    assert labels["Real Madrid"] == "ORG" and labels["Tomasz Verell"] == "PERSON"
    # Outside sports the first name and the town stay a person.
    assert _people(offline, "Senator Grant Madrid said the bill would pass .") == {"Grant Madrid": "Grant Madrid"}


def test_names_sharing_an_unknown_first_word_are_things_not_people(offline: Extractor) -> None:
    text = (
        "1. Ilvo Marchetti ( Italy ) , Veskard Honda , 53.980\n"
        "2. Tomas Rield ( Austria ) , Veskard Torvan , 54.120\n"
        "3. Paulo Andrin ( Brazil ) , Veskard Hondel , 54.300\n"
    )
    entities, _ = offline.extract(text)
    labels = {e.text: e.label for e in entities}
    assert labels["Veskard Honda"] == labels["Veskard Torvan"] == "ORG"
    assert labels["Ilvo Marchetti"] == labels["Tomas Rield"] == "PERSON"


def test_a_list_needs_commas_and_people_on_both_sides(offline: Extractor) -> None:
    people = _people(offline, "Compare Donald Tarvitt , Richard Ostley and Zalgate : what is the same ?")
    assert "Zalgate" not in people


def test_name_particles_belong_to_the_name(offline: Extractor) -> None:
    people = _people(offline, "Mayor Orrin de Valcourt spoke . Later , de Valcourt said no .")
    assert set(people) == {"Orrin de Valcourt", "de Valcourt"}
    people = _people(offline, "Springbok scrum-half Joost van der Kelmwe was his side 's inspiration .")
    assert "Joost van der Kelmwe" in people


def test_a_company_keeps_its_first_word_when_its_name_has_a_legal_form(offline: Extractor) -> None:
    text = "Marcus Medical Industries Inc completed the deal on Friday . Marcus said profits would rise ."
    labels = {e.text: e.label for e in offline.extract(text)[0]}
    assert labels["Marcus"] == "ORG"
