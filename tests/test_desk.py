"""The desk's state changes, on an in-memory database: assign, mention, queue, propose,
approve, return, blind decisions and what they reveal when, adjudicate; and what the
exports say of each."""

import csv
import io
import json

import pytest

from support import FAST_HASH, actor
from workbench.desk import agreement, blind, decisions, events, presence
from workbench.errors import InvalidInput, NotAllowed
from workbench.exports import claimreview, csv_rows, json_document
from workbench.review import articles
from workbench.review.claims import get_claim, set_status
from workbench.review.history import claim_history
from workbench.review.notes import add_note
from workbench.review.search import ClaimFilter, parse_filter, search_claims
from workbench.storage import migrations
from workbench.team import accounts, assignments

TEXT = (
    "The mayor opened the bridge on Monday. It cost $4.5 million. "
    "Critics called the project late. The council will vote in May."
)
EDITOR = actor("eda", "editor")
ANA = actor("ana", "reviewer")
BO = actor("bo", "reviewer")


@pytest.fixture
def desk(memory_db):
    """An article of four claims, and the people of a small desk."""
    for name, role in (
        ("eda", "editor"),
        ("ana", "reviewer"),
        ("bo", "reviewer"),
        ("vi", "viewer"),
    ):
        accounts.create_user(memory_db, name, "correct horse battery", role, FAST_HASH)
    result = articles.import_article(memory_db, TEXT, actor=actor("admin"), title="Bridge")
    claim_ids = [
        row[0]
        for row in memory_db.execute(
            "select id from claims where article_id = ? order by position", [result.article_id]
        )
    ]
    assert len(claim_ids) == 4
    return {"db": memory_db, "article": result.article_id, "claims": claim_ids}


def exported_csv(db, **filters):
    text = "".join(csv_rows.iter_csv(db, ClaimFilter(**filters)))
    return list(csv.DictReader(io.StringIO(text)))


def exported_json(db, article_id):
    return json.loads("".join(json_document.iter_json(db, ClaimFilter(article_id=article_id))))


def published(db):
    return json.loads(
        "".join(claimreview.iter_claim_reviews(db, ClaimFilter(), lambda i: f"/c/{i}", "Desk"))
    )


# --- roles -----------------------------------------------------------------------------


def test_editor_sits_between_reviewer_and_admin():
    assert accounts.ROLES == ("viewer", "reviewer", "editor", "admin")
    editor = actor("e", "editor")
    assert editor.can("reviewer") and editor.can("editor") and not editor.can("admin")
    assert actor("a", "admin").can("editor")
    assert not actor("r", "reviewer").can("editor")


# --- assignment ------------------------------------------------------------------------


def test_assigning_a_range_records_history_and_fills_the_queue(desk):
    db, claims = desk["db"], desk["claims"]
    result = assignments.assign(db, desk["article"], ["ana", "bo"], EDITOR, first=2, last=3)
    assert (result.claims, result.added) == (2, 4)
    assert [c["id"] for c in assignments.queue(db, "ana")] == claims[1:3]
    entry = claim_history(db, claims[1])[-1]
    assert (entry["actor"], entry["action"], entry["after"]) == (
        "eda",
        "assign",
        {"assignee": "bo", "via": "editor"},
    )


def test_assigning_twice_does_not_duplicate(desk):
    db = desk["db"]
    assignments.assign(db, desk["article"], ["ana"], EDITOR)
    again = assignments.assign(db, desk["article"], ["ana"], EDITOR)
    assert again.added == 0
    assert len(assignments.queue(db, "ana")) == 4


@pytest.mark.parametrize(
    "names, message",
    [([], "at least one"), (["nobody"], "no user called nobody"), (["vi"], "viewer")],
)
def test_assignment_needs_real_reviewers(desk, names, message):
    with pytest.raises(InvalidInput, match=message):
        assignments.assign(desk["db"], desk["article"], names, EDITOR)
    assert desk["db"].table("assignments").count == 0


def test_only_editors_assign(desk):
    with pytest.raises(NotAllowed):
        assignments.assign(desk["db"], desk["article"], ["bo"], ANA)


def test_queue_drops_a_claim_once_its_assignee_decides_it_oldest_first(desk):
    db, claims = desk["db"], desk["claims"]
    assignments.assign(db, desk["article"], ["ana"], EDITOR, first=3, last=4)
    assignments.assign(db, desk["article"], ["ana"], EDITOR, first=1, last=1)
    assert [c["id"] for c in assignments.queue(db, "ana")] == [claims[2], claims[3], claims[0]]
    set_status(db, claims[2], "sourced", ANA)
    set_status(db, claims[3], "sourced", BO)  # someone else's decision leaves it in ana's queue
    assert [c["id"] for c in assignments.queue(db, "ana")] == [claims[3], claims[0]]


