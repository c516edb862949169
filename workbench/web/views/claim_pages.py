"""Claim pages and every write on a claim: status, notes, evidence, corrections, undo.

With htmx a write answers with the claim's row (its panel open after a panel write) and,
out of band, what else on the page it changed; without it, a 303 back with a flash
message. Changes that can be undone offer an Undo in place, or in the flash message.
A write the domain refuses (InvalidInput) is said in the claim's row, the form kept;
other errors are answered by web/error_answers.py.
"""

import re
from urllib.parse import urlsplit

from flask import abort, flash, g, make_response, redirect, request, url_for
from flask_babel import gettext as _

from ...desk import blind
from ...errors import ClaimNotFound, InvalidInput, UnderBlindReview, VersionConflict
from ...intake import archive
from ...interface_languages import N_
from ...memory import matching
from ...review import articles, claims, copying, corrections, evidence, history, notes, undo
from ..auth import role_required, safe_next
from ..database import get_db
from ..forms import expected_version, form_int, positive_int, single_form_value
from ..interface_locale import readable_time, translated
from ..loaders import load_claim
from ..responses import (
    is_htmx,
    redirect_after_write,
    referring_path,
    render_page_or_partial,
    render_partial,
)
from .blueprint import bp
from .desk_context import NOT_BLIND, desk_context
from .template_helpers import STATUS_WORDS


def return_url(claim):
    """Where a plain form post goes back to: the page it came from, at this claim."""
    fallback = url_for("workbench.show_article", article_id=claim["article_id"])
    target = safe_next(request.form.get("next"), None) or referring_path() or fallback
    return target.split("#", 1)[0] + f"#claim-{claim['id']}"


def claim_context(claim, **extra):
    """What the row and its panel need."""
    db = get_db()
    full = claim if "notes" in claim else claims.get_claim(db, claim["id"])
    return {
        "claim": with_elsewhere(full),
        "article": articles.get_article(db, claim["article_id"]),
        "history": history.claim_history(db, claim["id"]),
        "matches": matching.matches_of(db, claim["id"]),
        "links": archive.link_states(db, [e["url"] for e in full.get("evidence", [])]),
        "split_points": split_points(claim),
        "kinds": corrections.ATTRIBUTION_KINDS,
        "can_review": g.user.can("reviewer"),
        "desk": desk_context(claim["article_id"]),
        "return_to": safe_next(request.form.get("next"), None)
        if request.method == "POST"
        else None,
        **extra,
    }


def with_elsewhere(claim):
    """The claim with the best match reviewed in another article (or None), which its row
    shows; a hidden claim's row shows none."""
    if claim.get("is_claim"):
        matching.reviewed_elsewhere(get_db(), [claim])
    else:
        claim["elsewhere"] = None
    return claim


def split_points(claim):
    """(word, offset) for every word of a claim after the first: where it can be split."""
    return [
        (match.group(), claim["start"] + match.start())
        for match in re.finditer(r"\S+", claim["text"])
        if match.start() > 0
    ]


@bp.get("/claims/<id:claim_id>")
def show_claim(claim_id):
    claim = load_claim(claim_id)
    return render_page_or_partial(
        "claims/show.html", "articles/_claim.html", **claim_context(claim, panel="open")
    )


@bp.get("/claims/<id:claim_id>/panel")
def claim_panel(claim_id):
    """The claim's row with its notes, evidence, source, corrections and history open."""
    claim = load_claim(claim_id)
    if not is_htmx():
        return redirect_after_write(url_for("workbench.show_claim", claim_id=claim["id"]))
    return render_partial("articles/_claim.html", **claim_context(claim, panel="open"))


# --- writes from the panel ------------------------------------------------------------


def answer_with_row(claim, message, *, undo_id=None, reload=False, **extra):
    """The claim's row with its panel open (htmx), or a 303 back with `message`."""
    claim = claims.get_claim(get_db(), claim["id"])  # as the write left it
    if not is_htmx():
        flash_change(message, undo_id)
        return redirect_after_write(return_url(claim))
    if reload:
        # A split or merge changes other rows too: the page is drawn again, and the
        # message (with its Undo) comes with it.
        flash_change(message, undo_id)
        response = make_response("", 200)
        response.headers["HX-Refresh"] = "true"
        return response
    if extra.pop("evidence_changed", False):
        extra["evidence_counts_oob"] = articles.evidence_counts(get_db(), claim["article_id"])
    return render_partial(
        "articles/_claim.html", **claim_context(claim, panel="open", undo=undo_id, **extra)
    )


