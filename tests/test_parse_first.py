"""Sources read from the parse first (workbench.text.attribution with the model): the
patterns that the rules alone got wrong on news they were not written against.

The texts are written for these tests; each case is one general pattern, not a sentence
from any measured article.
"""

import pytest

from workbench.text import spacy_model
from workbench.text.attribution import CONFIDENT, detect_attributions
from workbench.text.splitter import split_claims

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not spacy_model.model_available(), reason="the model is a dependency"),
]


def sources(text):
    """(text, kind) of each claim's source, None where the article asserts it."""
    found = detect_attributions(text, split_claims(text), use_model=True)
    return [(source.text, source.kind) if source else None for source in found]


def last(text):
    return sources(text)[-1]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The city said the water was safe to drink.", ("The city", "organization")),
        ("The court ruled that the law was unconstitutional.", ("The court", "organization")),
        ("The magazine reported that sales had doubled.", ("The magazine", "organization")),
        ("The scientists found that the ice was melting.", ("The scientists", "anonymous")),
        ("One attendee said the speech was too long.", ("One attendee", "anonymous")),
        ("A second said it was inspiring.", ("A second", "anonymous")),
        (
            "Posts on a message board said the attack was planned.",
            ("Posts on a message board", "document"),
        ),
        ("Per the police report, the driver was drunk.", ("the police report", "document")),
        ("Many have voiced concerns about the plan.", ("Many", "anonymous")),
        ("Teachers unions said the plan would hurt schools.", ("Teachers unions", "organization")),
        (
            "Local news outlets reported that the road was closed.",
            ("Local news outlets", "organization"),
        ),
    ],
    ids=[
        "city",
        "court-ruled",
        "magazine",
        "scientists-found",
        "one-attendee",
        "a-second",
        "posts",
        "per",
        "voiced-concerns",
        "plural-unions",
        "plural-outlets",
    ],
)
def test_common_noun_subjects_report(sentence, expected):
    assert sources(sentence) == [expected]


@pytest.mark.parametrize(
    "sentence",
    [
        "The incident has been criticised as reckless.",  # agentless passive
        "So far no group has claimed responsibility for the attack.",
        "In April, the president agreed to resume imports.",  # an intention
        "Riot police responded by spraying water at the crowd.",  # an act
        "Police found a body near the river.",  # finding things, not facts
        "The storm claimed ten lives in the valley.",
    ],
)
def test_sentences_that_attribute_nothing(sentence):
    # Where the rules still see a source the parse does not, it is only a suggestion.
    (source,) = detect_attributions(sentence, split_claims(sentence), use_model=True)
    assert source is None or source.confidence < CONFIDENT


def test_a_speaker_before_a_colon_and_every_sentence_of_the_quote():
    text = 'Prosecutor Maria Lopez: "We will appeal the verdict. The evidence was clear."'
    assert sources(text) == [("Maria Lopez", "named_person")] * 2


def test_a_surname_is_the_person_named_in_full_before():
    text = (
        "The case was heard by Judge Alan Brooks on Monday. "
        "Brooks said the defendant had shown no remorse."
    )
    assert last(text) == ("Brooks", "named_person")


def test_a_role_before_a_name_in_apposition_makes_a_person():
    text = "Another witness, Tom Reyes, said the car was speeding."
    assert sources(text) == [("Tom Reyes", "named_person")]


def test_a_name_after_a_role_of_an_organisation_is_the_person():
    text = "Chief executive of the Refugee Council Ana Lind told reporters the plan was cruel."
    assert sources(text) == [("Ana Lind", "named_person")]


def test_he_is_the_last_speaker_not_the_last_name_seen():
    text = (
        'Coach Brian Hale praised his players. "We played well," Hale said. '
        "The only goal came from Omar Diaz in the second half. "
        '"It was a team effort," he said.'
    )
    assert last(text) == ("Brian Hale", "named_person")


def test_he_is_never_a_man_named_inside_his_own_quote():
    text = 'Tom Reyes spoke first. "I trust Alan Brooks completely," he said.'
    assert last(text) == ("Tom Reyes", "named_person")


