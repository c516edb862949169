"""Importing: the import page, pasted text, a link or a file read into a preview, the
preview checked and imported, and the kept snapshot downloaded."""

import base64
import re
import urllib.parse

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext

from ...errors import ArticleRejected, PreviewNotFound, TooManyJobs
from ...intake import importing, snapshots
from ...interface_languages import N_
from ...review import articles
from ...text.cleaning import document_from_upload, text_from_paste
from ..auth import role_required
from ..database import get_db
from ..interface_locale import translated
from ..loaders import load_article
from ..responses import navigate, render_page_or_partial
from .blueprint import bp
from .version_pages import import_version, version_target

# Paragraphs of a preview shown in the page; the rest is counted, not drawn.
PREVIEW_PARAGRAPHS = 200
_CHARSET = re.compile(r"[A-Za-z0-9._-]{1,40}")


@bp.get("/articles/new")
@role_required("admin")
def new_article():
    # ?url= fills the link field (a link shared from elsewhere); nothing is fetched on a GET.
    return render_template(
        "articles/new.html",
        form={},
        link=request.args.get("url", "")[:2048],
        article_choices=articles.article_titles(get_db()),
    )


@bp.post("/articles")
@role_required("admin")
def import_article():
    """Pasted text (or a file posted with it) imported in one step; a pasted link fetched."""
    if not form_is_utf8():
        error = ArticleRejected(
            "The text sent is not valid UTF-8: some of its bytes are not text. Copy it "
            "again from the original (or save it as a UTF-8 file and upload that)."
        )
        return refused("text", error, {})
    form = request.form
    upload = request.files.get("file")
    db = get_db()
    metadata = importing.form_metadata(form)
    try:
        if upload is not None and upload.filename:
            data = upload.read()
            document = document_from_upload(upload.filename, data)
            if (target := version_target(form)) is not None:
                return import_version(target, document.text, document.source_format)
            source = snapshots.Source.from_upload(upload.filename, data, document.content_type)
            result = importing.import_document(db, document, source, metadata, g.user)
        elif importing.looks_like_a_link(form.get("text")):
            return navigate(job_url(importing.start_fetch(db, form.get("text"), g.user)))
        else:
            text = text_from_paste(form.get("text"))
            articles.refuse_too_many_paragraphs(text)  # refused here, not by a job later
            if (target := version_target(form)) is not None:
                return import_version(target, text, "paste")
            if importing.needs_job(text):
                return navigate(job_url(importing.start_import(db, metadata, g.user, text=text)))
            result = articles.import_article(
                db, text, actor=g.user, source_format="paste", **metadata
            )
    except (ArticleRejected, TooManyJobs) as error:
        return refused("text", error, form)
    return after_import(result)


@bp.post("/imports/url")
@role_required("admin")
def fetch_url():
    """Fetch a link in the background; the browser watches the job."""
    try:
        job_id = importing.start_fetch(get_db(), request.form.get("url"), g.user)
    except (ArticleRejected, TooManyJobs) as error:
        return refused("url", error, request.form)
    return navigate(job_url(job_id))


@bp.post("/imports/file")
@role_required("admin")
def read_file():
    """Read an uploaded file into a preview (a large one in the background)."""
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ArticleRejected("Choose a file to read.")
        started = importing.read_upload(get_db(), upload.filename, upload.read(), g.user)
    except (ArticleRejected, TooManyJobs) as error:
        return refused("file", error, request.form)
    if started.job_id is not None:
        return navigate(job_url(started.job_id))
    return navigate(url_for("workbench.show_preview", preview_id=started.preview_id))


@bp.get("/previews/<id:preview_id>")
@role_required("admin")
def show_preview(preview_id):
    try:
        preview = snapshots.get_preview(get_db(), preview_id)
    except PreviewNotFound:
        # Imported already (from another tab, or by the job): that article is the answer.
        article_id = snapshots.article_of_snapshot(get_db(), preview_id)
        if article_id is None:
            raise
        return redirect(url_for("workbench.show_article", article_id=article_id), code=303)
    if preview.text is None:
        abort(404)  # still being read in the background
    return render_preview(preview, importing.prefill(preview.metadata, preview.info["final_url"]))


@bp.post("/previews/<id:preview_id>/import")
@role_required("admin")
def import_preview(preview_id):
    """Import a preview with the metadata as the reviewer left it."""
    preview = load_preview(preview_id)
    metadata = importing.form_metadata(request.form)
    db = get_db()
    try:
        if (target := version_target(request.form)) is not None:
            answer = import_version(target, preview.text, "html")
            snapshots.discard_preview(db, preview.id)
            return answer
        if importing.needs_job(preview.text):
            job_id = importing.start_import(db, metadata, g.user, preview_id=preview.id)
            return navigate(job_url(job_id))
        result = importing.import_preview(db, preview.id, metadata, g.user)
    except (ArticleRejected, TooManyJobs) as error:
        return render_preview(preview, request.form, translated(error), 422)
    return after_import(result)


