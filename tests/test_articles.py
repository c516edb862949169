"""Importing articles into the database, and the progress counts the lists show."""

import sqlite3

import pytest

from support import actor
from workbench import errors
from workbench.errors import ArticleRejected
from workbench.review import articles
from workbench.review.claims import list_claims, set_status

TEXT = "The council met on Monday. It approved the budget. Critics objected."


def test_import_stores_the_article_and_one_claim_per_sentence(memory_db):
    result = articles.import_article(memory_db, TEXT, actor=actor("ana"), title="Budget")
    assert result.created and result.claim_count == 3
    article = articles.get_article(memory_db, result.article_id)
    assert (article["title"], article["body"], article["imported_by"]) == ("Budget", TEXT, "ana")
    claims = list_claims(memory_db, result.article_id).claims
    assert [c["position"] for c in claims] == [1, 2, 3]
    assert all(TEXT[c["start"] : c["end"]] == c["text"] for c in claims)
    assert {c["status"] for c in claims} == {"unverified"}


def test_importing_the_same_text_twice_returns_the_first_article(memory_db):
    first = articles.import_article(memory_db, TEXT, actor=actor("ana"))
    again = articles.import_article(memory_db, TEXT.replace(" ", " ") + "\n\n", actor=actor("bo"))
    assert (again.article_id, again.created) == (first.article_id, False)
    assert memory_db.table("articles").count == 1
    assert memory_db.table("claims").count == 3


def test_same_words_with_crlf_line_endings_is_a_duplicate(memory_db):
    first = articles.import_article(memory_db, "One.\nTwo.", actor=actor("ana"))
    again = articles.import_article(memory_db, "One.\r\nTwo.\r\n", actor=actor("ana"))
    assert again.article_id == first.article_id and not again.created


def test_title_defaults_to_the_first_line(memory_db):
    result = articles.import_article(memory_db, "Headline here\nBody text.", actor=actor("ana"))
    assert articles.get_article(memory_db, result.article_id)["title"] == "Headline here"


@pytest.mark.parametrize(
    "metadata, message",
    [
        ({"url": "javascript:alert(1)"}, "http"),
        ({"url": "file:///etc/passwd"}, "http"),
        ({"url": "data:text/html,hi"}, "http"),
        ({"published_on": "yesterday"}, "date"),
        ({"published_on": "2015-09-31"}, "date"),
        ({"title": "x" * 301}, "title"),
    ],
)
def test_bad_metadata_is_refused_and_nothing_is_stored(memory_db, metadata, message):
    with pytest.raises(ArticleRejected, match=message):
        articles.import_article(memory_db, TEXT, actor=actor("ana"), **metadata)
    assert memory_db.table("articles").count == 0
    assert memory_db.table("claims").count == 0


def test_import_is_one_transaction(memory_db, monkeypatch):
    """A failure while storing claims leaves neither the article nor any claim."""

    def failing_rows(text, on_stage=None, max_claims=None, language=None, headings=()):
        rows = [{"position": 1, "start": 0, "end": 4, "text": "The "}]
        rows.append({"position": 2, "start": 0, "end": 1, "text": None})  # NOT NULL fails
        return rows

    monkeypatch.setattr(articles.analysis, "claim_rows", failing_rows)
    with pytest.raises(sqlite3.IntegrityError):
        articles.import_article(memory_db, TEXT, actor=actor("ana"))
    assert memory_db.table("articles").count == 0
    assert memory_db.table("claims").count == 0


def test_progress_counts_statuses_and_leaves_out_hidden_claims(memory_db):
    article_id = articles.import_article(memory_db, TEXT, actor=actor("ana")).article_id
    claims = list_claims(memory_db, article_id).claims
    set_status(memory_db, claims[0]["id"], "sourced", actor("ana"))
    set_status(memory_db, claims[1]["id"], "disputed", actor("ana"))
    memory_db.execute("update claims set is_claim = 0 where id = ?", [claims[2]["id"]])
    assert articles.progress(memory_db)[article_id] == {
        "total": 2,
        "reviewed": 2,
        "hidden": 1,
        "sourced": 1,
        "disputed": 1,
        "unverified": 0,
    }


def test_list_articles_is_newest_first_with_progress(memory_db):
    first = articles.import_article(memory_db, "A one. A two.", actor=actor("ana")).article_id
    second = articles.import_article(memory_db, "B one.", actor=actor("ana")).article_id
    listed = articles.list_articles(memory_db).articles
    assert [a["id"] for a in listed] == [second, first]
    assert [a["progress"]["total"] for a in listed] == [1, 2]


def test_get_article_unknown_id_raises(memory_db):
    with pytest.raises(errors.ArticleNotFound):
        articles.get_article(memory_db, 999999)


def test_highlight_segments_cover_every_character():
    body = "Intro line\nFirst claim. Second claim."
    claims = [{"start": 11, "end": 23, "id": 1}, {"start": 24, "end": 37, "id": 2}]
    segments = articles.highlight_segments(body, claims)
    assert "".join(text for text, _ in segments) == body
    assert [(text, claim and claim["id"]) for text, claim in segments] == [
        ("Intro line\n", None),
        ("First claim.", 1),
        (" ", None),
        ("Second claim.", 2),
    ]


# --- the text beside the claims ---------------------------------------------------------

LONG = "\n".join(
    f"Paragraph {p} opens here. It says something about item {p}. It closes here."
    for p in range(1, 41)
)


def windows_for(memory_db, positions, context=articles.CONTEXT_CHARS):
    article_id = articles.import_article(memory_db, LONG, actor=actor("ana")).article_id
    claims = [
        c
        for c in list_claims(memory_db, article_id, page_size=1000).claims
        if c["position"] in positions
    ]
    return claims, articles.text_windows(memory_db, article_id, claims, context)


def test_text_windows_of_a_whole_short_article_are_its_whole_text(memory_db):
    article_id = articles.import_article(memory_db, TEXT, actor=actor("ana")).article_id
    claims = list_claims(memory_db, article_id).claims
    (window,) = articles.text_windows(memory_db, article_id, claims)
    assert (window.start, window.cut_before, window.cut_after) == (0, False, False)
    assert "".join(text for text, _ in window.segments) == TEXT
    assert [claim["id"] for _, claim in window.segments if claim] == [c["id"] for c in claims]


def test_a_window_in_the_middle_starts_and_ends_at_paragraph_breaks(memory_db):
    claims, (window,) = windows_for(memory_db, {40, 41, 42}, context=60)
    text = "".join(piece for piece, _ in window.segments)
    assert window.cut_before and window.cut_after
    assert text.startswith("Paragraph 14 opens here.") and text.endswith("It closes here.")
    assert LONG[window.start : window.start + len(text)] == text
    for piece, claim in window.segments:
        if claim:
            assert piece == claim["text"]


def test_claims_far_apart_get_windows_of_their_own_in_reading_order(memory_db):
    claims, windows = windows_for(memory_db, {2, 119}, context=30)
    assert len(windows) == 2
    assert windows[0].start < windows[1].start
    assert [claim["position"] for w in windows for _, claim in w.segments if claim] == [2, 119]
    assert windows[1].cut_before and not windows[1].cut_after  # the article's last paragraph
