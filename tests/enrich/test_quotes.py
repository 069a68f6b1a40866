"""Quote finding and speaker attribution, on text written for these tests."""

from __future__ import annotations

from indexer.enrich.extract import Extractor


def _quotes(extractor: Extractor, text: str):
    return extractor.extract(text)[1]


def test_offsets_index_the_quoted_words_without_marks(offline: Extractor) -> None:
    text = "The mayor arrived late. \u201cWe will rebuild the bridge,\u201d Mayor Helen Ortiz said on Tuesday."
    [quote] = _quotes(offline, text)
    assert text[quote.start : quote.end] == quote.text == "We will rebuild the bridge"
    assert quote.speaker == "Helen Ortiz"
    assert quote.speaker_canonical == "Helen Ortiz" and quote.speaker_id == "person:helen-ortiz"


def test_straight_single_and_said_before_forms(offline: Extractor) -> None:
    text = (
        "Carlos Mendes spoke to reporters outside. He told the Herald: 'The water rose in minutes.'\n"
        'A spokesman said: "The road will stay closed until Friday."'
    )
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == ["The water rose in minutes.", "The road will stay closed until Friday."]
    assert quotes[0].speaker_canonical == "Carlos Mendes"  # "He" resolved
    assert quotes[1].speaker == "A spokesman" and quotes[1].speaker_canonical is None


def test_apostrophes_never_close_a_single_quote(offline: Extractor) -> None:
    text = (
        "\u2018The farmers\u2019 fields are gone and the children\u2019s school didn\u2019t open,\u2019 said Ana Ruiz."
    )
    [quote] = _quotes(offline, text)
    assert quote.text == "The farmers\u2019 fields are gone and the children\u2019s school didn\u2019t open"
    assert quote.speaker == "Ana Ruiz"


def test_quote_continued_over_paragraphs_keeps_its_speaker(offline: Extractor) -> None:
    text = (
        '"We heard the sirens first," Tomas Berger said.\n'
        '"Then the lights went out across the whole valley.\n'
        '"Nobody knew where to go."\n'
        "The storm passed by morning."
    )
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == [
        "We heard the sirens first",
        "Then the lights went out across the whole valley.",
        "Nobody knew where to go.",
    ]
    assert {q.speaker_canonical for q in quotes} == {"Tomas Berger"}


def test_interrupted_quote_is_two_quotes_with_one_speaker(offline: Extractor) -> None:
    text = "\u201cI was at the window,\u201d said Priya Nair, \u201cand I saw the truck turn over.\u201d"
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == ["I was at the window", "and I saw the truck turn over."]
    assert [q.speaker for q in quotes] == ["Priya Nair", "Priya Nair"]


def test_scare_quotes_are_not_quotes_but_short_attributed_speech_is(offline: Extractor) -> None:
    text = 'Officials described a \u201csecret garden\u201d behind the depot.\n"I screamed," she said.'
    assert [q.text for q in _quotes(offline, text)] == ["I screamed"]


def test_partial_quote_inside_a_sentence(offline: Extractor) -> None:
    text = "The ministry dismissed the report as \u201ca fabrication meant to mislead foreign readers\u201d on Monday."
    [quote] = _quotes(offline, text)
    assert quote.text == "a fabrication meant to mislead foreign readers"


def test_pronoun_resolves_to_the_last_named_speaker(offline: Extractor) -> None:
    text = "\u201cThe vote is not over,\u201d said Senator Mark Ellison.\n\u201cWe will keep counting,\u201d he added."
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Mark Ellison", "Mark Ellison"]


def test_unattributed_quote_paragraph_after_indirect_speech_is_that_speakers(offline: Extractor) -> None:
    # From the bundled demo corpus (civic-wire.jsonl, CC0).
    text = (
        "\u201cLeave now. Don\u2019t wait for a knock on the door,\u201d Mayor Denise Thorvaldson urged residents.\n\n"
        "Kyle Ostrowski, a provincial wildfire information officer, said a change in wind direction on Monday "
        "afternoon had driven the fire several kilometres in a matter of hours.\n\n"
        "\u201cThe crews did good work over the weekend. Then the wind turned.\n\n"
        "\u201cThat\u2019s where we are this morning.\u201d\n\n"
        "No injuries have been reported."
    )
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Denise Thorvaldson", "Kyle Ostrowski", "Kyle Ostrowski"]


def test_pronoun_indirect_speech_names_the_speaker_of_the_next_quote(offline: Extractor) -> None:
    text = (
        "\u201cWe will win,\u201d said Rosa Ibarra.\n"
        "Tomas Vidal, 52, has driven trucks for 23 years. He said the new rules would hurt.\n"
        "\u201cThey tell us it is safer. Maybe it is.\u201d"
    )
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Rosa Ibarra", "Tomas Vidal"]


def test_a_sentence_after_the_closing_mark_is_not_its_attribution(offline: Extractor) -> None:
    text = (
        'Kevin Odhiambo, head of communications, said the firm was "studying the judgment carefully". '
        'He said there was "no evidence that any record was misused".'
    )
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Kevin Odhiambo", "Kevin Odhiambo"]
    assert all(not (q.speaker or "").startswith(".") for q in quotes)


