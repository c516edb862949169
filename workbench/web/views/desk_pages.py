"""The desk: my queue, assigning work, approving or returning decisions, blind
double review and its adjudication. Editors and admins run the desk; reviewers see their
queue. Every write works as a plain form (303 and a flash message) and with htmx (the
changed item in place, or a redirect the browser follows)."""

from flask import abort, flash, g, make_response, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from ...desk import agreement, blind, decisions
from ...errors import InvalidInput
from ...review import claims
from ...team import assignments
from ...team.accounts import list_users
from ..auth import role_required, safe_next
from ..database import get_db
from ..forms import expected_version, positive_int, single_form_value
from ..interface_locale import translated
from ..loaders import load_article, load_claim
from ..responses import is_htmx, render_partial
from .article_header import article_summary
from .blueprint import bp
from .claim_pages import answer_with_row, render_claim_error


def back_to(url, message, category="success"):
    """After a page-level write: a 303 back, or for htmx a redirect it follows (HX-Location
    would keep the old page's scroll; the whole page changed, so it is drawn again)."""
    flash(message, category)
    if is_htmx():
        response = make_response("", 204)
        response.headers["HX-Redirect"] = url
        return response
    return redirect(url, code=303)


def form_names(field):
    """Usernames from checkboxes, or from one comma-separated field (the command line's way)."""
    names = []
    for value in request.form.getlist(field):
        names += [name.strip() for name in value.split(",") if name.strip()]
    return names


def optional_position(field):
    """A claim position from the form, None when left empty; 400 when not a number."""
    value = single_form_value(field)
    if value is None or value.strip() == "":
        return None
    number = positive_int(value.strip())
    if number is None:
        abort(400, description=gettext("“%(field)s” must be a claim number.", field=field))
    return number


# --- my queue -------------------------------------------------------------------------


@bp.get("/queue")
@role_required("reviewer")
def my_queue():
    """What is assigned to me and not yet done, oldest first, then my decisions an editor
    returned (once each: a returned claim of mine that is assigned to me is listed as
    assigned, with its note)."""
    db = get_db()
    items = assignments.queue(db, g.user.username)
    listed = {item["id"] for item in items}
    returned = decisions.returned_to(db, g.user.username)
    notes = {claim["id"]: claim for claim in returned}
    for item in items:
        if item["id"] in notes:
            item["return_note"] = notes[item["id"]]["return_note"]
            item["returned_by"] = notes[item["id"]]["returned_by"]
    items += [claim for claim in returned if claim["id"] not in listed]
    return render_template("desk/queue.html", items=items)


# --- an article's desk: assign, approval, blind review --------------------------------


@bp.get("/articles/<id:article_id>/desk")
@role_required("editor")
def article_desk(article_id):
    article = load_article(article_id, with_body=False)
    db = get_db()
    review = blind.latest(db, article["id"])
    return render_template(
        "desk/article.html",
        reviewers=[u for u in _users() if u.can("reviewer")],
        assigned=assignments.article_summary(db, article["id"]),
        approval_choice=decisions.article_choice(db, article["id"]),
        desk_approval=decisions.desk_needs_approval(db),
        decision_counts=decisions.state_counts(db, [article["id"]]).get(article["id"], {}),
        review=review,
        blind_progress=blind.progress(db, review) if review else {},
        claim_total=blind.claim_total(db, article["id"]),
        figures=agreement.article_agreement(db, article["id"]),
        **article_summary(article),
    )


def _users():
    return list_users(get_db())


@bp.post("/articles/<id:article_id>/assign")
@role_required("editor")
def assign_article(article_id):
    article = load_article(article_id, with_body=False)
    desk_url = url_for("workbench.article_desk", article_id=article["id"])
    first, last = optional_position("first"), optional_position("last")
    try:
        result = assignments.assign(
            get_db(), article["id"], form_names("reviewer"), g.user, first, last
        )
    except InvalidInput as error:
        return back_to(desk_url, translated(error), "error")
    names = ", ".join(form_names("reviewer"))
    if first is None and last is None:
        message = gettext(
            "Assigned every claim (%(count)s) to %(names)s.", count=result.claims, names=names
        )
    else:
        message = gettext(
            "Assigned claims %(first)s–%(last)s (%(count)s) to %(names)s.",
            first=first or 1,
            last=last or "…",
            count=result.claims,
            names=names,
        )
    return back_to(desk_url, message)


@bp.post("/articles/<id:article_id>/approval")
@role_required("editor")
def set_article_approval(article_id):
    article = load_article(article_id, with_body=False)
    choice = single_form_value("needs_approval")
    decisions.set_article_choice(get_db(), article["id"], choice, g.user)
    said = {
        "desk": gettext("Decisions on this article now follow the desk's setting."),
        "on": gettext("Decisions on this article now need approval."),
        "off": gettext("Decisions on this article now need no approval."),
    }
    return back_to(url_for("workbench.article_desk", article_id=article["id"]), said[choice])


@bp.post("/desk/approval")
@role_required("editor")
def set_desk_approval():
    value = single_form_value("needs_approval")
    if value not in ("on", "off"):
        abort(400, description=gettext("Say “on” or “off”."))
    decisions.set_desk_needs_approval(get_db(), value == "on", g.user)
    back = safe_next(request.form.get("next"), url_for("workbench.approvals"))
    if value == "on":
        return back_to(back, gettext("Decisions need approval desk-wide: on."))
    return back_to(back, gettext("Decisions need approval desk-wide: off."))


