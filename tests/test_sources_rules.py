"""The source rules, each on sentences written here, with the model off (rules alone)."""

import pytest

from workbench.text import report_verbs
from workbench.text.attribution import detect_attributions, detect_sources
from workbench.text.splitter import ClaimSpan, split_claims


def rules(*paragraphs, use_model=False):
    """(text, kind) per sentence; sentences given already split, one tuple per paragraph."""
    text, spans = "", []
    for paragraph in paragraphs:
        if text:
            text += "\n"
        for number, sentence in enumerate(paragraph):
            if number:
                text += " "
            spans.append(ClaimSpan(len(spans), len(text), len(text) + len(sentence), sentence))
            text += sentence
    found = detect_attributions(text, spans, use_model=use_model)
    return [(source.text, source.kind) if source else None for source in found]


@pytest.mark.parametrize(
    "sentence, form, lemma",
    [
        ("The inspector indicated that the pipes were old.", "indicated", "indicate"),
        ("Tom Reyes explains that the dam is sound.", "explains", "explain"),
        ("Ana Lind points out that the road is closed.", "points out", "point_out"),
        ("The review recommends that the clinic close.", "recommends", "recommend"),
        ("Ana Lind revealed that the fund was empty.", "revealed", "reveal"),
    ],
)
def test_report_verbs_are_found_in_every_form_by_lemma(sentence, form, lemma):
    assert report_verbs.lemma_of(form) == lemma
    assert rules((sentence,))[0] is not None, sentence


def test_every_form_of_a_lexicon_verb_is_generated():
    assert report_verbs.forms("point_out") == (
        "point out",
        "points out",
        "pointed out",
        "pointing out",
    )
    assert report_verbs.forms("admit")[2:] == ("admitted", "admitting")
    assert report_verbs.lemma_of("Denies") == "deny"


def test_colon_introduced_quote_and_its_continuation():
    assert rules(("Minister Ines Varga: “We will not raise the tax.", "Not this year.”")) == [
        ("Ines Varga", "named_person"),
        ("Ines Varga", "named_person"),
    ]


def test_colon_after_a_pronoun_and_verb():
    assert rules(
        ("Councillor Ruth Obi spoke last.", "She continued: “The depot must stay open.”")
    ) == [None, ("Ruth Obi", "named_person")]


@pytest.mark.parametrize(
    "later", ["Haldane said the tunnel was dry.", "Mira said the tunnel was dry."]
)
def test_a_person_named_as_an_object_is_remembered_by_surname_and_first_name(later):
    found = rules(("The board thanked Mira Haldane for her report.", later))
    assert found[1] == (later.split()[0], "named_person")


def test_an_unknown_single_name_is_still_an_organisation():
    assert rules(("Northwind claimed the town.",)) == [("Northwind", "organization")]


def test_apposition_names_the_person_not_the_role():
    assert rules(("A witness, Sergeant Jane Doe, said the van did not stop.",)) == [
        ("Jane Doe", "named_person")
    ]


@pytest.mark.parametrize(
    "sentence, name",
    [
        ("CEO of the Harbour Trust Omar Bello told reporters the pier was unsafe.", "Omar Bello"),
        ("According to Ambassador to the United Kingdom Lea Moss, talks resumed.", "Lea Moss"),
        ("According to the club's coach, Ivo Petrak, the players were tired.", "Ivo Petrak"),
    ],
)
def test_a_title_does_not_run_into_the_name(sentence, name):
    assert rules((sentence,)) == [(name, "named_person")]


def test_an_office_holder_without_a_name_is_anonymous():
    assert rules(("The Shadow Transport Secretary has criticised the timetable.",)) == [
        ("The Shadow Transport Secretary", "anonymous")
    ]


@pytest.mark.parametrize(
    "sentence, source",
    [
        ("A new survey of 900 farmers has found that yields fell.", "A new survey of 900 farmers"),
        (
            "The findings of the Lakeside survey, released on Monday, showed that yields fell.",
            "The findings of the Lakeside survey",
        ),
    ],
)
def test_documents_as_subjects(sentence, source):
    assert rules((sentence,)) == [(source, "document")]


def test_critics_of_a_bill_are_an_unnamed_group():
    assert rules(("Critics of the bill argue that it favours landlords.",)) == [
        ("Critics of the bill", "anonymous")
    ]


def test_security_experts_roundly_criticised():
    assert rules(("Security experts roundly criticised the scheme.",)) == [
        ("Security experts", "anonymous")
    ]


def test_passive_with_an_agent_and_without():
    assert rules(
        ("The plan was criticised by the Farmers Union.", "The plan has been criticised as late.")
    ) == [("the Farmers Union", "organization"), None]


def test_the_first_of_two_co_speakers_is_the_source():
    assert rules(
        ("Both the Port Authority and the Harbour Police have said the gate was shut.",)
    ) == [("Port Authority", "organization")]


def test_he_means_the_subject_not_the_latest_name():
    assert rules(
        ("Lena Korver met the governor, Abel Tran, on Monday.", "She said the meeting went well.")
    ) == [None, ("Lena Korver", "named_person")]


def test_a_country_speaking_is_an_organisation():
    assert rules(("South Sudan says the border is open.",)) == [("South Sudan", "organization")]


def test_a_noun_like_verb_form_needs_a_clause():
    assert rules(("Central American states Belize and Panama sent observers.",)) == [None]


def test_question_mark_inside_a_title_then_a_comma_stays_one_sentence():
    text = 'He wrote "Who decides?", which sold well. Her essay Why Now?, out in May, did not.'
    assert [span.text for span in split_claims(text)] == [
        'He wrote "Who decides?", which sold well.',
        "Her essay Why Now?, out in May, did not.",
    ]


def test_methods_and_candidates():
    text = "Jane Doe met Tom Reyes. She said the deal was done."
    (first, first_candidates), (second, candidates) = detect_sources(
        text, split_claims(text), use_model=False
    )
    assert first is None
    assert [candidate[0] for candidate in first_candidates] == ["Jane Doe", "Tom Reyes"]
    assert (second.text, second.method) == ("Jane Doe", "back-reference")
    assert second.candidates == candidates


def test_quoted_continuation_is_marked_as_a_quotation():
    text = "“We tried. We failed,” said Jane Doe."
    found = detect_attributions(text, split_claims(text), use_model=False)
    assert [(source.text, source.method) for source in found] == [
        ("Jane Doe", "quotation"),
        ("Jane Doe", "rule"),
    ]
