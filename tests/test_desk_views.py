"""The desk in the browser's terms (Flask test client): every write with and without htmx,
what a blind reviewer's page, panel, API and exports show, the event stream, presence."""

import json
import re

import pytest

from support import desk_world, import_by_form, read_stream, sign_in
from workbench.desk import agreement, blind
from workbench.team import accounts

HX = {"HX-Request": "true"}
TEXT = (
    "The mayor opened the bridge on Monday. It cost $4.5 million. "
    "Critics called the project late. The council will vote in May."
)
SECRET_NOTE = "zanzibarine reasoning"


@pytest.fixture
def desk(app, admin_client, db):
    """An article of four claims; an editor and two reviewers, logged in."""
    return desk_world(app, admin_client, db, TEXT)


def state(db, claim_id):
    return db.execute(
        "select status, decision_state from claims where id = ?", [claim_id]
    ).fetchone()


def version(db, claim_id):
    return db.execute("select version from claims where id = ?", [claim_id]).fetchone()[0]


# --- assignment and the queue ----------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_editor_assigns_a_range_and_it_shows_in_the_reviewers_queue(desk, headers):
    response = desk["editor"].post(
        f"/articles/{desk['article']}/assign",
        data={"reviewer": ["ana", "bo"], "first": "2", "last": "3"},
        headers=headers,
    )
    desk_url = f"/articles/{desk['article']}/desk"
    if headers:
        assert (response.status_code, response.headers["HX-Redirect"]) == (204, desk_url)
    else:
        assert (response.status_code, response.headers["Location"]) == (303, desk_url)
    queue = desk["ana"].get("/queue").get_data(as_text=True)
    assert "It cost $4.5 million." in queue and "Critics called the project late." in queue
    assert "The mayor opened" not in queue
    page = desk["editor"].get(desk_url).get_data(as_text=True)
    assert re.search(r"<td>ana</td><td>2</td><td>2</td>", page)


def test_a_bad_range_is_explained_and_assigns_nothing(desk):
    response = desk["editor"].post(
        f"/articles/{desk['article']}/assign",
        data={"reviewer": "ana", "first": "3", "last": "2"},
        follow_redirects=True,
    )
    assert "runs backwards" in response.get_data(as_text=True)
    assert desk["db"].table("assignments").count == 0


def test_a_mention_in_a_note_reaches_the_queue(desk):
    claim_id = desk["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/notes", data={"body": "@bo please check the cost"})
    assert "The mayor opened" in desk["bo"].get("/queue").get_data(as_text=True)


def test_the_queue_filter_and_api_know_assignees(desk):
    desk["editor"].post(
        f"/articles/{desk['article']}/assign", data={"reviewer": "bo", "first": "4", "last": "4"}
    )
    found = desk["ana"].get("/api/claims", query_string={"assignee": "bo"}).get_json()
    assert [c["id"] for c in found["claims"]] == [desk["claims"][3]]
    search = desk["ana"].get("/search", query_string={"assignee": "bo"}).get_data(as_text=True)
    assert "The council will vote in May." in search


# --- approval --------------------------------------------------------------------------