def flash_change(message, undo_id=None):
    """A flash message; with an undo id, the page shows an Undo button beside it."""
    if message:
        flash(message, f"undo:{undo_id}" if undo_id else "success")


def refused_in_row(claim, write, **kept):
    """Run `write`; when the domain refuses it, the claim with the reason in place (422)
    and what was typed kept in `kept`'s forms. (result, None) or (None, the answer)."""
    try:
        return write(), None
    except InvalidInput as error:
        return None, render_claim_error(claim, translated(error), 422, **kept)


def correction(claim_id, operation, message, reload=False):
    """Run one correction on a claim; the claim (or its error) is what the reviewer sees.
    `message` (marked with N_) says what was done, with the claim's %(position)s."""
    claim = load_claim(claim_id)
    result, refused = refused_in_row(claim, lambda: operation(claim))
    if refused:
        return refused
    if isinstance(result, tuple):
        result = result[0]
    undo_id = history.last_change_id(get_db(), result["id"], g.user.username)
    said = _(message, position=claim["position"])
    return answer_with_row(result, said, undo_id=undo_id, reload=reload)


@bp.post("/claims/<id:claim_id>/boundaries")
@role_required("reviewer")
def edit_claim_boundaries(claim_id):
    def operation(claim):
        start, end = form_int("start"), form_int("end")
        if start is None or end is None:
            body = articles.get_article(get_db(), claim["article_id"])["body"]
            start, end = corrections.locate_passage(
                body, request.form.get("passage"), claim["start"]
            )
        return corrections.edit_boundaries(
            get_db(), claim["id"], start, end, g.user, expected_version()
        )

    return correction(
        claim_id, operation, N_("Changed where claim %(position)s starts and ends."), reload=True
    )


@bp.post("/claims/<id:claim_id>/split")
@role_required("reviewer")
def split_claim(claim_id):
    def operation(claim):
        at = form_int("at")
        if at is None:
            raise InvalidInput("Choose where to split the claim.")
        return corrections.split_claim(get_db(), claim["id"], at, g.user, expected_version())

    return correction(claim_id, operation, N_("Split claim %(position)s in two."), reload=True)


@bp.post("/claims/<id:claim_id>/merge")
@role_required("reviewer")
def merge_claim(claim_id):
    return correction(
        claim_id,
        lambda claim: corrections.merge_with_next(
            get_db(), claim["id"], g.user, expected_version()
        ),
        N_("Merged claim %(position)s with the next one."),
        reload=True,
    )


@bp.post("/claims/<id:claim_id>/hide")
@role_required("reviewer")
def hide_claim(claim_id):
    load_claim(claim_id)  # an unknown id is a 404 whatever the form says
    hidden = single_form_value("hidden")
    if hidden not in ("1", "0"):
        abort(400, description=_("Say whether this is a claim (hidden=0) or not (hidden=1)."))
    return correction(
        claim_id,
        lambda claim: corrections.set_not_a_claim(
            get_db(), claim["id"], hidden == "1", g.user, expected_version()
        ),
        N_("Marked claim %(position)s “not a claim”.")
        if hidden == "1"
        else N_("Restored the claim."),
        reload=True,
    )


@bp.post("/claims/<id:claim_id>/attribution")
@role_required("reviewer")
def set_claim_attribution(claim_id):
    claim = load_claim(claim_id)
    kind, passage = single_form_value("kind"), request.form.get("passage")
    result, refused = refused_in_row(
        claim,
        lambda: corrections.set_attribution(
            get_db(), claim["id"], g.user, kind, passage, expected_version()
        ),
        # The typed source stays in the field, with the reason beside it.
        source_form={"passage": passage, "kind": kind},
    )
    if refused:
        return refused
    undo_id = history.last_change_id(get_db(), result["id"], g.user.username)
    return answer_with_row(result, _("Saved the source."), undo_id=undo_id)


@bp.post("/claims/<id:claim_id>/attribution/confirm")
@role_required("reviewer")
def confirm_claim_attribution(claim_id):
    return correction(
        claim_id,
        lambda claim: corrections.confirm_attribution(
            get_db(), claim["id"], g.user, expected_version()
        ),
        N_("Confirmed the source."),
    )


# --- status ---------------------------------------------------------------------------