def test_a_mention_in_a_note_puts_the_claim_in_that_queue(desk):
    db, claims = desk["db"], desk["claims"]
    add_note(db, claims[1], "@bo can you find the contract? cc @nobody and ana@example.org.", ANA)
    [item] = assignments.queue(db, "bo")
    assert (item["id"], item["via"], item["assigned_by"]) == (claims[1], "mention", "ana")
    assert assignments.queue(db, "ana") == []  # an e-mail address is not a mention
    add_note(db, claims[1], "Found it: page 4.", BO)
    assert assignments.queue(db, "bo") == []


@pytest.mark.parametrize(
    "body, names",
    [
        ("@ana, look.", ["ana"]),
        ("thanks @bo.", ["bo"]),
        ("@Ana and @ana", ["Ana"]),
        ("mail me at x@bo.org", []),
        ("@first.last-name_2 ok", ["first.last-name_2"]),
    ],
)
def test_mentioned_names(body, names):
    assert assignments.mentioned_names(body) == names


def test_assignee_is_a_filter_of_search_and_exports(desk):
    db, claims = desk["db"], desk["claims"]
    assignments.assign(db, desk["article"], ["bo"], EDITOR, first=4, last=4)
    claim_filter = parse_filter({"assignee": "bo"})
    rows, total = search_claims(db, claim_filter)
    assert (total, [r["id"] for r in rows]) == (1, [claims[3]])
    [row] = exported_csv(db, assignee="bo")
    assert (int(row["claim_id"]), row["assignees"]) == (claims[3], "bo")


# --- second check ----------------------------------------------------------------------


def needs_approval(desk):
    decisions.set_desk_needs_approval(desk["db"], True, EDITOR)


def test_without_approval_a_decision_is_decided(desk):
    claim = set_status(desk["db"], desk["claims"][0], "sourced", ANA).claim
    assert claim["decision_state"] == "decided"


def test_with_approval_a_reviewers_decision_is_a_proposal_and_an_editors_is_approved(desk):
    needs_approval(desk)
    db, claims = desk["db"], desk["claims"]
    assert set_status(db, claims[0], "sourced", ANA).claim["decision_state"] == "proposed"
    assert set_status(db, claims[1], "disputed", EDITOR).claim["decision_state"] == "approved"
    assert set_status(db, claims[0], "unverified", ANA).claim["decision_state"] == "none"


def test_an_article_can_override_the_desk(desk):
    db, claims = desk["db"], desk["claims"]
    decisions.set_article_choice(db, desk["article"], "on", EDITOR)
    assert set_status(db, claims[0], "sourced", ANA).claim["decision_state"] == "proposed"
    needs_approval(desk)
    decisions.set_article_choice(db, desk["article"], "off", EDITOR)
    assert set_status(db, claims[1], "sourced", ANA).claim["decision_state"] == "decided"


def test_approving_keeps_the_status_moves_the_version_and_is_in_the_history(desk):
    needs_approval(desk)
    db, claim_id = desk["db"], desk["claims"][0]
    proposed = set_status(db, claim_id, "disputed", ANA).claim
    approved = decisions.approve(db, claim_id, EDITOR, proposed["version"])
    assert (approved["status"], approved["decision_state"]) == ("disputed", "approved")
    assert approved["version"] == proposed["version"] + 1
    entry = claim_history(db, claim_id)[-1]
    assert (entry["actor"], entry["action"], entry["after"]["decision_state"]) == (
        "eda",
        "approve",
        "approved",
    )


def test_returning_needs_a_note_and_sends_the_claim_back(desk):
    needs_approval(desk)
    db, claim_id = desk["db"], desk["claims"][0]
    set_status(db, claim_id, "sourced", ANA)
    with pytest.raises(InvalidInput, match="note is empty"):
        decisions.return_decision(db, claim_id, "  ", EDITOR)
    returned = decisions.return_decision(db, claim_id, "One source is not enough.", EDITOR)
    assert (returned["status"], returned["decision_state"]) == ("unverified", "returned")
    assert [n["body"] for n in get_claim(db, claim_id)["notes"]] == ["One source is not enough."]
    entry = claim_history(db, claim_id)[-1]
    assert (entry["action"], entry["before"]["status"], entry["after"]["note"]) == (
        "return",
        "sourced",
        "One source is not enough.",
    )


def test_reviewers_cannot_approve_or_return(desk):
    needs_approval(desk)
    db, claim_id = desk["db"], desk["claims"][0]
    set_status(db, claim_id, "sourced", ANA)
    with pytest.raises(NotAllowed):
        decisions.approve(db, claim_id, BO)
    with pytest.raises(NotAllowed):
        decisions.return_decision(db, claim_id, "no", BO)
    assert get_claim(db, claim_id)["decision_state"] == "proposed"


