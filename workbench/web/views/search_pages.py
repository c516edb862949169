"""Search across articles, act on many claims at once, and the dashboard."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from ...desk import agreement, decisions
from ...memory import matching
from ...review import articles, claims, search, stats
from ...text import attribution
from ..auth import role_required
from ..database import get_db
from ..forms import page_number, positive_int, single_form_value
from ..loaders import claim_filter_from
from ..responses import render_page_or_partial
from .blueprint import bp


@bp.get("/search")
def search_page():
    claim_filter = claim_filter_from(request.args)
    page = page_number()
    found: list[dict] = []
    total = 0
    if not claim_filter.is_empty():
        found, total = search.search_claims(get_db(), claim_filter, page)
        claims.attach_notes(get_db(), found)
        claims.attach_evidence(get_db(), found)
        matching.reviewed_elsewhere(get_db(), found)
        search.highlighted(get_db(), claim_filter, found)
    return render_page_or_partial(
        "search/page.html",
        "search/_results.html",
        claim_filter=claim_filter,
        claims=found,
        total=total,
        page=page,
        page_size=search.SEARCH_PAGE,
        query=claim_filter.as_query(),
        article_choices=articles.article_titles(get_db()),
        kinds=attribution.KINDS,
    )


@bp.post("/search/status")
@role_required("reviewer")
def bulk_status():
    claim_filter = claim_filter_from(request.form)
    if claim_filter.is_empty():
        abort(400, description=gettext("Choose at least one filter before changing many claims."))
    # "status" is the filter (which claims); "new_status" is what they become.
    status = single_form_value("new_status")
    # Exactly the ticked claims change, unless the reviewer asked for every match (and
    # then only those still matching the filter): nothing unticked ever changes.
    only_ids = None
    if request.form.get("all_matching") != "1":
        chosen = request.form.getlist("claim")
        only_ids = [number for number in map(positive_int, chosen) if number is not None]
        if not only_ids:
            abort(
                400,
                description=gettext(
                    "No claims were ticked: tick the claims to change, or "
                    "choose “every matching claim”."
                ),
            )
    result = claims.set_status_many(get_db(), claim_filter, status, g.user, only_ids)
    changed = result.count
    message = ngettext(
        "Set %(num)d claim to “%(status)s”.",
        "Set %(num)d claims to “%(status)s”.",
        changed,
        status=gettext(status),
    )
    flash(message, f"undo:{result.batch}" if result.batch else "success")
    return redirect(url_for("workbench.search_page", **claim_filter.as_query()), code=303)


@bp.get("/dashboard")
def dashboard():
    db = get_db()
    finished = stats.time_to_reviewed(db)
    return render_template(
        "dashboard.html",
        articles=articles.all_articles(db),
        decision_counts=decisions.state_counts(db),
        agreements=agreement.all_agreements(db),
        activity=stats.reviewer_activity(db),
        finished=finished,
        median_hours=stats.median([row["hours"] for row in finished]),
    )
