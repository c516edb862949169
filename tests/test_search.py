"""The claim filter: parsing, full-text search, combined filters, and bulk changes."""

import sqlite3

import pytest

from support import actor
from workbench import errors
from workbench.review import articles, search
from workbench.review.claims import get_claim, list_claims, set_status, set_status_many
from workbench.review.history import claim_history
from workbench.review.notes import add_note
from workbench.review.search import ClaimFilter
from workbench.team import accounts

ANA = accounts.User(1, "ana", "reviewer")
FIRST = "The minister said exports rose 4% in March. Farmers protested in the capital."
SECOND = "Officials said the port reopened on Friday. Shipping firms welcomed the news."


@pytest.fixture
def ids(memory_db):
    a = articles.import_article(memory_db, FIRST, actor=actor("x")).article_id
    b = articles.import_article(memory_db, SECOND, actor=actor("x")).article_id
    return {
        "a": a,
        "b": b,
        "claims": [c["id"] for c in list_claims(memory_db, a).claims]
        + [c["id"] for c in list_claims(memory_db, b).claims],
    }


def texts(db, claim_filter):
    return [row["text"] for row in search.search_claims(db, claim_filter)[0]]


def test_full_text_search_finds_words_in_claims_across_articles(memory_db, ids):
    assert texts(memory_db, ClaimFilter(q="protested")) == ["Farmers protested in the capital."]
    assert set(texts(memory_db, ClaimFilter(q="said"))) == {
        "The minister said exports rose 4% in March.",
        "Officials said the port reopened on Friday.",
    }


def test_search_uses_stems(memory_db, ids):
    assert texts(memory_db, ClaimFilter(q="protest")) == ["Farmers protested in the capital."]


def test_search_finds_claims_by_their_notes_and_sources(memory_db, ids):
    add_note(memory_db, ids["claims"][3], "Confirmed with the harbour master.", actor("ana"))
    assert texts(memory_db, ClaimFilter(q="harbour")) == ["Shipping firms welcomed the news."]
    assert texts(memory_db, ClaimFilter(q="officials")) == [
        "Officials said the port reopened on Friday."
    ]


@pytest.mark.parametrize(
    "q", ['"', "AND OR NOT", "NEAR(", "port*", "'; drop table claims; --", "\x00", '"unbalanced']
)
def test_search_operators_and_junk_never_error(memory_db, ids, q):
    search.search_claims(memory_db, ClaimFilter(q=q))
    assert memory_db.table("claims").count == 4


def test_filters_combine(memory_db, ids):
    set_status(memory_db, ids["claims"][2], "sourced", actor("ana"))
    set_status(memory_db, ids["claims"][0], "sourced", actor("bo"))
    both = ClaimFilter(status="sourced", reviewer="ana", article_id=ids["b"])
    assert texts(memory_db, both) == ["Officials said the port reopened on Friday."]
    assert (
        texts(memory_db, ClaimFilter(status="sourced", reviewer="ana", article_id=ids["a"])) == []
    )
    anonymous = {
        "The minister said exports rose 4% in March.",
        "Officials said the port reopened on Friday.",
    }
    assert set(texts(memory_db, ClaimFilter(kind="anonymous"))) == anonymous
    assert texts(memory_db, ClaimFilter(kind="anonymous", flag="number")) == [
        "The minister said exports rose 4% in March."
    ]
    assert texts(memory_db, ClaimFilter(kind="anonymous", q="port", status="sourced")) == [
        "Officials said the port reopened on Friday."
    ]


def test_changed_since_uses_the_history(memory_db, ids):
    assert texts(memory_db, ClaimFilter(since="2000-01-01")) == []
    set_status(memory_db, ids["claims"][1], "disputed", actor("ana"))
    assert texts(memory_db, ClaimFilter(since="2000-01-01")) == [
        "Farmers protested in the capital."
    ]
    assert texts(memory_db, ClaimFilter(since="2999-01-01")) == []


@pytest.mark.parametrize(
    "values, message",
    [
        ({"status": "Sourced"}, "not a status"),
        ({"flag": "nope"}, "not a flag"),
        ({"kind": "celebrity"}, "not a kind"),
        ({"article": "abc"}, "article id"),
        ({"since": "yesterday"}, "date"),
        ({"q": "x" * 501}, "longer"),
    ],
)
def test_bad_filter_values_are_refused(values, message):
    with pytest.raises(errors.InvalidInput, match=message):
        search.parse_filter(values)


def test_filter_round_trips_through_the_url():
    parsed = search.parse_filter(
        {
            "q": " port ",
            "article": "2",
            "status": "sourced",
            "since": "2026-01-05",
            "reviewer": "ana",
        }
    )
    assert parsed.as_query() == {
        "q": "port",
        "article": 2,
        "status": "sourced",
        "reviewer": "ana",
        "since": "2026-01-05",
    }
    assert search.parse_filter({k: str(v) for k, v in parsed.as_query().items()}) == parsed


def test_bulk_status_is_one_change_per_claim_with_history(memory_db, ids):
    set_status(memory_db, ids["claims"][0], "disputed", actor("bo"))
    changed = set_status_many(memory_db, ClaimFilter(article_id=ids["a"]), "disputed", ANA).count
    assert changed == 1  # the other already was disputed
    rows = [get_claim(memory_db, i) for i in ids["claims"][:2]]
    assert [r["status"] for r in rows] == ["disputed", "disputed"]
    entry = claim_history(memory_db, ids["claims"][1])[-1]
    assert (entry["actor"], entry["after"]) == (
        "ana",
        {"status": "disputed", "bulk": True, "decision_state": "decided"},
    )


