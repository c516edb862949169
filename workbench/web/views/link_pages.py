"""Evidence links kept against link rot: every link's archive and latest check, an
archived text, and the editors' button that checks every link again (in a job)."""

from flask import flash, g, render_template, url_for

from ...errors import TooManyJobs
from ...intake import archive
from ..auth import role_required
from ..database import get_db
from ..interface_locale import translated
from ..responses import navigate
from .blueprint import bp


@bp.get("/links")
def links_page():
    """Every evidence link: archived when, and what the latest check found."""
    return render_template(
        "links/index.html",
        links=archive.latest_checks(get_db()),
        can_check=g.user.can("editor"),
    )


@bp.post("/links/check")
@role_required("editor")
def check_links():
    """Fetch every evidence link again in the background; the browser watches the job."""
    try:
        job_id = archive.queue_check(get_db(), g.user.username)
    except TooManyJobs as error:
        flash(translated(error), "error")
        return navigate(url_for("workbench.links_page"))
    return navigate(url_for("workbench.show_job", job_id=job_id))


@bp.get("/links/snapshots/<id:snapshot_id>")
def show_snapshot(snapshot_id):
    """A kept copy of a link: its text as fetched then, and what changed since the archive."""
    snapshot = archive.get_snapshot(get_db(), snapshot_id)
    return render_template(
        "links/snapshot.html",
        snapshot=snapshot,
        archived=archive.archive_of(get_db(), snapshot.url),
        changes=archive.snapshot_changes(get_db(), snapshot),
    )