@pytest.fixture
def proposed(desk):
    """Decisions need approval desk-wide; ana proposes claim 1 sourced."""
    desk["editor"].post("/desk/approval", data={"needs_approval": "on"})
    claim_id = desk["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    assert state(desk["db"], claim_id) == ("sourced", "proposed")
    return claim_id


def test_a_proposal_shows_as_proposed_on_the_page_the_dashboard_and_the_api(desk, proposed):
    page = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    assert 'class="badge badge--proposed"' in page
    api = desk["ana"].get(f"/api/claims/{proposed}").get_json()
    assert api["decision_state"] == "proposed"
    dashboard = desk["ana"].get("/dashboard").get_data(as_text=True)
    assert re.search(r'<td class="num">1</td><td class="num">0</td>', dashboard)


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_editor_approves_from_the_approvals_list(desk, proposed, headers):
    assert "The mayor opened" in desk["editor"].get("/approvals").get_data(as_text=True)
    response = desk["editor"].post(
        f"/claims/{proposed}/approve",
        data={"view": "approvals", "version": version(desk["db"], proposed)},
        headers=headers,
    )
    if headers:
        assert response.status_code == 200
        assert "Approved “sourced”" in response.get_data(as_text=True)
    else:
        assert (response.status_code, response.headers["Location"]) == (303, "/approvals")
    assert state(desk["db"], proposed) == ("sourced", "approved")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_an_editor_returns_from_the_row_with_a_note(desk, proposed, headers):
    response = desk["editor"].post(
        f"/claims/{proposed}/return",
        data={"note": "Which source?", "version": version(desk["db"], proposed)},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    if headers:
        assert 'id="claim-' in response.get_data(as_text=True)
    assert state(desk["db"], proposed) == ("unverified", "returned")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_the_approvals_list_names_the_reviewer_and_their_proposal_after_a_return(
    desk, proposed, headers
):
    response = desk["editor"].post(
        f"/claims/{proposed}/return",
        data={
            "note": "Which source?",
            "view": "approvals",
            "version": version(desk["db"], proposed),
        },
        headers=headers,
        follow_redirects=not headers,
    )
    item = response.get_data(as_text=True)
    assert "Returned claim 1 to ana." in item
    if headers:
        # Once returned the claim is the editor's and unverified: the item still says
        # who proposed what.
        assert re.search(r"ana proposed <span class=\"badge badge--sourced\">sourced</span>", item)
        assert "eda proposes" not in item and "eda proposed" not in item


@pytest.mark.parametrize("assigned", [True, False], ids=["assigned", "not-assigned"])
def test_a_returned_decision_comes_back_to_the_reviewers_queue_with_its_note(desk, assigned):
    desk["editor"].post("/desk/approval", data={"needs_approval": "on"})
    claim_id = desk["claims"][0]
    if assigned:
        desk["editor"].post(
            f"/articles/{desk['article']}/assign",
            data={"reviewer": "ana", "first": "1", "last": "1"},
        )
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    assert "The mayor opened" not in desk["ana"].get("/queue").get_data(as_text=True)

    desk["editor"].post(
        f"/claims/{claim_id}/return",
        data={"note": "Which source?", "version": version(desk["db"], claim_id)},
    )

    queue = desk["ana"].get("/queue").get_data(as_text=True)
    assert queue.count("The mayor opened") == 1
    assert "Returned by eda: “Which source?”" in queue
    assert "Which source?" not in desk["bo"].get("/queue").get_data(as_text=True)
    # The note shows under the row on the article page too, not only as "1 note".
    page = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    assert '<p class="claim__returned">Returned by eda: “Which source?”</p>' in page
    # A new decision takes it out of the queue again.
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    assert "The mayor opened" not in desk["ana"].get("/queue").get_data(as_text=True)


def test_returning_without_a_note_is_422_and_changes_nothing(desk, proposed):
    response = desk["editor"].post(
        f"/claims/{proposed}/return", data={"note": " ", "view": "approvals"}, headers=HX
    )
    assert response.status_code == 422
    assert state(desk["db"], proposed) == ("sourced", "proposed")


def test_approving_with_an_old_version_is_a_conflict(desk, proposed):
    response = desk["editor"].post(f"/claims/{proposed}/approve", data={"version": "1"}, headers=HX)
    assert response.status_code == 409
    assert state(desk["db"], proposed) == ("sourced", "proposed")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_approve_all_and_the_article_setting(desk, proposed, headers):
    article = desk["article"]
    response = desk["editor"].post(f"/articles/{article}/approve-all", headers=headers)
    assert response.status_code == (204 if headers else 303)
    assert state(desk["db"], proposed) == ("sourced", "approved")
    response = desk["editor"].post(
        f"/articles/{article}/approval", data={"needs_approval": "off"}, headers=headers
    )
    assert response.status_code == (204 if headers else 303)
    desk["ana"].post(f"/claims/{desk['claims'][1]}/status", data={"status": "disputed"})
    assert state(desk["db"], desk["claims"][1]) == ("disputed", "decided")


def test_the_export_of_an_approved_desk_publishes_approved_decisions_only(desk, proposed):
    desk["editor"].post(f"/claims/{desk['claims'][1]}/status", data={"status": "disputed"})
    reviews = (
        desk["ana"].get(f"/articles/{desk['article']}/export.claimreview").get_data(as_text=True)
    )
    assert [r["reviewRating"]["alternateName"] for r in json.loads(reviews)] == ["Disputed"]
    rows = desk["ana"].get(f"/articles/{desk['article']}/export.csv").get_data(as_text=True)
    assert '"sourced","proposed"' in rows and '"disputed","approved"' in rows


# --- blind double review ---------------------------------------------------------------


@pytest.fixture
def blind_review(desk):
    response = desk["editor"].post(
        f"/articles/{desk['article']}/blind", data={"reviewer": ["ana", "bo"]}
    )
    assert response.status_code == 303
    return desk


def test_starting_a_blind_review_needs_two_reviewers(desk):
    response = desk["editor"].post(
        f"/articles/{desk['article']}/blind", data={"reviewer": "ana"}, follow_redirects=True
    )
    assert "at least two" in response.get_data(as_text=True)
    assert desk["db"].table("blind_reviews").count == 0


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_blind_reviewer_sees_only_their_own_decision(blind_review, headers):
    desk, claim_id = blind_review, blind_review["claims"][0]
    response = desk["ana"].post(
        f"/claims/{claim_id}/status", data={"status": "disputed"}, headers=headers
    )
    assert response.status_code == (200 if headers else 303)
    response = desk["ana"].post(
        f"/claims/{claim_id}/notes", data={"body": SECRET_NOTE}, headers=headers
    )
    assert response.status_code == (200 if headers else 303)
    own = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    assert re.search(rf'id="claim-{claim_id}"', own) and "claim claim--disputed" in own
    own_panel = desk["ana"].get(f"/claims/{claim_id}/panel", headers=HX).get_data(as_text=True)
    assert SECRET_NOTE in own_panel
    assert state(desk["db"], claim_id) == ("unverified", "none")


LEAK_PATHS = [
    "/articles/{article}",
    "/articles/{article}?status=disputed",
    "/claims/{claim}",
    "/claims/{claim}/panel",
    "/articles/{article}/activity",
    "/api/claims/{claim}",
    "/api/articles/{article}/claims",
    "/api/claims?q=zanzibarine",
    "/search?q=zanzibarine",
    "/articles/{article}/export.csv",
    "/articles/{article}/export.json",
    "/articles/{article}/export.claimreview",
    "/export.json",
    "/dashboard",
    "/queue",
]


# What would show ana's blind "disputed" or her note (the page's own buttons and filter
# tabs say "disputed" too, so the markers are the ones a decision would add).
LEAK_MARKERS = (
    SECRET_NOTE,
    'class="claim claim--disputed',
    "badge--disputed",
    '"status": "disputed"',
    '"status":"disputed"',
    ',"disputed",',
    '"blind decision"',
    "in the blind review",
)


@pytest.mark.parametrize("path", LEAK_PATHS)
@pytest.mark.parametrize("who", ["bo", "editor"])
def test_nothing_of_a_blind_decision_leaks_before_the_end(blind_review, path, who):
    desk, claim_id = blind_review, blind_review["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    desk["ana"].post(f"/claims/{claim_id}/notes", data={"body": SECRET_NOTE})
    url = path.format(article=desk["article"], claim=claim_id)
    assert markers_shown(desk[who], url, LEAK_MARKERS) == []


def markers_shown(client, url, markers):
    """Which of `markers` the page (or, for a panel, the htmx partial) at `url` shows."""
    response = client.get(url, headers=HX if "panel" in url else {})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    return [marker for marker in markers if marker in body]


def test_the_leak_markers_would_catch_a_revealed_decision(blind_review):
    desk, claim_id = blind_review, blind_review["claims"][0]
    decide_everything(desk, "ana", ["disputed", "sourced", "sourced", "sourced"])
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "sourced"])
    body = desk["bo"].get(f"/api/claims/{claim_id}").get_data(as_text=True)
    assert '"blind decision"' in body and '"status":"disputed"' in body


def test_the_event_stream_carries_no_blind_decision(blind_review, app):
    desk, claim_id = blind_review, blind_review["claims"][0]
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    desk["ana"].post(f"/claims/{claim_id}/notes", data={"body": SECRET_NOTE})
    stream = read_stream(app, desk["bo"], desk["article"], after)
    assert "zanzibarine" not in stream and "disputed" not in stream.replace(
        "seg__button--disputed", ""
    )
    assert f"event: claim-{claim_id}" not in stream


def test_the_done_line_follows_the_reviewers_own_blind_decision(blind_review):
    desk = blind_review
    article, claim_id = desk["article"], desk["claims"][0]
    page = f"/articles/{article}"
    assert "Done: ana 0/4, bo 0/4." in desk["editor"].get(page).get_data(as_text=True)

    # The reviewer's own page: the answer carries the line out of band.
    answer = (
        desk["ana"]
        .post(
            f"/claims/{claim_id}/status",
            data={"status": "sourced"},
            headers={**HX, "HX-Current-URL": f"http://localhost{page}"},
        )
        .get_data(as_text=True)
    )
    assert re.search(r'id="blind-banner" hx-swap-oob="true">[^<]*Done: ana 1/4, bo 0/4\.', answer)
    assert "Done: ana 1/4, bo 0/4." in desk["editor"].get(page).get_data(as_text=True)


def desk_event(stream):
    """The data of the stream's last "desk" event (the blind review's line), as HTML."""
    assert "event: desk\n" in stream, stream
    event = stream.rsplit("event: desk\n", 1)[1].split("\n\n", 1)[0]
    return "\n".join(line.removeprefix("data: ") for line in event.splitlines())


@pytest.mark.parametrize("who", ["bo", "editor"])
def test_the_stream_tells_others_how_far_each_blind_reviewer_has_got(blind_review, app, who):
    desk, claim_id = blind_review, blind_review["claims"][0]
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    desk["ana"].post(f"/claims/{desk['claims'][1]}/notes", data={"body": SECRET_NOTE})

    stream = read_stream(app, desk[who], desk["article"], after)

    line = desk_event(stream)
    assert "Done: ana 1/4, bo 0/4." in line  # the note alone decides nothing
    assert 'id="blind-banner"' in line and "hx-swap-oob" not in line
    wording = "your statuses and notes stay private" if who == "bo" else "are hidden until"
    assert wording in line
    # Counts, never a status or a note: nothing of ana's choice, no row, no progress bar.
    assert "disputed" not in line and "zanzibarine" not in stream
    assert f"event: claim-{claim_id}" not in stream and 'id="progress"' not in stream
    assert f"id: {after}\n" not in stream  # the line moves no resume point


def test_the_blind_line_moves_on_an_open_stream_when_a_reviewer_decides(blind_review, app):
    """The whole way: ana's decision marks the article, the watcher sees the mark, and
    bo's open stream is sent the line again, without a reconnect."""
    desk = blind_review
    app.config["STREAM_SECONDS"] = 8  # ends on its own; the line comes well before
    response = desk["bo"].get(f"/articles/{desk['article']}/events", buffered=False)
    pieces = response.response
    seen = ""
    for piece in pieces:  # the line as the page joined
        seen += piece.decode() if isinstance(piece, bytes) else piece
        if "event: desk\n" in seen:
            break
    assert "Done: ana 0/4, bo 0/4." in desk_event(seen)

    desk["ana"].post(f"/claims/{desk['claims'][0]}/status", data={"status": "sourced"})

    for piece in pieces:
        seen += piece.decode() if isinstance(piece, bytes) else piece
        if "Done: ana 1/4" in seen:
            break
    response.close()
    assert "Done: ana 1/4, bo 0/4." in desk_event(seen)
    assert seen.count("event: desk\n") == 2  # sent again only when it changed


def test_a_reconnect_is_sent_the_line_as_it_is_now(blind_review, app):
    desk = blind_review
    seen = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["ana"].post(f"/claims/{desk['claims'][0]}/status", data={"status": "sourced"})
    desk["bo"].post(f"/claims/{desk['claims'][1]}/status", data={"status": "sourced"})
    stream = read_stream(app, desk["editor"], desk["article"], after=0, last_event_id=seen)
    assert "Done: ana 1/4, bo 1/4." in desk_event(stream)
    assert "event: claim-" not in stream


def test_the_line_and_progress_follow_the_reveal_and_each_ruling(blind_review, app):
    desk = blind_review
    page = f"/articles/{desk['article']}"
    decide_everything(desk, "ana", ["sourced", "disputed", "sourced", "disputed"])
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "unverified"])

    stream = read_stream(app, desk["editor"], desk["article"], after)
    line = desk_event(stream)
    assert "finished: 2 of 2 disagreements left to adjudicate (<a href" in line
    # The agreed claims took their status: the progress bar comes along.
    assert re.search(r'id="progress" hx-swap-oob="true">.*<strong>2 / 4</strong>', line, re.S)
    assert "finished: 2 of 2" in desk["bo"].get(page).get_data(as_text=True)  # no JS: a reload
    assert "(<a href" not in desk_event(read_stream(app, desk["bo"], desk["article"], after))

    ruled = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["editor"].post(
        f"/claims/{desk['claims'][1]}/adjudicate", data={"status": "sourced", "note": "two sources"}
    )
    stream = read_stream(app, desk["ana"], desk["article"], ruled)
    assert "finished: 1 of 2 disagreements left" in desk_event(stream)
    assert "finished: 1 of 2" in desk["ana"].get(page).get_data(as_text=True)

    ruled = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["editor"].post(
        f"/claims/{desk['claims'][3]}/adjudicate", data={"status": "disputed", "note": "no source"}
    )
    stream = read_stream(app, desk["ana"], desk["article"], ruled)
    assert "blind-banner" not in desk_event(stream)  # nothing left: the line goes
    assert 'id="blind-banner"' not in desk["ana"].get(page).get_data(as_text=True)