@bp.post("/articles/<id:article_id>/blind")
@role_required("editor")
def start_blind_review(article_id):
    article = load_article(article_id, with_body=False)
    desk_url = url_for("workbench.article_desk", article_id=article["id"])
    try:
        review = blind.start(get_db(), article["id"], form_names("reviewer"), g.user)
    except InvalidInput as error:
        return back_to(desk_url, translated(error), "error")
    return back_to(
        desk_url,
        gettext(
            "Blind double review started: %(names)s decide every claim.",
            names=", ".join(review.reviewers),
        ),
    )


# --- approvals ------------------------------------------------------------------------


@bp.get("/approvals")
@role_required("editor")
def approvals():
    db = get_db()
    return render_template(
        "desk/approvals.html",
        proposals=decisions.proposals(db),
        desk_approval=decisions.desk_needs_approval(db),
    )


def decision_answer(claim, message, before):
    """From the approvals list: the item (htmx) or back to it; elsewhere: the claim's row.
    `before` is the claim as proposed: the item names its reviewer and what they proposed
    (once returned, the claim is the editor's and unverified)."""
    if request.form.get("view") == "approvals":
        if is_htmx():
            proposal = {"by": before["updated_by"], "status": before["status"]}
            return render_partial(
                "desk/_approval.html", claim=claim, done=message, proposal=proposal
            )
        flash(message, "success")
        return redirect(url_for("workbench.approvals"), code=303)
    return answer_with_row(claim, message)


@bp.post("/claims/<id:claim_id>/approve")
@role_required("editor")
def approve_claim(claim_id):
    claim = load_claim(claim_id)
    try:
        approved = decisions.approve(get_db(), claim["id"], g.user, expected_version())
    except InvalidInput as error:
        return render_claim_error(claim, translated(error), 422)
    message = gettext(
        "Approved “%(status)s” for claim %(n)s.",
        status=gettext(approved["status"]),
        n=approved["position"],
    )
    return decision_answer(approved, message, claim)


@bp.post("/claims/<id:claim_id>/return")
@role_required("editor")
def return_claim(claim_id):
    claim = load_claim(claim_id)
    try:
        returned = decisions.return_decision(
            get_db(), claim["id"], request.form.get("note"), g.user, expected_version()
        )
    except InvalidInput as error:
        if request.form.get("view") == "approvals":
            claim = claims.get_claim(get_db(), claim["id"])
            return render_partial("desk/_approval.html", claim=claim, error=translated(error)), 422
        return render_claim_error(claim, translated(error), 422)
    if claim["updated_by"]:
        message = gettext(
            "Returned claim %(n)s to %(who)s.", n=returned["position"], who=claim["updated_by"]
        )
    else:
        message = gettext("Returned claim %(n)s to its reviewer.", n=returned["position"])
    return decision_answer(returned, message, claim)


@bp.post("/articles/<id:article_id>/approve-all")
@role_required("editor")
def approve_article(article_id):
    article = load_article(article_id, with_body=False)
    count = decisions.approve_all(get_db(), article["id"], g.user)
    back = safe_next(
        request.form.get("next"), url_for("workbench.article_desk", article_id=article["id"])
    )
    return back_to(
        back,
        ngettext(
            "Approved %(num)d proposed decision.", "Approved %(num)d proposed decisions.", count
        ),
    )


# --- adjudication ---------------------------------------------------------------------


@bp.get("/articles/<id:article_id>/adjudication")
@role_required("editor")
def adjudication(article_id):
    article = load_article(article_id, with_body=False)
    db = get_db()
    review = blind.latest(db, article["id"])
    items = [] if review is None or review.is_open else blind.disagreements(db, review)
    return render_template(
        "desk/adjudication.html",
        review=review,
        items=items,
        figures=agreement.article_agreement(db, article["id"]),
        **article_summary(article),
    )


@bp.post("/claims/<id:claim_id>/adjudicate")
@role_required("editor")
def adjudicate_claim(claim_id):
    claim = load_claim(claim_id)
    status, note = single_form_value("status"), request.form.get("note")
    try:
        claim = blind.adjudicate(get_db(), claim["id"], status, note, g.user)
    except InvalidInput as error:
        if is_htmx():
            return _adjudication_item(claim, error=translated(error), note=note), 422
        raise
    message = gettext(
        "Claim %(n)s is “%(status)s”: your ruling is recorded.",
        n=claim["position"],
        status=gettext(claim["status"]),
    )
    if is_htmx():
        return _adjudication_item(claim, done=message)
    flash(message, "success")
    return redirect(url_for("workbench.adjudication", article_id=claim["article_id"]), code=303)


def _adjudication_item(claim, **extra):
    db = get_db()
    review = blind.latest(db, claim["article_id"])
    # Before the end nothing of the decisions is shown, not even beside an error.
    found = [] if review is None or review.is_open else blind.disagreements(db, review)
    item = next(
        (i for i in found if i["id"] == claim["id"]),
        {**claim, "decisions": {}, "adjudicated": 0},
    )
    return render_partial("desk/_adjudication_item.html", item=item, review=review, **extra)