def test_she_and_he_follow_what_titles_said_of_people():
    text = "Mr. Paul Grant met Mrs. Lena Ortiz on Friday. She said the talks had gone well."
    assert last(text) == ("Lena Ortiz", "named_person")


def test_both_men_are_the_two_people_just_named():
    text = "Police questioned Tom Reyes and Alan Brooks. Both men said they were innocent."
    assert last(text) == ("Tom Reyes", "named_person")


def test_the_statement_is_its_issuers():
    text = (
        "The ministry issued a statement on Tuesday. "
        "The statement said the border would stay closed."
    )
    assert last(text) == ("The ministry", "organization")


def test_a_document_with_an_owner_is_its_owners_via_the_document():
    (source,) = detect_attributions(
        text := "Ana Lind's statement said the film would go ahead.",
        split_claims(text),
        use_model=True,
    )
    assert (source.text, source.kind) == ("Ana Lind", "named_person")
    assert (source.medium.text, source.medium.kind) == ("Ana Lind's statement", "document")


@pytest.mark.parametrize(
    "sentence, speaker",
    [
        ("Jane Doe said Ali Khan testified that the car was red.", "Jane Doe"),
        ("Prosecutors, he said, had always suspected others.", None),
    ],
    ids=["nested-report", "parenthetical"],
)
def test_the_outer_report_wins(sentence, speaker):
    found = sources(sentence)[0]
    if speaker is None:
        assert found == ("he", "anonymous")  # no one to refer to: its own words
    else:
        assert found == (speaker, "named_person")


def test_the_verb_that_opens_a_quote_names_its_speaker():
    text = (
        'The paper quoted several critics, with campaigner Ana Lind stating: "This form is unfair."'
    )
    assert sources(text) == [("Ana Lind", "named_person")]


def test_citing_and_according_to_give_the_originator_and_its_medium():
    text = "According to the Tass agency, quoting the defence ministry, the drill ended."
    (source,) = detect_attributions(text, split_claims(text), use_model=True)
    assert (source.text, source.kind) == ("the defence ministry", "organization")
    assert source.medium.text == "the Tass agency"


def test_confidence_is_high_where_parse_and_rules_agree_and_low_for_rules_alone():
    agreed = detect_attributions(t := "Jane Doe said the bridge was safe.", split_claims(t))[0]
    assert agreed.confidence >= 0.9
    # The rules read "a police" as a source; the parse sees no report at all.
    alone = detect_attributions(
        t := "Mr. Bao decided not to make a police report.", split_claims(t)
    )[0]
    assert alone is None or alone.confidence < CONFIDENT


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # Whom a role is for is not the role's name, whatever the recogniser calls it.
        (
            "A spokesman for Metrolink said the budget included a contingency fund.",
            ("A spokesman for Metrolink", "anonymous"),
        ),
        # A role compounded in front of a name makes it a person's name.
        (
            "Council leader Marcus Hale said the line would take 8,000 cars off the road.",
            ("Marcus Hale", "named_person"),
        ),
        # An institution in apposition names an organisation.
        (
            "The city's transport authority, Metrolink, said work would begin in spring.",
            ("Metrolink", "organization"),
        ),
    ],
    ids=["role-for-a-name", "role-compound", "institution-apposition"],
)
def test_what_a_role_next_to_a_name_says_of_it(sentence, expected):
    assert sources(sentence) == [expected]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        (
            "The Eastfield Chamber of Commerce said in a statement that it was welcome.",
            ("Eastfield Chamber of Commerce", "organization"),
        ),
        (
            "The Ministry of Defence said two soldiers died.",
            ("Ministry of Defence", "organization"),
        ),
        (
            "He faces 20 years in prison, according to the U.S. Attorney's Office.",
            ("U.S. Attorney's Office", "organization"),
        ),
    ],
    ids=["of-tail", "ministry-of", "possessive-office"],
)
def test_an_organisations_whole_name_is_its_span(sentence, expected):
    assert sources(sentence) == [expected]


def test_a_verb_quoted_inside_what_he_said_is_not_the_speaker():
    text = (
        "Foreign Minister Yusuf Karam told parliament that the talks would go on. "
        "But he said the army would respond “decisively” to any further attacks."
    )
    source = last(text)
    assert source[1] == "named_person" and source[0].endswith("Yusuf Karam")