def test_an_article_never_reviewed_blind_is_sent_no_line(desk, app):
    assert "event: desk" not in read_stream(app, desk["ana"], desk["article"])


# Evidence a reviewer might add during the review: its stance, title and excerpt are
# their reasons, as a note is.
SECRET_EVIDENCE = {
    "url": "https://example.org/zanzibarine-dossier",
    "stance": "contradicts",
    "title": "Quellwater dossier",
    "excerpt": "The quellwater figures were never published by the council.",
}
EVIDENCE_MARKERS = ("zanzibarine-dossier", "Quellwater dossier", "quellwater figures")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
@pytest.mark.parametrize("who", ["ana", "editor"])
def test_evidence_is_refused_during_a_blind_review_with_the_form_kept(blind_review, who, headers):
    desk, claim_id = blind_review, blind_review["claims"][0]
    before = desk["db"].execute("select max(id) from history").fetchone()[0]
    response = desk[who].post(f"/claims/{claim_id}/evidence", data=SECRET_EVIDENCE, headers=headers)
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "under blind review" in body and "once every reviewer is done" in body
    assert SECRET_EVIDENCE["excerpt"] in body  # what was typed is kept in the form
    assert desk["db"].table("evidence").count == 0 and desk["db"].table("jobs").count == 0
    assert desk["db"].execute("select max(id) from history").fetchone()[0] == before