@bp.post("/claims/<id:claim_id>/status")
@role_required("reviewer")
def set_claim_status(claim_id):
    """A status click: the write is the whole transaction (claims.set_status), and the row
    is drawn from what the write returned; a blind reviewer's click is their decision."""
    status = single_form_value("status")
    version = expected_version()
    try:
        change = claims.set_status(get_db(), claim_id, status, g.user, version)
    except UnderBlindReview as refused:
        review = blind.open_review(get_db(), refused.claim["article_id"])
        if not blind.is_reviewer(review, g.user):
            raise
        return blind_decision(load_claim(claim_id), status=status)
    except InvalidInput as error:
        return render_claim_error(load_claim(claim_id), translated(error), 422)
    claim = change.claim
    if not is_htmx():
        said = _(
            "Set claim %(position)s to “%(status)s”.",
            position=claim["position"],
            status=_(STATUS_WORDS[claim["status"]]),
        )
        flash_change(said, change.history_id)
        return redirect_after_write(return_url(claim))
    # Written, so not under blind review: the row needs no look at the desk.
    return render_row(claim, undo=change.history_id, desk=NOT_BLIND)


def blind_decision(claim, status=None, note=None):
    """A blind reviewer's own status or note: only their row changes, only they see it."""
    _done, refused = refused_in_row(
        claim,
        lambda: blind.decide(get_db(), claim["id"], g.user, status=status, note=note),
        note_form={"body": note},
    )
    if refused:
        return refused
    message = _("Saved your blind decision (private until every reviewer is done).")
    if not is_htmx():
        flash_change(message)
        return redirect_after_write(return_url(claim))
    if note is not None:
        return answer_with_row(claim, message)
    return render_row(claims.get_claim(get_db(), claim["id"]))


def render_row(claim, **context):
    """The row alone, or from the article page with its passage, progress and counts.
    `claim` is as claims.get_claim returns it, read after the change."""
    context.setdefault("return_to", safe_next(request.form.get("next"), None))
    if "desk" not in context:
        context["desk"] = desk_context(claim["article_id"])
    with_elsewhere(claim)
    if on_article_page(claim["article_id"]):
        counts = articles.progress(get_db(), [claim["article_id"]]).get(claim["article_id"])
        return render_partial(
            "articles/_claim_with_progress.html",
            claim=claim,
            counts=counts,
            in_article=True,
            **context,
        )
    return render_partial("articles/_claim.html", claim=claim, **context)


def on_article_page(article_id):
    """True when htmx says the request comes from that article's claim list."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path == url_for("workbench.show_article", article_id=article_id)


# --- notes and evidence ---------------------------------------------------------------


@bp.post("/claims/<id:claim_id>/copy-review")
@role_required("reviewer")
def copy_review(claim_id):
    """Take the decision (status and evidence) of the same claim reviewed elsewhere."""
    claim = load_claim(claim_id)
    from_id = positive_int(single_form_value("from"))
    if from_id is None:
        abort(400, description=_("Say which claim's review to copy."))
    try:
        copied, refused = refused_in_row(
            claim,
            lambda: copying.copy_review(get_db(), claim["id"], from_id, g.user, expected_version()),
        )
    except ClaimNotFound:  # the other claim, gone since the panel was drawn
        return render_claim_error(
            claim, _("That claim is not there any more; nothing was copied."), 422
        )
    if refused:
        return refused
    undo_id = history.last_change_id(get_db(), copied["id"], g.user.username)
    return answer_with_row(
        copied,
        _(
            "Copied the review of claim %(id)s: %(status)s, with its evidence.",
            id=from_id,
            status=_(STATUS_WORDS[copied["status"]]),
        ),
        undo_id=undo_id,
        evidence_changed=True,
    )


@bp.post("/claims/<id:claim_id>/notes")
@role_required("reviewer")
def add_claim_note(claim_id):
    claim = load_claim(claim_id)
    body = request.form.get("body")
    if blind.is_reviewer(blind.open_review(get_db(), claim["article_id"]), g.user):
        return blind_decision(claim, note=body)
    _done, refused = refused_in_row(
        claim, lambda: notes.add_note(get_db(), claim["id"], body, g.user), note_form={"body": body}
    )
    if refused:
        return refused
    return answer_with_row(claim, _("Saved the note."))


@bp.post("/claims/<id:claim_id>/evidence")
@role_required("reviewer")
def add_claim_evidence(claim_id):
    claim = load_claim(claim_id)
    form = request.form
    values = {name: form.get(name) for name in ("url", "stance", "title", "excerpt")}
    # Its link is fetched and kept in the background (the job worker), never in this
    # request; the job is queued with the evidence, or neither is stored.
    _done, refused = refused_in_row(
        claim,
        lambda: archive.add_evidence(get_db(), claim["id"], g.user, **values),
        evidence_form=values,
    )
    if refused:
        return refused
    return answer_with_row(claim, _("Saved the evidence."), evidence_changed=True)


def hide_record(record_id, hide, message, **extra):
    """Hide a note or an evidence record (author or admin only); show its claim again."""
    record = hide(get_db(), record_id, g.user)
    return answer_with_row(load_claim(record["claim_id"]), message, **extra)


@bp.post("/notes/<id:note_id>/delete")
@role_required("reviewer")
def delete_note(note_id):
    return hide_record(note_id, notes.delete_note, _("Deleted the note."))


@bp.post("/notes/<id:note_id>/purge")
@role_required("admin")
def purge_note(note_id):
    """Purge a note's text (a secret pasted by mistake) everywhere; back to its claim."""
    note = notes.purge_note(get_db(), note_id, g.user)
    flash(_("The note's text is purged from the note, its history, search and exports."), "info")
    return redirect(url_for("workbench.show_claim", claim_id=note["claim_id"]), code=303)