def test_bulk_status_on_chosen_ids_only(memory_db, ids):
    changed = set_status_many(
        memory_db,
        ClaimFilter(q="said"),
        "sourced",
        ANA,
        only_ids=[ids["claims"][0], ids["claims"][1]],
    ).count
    assert changed == 1  # claim 1 is chosen but does not match the filter
    assert get_claim(memory_db, ids["claims"][2])["status"] == "unverified"


def test_bulk_status_rolls_back_entirely_on_failure(memory_db, ids):
    # The storage fails once the bulk change is under way: nothing of it may stay.
    history_rows = memory_db.execute("select count(*) from history").fetchone()[0]
    memory_db.execute(
        "create temp trigger disk_trouble after update of status on claims "
        "begin select raise(abort, 'disk trouble'); end"
    )
    with pytest.raises(sqlite3.IntegrityError, match="disk trouble"):
        set_status_many(memory_db, ClaimFilter(article_id=ids["a"]), "sourced", ANA)
    assert {get_claim(memory_db, i)["status"] for i in ids["claims"]} == {"unverified"}
    assert memory_db.execute("select count(*) from history").fetchone()[0] == history_rows


def test_bulk_refuses_a_bad_status(memory_db, ids):
    with pytest.raises(errors.InvalidInput):
        set_status_many(memory_db, ClaimFilter(q="said"), "SOURCED", ANA)


@pytest.mark.parametrize(
    "q, fts",
    [
        ("port", '"port"'),
        ("port OR harbour", '("port" OR "harbour")'),
        ('minister "exports rose"', '"minister" AND "exports rose"'),
        ("export*", '"export"*'),
        ("a b OR c d", '"a" AND ("b" OR "c") AND "d"'),
        ("AND OR NOT", '("AND" OR "NOT")'),  # operators other than OR are plain words
        ("NEAR(x, y)", '"NEAR x" AND "y"'),  # punctuation inside a word: a phrase
        ("claims_fts:port", '"claims_fts port"'),  # no column filter reaches FTS5
    ],
)
def test_search_words_become_quoted_fts5_terms(q, fts):
    assert search.fts_query(q) == fts


def test_or_phrase_and_prefix_find_what_they_say(memory_db, ids):
    assert texts(memory_db, ClaimFilter(q="port OR exports")) == [
        "Officials said the port reopened on Friday.",
        "The minister said exports rose 4% in March.",
    ]
    assert texts(memory_db, ClaimFilter(q="port exports")) == []  # both words: no claim
    assert texts(memory_db, ClaimFilter(q='"port reopened"')) == [
        "Officials said the port reopened on Friday."
    ]
    assert texts(memory_db, ClaimFilter(q='"reopened port"')) == []
    assert texts(memory_db, ClaimFilter(q="reop*")) == [
        "Officials said the port reopened on Friday."
    ]


def test_highlight_marks_the_matched_words_also_in_other_forms(memory_db, ids):
    claim_filter = ClaimFilter(q="reopen OR minister")
    found, _ = search.search_claims(memory_db, claim_filter)
    search.highlighted(memory_db, claim_filter, found)
    marked = {
        claim["text"]: [piece for piece, matched in claim["highlight"] if matched]
        for claim in found
    }
    assert marked["Officials said the port reopened on Friday."] == ["reopened"]
    assert marked["The minister said exports rose 4% in March."] == ["minister"]


SPANISH = (
    "Los agricultores protestaron frente al ministerio el lunes. "
    "La policía informó de tres detenidos durante la protesta."
)


def test_a_spanish_article_is_searched_by_its_spanish_stems(memory_db, ids):
    spanish = articles.import_article(
        memory_db, SPANISH, actor=actor("x"), language="es"
    ).article_id
    claim_filter = ClaimFilter(q="protesta")
    found, _ = search.search_claims(memory_db, claim_filter)
    # "protesta" finds both forms of the Spanish verb and noun; the English article's
    # "protested" is porter's, not Spanish's, and English search is unchanged.
    assert {claim["article_id"] for claim in found} == {spanish}
    assert len(found) == 2
    search.highlighted(memory_db, claim_filter, found)
    marked = {
        claim["text"]: [piece for piece, matched in claim["highlight"] if matched]
        for claim in found
    }
    assert marked["Los agricultores protestaron frente al ministerio el lunes."] == ["protestaron"]
    assert marked["La policía informó de tres detenidos durante la protesta."] == ["protesta"]


def test_accents_do_not_matter_in_a_spanish_search(memory_db, ids):
    articles.import_article(memory_db, SPANISH, actor=actor("x"), language="es")
    assert texts(memory_db, ClaimFilter(q="policia informo")) == [
        "La policía informó de tres detenidos durante la protesta."
    ]
    assert sorted(texts(memory_db, ClaimFilter(q="protestaron"))) == [
        "La policía informó de tres detenidos durante la protesta.",
        "Los agricultores protestaron frente al ministerio el lunes.",
    ]