def test_speaker_with_an_appositive_after_the_quote(offline: Extractor) -> None:
    text = '"We are against a future without us," Marta Quiroga, the federation\'s president, told a rally.'
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Marta Quiroga"


# --- rules added with the 14-article AllSides gold ---------------------------


def test_short_partial_quote_after_a_naming_verb_is_a_quote(offline: Extractor) -> None:
    text = (
        "Senator Lena Marsh called the delay \u201cunacceptable\u201d on Monday. "
        "She described the new levy as \u201ca welcome step\u201d for farmers."
    )
    quotes = _quotes(offline, text)
    assert [q.text for q in quotes] == ["unacceptable", "a welcome step"]
    assert [q.speaker_canonical for q in quotes] == ["Lena Marsh", "Lena Marsh"]


def test_naming_without_an_object_or_as_stays_a_scare_quote(offline: Extractor) -> None:
    text = (
        "Residents say they found a \u201cpanic room\u201d under the mill. "
        "A group called \u201cthe river keepers\u201d met there. "
        "The council described a \u201csecret garden\u201d behind the depot."
    )
    assert _quotes(offline, text) == []


def test_titles_of_shows_in_quote_marks_are_not_quotes(offline: Extractor) -> None:
    text = (
        "Governor Ruth Alvarez told CBS\u2019s \u201cMorning Table With Dan Ellis\u201d that the plan works. "
        "She spoke on \u201cThe Evening Hour.\u201d"
    )
    assert _quotes(offline, text) == []