@bp.post("/evidence/<id:evidence_id>/delete")
@role_required("reviewer")
def delete_evidence(evidence_id):
    return hide_record(
        evidence_id,
        evidence.delete_evidence,
        _("Removed the evidence."),
        evidence_changed=True,
    )


# --- undo -----------------------------------------------------------------------------


@bp.post("/history/<id:history_id>/undo")
@role_required("reviewer")
def undo_change(history_id):
    try:
        done = undo.undo(get_db(), history_id, g.user)
    except VersionConflict as conflict:
        return render_conflict(conflict.current, undoing=True)
    claim = claims.get_claim(get_db(), done.claim_ids[0])
    message = _("Undid the %(what)s.", what=_(done.what))
    if not is_htmx():
        flash(message, "success")
        fallback = url_for("workbench.show_article", article_id=done.article_id)
        back = safe_next(request.form.get("next"), None) or referring_path() or fallback
        return redirect_after_write(back)
    if len(done.claim_ids) > 1 or done.what != "status change":
        flash(message, "success")
        response = make_response("", 200)
        response.headers["HX-Refresh"] = "true"
        return response
    return render_row(claim)


# --- errors ---------------------------------------------------------------------------


def render_claim_error(claim, message, status, conflict=False, **extra):
    """The claim with a message in place (htmx: its row, panel open) or on its own page."""
    return render_page_or_partial(
        "claims/show.html",
        "articles/_claim.html",
        http_status=status,
        **claim_context(claim, error=message, conflict=conflict, panel="open", **extra),
    )


def render_conflict(current, undoing=False):
    """409: someone changed the claim first; what they did, and the claim as it is now."""
    who = current.get("updated_by") or _("another reviewer")
    when = readable_time(current.get("updated_at"))
    latest = history.latest_entry(get_db(), current["id"])
    if not current.get("is_claim"):
        if latest:
            who, when = latest["actor"], readable_time(latest["at"])
        if current.get("hidden_reason") == "merged":
            change = _("%(who)s merged this claim into another at %(when)s", who=who, when=when)
        else:
            change = _("%(who)s marked this claim “not a claim” at %(when)s", who=who, when=when)
    elif latest and latest["action"] != "status":
        who, when = latest["actor"], readable_time(latest["at"])
        change = _(
            "%(who)s changed this claim (%(action)s) at %(when)s",
            who=who,
            action=latest["action"],
            when=when,
        )
    else:
        change = _(
            "%(who)s changed this claim to “%(status)s” at %(when)s",
            who=who,
            status=_(STATUS_WORDS[current["status"]]),
            when=when,
        )
    if undoing:
        message = _(
            "%(change)s; so it was not undone. Here is the claim as it is now: choose again "
            "if you still disagree.",
            change=change,
        )
    else:
        message = _(
            "%(change)s; your change was not saved. Here is the claim as it is now: choose "
            "again if you still disagree.",
            change=change,
        )
    return render_claim_error(current, message, 409, conflict=True)
