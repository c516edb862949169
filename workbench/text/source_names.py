"""Who a source is, across its mentions: "Jane Doe", "Doe" and "Ms Doe" are one person.

Pure: takes mentions (article, the source's words as written, kind) and returns a group
key for each. People: titles and roles are dropped ("Finance Minister Jane Doe" is
"jane doe"); a full name is one group across articles; a bare or titled surname joins
the one full name with that surname in the same article, and otherwise groups with the
same surname elsewhere. Organisations: a leading "the", a possessive and a company
suffix are dropped ("Harlow Foods Inc." is "harlow foods"), and a shorter name that
starts a longer one in the same article joins it ("Harlow"). Reviewers correct the rest
by merging and splitting groups (workbench/sources.py).
"""

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

PERSON = "named_person"
ORGANIZATION = "organization"
KINDS = (PERSON, ORGANIZATION)

# Words before a name that say what someone is, not who ("Finance Minister", "Dr.").
_TITLES = {
    word.casefold()
    for word in (
        "Mr Mrs Ms Miss Mx Dr Prof Professor Sir Dame Lord Lady Rev Reverend Fr Father "
        "Sister Brother Rabbi Imam Sheikh President Vice Premier Prime Minister Chancellor "
        "Secretary Senator Sen Representative Rep Congressman Congresswoman Governor Gov "
        "Mayor Councillor Councilor Judge Justice Chief Deputy General Gen Colonel Col "
        "Captain Capt Lieutenant Lt Sergeant Sgt Major Maj Admiral Commander Officer "
        "Detective Inspector Superintendent Ambassador Commissioner Director Spokesman "
        "Spokeswoman Spokesperson Attorney Prosecutor Coach Dean Auditor Leader Mr. Mrs. "
        "Ms. Dr. Prof. Sen. Rep. Gov. Gen. Col. Capt. Lt. Sgt. Maj. Rev. Fr. Finance "
        "Foreign Interior Defence Defense Health Justice Education Transport Economy "
        "Trade Energy Environment Agriculture Labour Labor State Executive Council "
        "Opposition Majority Minority Party Former Acting Interim Senior Assistant"
    ).split()
}
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "phd", "md"}
_COMPANY_SUFFIXES = {
    "inc",
    "inc.",
    "llc",
    "ltd",
    "ltd.",
    "plc",
    "corp",
    "corp.",
    "co",
    "co.",
    "& co.",
    "gmbh",
    "ag",
    "sa",
    "s.a.",
}
_POSSESSIVE = re.compile(r"['’]s?$")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Mention:
    """A source as one article writes it."""

    article_id: int
    text: str
    kind: str


def name_words(text: str) -> list[str]:
    """The words of a source's name, without quotes, a possessive or surrounding space."""
    cleaned = _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip(" \"'“”‘’,.;:")
    return [
        _POSSESSIVE.sub("", word) if word.endswith(("'s", "’s")) else word
        for word in cleaned.split(" ")
        if word
    ]


def person_name(text: str) -> list[str]:
    """A person's name without titles and roles in front or suffixes after, folded."""
    words = name_words(text)
    while len(words) > 1 and words[0].casefold() in _TITLES:
        words = words[1:]
    while len(words) > 1 and words[-1].casefold().rstrip(",") in _SUFFIXES:
        words = words[:-1]
    # "Robert J. Kline" and "Robert Kline" are one name: initials in the middle go.
    if len(words) > 2:
        words = [words[0], *[w for w in words[1:-1] if not re.fullmatch(r"\w\.?", w)], words[-1]]
    return [word.casefold() for word in words]


def organization_name(text: str) -> list[str]:
    """An organisation's name without a leading "the" or a company suffix, folded."""
    words = [word.casefold() for word in name_words(text)]
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    while len(words) > 1 and (words[-1] in _COMPANY_SUFFIXES or words[-1] == "&"):
        words = words[:-1]
    return words


def group_keys(mentions: Iterable[Mention]) -> dict[Mention, str]:
    """A group key for each person or organisation mention ("person:jane doe",
    "organization:harlow foods"); mentions of other kinds are left out."""
    by_article: dict[int, list[Mention]] = {}
    for mention in mentions:
        if mention.kind in KINDS and name_words(mention.text):
            by_article.setdefault(mention.article_id, []).append(mention)
    keys: dict[Mention, str] = {}
    for article_mentions in by_article.values():
        keys.update(_people(m for m in article_mentions if m.kind == PERSON))
        keys.update(_organizations(m for m in article_mentions if m.kind == ORGANIZATION))
    return keys


def _people(mentions: Iterable[Mention]) -> dict[Mention, str]:
    """Full names are their own key; a surname alone joins the one full name it ends."""
    mentions = list(mentions)
    names = {mention: person_name(mention.text) for mention in mentions}
    full = {" ".join(words) for words in names.values() if len(words) > 1}
    keys = {}
    for mention, words in names.items():
        name = " ".join(words)
        if len(words) == 1:
            matches = {f for f in full if f.split(" ")[-1] == name}
            name = matches.pop() if len(matches) == 1 else name
        keys[mention] = f"person:{name}"
    return keys


def _organizations(mentions: Iterable[Mention]) -> dict[Mention, str]:
    """A name that begins a longer one in the same article joins it ("Harlow")."""
    mentions = list(mentions)
    names = {mention: organization_name(mention.text) for mention in mentions}
    longest = sorted({tuple(words) for words in names.values()}, key=len, reverse=True)
    keys = {}
    for mention, words in names.items():
        longer = [
            other
            for other in longest
            if len(other) > len(words) and other[: len(words)] == tuple(words)
        ]
        chosen = longer[0] if len(longer) == 1 else tuple(words)
        keys[mention] = f"organization:{' '.join(chosen)}"
    return keys


def display_name(mentions: Iterable[Mention]) -> str:
    """How to show a group: its fullest name as written, without titles or a leading "the"."""
    best, best_words = "", list[str]()
    for mention in mentions:
        words = name_words(mention.text)
        if mention.kind == PERSON:
            while len(words) > 1 and words[0].casefold() in _TITLES:
                words = words[1:]
        elif len(words) > 1 and words[0].casefold() == "the":
            words = words[1:]
        if (len(words), len(" ".join(words))) > (len(best_words), len(best)):
            best, best_words = " ".join(words), words
    return best
