"""Sources in Spanish, read by the rules with the Spanish pack (workbench.text.cue_rules,
workbench.text.spanish): cues, inverted subjects, pro-drop, "según", kinds.

The texts are written for these tests, one general pattern each.
"""

import pytest

from workbench.text.languages import detect_language, find_sources
from workbench.text.splitter import split_claims


def sources(text):
    found = find_sources(text, split_claims(text, "es"), "es")
    return [(source.text, source.kind) if source else None for source, _ in found]


def last(text):
    return sources(text)[-1]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("La ministra Ana López afirmó que el plan es viable.", ("Ana López", "named_person")),
        (
            "El presidente de Aerovía, Juan Ruiz, dijo a la prensa que no venderá la empresa.",
            ("Juan Ruiz", "named_person"),
        ),
        (
            '"Vamos a ganar", aseguró el entrenador del equipo.',
            ("el entrenador del equipo", "anonymous"),
        ),
        (
            "Según fuentes del ministerio, la reunión fue un éxito.",
            ("fuentes del ministerio", "anonymous"),
        ),
        (
            "Según informó hoy la Cadena Norte, el alcalde dimitió.",
            ("la Cadena Norte", "organization"),
        ),
        ("A juicio de los expertos, la medida llega tarde.", ("los expertos", "anonymous")),
        (
            "El Gobierno de Chile anunció que subirá los impuestos.",
            ("El Gobierno de Chile", "organization"),
        ),
        ("El PSRT afirmó que votará en contra.", ("PSRT", "organization")),
        ("Austria ha comunicado que no enviará tropas.", ("Austria", "organization")),
        ("Fuentes diplomáticas confirmaron hoy el acuerdo.", ("Fuentes diplomáticas", "anonymous")),
    ],
    ids=[
        "title-name",
        "role-apposition",
        "inverted-after-quote",
        "segun-fuentes",
        "segun-informo",
        "a-juicio-de",
        "government",
        "acronym",
        "country",
        "bare-plural",
    ],
)
def test_a_source_per_pattern(sentence, expected):
    assert sources(sentence) == [expected]


def test_a_pro_drop_verb_is_the_last_speaker():
    text = (
        "El diputado Carlos Benítez aseguró que seguirá en política. "
        "Añadió que no teme a las amenazas."
    )
    assert last(text) == ("Carlos Benítez", "named_person")


def test_a_surname_is_the_person_named_in_full_before():
    text = "La jueza Marta Gil abrió el juicio. Gil declaró que la prueba era sólida."
    assert last(text) == ("Gil", "named_person")


def test_a_document_of_a_named_organisation_is_the_organisations():
    text = "El informe del Banco Central señala que la inflación bajará."
    (found,) = find_sources(text, split_claims(text, "es"), "es")
    source = found[0]
    assert (source.text, source.kind) == ("Banco Central", "organization")
    assert source.medium.kind == "document"


@pytest.mark.parametrize(
    "sentence",
    [
        "Se informó que la carretera estará cerrada.",  # impersonal
        "Cada socio comunicará su aportación el lunes.",  # not said yet
        "El alcalde inauguró el puente el martes.",  # no cue
    ],
)
def test_sentences_that_attribute_nothing(sentence):
    assert sources(sentence) == [None]


def test_a_quote_continues_over_its_sentences_and_a_dialogue_dash_tag():
    text = "Llegó la portavoz Elena Mora.\n—Nos vamos mañana —dijo Mora—. Está decidido.\n"
    assert sources(text)[1:] == [("Mora", "named_person"), ("Elena Mora", "named_person")]


def test_a_tag_between_dashes_inside_a_quotation_names_the_speaker():
    text = 'El gerente Luis Prieto habló ayer. "La empresa crece - dijo Prieto - gracias a todos".'
    assert last(text) == ("Prieto", "named_person")


def test_the_language_of_an_article_is_detected():
    spanish = "El Gobierno anunció ayer que subirá los impuestos a las grandes empresas del país."
    english = "The government said on Monday that it would raise taxes on the largest companies."
    assert detect_language(spanish) == "es"
    assert detect_language(english) == "en"
    assert detect_language("123 456") == "en"  # too little text: the default


def test_a_language_without_a_pack_gets_no_invented_sources():
    text = "Le ministre a déclaré que la réforme serait retirée."
    assert find_sources(text, split_claims(text), "fr") == [(None, ())]


def test_people_the_lexicon_has_no_noun_for_are_a_suggested_source():
    found = find_sources(
        "Los hidrólogos advirtieron de que el río aún no ha crecido del todo. "
        "Según informaron los socorristas, no hay heridos.",
        split_claims(
            "Los hidrólogos advirtieron de que el río aún no ha crecido del todo. "
            "Según informaron los socorristas, no hay heridos.",
            "es",
        ),
        "es",
    )
    assert [(source.text, source.kind) for source, _ in found] == [
        ("Los hidrólogos", "anonymous"),
        ("los socorristas", "anonymous"),
    ]
    # A guess from the noun's shape alone: shown as a suggestion, not as the source.
    assert all(source.confidence < 0.7 for source, _ in found)


def test_a_plural_after_the_verb_is_its_object_not_its_speaker():
    assert sources("La alcaldesa Ana Dritsa rechazó las acusaciones.") == [
        ("Ana Dritsa", "named_person")
    ]
    assert sources("El sindicato criticó los recortes.") == [("El sindicato", "organization")]


def test_an_organisation_in_apposition_to_a_pronoun_is_the_source():
    text = (
        "Varias ONG abrieron albergues. "
        "Una de ellas, la Sociedad del Escudo Rojo, indicó que atiende a 3.000 personas."
    )
    assert last(text) == ("Sociedad del Escudo Rojo", "organization")