def test_approve_all_approves_only_proposals(desk):
    needs_approval(desk)
    db, claims = desk["db"], desk["claims"]
    set_status(db, claims[0], "sourced", ANA)
    set_status(db, claims[1], "disputed", ANA)
    assert decisions.approve_all(db, desk["article"], EDITOR) == 2
    assert decisions.state_counts(db)[desk["article"]] == {"approved": 2, "none": 2}


def test_exports_tell_proposed_from_approved_and_claimreview_publishes_approved_only(desk):
    needs_approval(desk)
    db, claims = desk["db"], desk["claims"]
    set_status(db, claims[0], "sourced", ANA)
    set_status(db, claims[1], "disputed", ANA)
    decisions.approve(db, claims[1], EDITOR)
    states = {int(r["claim_id"]): r["decision_state"] for r in exported_csv(db)}
    assert states == {
        claims[0]: "proposed",
        claims[1]: "approved",
        claims[2]: "none",
        claims[3]: "none",
    }
    document = exported_json(db, desk["article"])
    assert [c["decision_state"] for c in document["articles"][0]["claims"]] == [
        "proposed",
        "approved",
        "none",
        "none",
    ]
    assert [r["claimReviewed"] for r in published(db)] == [get_claim(db, claims[1])["text"]]
    decisions.set_desk_needs_approval(db, False, EDITOR)
    assert len(published(db)) == 2  # without the setting, every decision is published


# --- blind double review ---------------------------------------------------------------


def start_blind(desk):
    return blind.start(desk["db"], desk["article"], ["ana", "bo"], EDITOR)


def test_blind_review_needs_two_reviewers_and_an_editor(desk):
    with pytest.raises(InvalidInput, match="at least two"):
        blind.start(desk["db"], desk["article"], ["ana"], EDITOR)
    with pytest.raises(NotAllowed):
        blind.start(desk["db"], desk["article"], ["ana", "bo"], ANA)


def test_blind_reviewers_are_assigned_every_claim(desk):
    start_blind(desk)
    assert len(assignments.queue(desk["db"], "ana")) == 4
    assert len(assignments.queue(desk["db"], "bo")) == 4


def test_during_blind_review_nothing_of_a_decision_is_visible_outside_its_author(desk):
    db, claims = desk["db"], desk["claims"]
    review = start_blind(desk)
    history_before = db.execute("select count(*) from history").fetchone()[0]
    blind.decide(db, claims[0], ANA, status="disputed", note="zanzibarine reasoning")
    assert get_claim(db, claims[0])["status"] == "unverified"
    assert get_claim(db, claims[0])["notes"] == []
    assert db.execute("select count(*) from history").fetchone()[0] == history_before
    assert blind.own_decisions(db, review.id, "bo") == {}
    assert blind.own_decisions(db, review.id, "ana")[claims[0]]["status"] == "disputed"
    exports = "".join(csv_rows.iter_csv(db)) + json.dumps(exported_json(db, desk["article"]))
    assert "zanzibarine" not in exports and "disputed" not in exports
    with pytest.raises(NotAllowed):
        blind.decisions_by_claim(db, review)


def test_during_blind_review_statuses_and_notes_are_refused(desk):
    db, claim_id = desk["db"], desk["claims"][0]
    start_blind(desk)
    with pytest.raises(NotAllowed):
        set_status(db, claim_id, "sourced", EDITOR)
    with pytest.raises(InvalidInput, match="blind review"):
        add_note(db, claim_id, "A hint for the others.", EDITOR)
    with pytest.raises(NotAllowed):
        blind.decide(db, claim_id, actor("cy", "reviewer"), status="sourced")


def decide_all(desk, reviewer, statuses, notes=None):
    for claim_id, status, note in zip(
        desk["claims"], statuses, notes or [None] * len(statuses), strict=True
    ):
        blind.decide(desk["db"], claim_id, reviewer, status=status, note=note)


