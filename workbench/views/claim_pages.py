"""Claim pages and every write on a claim: status, notes, evidence, corrections."""

import re
from urllib.parse import urlsplit

from flask import abort, flash, g, redirect, request, url_for

from .. import articles, claims, corrections, evidence, history, notes
from ..auth import role_required, safe_next
from ..errors import EvidenceNotFound, InvalidInput, NotAllowed, NoteNotFound, VersionConflict
from ..web import get_db, load_claim, positive_int
from .common import (
    after_write,
    bp,
    expected_version,
    form_int,
    readable_time,
    render_page_or_partial,
    single_form_value,
)


def claim_return_url(claim):
    fallback = url_for("workbench.show_article", article_id=claim["article_id"])
    return safe_next(request.form.get("next"), fallback) + f"#claim-{claim['id']}"


@bp.get("/claims/<claim_id>")
def show_claim(claim_id):
    claim = load_claim(claim_id)
    return render_page_or_partial(
        "claims/show.html", "articles/_claim.html", **claim_page_context(claim)
    )


def claim_page_context(claim, **extra):
    article = articles.get_article(get_db(), claim["article_id"])
    return {
        "claim": claim,
        "article": article,
        "history": history.claim_history(get_db(), claim["id"]),
        "split_points": split_points(claim),
        "kinds": corrections.ATTRIBUTION_KINDS,
        "medium": corrections.medium_of(claim),
        **extra,
    }


def split_points(claim):
    """(word, offset) for every word of a claim after the first: where it can be split."""
    return [
        (match.group(), claim["start"] + match.start())
        for match in re.finditer(r"\S+", claim["text"])
        if match.start() > 0
    ]


def correction(claim_id, operation):
    """Run one correction on a claim; the claim (or its error) is what the reviewer sees."""
    claim = load_claim(claim_id)
    try:
        result = operation(claim)
    except InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    except VersionConflict as conflict:
        return render_conflict(conflict.current)
    if isinstance(result, tuple):
        result = result[0]
    fallback = url_for("workbench.show_claim", claim_id=result["id"])
    return after_write(
        "articles/_claim.html",
        safe_next(request.form.get("next"), fallback),
        claim=result,
        next=request.form.get("next"),
    )


@bp.post("/claims/<claim_id>/boundaries")
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

    return correction(claim_id, operation)


@bp.post("/claims/<claim_id>/split")
@role_required("reviewer")
def split_claim(claim_id):
    def operation(claim):
        at = form_int("at")
        if at is None:
            raise InvalidInput("Choose where to split the claim.")
        return corrections.split_claim(get_db(), claim["id"], at, g.user, expected_version())

    return correction(claim_id, operation)


@bp.post("/claims/<claim_id>/merge")
@role_required("reviewer")
def merge_claim(claim_id):
    return correction(
        claim_id,
        lambda claim: corrections.merge_with_next(
            get_db(), claim["id"], g.user, expected_version()
        ),
    )


@bp.post("/claims/<claim_id>/hide")
@role_required("reviewer")
def hide_claim(claim_id):
    load_claim(claim_id)  # an unknown id is a 404 whatever the form says
    hidden = single_form_value("hidden")
    if hidden not in ("1", "0"):
        abort(400, description="Say whether this is a claim (hidden=0) or not (hidden=1).")
    return correction(
        claim_id,
        lambda claim: corrections.set_not_a_claim(
            get_db(), claim["id"], hidden == "1", g.user, expected_version()
        ),
    )


@bp.post("/claims/<claim_id>/attribution")
@role_required("reviewer")
def set_claim_attribution(claim_id):
    return correction(
        claim_id,
        lambda claim: corrections.set_attribution(
            get_db(),
            claim["id"],
            g.user,
            single_form_value("kind"),
            request.form.get("passage"),
            expected_version(),
        ),
    )


@bp.post("/claims/<claim_id>/attribution/confirm")
@role_required("reviewer")
def confirm_claim_attribution(claim_id):
    return correction(
        claim_id,
        lambda claim: corrections.confirm_attribution(
            get_db(), claim["id"], g.user, expected_version()
        ),
    )


