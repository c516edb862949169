"""The Sources page: every person and organisation cited, their record, merge and split."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext

from ...errors import InvalidInput
from ...memory import sources
from ...text.source_names import KINDS
from ..auth import role_required, safe_next
from ..database import get_db
from ..forms import page_number, positive_int, single_form_value
from ..interface_locale import translated
from ..responses import is_htmx, navigate, render_page_or_partial
from .blueprint import bp

SOURCES_PAGE = 100


def source_key(value):
    """A group key from a form or the query string; 400 when it is not shaped like one."""
    if not isinstance(value, str) or not sources.is_source_key(value):
        abort(400, description=gettext("That is not a source from the Sources page."))
    return value


@bp.get("/sources")
def sources_page():
    """Every source, most-cited first, with its claims by status (filter by name, kind)."""
    query = (request.args.get("q") or "").strip()[:200] or None
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KINDS:
        abort(400, description=gettext("Choose a person or an organisation."))
    page = page_number()
    groups = sources.all_sources(get_db(), query, kind)
    start = (page - 1) * SOURCES_PAGE
    return render_page_or_partial(
        "sources/index.html",
        "sources/_table.html",
        groups=groups[start : start + SOURCES_PAGE],
        total=len(groups),
        page=page,
        has_next=start + SOURCES_PAGE < len(groups),
        query=query,
        kind=kind,
        can_review=g.user.can("reviewer"),
    )


@bp.get("/sources/show")
def show_source():
    """One source's record: its mentions in each article, its claims, its merges/splits."""
    key = source_key(request.args.get("key"))
    return render_source(key)


def render_source(key, http_status=200, error=None):
    db = get_db()
    group = sources.get_source(db, key)
    return render_page_or_partial(
        "sources/show.html",
        "sources/_record.html",
        http_status=http_status,
        group=group,
        decisions=sources.decisions_about(db, group),
        can_review=g.user.can("reviewer"),
        error=error,
    )


@bp.post("/sources/merge")
@role_required("reviewer")
def merge_sources():
    keys = [source_key(value) for value in request.form.getlist("key")]
    back = safe_next(request.form.get("next"), url_for("workbench.sources_page"))
    try:
        into, decisions = sources.merge_sources(get_db(), keys, g.user)
    except InvalidInput as error:
        if is_htmx():
            raise
        flash(translated(error), "error")
        return redirect(back, code=303)
    flash(
        gettext("Merged %(count)s sources into one.", count=len(decisions) + 1),
        f"source-undo:{decisions[-1]}" if len(decisions) == 1 else "success",
    )
    target = url_for("workbench.show_source", key=into)
    return navigate(target)


@bp.post("/sources/split")
@role_required("reviewer")
def split_source():
    key = source_key(single_form_value("key"))
    article_id = positive_int(single_form_value("article"))
    text, kind = single_form_value("text"), single_form_value("kind")
    if article_id is None or not text or kind not in KINDS:
        abort(
            400,
            description=gettext("Say which mention to split off: its article, words and kind."),
        )
    try:
        new_key = sources.split_mention(get_db(), key, article_id, text, kind, g.user)
    except InvalidInput as error:
        return render_source(key, 422, translated(error))
    flash(gettext("“%(text)s” is a source of its own now.", text=text), "success")
    if is_htmx():
        return render_source(key)
    return redirect(url_for("workbench.show_source", key=new_key), code=303)


@bp.post("/sources/decisions/<id:decision_id>/undo")
@role_required("reviewer")
def undo_source_decision(decision_id):
    decision = sources.undo_decision(get_db(), decision_id, g.user)
    undone = (
        gettext("Undid the merge.")
        if decision["action"] == "merge"
        else gettext("Undid the split.")
    )
    flash(undone, "success")
    back = safe_next(request.form.get("next"), url_for("workbench.sources_page"))
    return navigate(back)