@bp.post("/previews/<id:preview_id>/discard")
@role_required("admin")
def discard_preview(preview_id):
    preview = load_preview(preview_id)
    snapshots.discard_preview(get_db(), preview.id)
    flash(gettext("Discarded the preview; nothing was imported."), "info")
    return navigate(url_for("workbench.new_article"))


@bp.get("/articles/<id:article_id>/snapshot")
def download_snapshot(article_id):
    """The bytes as fetched or uploaded, always as a download: any logged-in user may read
    what the article page shows them, and this is the article's source."""
    article = load_article(article_id)
    info, raw = snapshots.snapshot_content(get_db(), article["id"])
    content_type = info["content_type"] or "application/octet-stream"
    if info["charset"] and _CHARSET.fullmatch(info["charset"]):
        content_type += f"; charset={info['charset']}"
    name = snapshots.download_name(article["id"], info["content_type"])
    digest = base64.b64encode(bytes.fromhex(info["sha256"])).decode("ascii")
    response = Response(
        raw,
        headers={
            "Content-Type": content_type,
            "Content-Disposition": f'attachment; filename="{name}"',
            "X-Content-Type-Options": "nosniff",
            # Opened by mistake, the page still runs nothing and reaches nothing.
            "Content-Security-Policy": "sandbox; default-src 'none'",
            "Cache-Control": "no-store",
            "Repr-Digest": f"sha-256=:{digest}:",
        },
    )
    # The bytes as kept, never re-encoded on the way (workbench/web/compression.py leaves a
    # passthrough alone), so the digest above is the digest of what arrives.
    response.direct_passthrough = True
    return response


# --- helpers ----------------------------------------------------------------------------


def job_url(job_id):
    return url_for("workbench.show_job", job_id=job_id)


def load_preview(preview_id):
    """The preview, ready to import; 404 if there is none (or it is still being read)."""
    preview = snapshots.get_preview(get_db(), preview_id)
    if preview.text is None:
        abort(404)
    return preview


def form_is_utf8():
    """True when the form's fields are valid UTF-8; call before reading request.form.

    Werkzeug decodes forms leniently: invalid bytes in a urlencoded body empty the whole
    form or stay %XX-escaped, and in a multipart field become U+FFFD (such a
    paste was reported as "The article is empty", or stored garbled).
    """
    if request.mimetype == "application/x-www-form-urlencoded":
        raw = request.get_data(cache=True)
        try:
            urllib.parse.unquote_to_bytes(raw.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return not any("\ufffd" in value for value in request.form.values())


def refused(which, error, form):
    """The import page again, the input kept, the message beside the form it is about."""
    return render_page_or_partial(
        "articles/new.html",
        "imports/_forms.html",
        422,
        form=form if which == "text" else {},
        link=form.get("url") if which == "url" else None,
        error=translated(error),
        error_for=which,
        article_choices=articles.article_titles(get_db()),
    )


def render_preview(preview, form, error=None, status=200):
    paragraphs = preview.text.split("\n")
    return render_page_or_partial(
        "imports/preview.html",
        "imports/_preview_form.html",
        status,
        preview=preview,
        form=form,
        error=error,
        existing=articles.imported_before(get_db(), preview.text),
        paragraphs=paragraphs[:PREVIEW_PARAGRAPHS],
        hidden_paragraphs=max(0, len(paragraphs) - PREVIEW_PARAGRAPHS),
        article_choices=articles.article_titles(get_db()),
        found_in=_found_in(preview.metadata),
        credits=preview.metadata.credits,
    )


# Where on a page its metadata was found (workbench.text.page_metadata's FROM_* words,
# which say it in English only), marked for the catalogue: a preview says it translated.
FOUND_PLACES = (
    N_("the page's structured data (JSON-LD)"),
    N_("a meta tag"),
    N_("the headline on the page"),
    N_("the byline on the page"),
    N_("the page's <title>"),
    N_("a <time> element"),
    N_("the page's canonical link"),
    N_("the address it was fetched from"),
    N_("the text extractor's guess"),
)

# The form's fields by the page metadata field they are prefilled from.
_FORM_FIELDS = {
    "title": "title",
    "authors": "authors",
    "site_name": "publisher",
    "published_on": "published_on",
    "canonical_url": "url",
}


def _found_in(metadata):
    """form field -> where on the page its value was found, for the reviewer to weigh."""
    return {
        _FORM_FIELDS[name]: gettext(where)
        for name, where in metadata.sources.items()
        if name in _FORM_FIELDS
    }


def after_import(result):
    """Where an import lands: the new article, the one imported before, or the offer to
    restore it when it was deleted."""
    if result.deleted:
        return navigate(
            url_for("workbench.restore_offer", article_id=result.article_id, reason="import")
        )
    if result.created:
        flash(imported_claims(result.claim_count), "success")
    else:
        flash(gettext("This article was imported before; here it is."), "info")
    return navigate(url_for("workbench.show_article", article_id=result.article_id))


def imported_claims(count):
    """The notice after an import (English says "claims" whatever the count)."""
    return ngettext("Imported %(num)d claims.", "Imported %(num)d claims.", count)