def test_the_last_decision_reveals_agreed_statuses_and_every_decision_in_history(desk):
    db, claims = desk["db"], desk["claims"]
    review = start_blind(desk)
    decide_all(
        desk, ANA, ["sourced", "disputed", "sourced", "unverified"], ["a1", None, None, None]
    )
    assert blind.open_review(db, desk["article"]) is not None  # bo has not decided yet
    decide_all(desk, BO, ["sourced", "sourced", "sourced", "unverified"])
    assert blind.open_review(db, desk["article"]) is None
    statuses = [get_claim(db, c)["status"] for c in claims]
    assert statuses == ["sourced", "unverified", "sourced", "unverified"]
    first = claim_history(db, claims[0])
    assert [(h["actor"], h["action"]) for h in first[-3:]] == [
        ("ana", "blind decision"),
        ("bo", "blind decision"),
        ("blind review", "status"),
    ]
    assert first[-3]["after"]["note"] == "a1"
    [item] = blind.disagreements(db, blind.latest(db, desk["article"]))
    assert item["id"] == claims[1]
    assert {name: d["status"] for name, d in item["decisions"].items()} == {
        "ana": "disputed",
        "bo": "sourced",
    }
    del review


def test_adjudication_sets_the_final_status_and_keeps_every_decision(desk):
    needs_approval(desk)
    db, claims = desk["db"], desk["claims"]
    start_blind(desk)
    decide_all(desk, ANA, ["sourced", "disputed", "sourced", "sourced"])
    decide_all(
        desk, BO, ["sourced", "sourced", "sourced", "sourced"], [None, "two sources", None, None]
    )
    with pytest.raises(NotAllowed):
        blind.adjudicate(db, claims[1], "sourced", "ok", ANA)
    with pytest.raises(InvalidInput, match="empty"):
        blind.adjudicate(db, claims[1], "sourced", "", EDITOR)
    final = blind.adjudicate(db, claims[1], "disputed", "The contract says otherwise.", EDITOR)
    assert (final["status"], final["decision_state"]) == ("disputed", "approved")
    # Agreed claims are proposals when decisions need approval; the editor approves them.
    assert get_claim(db, claims[0])["decision_state"] == "proposed"
    decisions.approve_all(db, desk["article"], EDITOR)
    claim = exported_json(db, desk["article"])["articles"][0]["claims"][1]
    assert [(d["reviewer"], d["status"], d["note"]) for d in claim["blind_decisions"]] == [
        ("ana", "disputed", None),
        ("bo", "sourced", "two sources"),
    ]
    assert [h["action"] for h in claim["history"]][-3:] == [
        "blind decision",
        "blind decision",
        "adjudicate",
    ]
    assert len(published(db)) == 4


def test_a_reviewer_may_change_a_blind_decision_until_the_end(desk):
    db, claim_id = desk["db"], desk["claims"][0]
    review = start_blind(desk)
    blind.decide(db, claim_id, ANA, status="sourced")
    blind.decide(db, claim_id, ANA, note="on second thought")
    blind.decide(db, claim_id, ANA, status="disputed")
    mine = blind.own_decisions(db, review.id, "ana")[claim_id]
    assert (mine["status"], mine["note"]) == ("disputed", "on second thought")


# --- presence and events ---------------------------------------------------------------


def test_presence_shows_others_on_their_claim_and_expires(desk):
    db, claims = desk["db"], desk["claims"]
    presence.heartbeat(db, desk["article"], ANA, claims[2])
    presence.heartbeat(db, desk["article"], BO)
    assert [
        (p["username"], p["position"]) for p in presence.present(db, desk["article"], "bo")
    ] == [("ana", 3)]
    db.execute("update presence set seen_at = '2000-01-01T00:00:00Z' where username = 'ana'")
    assert [p["username"] for p in presence.present(db, desk["article"])] == ["bo"]


def test_events_are_history_rows_after_an_id(desk):
    db, claims = desk["db"], desk["claims"]
    start = events.newest_id(db)
    set_status(db, claims[0], "sourced", ANA)
    add_note(db, claims[1], "Checked.", BO)
    changes = events.article_changes(db, desk["article"], start)
    assert [(c.claim_id, c.actor, c.action) for c in changes] == [
        (claims[0], "ana", "status"),
        (claims[1], "bo", "note"),
    ]
    assert events.article_changes(db, desk["article"], changes[0].id)[0].action == "note"


def test_a_review_revealed_before_the_record_existed_gets_its_claims_as_they_read(desk):
    """The migration that keeps revealed reviews' claims fills it for the reviews already
    revealed: their figures and disagreements come out as before."""
    db = desk["db"]
    start_blind(desk)
    decide_all(desk, ANA, ["sourced", "disputed", "sourced", "unverified"])
    decide_all(desk, BO, ["sourced", "sourced", "sourced", "unverified"])
    review = blind.latest(db, desk["article"])
    figures = agreement.review_agreement(db, review)
    disagreements = blind.disagreements(db, review)
    db.execute("drop table blind_review_claims")
    migrations._freeze_revealed_blind_reviews(db)
    assert db.table("blind_review_claims").count == 4
    assert agreement.review_agreement(db, review) == figures
    assert blind.disagreements(db, review) == disagreements
