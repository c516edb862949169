"""A source the engine is unsure of is shown as a suggestion, not as the source; lines
that are not claims are marked so at import, with the reason, and can be restored."""

import pytest

from support import import_by_form

HX = {"HX-Request": "true"}


def claim_rows(db, article_id):
    return list(
        db.query(
            "select id, text, is_claim, hidden_reason, attribution_text, attribution_confidence "
            "from claims where article_id = ? order by start",
            [article_id],
        )
    )


def test_a_low_confidence_source_reads_as_a_suggestion_on_the_row_and_in_the_panel(
    admin_client, db
):
    article_id = import_by_form(
        admin_client, "The bridge is safe, Jane Doe said.\nThe deck was repaired in May."
    )
    first = claim_rows(db, article_id)[0]
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert '<span class="src">Jane Doe</span>' in page  # sure: shown as the source
    db.execute("update claims set attribution_confidence = 0.4 where id = ?", [first["id"]])
    db.conn.commit()
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "probably Jane Doe?" in page
    assert '<span class="src">Jane Doe</span>' not in page
    panel = admin_client.get(f"/claims/{first['id']}/panel", headers=HX).get_data(as_text=True)
    assert "only a suggestion" in panel and "(40% sure)" in panel


def test_a_confirmed_source_is_never_a_suggestion(admin_client, db):
    article_id = import_by_form(admin_client, "The bridge is safe, Jane Doe said.")
    (row,) = claim_rows(db, article_id)
    db.execute(
        "update claims set attribution_confidence = 0.4, attribution_confirmed_by = 'ana' "
        "where id = ?",
        [row["id"]],
    )
    db.conn.commit()
    page = admin_client.get(f"/articles/{article_id}").get_data(as_text=True)
    assert "probably Jane Doe?" not in page and ">Jane Doe</span>" in page


ARTICLE = (
    "Council approves the dam budget\n"
    "By JANE DOE Associated Press\n"
    "The council approved the budget on Tuesday, the mayor said.\n"
    "Photo: Ana Lind/Reuters\n"
    "Opponents said the plan would raise fares."
)


def test_headline_byline_and_credit_are_kept_but_not_claims(admin_client, db):
    article_id = import_by_form(admin_client, ARTICLE, title="Dam budget")
    rows = {row["text"]: row for row in claim_rows(db, article_id)}
    assert {text: row["hidden_reason"] for text, row in rows.items() if not row["is_claim"]} == {
        "Council approves the dam budget": "headline",
        "By JANE DOE Associated Press": "byline",
        "Photo: Ana Lind/Reuters": "credit",
    }
    page = admin_client.get(f"/articles/{article_id}?hidden=1").get_data(as_text=True)
    assert "Not a claim (a byline, seen at import)" in page
    positions = [
        r[0]
        for r in db.execute(
            "select position from claims where article_id = ? and is_claim = 1 order by start",
            [article_id],
        )
    ]
    assert positions == [1, 2]  # the claims are numbered without the other lines


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_line_marked_at_import_can_be_restored_as_a_claim(admin_client, db, headers):
    article_id = import_by_form(admin_client, ARTICLE, title="Dam budget")
    byline = next(r for r in claim_rows(db, article_id) if r["hidden_reason"] == "byline")
    version = db.execute("select version from claims where id = ?", [byline["id"]]).fetchone()[0]
    response = admin_client.post(
        f"/claims/{byline['id']}/hide",
        data={"hidden": "0", "version": str(version)},
        headers=headers,
    )
    assert response.status_code in (200, 303)
    restored = db.execute(
        "select is_claim, hidden_reason from claims where id = ?", [byline["id"]]
    ).fetchone()
    assert restored == (1, None)
