"""Every source's record: mentions grouped by name rules, reviewers' merges and splits
(replayed, undoable, never erased), counts by status, and the `source` claim filter."""

import pytest

from support import actor
from workbench import errors
from workbench.exports import ExportStats, csv_rows
from workbench.memory import sources
from workbench.review import articles, claims, corrections, search
from workbench.text.source_names import (
    ORGANIZATION,
    PERSON,
    Mention,
    display_name,
    group_keys,
    person_name,
)

ANA = actor("ana", "reviewer")
BEA = actor("bea", "reviewer")


@pytest.mark.parametrize(
    "written, name",
    [
        ("Jane Doe", ["jane", "doe"]),
        ("Ms Doe", ["doe"]),
        ("Finance Minister Jane Doe", ["jane", "doe"]),
        ("Dr. Priya Raman", ["priya", "raman"]),
        ("Robert J. Kline", ["robert", "kline"]),
        ("Martin Luther King Jr.", ["martin", "luther", "king"]),
        ("Doe's", ["doe"]),
        ("Senator", ["senator"]),  # a title alone stays a word: nothing else to keep
    ],
)
def test_person_names_lose_titles_initials_and_suffixes(written, name):
    assert person_name(written) == name


def test_a_surname_and_a_titled_surname_join_the_full_name_in_the_same_article():
    mentions = [
        Mention(1, "Jane Doe", PERSON),
        Mention(1, "Doe", PERSON),
        Mention(1, "Ms Doe", PERSON),
        Mention(2, "Finance Minister Jane Doe", PERSON),
        Mention(3, "Doe", PERSON),  # no Jane Doe in article 3: not assumed to be her
    ]
    keys = group_keys(mentions)
    assert [keys[m] for m in mentions] == ["person:jane doe"] * 4 + ["person:doe"]
    assert display_name(mentions[:4]) == "Jane Doe"


def test_a_surname_shared_by_two_full_names_in_an_article_joins_neither():
    mentions = [
        Mention(1, "Jane Doe", PERSON),
        Mention(1, "John Doe", PERSON),
        Mention(1, "Doe", PERSON),
    ]
    assert group_keys(mentions)[mentions[2]] == "person:doe"


def test_organisations_lose_the_article_possessive_and_company_suffix():
    mentions = [
        Mention(1, "Harlow Foods Inc.", ORGANIZATION),
        Mention(1, "Harlow", ORGANIZATION),
        Mention(2, "the Interior Ministry", ORGANIZATION),
        Mention(3, "Interior Ministry's", ORGANIZATION),
        Mention(3, "Harlow", ORGANIZATION),  # alone in its article: its own group
    ]
    keys = group_keys(mentions)
    assert [keys[m] for m in mentions] == [
        "organization:harlow foods",
        "organization:harlow foods",
        "organization:interior ministry",
        "organization:interior ministry",
        "organization:harlow",
    ]


def test_anonymous_document_and_no_sources_are_not_listed():
    mentions = [Mention(1, "officials", "anonymous"), Mention(1, "the report", "document")]
    assert group_keys(mentions) == {}


ARTICLE_1 = (
    "Finance Minister Jane Doe said the budget would balance by 2027. "
    "Doe said taxes would not rise. "
    "The Interior Ministry said 40 officers were hired."
)
ARTICLE_2 = "Jane Doe told reporters the deficit was falling. Critics disagreed."


@pytest.fixture
def two_articles(memory_db):
    first = articles.import_article(memory_db, ARTICLE_1, actor=ANA).article_id
    second = articles.import_article(memory_db, ARTICLE_2, actor=ANA).article_id
    return first, second


def claim_by_start(db, article_id, words):
    return next(
        row["id"]
        for row in db.query("select id, text from claims where article_id = ?", [article_id])
        if row["text"].startswith(words)
    )