@pytest.mark.parametrize("path", [*LEAK_PATHS, "/links"])
@pytest.mark.parametrize("who", ["bo", "editor"])
def test_nothing_of_a_blind_reviewers_evidence_leaks_before_the_end(blind_review, path, who):
    desk, claim_id = blind_review, blind_review["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/evidence", data=SECRET_EVIDENCE)
    url = path.format(article=desk["article"], claim=claim_id)
    assert markers_shown(desk[who], url, EVIDENCE_MARKERS) == []


def test_evidence_is_added_as_usual_once_the_review_is_revealed(blind_review):
    desk, claim_id = blind_review, blind_review["claims"][0]
    decide_everything(desk, "ana", ["disputed", "sourced", "sourced", "sourced"])
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "sourced"])
    response = desk["ana"].post(f"/claims/{claim_id}/evidence", data=SECRET_EVIDENCE)
    assert response.status_code == 303
    assert "Quellwater dossier" in desk["bo"].get(f"/claims/{claim_id}").get_data(as_text=True)


def test_non_reviewers_cannot_decide_or_note_during_blind_review(blind_review):
    desk, claim_id = blind_review, blind_review["claims"][0]
    response = desk["editor"].post(f"/claims/{claim_id}/status", data={"status": "sourced"})
    assert response.status_code == 403
    response = desk["editor"].post(f"/claims/{claim_id}/notes", data={"body": "hint"}, headers=HX)
    assert response.status_code == 422
    assert desk["db"].table("notes").count == 0


