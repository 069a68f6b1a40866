"""Place linking: noisy alternate names, first-level subdivisions, and
ambiguous names resolved by the article's other places."""

from __future__ import annotations

from indexer.enrich.extract import Extractor
from indexer.enrich.gazetteer import load_gazetteer, plausible_alternate


def _places(extractor: Extractor, text: str) -> dict:
    entities, _ = extractor.extract(text)
    return {e.text: e for e in entities if e.label in ("GPE", "LOC", "FAC")}


def test_alternate_names_must_be_variants_unless_the_place_is_big() -> None:
    assert plausible_alternate("Kiev", "Kyiv", big=False)
    assert plausible_alternate("Cracow", "Kraków", big=False)
    assert plausible_alternate("Odessa", "Odesa", big=False)
    assert plausible_alternate("Krakow", "Kraków", big=False)  # an ASCII folding
    assert not plausible_alternate("Vistula", "Toledo", big=False)
    assert not plausible_alternate("Bahia", "Bahía de Caráquez", big=False)
    assert plausible_alternate("Bombay", "Mumbai", big=True)


def test_noisy_alternates_are_gone_and_real_ones_stay() -> None:
    gaz = load_gazetteer()
    assert gaz.lookup("Vistula") is None  # once Toledo, Ohio's alternate name
    assert gaz.lookup("Bahía") is None
    assert gaz.lookup("Cracow").name == "Kraków"
    assert gaz.lookup("Kiev").name == "Kyiv"
    assert gaz.lookup("Peking").name == "Beijing"
    assert gaz.lookup("Bombay").name == "Mumbai"


def test_a_river_named_with_its_noun_is_a_place_not_a_city(offline: Extractor) -> None:
    text = "A flood barrier on the Vistula river in Kraków gave way early on Tuesday."
    places = _places(offline, text)
    assert places["Vistula"].label == "LOC" and places["Vistula"].entity_id is None
    assert places["Kraków"].country == "PL"


def test_first_level_subdivisions_with_country_and_iso_code(offline: Extractor) -> None:
    text = (
        "Crews from Ontario flew to Manitoba on Monday, while shelling continued in the "
        "Donetsk region and flooding hit Bayern and Wales."
    )
    places = _places(offline, text)
    assert places["Manitoba"].country == "CA" and places["Manitoba"].entity_id == "iso3166-2:CA-MB"
    assert places["Manitoba"].geonames_id is None and places["Manitoba"].lat is None
    assert places["Ontario"].country == "CA"  # the province, not the Californian city
    region = places["Donetsk region"]
    assert region.canonical == "Donetsk Oblast" and region.country == "UA"
    assert places["Bayern"].country == "DE" and places["Wales"].country == "GB"


def test_subdivision_names_that_are_first_names_or_words_are_not_added() -> None:
    gaz = load_gazetteer()
    # Victoria (Australia) is also a first name; "Central" (Paraguay) a word.
    assert all(p.kind != "subdivision" for p in gaz.candidates("Victoria"))
    assert all(p.kind != "subdivision" for p in gaz.candidates("Central"))
    # A subdivision named like a city of its own country stays the city.
    assert gaz.lookup("Valparaíso").kind == "city"


def test_ambiguous_place_takes_the_country_of_the_articles_other_places(offline: Extractor) -> None:
    chilean = (
        "Dockworkers in Valparaíso, one of Chile's busiest ports, walked out. "
        "Some cargo went by road to San Antonio, about 100 kilometres south."
    )
    assert _places(offline, chilean)["San Antonio"].country == "CL"
    texan = "The convention moves to San Antonio next year."
    assert _places(offline, texan)["San Antonio"].country == "US"  # no context: the biggest
    # The place an article keeps naming counts even when it is itself ambiguous.
    repeated = (
        "Ships queued off Valparaiso on Tuesday. Cargo was diverted to San Antonio. In Valparaiso the strike went on."
    )
    places = _places(offline, repeated)
    assert places["San Antonio"].country == "CL" and places["Valparaiso"].country == "CL"


def test_a_place_inside_an_organisation_name_is_not_a_place(offline: Extractor) -> None:
    text = "The Central Coast Dockworkers\u2019 Federation said the strike was indefinite."
    entities, _ = offline.extract(text)
    assert not [e for e in entities if e.label in ("GPE", "LOC")]
    assert [e.text for e in entities if e.label == "ORG"] == ["Central Coast Dockworkers\u2019 Federation"]


def test_a_settlement_introduced_as_a_town_is_a_place_everywhere(offline: Extractor) -> None:
    text = (
        "Officials ordered people out of the town of Pine Hollow Falls on Monday. "
        "Traffic leaving Pine Hollow Falls was heavy."
    )
    places = [e for e in offline.extract(text)[0] if e.label == "GPE"]
    assert [e.text for e in places] == ["Pine Hollow Falls", "Pine Hollow Falls"]


def test_an_odd_alternate_name_of_a_lesser_city_needs_a_locative_cue(offline: Extractor) -> None:
    # GeoNames lists "Hamas" among the alternate names of Hamm (Germany).
    entities, _ = offline.extract("Hamas fighters crossed the line. Later the train stopped in Hamm.")
    places = [e for e in entities if e.label == "GPE"]
    assert [e.text for e in places] == ["Hamm"]


def test_withdrawn_countries_and_short_forms_of_x_and_y_countries_are_places() -> None:
    from indexer.enrich.gazetteer import load_gazetteer

    gazetteer = load_gazetteer()
    soviet = gazetteer.lookup("USSR")
    assert soviet is not None and soviet.kind == "country" and soviet.entity_id == "iso3166-3:SUHH"
    assert gazetteer.lookup("Union of Soviet Socialist Republics") == soviet
    bosnia = gazetteer.lookup("Bosnia")
    assert bosnia is not None and bosnia.name == "Bosnia and Herzegovina"
    assert gazetteer.lookup("Turks") is None  # of Turks and Caicos Islands: a people, not a place
    serbia = gazetteer.lookup("Serbia")
    assert serbia is not None and serbia.country == "RS"  # the current country keeps its name
