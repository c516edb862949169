"""A job's progress page: a bar and its stages, polled by htmx every second (refreshed
by the page itself without JavaScript), landing on the result when the job is done."""

from flask import abort, flash, g, url_for
from flask_babel import gettext, ngettext

from ...errors import PreviewNotFound
from ...intake import archive, importing, jobs, snapshots
from ...interface_languages import N_
from ...review import articles
from ..database import get_db
from ..responses import is_htmx, navigate, render_page_or_partial
from .blueprint import bp
from .import_pages import imported_claims

# The words a job is stored with (intake: its stages, and the labels that are not an
# address, a file name or a title) as the progress page says them.
JOB_WORDS = {
    **jobs.STAGE_WORDS,
    "uploaded file": N_("uploaded file"),
    "check every evidence link": N_("check every evidence link"),
}


@bp.get("/jobs/<id:job_id>")
def show_job(job_id):
    job = load_job(job_id)
    if job.state == "done":
        return navigate(landing(job))
    return render_page_or_partial(
        "jobs/show.html",
        "jobs/_job.html",
        422 if job.state == "failed" else 200,
        job=job,
        JOB_WORDS=JOB_WORDS,
        oob=is_htmx(),
        **try_again(job),
    )


def load_job(job_id):
    """The job, if this user may see it (its creator, or an admin); 404 otherwise."""
    job = jobs.get_job(get_db(), job_id)
    if job.created_by != g.user.username and not g.user.can("admin"):
        abort(404)  # not 403: whether a job exists is nobody else's business
    return job


def landing(job):
    """The page a finished job leads to."""
    result = job.result or {}
    if job.kind == importing.PREPARE:
        return url_for("workbench.show_preview", preview_id=result["preview_id"])
    if job.kind == importing.IMPORT and result.get("deleted"):
        return url_for("workbench.restore_offer", article_id=result["article_id"], reason="import")
    if job.kind == importing.IMPORT:
        if result.get("created"):
            flash(imported_claims(result["claim_count"]), "success")
        else:
            flash(gettext("This article was imported before; here it is."), "info")
    if job.kind == archive.CHECK:
        count = result.get("links", 0)
        flash(
            ngettext("Checked %(num)d evidence links.", "Checked %(num)d evidence links.", count),
            "success",
        )
        return url_for("workbench.links_page")
    if job.article_id or result.get("article_id"):
        return url_for("workbench.show_article", article_id=job.article_id or result["article_id"])
    return url_for("workbench.index")


def try_again(job):
    """For a failed import: the form it came from, with what was given kept."""
    if job.state != "failed" or job.kind not in (importing.PREPARE, importing.IMPORT):
        return {}
    payload = job.payload or {}
    if payload.get("preview_id") is not None and job.kind == importing.IMPORT:
        try:
            snapshots.get_preview(get_db(), payload["preview_id"])
        except PreviewNotFound:
            return {"form": {}, "article_choices": articles.article_titles(get_db())}
        return {"preview_url": url_for("workbench.show_preview", preview_id=payload["preview_id"])}
    return {
        "form": {"text": payload.get("text"), **payload.get("metadata", {})},
        "link": payload.get("url"),
        "article_choices": articles.article_titles(get_db()),
    }