def decide_everything(desk, name, statuses):
    for claim_id, status in zip(desk["claims"], statuses, strict=True):
        assert (
            desk[name].post(f"/claims/{claim_id}/status", data={"status": status}).status_code
            == 303
        )


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_blind_review_to_adjudication_and_agreement(blind_review, headers):
    desk = blind_review
    adjudication = f"/articles/{desk['article']}/adjudication"
    assert "under way" in desk["editor"].get(adjudication).get_data(as_text=True)
    decide_everything(desk, "ana", ["sourced", "disputed", "sourced", "unverified"])
    desk["bo"].post(f"/claims/{desk['claims'][1]}/notes", data={"body": "two sources agree"})
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "unverified"])
    page = desk["editor"].get(adjudication).get_data(as_text=True)
    assert "1 claim where ana, bo disagree" in page
    assert "two sources agree" in page and "It cost $4.5 million." in page
    assert "75%" in page  # three of four claims agreed
    dashboard = desk["editor"].get("/dashboard").get_data(as_text=True)
    assert "75%" in dashboard and "1 disagreement, 1 to adjudicate" in dashboard
    claim_id = desk["claims"][1]
    response = desk["editor"].post(
        f"/claims/{claim_id}/adjudicate",
        data={"status": "disputed", "note": "The contract says 5 million."},
        headers=headers,
    )
    assert response.status_code == (200 if headers else 303)
    assert state(desk["db"], claim_id) == ("disputed", "decided")
    dashboard = desk["editor"].get("/dashboard").get_data(as_text=True)
    assert "1 disagreement, all adjudicated" in dashboard and "to adjudicate" not in dashboard
    history = desk["editor"].get(f"/api/claims/{claim_id}").get_json()["history"]
    assert [(h["actor"], h["action"]) for h in history][-3:] == [
        ("ana", "blind decision"),
        ("bo", "blind decision"),
        ("eda", "adjudicate"),
    ]


def test_adjudicating_needs_a_note_and_a_finished_review(blind_review):
    desk, claim_id = blind_review, blind_review["claims"][1]
    response = desk["editor"].post(
        f"/claims/{claim_id}/adjudicate", data={"status": "sourced", "note": "x"}, headers=HX
    )
    assert response.status_code == 422  # not finished
    decide_everything(desk, "ana", ["sourced", "disputed", "sourced", "sourced"])
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "sourced"])
    response = desk["editor"].post(
        f"/claims/{claim_id}/adjudicate", data={"status": "sourced", "note": ""}, headers=HX
    )
    assert response.status_code == 422
    assert "empty" in response.get_data(as_text=True)