@bp.post("/claims/<claim_id>/status")
@role_required("reviewer")
def set_claim_status(claim_id):
    claim = load_claim(claim_id)
    status = single_form_value("status")
    version = expected_version()
    try:
        claim = claims.set_status(get_db(), claim["id"], status, g.user, version)
    except InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    except VersionConflict as conflict:
        return render_conflict(conflict.current)
    partial = "articles/_claim.html"
    counts = None
    if on_article_page(claim["article_id"]):
        partial = "articles/_claim_with_progress.html"
        counts = articles.progress(get_db(), [claim["article_id"]]).get(claim["article_id"])
    return after_write(
        partial, claim_return_url(claim), claim=claim, counts=counts, next=request.form.get("next")
    )


def on_article_page(article_id):
    """True when htmx says the request comes from that article's claim list."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path == url_for("workbench.show_article", article_id=article_id)


@bp.post("/claims/<claim_id>/notes")
@role_required("reviewer")
def add_claim_note(claim_id):
    claim = load_claim(claim_id)
    try:
        notes.add_note(get_db(), claim["id"], request.form.get("body"), g.user)
    except InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    claim = claims.get_claim(get_db(), claim["id"])
    return after_write(
        "articles/_claim.html", claim_return_url(claim), claim=claim, next=request.form.get("next")
    )


@bp.post("/claims/<claim_id>/evidence")
@role_required("reviewer")
def add_claim_evidence(claim_id):
    claim = load_claim(claim_id)
    form = request.form
    try:
        evidence.add_evidence(
            get_db(),
            claim["id"],
            g.user,
            form.get("url"),
            form.get("stance"),
            form.get("title"),
            form.get("excerpt"),
        )
    except InvalidInput as error:
        return render_claim_error(claim, str(error), 422)
    claim = claims.get_claim(get_db(), claim["id"])
    return after_write(
        "articles/_claim.html", claim_return_url(claim), claim=claim, next=form.get("next")
    )


def hide_record(record_id, hide, not_found):
    """Hide a note or an evidence record (author or admin only); show its claim again."""
    record_id = positive_int(record_id)
    if record_id is None:
        abort(404)
    try:
        record = hide(get_db(), record_id, g.user)
    except not_found:
        abort(404)
    except NotAllowed as error:
        abort(403, description=str(error))
    claim = load_claim(record["claim_id"])
    return after_write(
        "articles/_claim.html", claim_return_url(claim), claim=claim, next=request.form.get("next")
    )


@bp.post("/notes/<note_id>/delete")
@role_required("reviewer")
def delete_note(note_id):
    return hide_record(note_id, notes.delete_note, NoteNotFound)


@bp.post("/notes/<note_id>/purge")
@role_required("admin")
def purge_note(note_id):
    """Purge a note's text (a secret pasted by mistake) everywhere; back to its claim."""
    number = positive_int(note_id)
    if number is None:
        abort(404)
    try:
        note = notes.purge_note(get_db(), number, g.user)
    except NoteNotFound:
        abort(404)
    flash("The note's text is purged from the note, its history, search and exports.", "info")
    return redirect(url_for("workbench.show_claim", claim_id=note["claim_id"]), code=303)


@bp.post("/evidence/<evidence_id>/delete")
@role_required("reviewer")
def delete_evidence(evidence_id):
    return hide_record(evidence_id, evidence.delete_evidence, EvidenceNotFound)


def render_claim_error(claim, message, status):
    """The claim with a message in place (htmx) or on its own page (plain form)."""
    return render_page_or_partial(
        "claims/show.html",
        "articles/_claim.html",
        http_status=status,
        **claim_page_context(claim, error=message, next=request.form.get("next")),
    )


def render_conflict(current):
    who = current.get("updated_by") or "another reviewer"
    message = (
        f"{who} changed this claim to “{current['status']}” at "
        f"{readable_time(current.get('updated_at'))}; your change was not saved. "
        "Here is the claim as it is now: choose again if you still disagree."
    )
    return render_claim_error(current, message, 409)
