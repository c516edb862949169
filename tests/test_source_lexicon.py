"""What a word says about a source (workbench.text.source_lexicon): people, groups,
institutions and texts, with English agent suffixes for occupations no list holds."""

import pytest

from workbench.text.source_lexicon import noun_category, plural_of


@pytest.mark.parametrize(
    "word, category, plural",
    [
        ("officials", "person", True),
        ("spokeswoman", "person", False),
        ("attendee", "person", False),  # by its suffix
        ("climatologists", "person", True),  # by its suffix
        ("team", "group", False),
        ("court", "institution", False),
        ("unions", "institution", True),
        ("outlets", "institution", True),
        ("statement", "document", False),
        ("posts", "document", True),
        ("police", "institution", True),
        ("people", "group", True),
    ],
)
def test_nouns_are_sorted_by_what_they_name(word, category, plural):
    found = noun_category(word)
    assert (found.category, found.plural) == (category, plural)


@pytest.mark.parametrize(
    "word", ["waters", "movement", "chapters", "weather", "computer", "monday", "plan"]
)
def test_things_are_not_sources(word):
    found = noun_category(word)
    assert found is None or found.category != "person"


@pytest.mark.parametrize(
    "noun, plural",
    [
        ("official", "officials"),
        ("spokesman", "spokesmen"),
        ("agency", "agencies"),
        ("analysis", "analyses"),
        ("witness", "witnesses"),
        ("person", "people"),
    ],
)
def test_plurals(noun, plural):
    assert plural_of(noun) == plural