def agreement_table(page):
    return re.search(r'<table class="table agreement-table">.*?</table>', page, re.S).group(0)


def test_a_finished_blind_review_is_a_record_a_new_version_does_not_change(blind_review):
    """A new version changed a finished review's figures (9 claims / 67 % / 0.44 / 0.46
    became 8 / 62 % / 0.38 / 0.42) and its adjudication page showed text the reviewers
    never saw. Both are drawn from the claims as reviewed now."""
    desk = blind_review
    decide_everything(desk, "ana", ["disputed", "disputed", "sourced", "unverified"])
    decide_everything(desk, "bo", ["sourced", "sourced", "sourced", "unverified"])
    adjudication = f"/articles/{desk['article']}/adjudication"
    desk_page = f"/articles/{desk['article']}/desk"
    before_page = desk["editor"].get(adjudication).get_data(as_text=True)
    before_table = agreement_table(before_page)
    assert "<td>4</td><td>50%</td>" in before_table
    before_desk = agreement_table(desk["editor"].get(desk_page).get_data(as_text=True))
    before_cli = blind_figures(desk)
    # Version 2 edits the first claim and drops the third.
    v2 = TEXT.replace("on Monday", "on Tuesday").replace("Critics called the project late. ", "")
    admin = sign_in(desk["app"], "adm", "admin")
    assert (
        admin.post("/articles", data={"text": v2, "new_version_of": desk["article"]}).status_code
        == 303
    )
    assert desk["db"].table("articles").get(desk["article"])["current_version"] == 2
    after_page = desk["editor"].get(adjudication).get_data(as_text=True)
    assert agreement_table(after_page) == before_table
    assert agreement_table(desk["editor"].get(desk_page).get_data(as_text=True)) == before_desk
    assert blind_figures(desk) == before_cli
    # The disagreements as the reviewers read them, with a word that the text changed since.
    assert "The mayor opened the bridge on Monday." in after_page
    assert "It cost $4.5 million." in after_page
    assert "now “The mayor opened the bridge on Tuesday.”" in after_page
    assert "A later version of the article changed it since" in after_page


def blind_figures(desk):
    review = blind.latest(desk["db"], desk["article"])
    figures = agreement.review_agreement(desk["db"], review)
    return {key: figures[key] for key in ("claims", "percent", "kappa", "alpha", "disagreements")}


# --- the event stream and presence -----------------------------------------------------


