"""The CSV export: exact header, RFC 4180 quoting, formula neutralising, streaming."""

import csv
import io

import pytest

from support import actor
from workbench.exports import csv_rows
from workbench.review import articles, claims, evidence, notes
from workbench.review.search import ClaimFilter

HEADER = [
    "article_id",
    "article_title",
    "claim_id",
    "position",
    "claim",
    "start",
    "end",
    "status",
    "decision_state",
    "attribution",
    "attribution_kind",
    "attribution_confidence",
    "article_language",
    "flags",
    "notes",
    "evidence_urls",
    "evidence_stances",
    "evidence_titles",
    "updated_by",
    "updated_at",
    "assignees",
]


def read_csv(db, article_id=None):
    text = "".join(csv_rows.iter_csv(db, ClaimFilter(article_id=article_id)))
    return list(csv.reader(io.StringIO(text, newline="")))


def test_header_is_exactly_the_documented_columns(memory_db):
    assert read_csv(memory_db) == [HEADER]


def test_one_row_per_claim_with_status_and_notes(memory_db):
    article_id = articles.import_article(
        memory_db, "First claim. Second claim.", actor=actor("x"), title="My title"
    ).article_id
    first, second = claims.list_claims(memory_db, article_id).claims
    claims.set_status(memory_db, first["id"], "sourced", actor("ana"))
    notes.add_note(memory_db, first["id"], "Ministry confirmed.", actor("ana"))
    notes.add_note(memory_db, first["id"], "So did the UN.", actor("bo"))
    header, row1, row2 = read_csv(memory_db)
    row1 = dict(zip(header, row1, strict=True))
    assert row1["claim"] == "First claim." and row1["status"] == "sourced"
    assert row1["updated_by"] == "ana" and row1["article_title"] == "My title"
    assert [line.split("] ", 1)[1] for line in row1["notes"].split("\n")] == [
        "ana: Ministry confirmed.",
        "bo: So did the UN.",
    ]
    assert dict(zip(header, row2, strict=True))["status"] == "unverified"


def test_a_claim_whose_only_note_was_deleted_has_empty_notes_and_evidence_cells(memory_db):
    article_id = articles.import_article(memory_db, "One claim.", actor=actor("x")).article_id
    claim = claims.list_claims(memory_db, article_id).claims[0]
    note = notes.add_note(memory_db, claim["id"], "Wrong claim, ignore.", actor("ana"))
    notes.delete_note(memory_db, note["id"], actor("ana"))
    text = "".join(csv_rows.iter_csv(memory_db, ClaimFilter(article_id=article_id)))
    assert "Wrong claim" not in text
    header, row = csv.reader(io.StringIO(text, newline=""))
    row = dict(zip(header, row, strict=True))
    assert [row[column] for column in ("notes", "evidence_urls", "evidence_titles")] == [""] * 3
    assert row["claim"] == "One claim." and row["attribution_kind"] == "none"


def test_commas_quotes_and_newlines_read_back_identically(memory_db):
    text = 'He said, "no comment" today.'
    article_id = articles.import_article(memory_db, text, actor=actor("x")).article_id
    claim = claims.list_claims(memory_db, article_id).claims[0]
    note = 'Line one, with "quotes"\nLine two'
    notes.add_note(memory_db, claim["id"], note, actor("ana"))
    header, row = read_csv(memory_db)
    row = dict(zip(header, row, strict=True))
    assert row["claim"] == text
    assert row["notes"].split("] ana: ", 1)[1] == note
    assert len(row) == len(HEADER)


@pytest.mark.parametrize(
    "value, expected",
    [
        ('=HYPERLINK("http://x")', '\'=HYPERLINK("http://x")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("\rCR", "'\rCR"),
        ("\nLF", "'\nLF"),
        ("Plain text", "Plain text"),
        (42, 42),
        (None, None),
        ("", ""),
    ],
)
def test_neutralise_formula_cells(value, expected):
    assert csv_rows.neutralise(value) == expected


def test_formula_claims_and_titles_are_neutralised_in_the_file(memory_db):
    articles.import_article(
        memory_db, "=1+1 is what the claim says.", actor=actor("x"), title="@danger"
    )
    header, row = read_csv(memory_db)
    row = dict(zip(header, row, strict=True))
    assert row["claim"] == "'=1+1 is what the claim says."
    assert row["article_title"] == "'@danger"


def test_export_of_one_article_only_has_its_claims(memory_db):
    a = articles.import_article(memory_db, "Alpha one. Alpha two.", actor=actor("x")).article_id
    articles.import_article(memory_db, "Beta one.", actor=actor("x"))
    rows = read_csv(memory_db, a)[1:]
    assert [r[4] for r in rows] == ["Alpha one.", "Alpha two."]


def test_export_streams_in_chunks(memory_db):
    text = " ".join(f"Sentence number {i} is here." for i in range(1200))
    articles.import_article(memory_db, text, actor=actor("x"))
    chunks = list(csv_rows.iter_csv(memory_db))
    assert len(chunks) >= 3  # header+500 rows, 500 rows, the rest
    assert sum(chunk.count("\r\n") for chunk in chunks) == 1201


def test_evidence_links_stances_and_titles_line_up(memory_db):
    article_id = articles.import_article(
        memory_db, "A claim to check.", actor=actor("x")
    ).article_id
    (claim,) = claims.list_claims(memory_db, article_id).claims
    for url, stance, title in [
        ("https://example.org/a", "supports", "Ministry release"),
        ("https://example.org/b", "contradicts", None),
        ("https://example.org/c", "supports", "Two\nlines"),
    ]:
        evidence.add_evidence(memory_db, claim["id"], actor("ana"), url, stance, title)
    _, row = read_csv(memory_db)
    cells = dict(zip(HEADER, row, strict=True))
    assert cells["evidence_urls"].split("\n") == [
        "https://example.org/a",
        "https://example.org/b",
        "https://example.org/c",
    ]
    assert cells["evidence_stances"].split("\n") == ["supports", "contradicts", "supports"]
    assert cells["evidence_titles"].split("\n") == ["Ministry release", "", "Two lines"]