def test_the_record_counts_a_sources_claims_by_status_across_articles(memory_db, two_articles):
    first, second = two_articles
    claims.set_status(memory_db, claim_by_start(memory_db, first, "Doe said"), "disputed", ANA)
    claims.set_status(memory_db, claim_by_start(memory_db, second, "Jane Doe"), "sourced", ANA)
    doe = sources.get_source(memory_db, "person:jane doe")
    assert (doe.name, doe.kind, doe.claims, doe.articles) == ("Jane Doe", PERSON, 3, 2)
    assert doe.counts == {"sourced": 1, "disputed": 1, "unverified": 1}
    assert sorted((m.article_id, m.text) for m in doe.mentions) == [
        (1, "Doe"),
        (1, "Jane Doe"),
        (2, "Jane Doe"),
    ]
    listed = sources.all_sources(memory_db)
    assert [g.key for g in listed] == ["person:jane doe", "organization:interior ministry"]
    assert [g.key for g in sources.all_sources(memory_db, query="ministry")] == [
        "organization:interior ministry"
    ]


def test_merging_and_undoing_a_merge(memory_db, two_articles):
    into, [decision] = sources.merge_sources(
        memory_db, ["organization:interior ministry", "person:jane doe"], ANA
    )
    assert into == "person:jane doe"
    assert sources.get_source(memory_db, into).claims == 4
    with pytest.raises(sources.SourceNotFound):
        sources.get_source(memory_db, "organization:interior ministry")
    assert [
        d["action"] for d in sources.decisions_about(memory_db, sources.get_source(memory_db, into))
    ] == ["merge"]
    with pytest.raises(errors.NotAllowed):
        sources.undo_decision(memory_db, decision, BEA)
    sources.undo_decision(memory_db, decision, ANA)
    assert sources.get_source(memory_db, "organization:interior ministry").claims == 1
    with pytest.raises(errors.InvalidInput, match="undone already"):
        sources.undo_decision(memory_db, decision, ANA)
    actions = [
        row[0] for row in memory_db.execute("select action from source_decisions order by id")
    ]
    assert actions == ["merge", "undo"], "decisions are kept, never erased"


def test_splitting_a_mention_off_a_group(memory_db, two_articles):
    first, _ = two_articles
    key = sources.split_mention(memory_db, "person:jane doe", first, "Doe", PERSON, ANA)
    assert key.startswith("split:")
    assert sources.get_source(memory_db, key).claims == 1
    assert sources.get_source(memory_db, "person:jane doe").claims == 2
    with pytest.raises(errors.InvalidInput, match="nothing to split"):
        sources.split_mention(memory_db, key, first, "Doe", PERSON, ANA)
    with pytest.raises(errors.InvalidInput, match="not part"):
        sources.split_mention(memory_db, "person:jane doe", first, "Nobody", PERSON, ANA)


@pytest.mark.parametrize(
    "keys", [["person:jane doe"], ["person:jane doe", "person:jane doe"]], ids=["one", "same twice"]
)
def test_a_merge_needs_two_different_sources(memory_db, two_articles, keys):
    with pytest.raises(errors.InvalidInput):
        sources.merge_sources(memory_db, keys, ANA)


def test_a_source_corrected_by_a_reviewer_moves_to_its_new_group(memory_db, two_articles):
    first, _ = two_articles
    claim_id = claim_by_start(memory_db, first, "The Interior Ministry")
    corrections.set_attribution(memory_db, claim_id, ANA, "named_person", "Jane Doe")
    assert sources.get_source(memory_db, "person:jane doe").claims == 4
    with pytest.raises(sources.SourceNotFound):
        sources.get_source(memory_db, "organization:interior ministry")


def test_the_claim_filter_finds_a_sources_claims_for_search_bulk_and_export(
    memory_db, two_articles
):
    claim_filter = search.parse_filter({"source": "person:jane doe", "status": "unverified"})
    found, total = search.search_claims(memory_db, claim_filter)
    assert total == 3 and {c["attribution_kind"] for c in found} == {PERSON}
    changed = claims.set_status_many(memory_db, claim_filter, "disputed", ANA)
    assert changed.count == 3
    exported = "".join(
        csv_rows.iter_csv(
            memory_db, search.parse_filter({"source": "person:jane doe"}), ExportStats()
        )
    )
    assert exported.count("\r\n") == 4  # the header and three claims
    assert search.search_claims(memory_db, search.parse_filter({"source": "person:nobody"}))[1] == 0


@pytest.mark.parametrize("bad", ["jane doe", "person:", "group:x", "person:a\x01b"])
def test_a_malformed_source_filter_is_refused(bad):
    with pytest.raises(errors.InvalidInput, match="source"):
        search.parse_filter({"source": bad})