def test_a_change_by_someone_else_arrives_as_that_claims_row(desk, app):
    claim_id = desk["claims"][2]
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["bo"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    stream = read_stream(app, desk["ana"], desk["article"], after)
    event = stream.split(f"event: claim-{claim_id}\n", 1)[1].split("\n\n", 1)[0]
    assert f'data: <li class="claim claim--disputed" id="claim-{claim_id}"' in event
    assert 'hx-swap-oob="true"' in event  # the progress bar and counts come along
    newest = desk["db"].execute("select max(id) from history").fetchone()[0]
    assert f"id: {newest}\n" in stream


def test_ones_own_change_is_not_sent_back_but_the_resume_point_moves(desk, app):
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["ana"].post(f"/claims/{desk['claims'][0]}/status", data={"status": "sourced"})
    stream = read_stream(app, desk["ana"], desk["article"], after)
    assert "event: claim-" not in stream
    assert f"id: {after + 1}\n" in stream


def test_a_reconnect_resumes_after_last_event_id(desk, app):
    first, second = desk["claims"][0], desk["claims"][1]
    desk["bo"].post(f"/claims/{first}/status", data={"status": "sourced"})
    seen = desk["db"].execute("select max(id) from history").fetchone()[0]
    desk["bo"].post(f"/claims/{second}/status", data={"status": "sourced"})
    stream = read_stream(app, desk["ana"], desk["article"], after=0, last_event_id=seen)
    assert f"event: claim-{second}\n" in stream
    assert f"event: claim-{first}\n" not in stream


def test_a_split_tells_the_page_to_reload(desk, app):
    after = desk["db"].execute("select max(id) from history").fetchone()[0]
    claim_id = desk["claims"][0]
    desk["bo"].post(f"/claims/{claim_id}/split", data={"at": str(_offset(desk, claim_id))})
    stream = read_stream(app, desk["ana"], desk["article"], after)
    assert "event: notice\n" in stream and "reload the page" in stream


def _offset(desk, claim_id):
    start, text = (
        desk["db"].execute("select start, text from claims where id = ?", [claim_id]).fetchone()
    )
    return start + text.index("opened")


def test_presence_shows_who_else_is_on_which_claim(desk, app):
    claim_id = desk["claims"][1]
    response = desk["bo"].post(
        f"/articles/{desk['article']}/presence", data={"claim": str(claim_id)}, headers=HX
    )
    assert response.status_code == 204
    response = desk["bo"].post(f"/articles/{desk['article']}/presence")
    assert response.status_code == 303
    desk["bo"].post(f"/articles/{desk['article']}/presence", data={"claim": str(claim_id)})
    page = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    assert re.search(r'presence__who">bo <a href="#claim-\d+"[^>]*>on 2</a>', page)
    stream = read_stream(app, desk["ana"], desk["article"])
    assert "event: presence\n" in stream and "bo" in stream.split("event: presence", 1)[1]


def test_a_reader_with_two_sessions_on_two_claims_is_listed_once(desk, app, db):
    """The report said "bo on 2, on 2". Presence is one row per account and article, so
    bo's second session (another browser) on another claim replaces the first's claim
    rather than adding a second "on N": on the page and in the stream alike."""
    article, first, second = desk["article"], desk["claims"][1], desk["claims"][2]
    other = app.test_client()
    other.set_cookie("workbench_session", accounts.start_session(db, accounts.find_user(db, "bo")))
    desk["bo"].post(f"/articles/{article}/presence", data={"claim": str(first)}, headers=HX)
    other.post(f"/articles/{article}/presence", data={"claim": str(second)}, headers=HX)
    desk["bo"].post(f"/articles/{article}/presence", data={"claim": str(first)}, headers=HX)

    page = desk["ana"].get(f"/articles/{article}").get_data(as_text=True)
    line = page.split('id="presence"', 1)[1].split("</p>", 1)[0]
    assert line.count("presence__who") == 1 and line.count(">on ") == 1, line
    assert re.search(r'presence__who">bo <a href="#claim-\d+"[^>]*>on 2</a>', line)
    stream = read_stream(app, desk["ana"], desk["article"])
    event = stream.split("event: presence\n", 1)[1].split("\n\n", 1)[0]
    assert event.count("presence__who") == 1 and event.count(">on ") == 1, event


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_reader_who_leaves_is_no_longer_shown(desk, headers):
    article = desk["article"]
    desk["bo"].post(f"/articles/{article}/presence", data={"claim": str(desk["claims"][1])})
    desk["editor"].post(f"/articles/{article}/presence")
    assert 'presence__who">bo' in desk["ana"].get(f"/articles/{article}").get_data(as_text=True)

    response = desk["bo"].post(f"/articles/{article}/presence/leave", headers=headers)

    assert response.status_code == (204 if headers else 303)
    page = desk["ana"].get(f"/articles/{article}").get_data(as_text=True)
    assert 'presence__who">bo' not in page and 'presence__who">eda' in page


def test_a_stream_past_the_accounts_limit_is_told_why_and_when_to_retry(desk, app):
    from workbench.web.views import live_streams

    app.config["STREAMS_PER_USER"] = 1
    limits = live_streams.limits_for(app)
    assert limits.admit("ana") is None  # a page of ana's is open
    try:
        refused = read_stream(app, desk["ana"], desk["article"])
        others = read_stream(app, desk["bo"], desk["article"])
    finally:
        limits.release("ana")
    assert refused.startswith(
        "retry: 30000\n: busy: ana has as many pages with live updates open as one account "
        "may (1): close one"
    )
    notice = refused.split("event: notice\n", 1)[1]
    assert "Live updates are off on this page: ana has as many pages" in notice
    assert others.startswith("retry: 1000\n")  # another account's page is not refused
    assert read_stream(app, desk["ana"], desk["article"]).startswith("retry: 1000\n")


def test_a_stream_past_the_servers_limit_is_told_why(desk, app):
    from workbench.web.views import live_streams

    app.config["STREAM_SLOTS"] = 1
    limits = live_streams.limits_for(app)
    assert limits.admit("someone") is None
    try:
        refused = read_stream(app, desk["bo"], desk["article"])
    finally:
        limits.release("someone")
    assert refused.startswith(
        "retry: 30000\n: busy: the server holds as many live pages as it may (1)"
    )
    assert limits.open == 0 and not limits.by_user  # every refused and ended stream let go


def test_the_page_connects_to_its_stream_from_the_newest_history_id(desk):
    page = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    newest = desk["db"].execute("select max(id) from history").fetchone()[0]
    assert f'sse-connect="/articles/{desk["article"]}/events?after={newest}"' in page
    assert 'hx-ext="sse"' in page


def test_the_blind_reviewers_last_decision_reveals(blind_review):
    desk = blind_review
    decide_everything(desk, "ana", ["sourced"] * 4)
    assert blind.open_review(desk["db"], desk["article"]) is not None
    decide_everything(desk, "bo", ["sourced"] * 4)
    assert blind.open_review(desk["db"], desk["article"]) is None
    assert [state(desk["db"], c) for c in desk["claims"]] == [("sourced", "decided")] * 4


def test_an_editor_sees_the_blind_progress_but_no_decision(blind_review):
    desk = blind_review
    desk["ana"].post(f"/claims/{desk['claims'][0]}/status", data={"status": "disputed"})
    page = desk["editor"].get(f"/articles/{desk['article']}/desk").get_data(as_text=True)
    assert "<li>ana: 1/4</li>" in page and "<li>bo: 0/4</li>" in page
    assert [marker for marker in LEAK_MARKERS if marker in page] == []


def test_the_desk_page_names_the_article(desk):
    page = desk["editor"].get(f"/articles/{desk['article']}/desk").get_data(as_text=True)
    assert "<h1>Bridge</h1>" in page


def test_a_row_drawn_for_one_blind_reviewer_is_never_served_to_another(blind_review):
    # Rows are cached per state (views/row_cache.py): ana's own decision must not be the
    # row bo or the editor get after ana's page was drawn.
    desk, claim_id = blind_review, blind_review["claims"][0]
    desk["ana"].post(f"/claims/{claim_id}/status", data={"status": "disputed"})
    own = desk["ana"].get(f"/articles/{desk['article']}").get_data(as_text=True)
    assert 'class="claim claim--disputed' in own
    for who in ("bo", "editor"):
        page = desk[who].get(f"/articles/{desk['article']}").get_data(as_text=True)
        assert 'class="claim claim--disputed' not in page, who


def test_one_drawing_serves_every_open_page_of_every_changed_article(desk, app, admin_client):
    """With many pages open, changes are drawn once per batch for all watched articles:
    each page gets its own article's rows, as its reader may see them, from its own
    resume point; a page the change does not concern gets nothing."""
    from workbench.team import accounts
    from workbench.web.views import live_drawing

    db = desk["db"]
    other = import_by_form(
        admin_client, "The ferry sank on Tuesday. It carried 40 cars.", title="Ferry"
    )
    assert other != desk["article"]
    sign_in(app, "vic", "viewer")
    before = db.execute("select max(id) from history").fetchone()[0]
    first, second = (
        desk["claims"][1],
        db.execute("select min(id) from claims where article_id = ?", [other]).fetchone()[0],
    )
    for claim_id, status in ((first, "disputed"), (second, "sourced")):
        answer = desk["bo"].post(f"/claims/{claim_id}/status", data={"status": status}, headers=HX)
        assert answer.status_code == 200, answer.get_data(as_text=True)
    newest = db.execute("select max(id) from history").fetchone()[0]
    ana, vic = accounts.find_user(db, "ana"), accounts.find_user(db, "vic")
    with app.test_request_context():
        batches = live_drawing.draw_batches(
            db,
            {
                desk["article"]: ({before, newest}, [(ana, "en"), (vic, "en")]),
                other: ({before}, [(ana, "en")]),
            },
        )
        mine = batches[desk["article"]]
        ana_first, ana_after = live_drawing.events_for(ana, before, mine, "en")
        vic_first, _ = live_drawing.events_for(vic, before, mine, "en")
        caught_up, _ = live_drawing.events_for(ana, newest, mine, "en")
        ana_second, _ = live_drawing.events_for(ana, before, batches[other], "en")
    assert ana_after == newest - 1  # the first article's change; the second came later
    assert f"event: claim-{first}\n" in ana_first and f"claim-{second}" not in ana_first
    assert 'class="claim claim--disputed"' in ana_first
    assert "hx-swap-oob" in ana_first  # its passage and the article's counts come along
    # The same row for a viewer, without the reviewer's status buttons.
    assert f"event: claim-{first}\n" in vic_first
    assert 'name="status"' in ana_first and 'name="status"' not in vic_first
    assert caught_up == ""  # that page was drawn after the change
    assert f"event: claim-{second}\n" in ana_second and f"claim-{first}\n" not in ana_second


def test_a_stream_is_read_where_an_event_loop_already_runs(desk, app):
    """The test client's stream runs its own loop; a caller that runs one already (as
    Playwright's sync API does in the browser tests' process) still reads it whole."""
    import asyncio
    import threading

    async def read_inside_a_loop():
        return read_stream(app, desk["ana"], desk["article"])

    # In a thread of its own, where no loop runs yet whatever ran in this one.
    found = []
    reader = threading.Thread(target=lambda: found.append(asyncio.run(read_inside_a_loop())))
    reader.start()
    reader.join(timeout=60)
    assert found, "the stream was not read"
    stream = found[0]
    assert stream.startswith("retry: 1000\n")
    assert "event: presence\n" in stream