def test_a_sentence_ending_quote_takes_no_attribution_from_the_next_sentence(offline: Extractor) -> None:
    text = (
        "Ministers said they will act soon to impose \u201cstronger penalties on the port owners.\u201d "
        "The statement says more steps may follow."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker != "The statement"


def test_coordinated_speech_verb_takes_the_sentence_subject(offline: Extractor) -> None:
    text = 'Officer Paul Brandt checked the papers.\nHe took the fee, handed them a receipt and said, "Good luck."'
    [quote] = _quotes(offline, text)
    assert quote.text == "Good luck."
    assert quote.speaker_canonical == "Paul Brandt"


def test_participle_after_a_comma_gives_the_sentence_subject(offline: Extractor) -> None:
    text = 'Judge Mara Keene handed the boy a medal, telling him, "Wear it with pride."'
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Mara Keene"


def test_later_quotes_in_a_sentence_keep_its_speaker(offline: Extractor) -> None:
    text = (
        'The bakery told the paper it was "deeply shaken by the fire" after Tom Reyes spoke out and that he is '
        '"no longer working for the company in any role."'
    )
    quotes = _quotes(offline, text)
    assert [q.speaker for q in quotes] == ["The bakery", "The bakery"]


def test_pronoun_at_the_end_of_a_speaker_phrase_is_resolved(offline: Extractor) -> None:
    text = 'Councillor Ann Pike wrote a post. The next day she said she "regretted upsetting so many people."'
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Ann Pike"


def test_speaker_named_in_an_appositive_with_initials(offline: Extractor) -> None:
    text = (
        "\u201cThe depot has been neglected for years,\u201d the group\u2019s spokesperson, Mark T. Olsen, "
        "said in a statement."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Mark T. Olsen"


def test_unnamed_speaker_with_a_who_clause_after_the_quote(offline: Extractor) -> None:
    text = (
        "\u201cNobody listens to the night shift,\u201d a former warehouse worker who asked not to be named "
        "told the paper."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker == "a former warehouse worker"


def test_speaker_at_the_end_of_the_sentence_after_a_partial_quote(offline: Extractor) -> None:
    text = (
        "The guard \u201cfired without any warning at all\u201d into the yard, Police Chief Omar Haddad wrote "
        "in the report."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Omar Haddad"


# --- pronouns: the person they refer to (antecedents.py) ---------------------


def test_pronoun_names_the_person_reported_speaking_at_the_end_of_the_last_sentence(offline: Extractor) -> None:
    text = (
        "Kim Dalrymple agreed at the summit to work toward a deal.\n"
        "The plan needs verification, analyst Vipul Naranjo said.\n"
        "\u201cIt is rational for them to wait,\u201d he said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Vipul Naranjo"


def test_pronoun_skips_a_person_the_article_gives_the_other_gender(offline: Extractor) -> None:
    text = (
        "Ms. Orla Fenwick debated Mr. Tobias Mrazek on Tuesday.\n"
        "Fenwick questioned the plan, and Mrazek answered at length.\n"
        "\u201cI think you need judgment on day one,\u201d she said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Orla Fenwick"


def test_pronoun_prefers_the_main_clause_subject_to_a_name_in_a_subordinate_clause(offline: Extractor) -> None:
    text = (
        "Senator Dana Whitcombe spoke in Ogden on Friday.\n"
        "Whitcombe was asked whether Governor Paul Renner should resign.\n"
        "\u201cI would have to look at the evidence first,\u201d he said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Dana Whitcombe"


def test_a_possessive_or_an_object_is_no_antecedent(offline: Extractor) -> None:
    text = (
        "Priya Castellano met reporters after the vote.\n"
        "Some experts disputed Ibrahim Oyelaran\u2019s time frame, and she answered them.\n"
        "\u201cWe can move very quickly,\u201d she said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Priya Castellano"


def test_a_relative_named_in_apposition_is_the_pronouns_person(offline: Extractor) -> None:
    text = (
        "Hollis\u2019 husband, Jem Hollis, was also outside the courthouse.\n"
        "\u201cWe don\u2019t hate these people,\u201d he said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Jem Hollis"


def test_a_sentence_opening_with_a_pronoun_names_no_new_person(offline: Extractor) -> None:
    text = (
        "\u201cThe numbers are not in yet,\u201d said Marisol Quintero.\n"
        "She and her husband have run the shop for years.\n"
        "\u201cWe are staying open,\u201d she said."
    )
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Marisol Quintero", "Marisol Quintero"]


# --- speakers named by a role or a body; titles, headlines, list items -------


def test_a_role_speaker_is_the_latest_subject_with_that_role(offline: Extractor) -> None:
    text = (
        "Former Vice President Joan Hadley spoke in Dover on Monday.\n"
        "Hadley was livelier than in the past.\n"
        "\u201cI took a hit in the first state,\u201d the former vice president said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker == "the former vice president" and quote.speaker_canonical == "Joan Hadley"


def test_officials_of_a_named_body_speak_for_it(offline: Extractor) -> None:
    text = "\u201cMasks will be provided at the door,\u201d Brightwater Council officials said on Tuesday."
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Brightwater Council"


def test_a_speaker_phrase_loses_what_ran_into_its_verb(offline: Extractor) -> None:
    text = (
        "Lena Okonkwo said at the debate that she has been consistent, but in 2018 she wrote: "
        "\u201cI favor the plan, as I favor any measure that covers everyone.\u201d"
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Lena Okonkwo"


def test_headlines_of_other_articles_in_quote_marks_are_not_quotes(offline: Extractor) -> None:
    text = (
        "The foundation is generating the kind of coverage no candidate wants.\n"
        '"Former Governor Cashed In When His Wife Became Secretary of State," was how one network put it.\n'
        "As a magazine put it: \u201cA Straight, White, Multimillionaire Pop Star Had a Great Year.\u201d\n"
        "\u201cIt was a hard year,\u201d opens a piece nicely titled \u201c10 Albums to Help You Heal from the "
        "Trauma of the Year,\u201d which ran on Friday."
    )
    assert [q.text for q in _quotes(offline, text)] == ["It was a hard year"]


def test_list_items_in_quote_marks_are_not_quotes(offline: Extractor) -> None:
    text = (
        "Read more from our archive:\n"
        "\u2022 \u201cWhy the river keeps rising and nobody has a plan for the winter\u201d\n"
        "\u2022 \u201cThe bridge that was promised five times and never built in our town\u201d\n"
        "\u201cWe will rebuild the bridge this year,\u201d Mayor Ilse Bauer said."
    )
    quotes = _quotes(offline, text)
    assert [q.speaker_canonical for q in quotes] == ["Ilse Bauer"]


def test_her_remarks_are_hers(offline: Extractor) -> None:
    text = (
        "Rep. Amara Delacroix spoke at a reception near the Capitol on Thursday night.\n"
        "Her closing remarks: \u201cWe are going to win this fight for our district.\u201d"
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Amara Delacroix"


def test_an_organisation_before_a_title_and_name_is_not_part_of_the_person(offline: Extractor) -> None:
    text = "\u201cWe are ready,\u201d Department of Energy Acting Deputy Secretary Ken Bramwell told reporters."
    entities, [quote] = offline.extract(text)
    assert [(e.text, e.label) for e in entities] == [("Department of Energy", "ORG"), ("Ken Bramwell", "PERSON")]
    assert quote.speaker_canonical == "Ken Bramwell"


def test_the_person_spoken_to_is_not_the_pronouns_speaker(offline: Extractor) -> None:
    text = (
        "Police spokesman Trent Okafor described the arrest on Tuesday.\n"
        "The officer told Ravel Brisco to show his hands, but Brisco ran, Okafor said.\n"
        "\u201cDuring the struggle, the suspect reached into his pocket,\u201d he said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical == "Trent Okafor"


def test_a_hyphenated_role_opening_a_sentence_is_an_antecedent(offline: Extractor) -> None:
    text = (
        "The agency came under fire from Senator Rhoda Quill on Monday.\n"
        "The agency\u2019s director-general defended its work in response to Quill\u2019s criticism. "
        "\u201cThis is a time for all of us to be united,\u201d he said."
    )
    [quote] = _quotes(offline, text)
    assert quote.speaker_canonical != "Rhoda Quill"
