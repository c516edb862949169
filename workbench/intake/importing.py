"""Import by URL and by file with a preview, and the import jobs.

A link or a file first becomes a preview (snapshots.Preview): the article's text as
extracted and what the page says about itself, for the reviewer to check and correct
before anything becomes an article. Work that takes more than a moment runs as a job
(workbench/intake/jobs.py): every URL fetch (it may take up to the fetcher's time cap, which no
request should wait for), a large file, and the import of a long text.
"""

import dataclasses
from collections.abc import Callable
from typing import Any

from sqlite_utils import Database

from ..errors import ArticleRejected, PreviewNotFound
from ..interface_languages import N_
from ..review import articles
from ..storage.db import write_transaction
from ..team.accounts import User
from ..text.cleaning import (
    SUPPORTED_SUFFIXES,
    ImportedDocument,
    check_article_text,
    document_from_fetched,
    document_from_upload,
)
from ..text.html_article import PageMetadata
from . import jobs, snapshots, worker
from .fetch import FetchedPage, FetchRefused, allow_list_from_environment, fetch_page

# Texts longer than this are split in a job: splitting and finding sources took 0.17 s
# for 25,000 characters and 0.44 s for 62,000 (7 µs a character, measured on the sample
# article repeated), so below it an import answers within about a fifth of a second.
INLINE_TEXT_CHARS = 30_000
# Files larger than this are read in a job: extracting 100 KB of article paragraphs took
# 0.11 s, 300 KB 0.39 s and 1 MB 1.2 s (pages full of scripts are faster).
INLINE_UPLOAD_BYTES = 200_000

PREPARE = "prepare_import"
IMPORT = "import_article"
# A job's stages, as its page names them (N_: translated where they are shown).
FETCH_STAGES = [N_("fetching"), N_("extracting")]
READ_STAGES = [N_("extracting")]
IMPORT_STAGES = [N_("splitting"), N_("finding sources"), N_("storing")]
# Where the bar stands when a stage starts.
STAGE_PROGRESS = {
    "fetching": 0.05,
    "extracting": 0.5,
    "splitting": 0.1,
    "finding sources": 0.55,
    "storing": 0.9,
}
METADATA_FIELDS = ("title", "authors", "publisher", "published_on", "url", "language")


@dataclasses.dataclass(frozen=True)
class Started:
    """What a request started: a preview to show at once, or a job to watch."""

    preview_id: int | None = None
    job_id: int | None = None


def check_url(url: str | None) -> str:
    """A link a reviewer pasted, trimmed; ArticleRejected unless it is http(s) with a host."""
    url = (url or "").strip()
    if not url:
        raise ArticleRejected("Paste the article's link (it starts with http:// or https://).")
    if not articles.is_web_url(url):
        raise ArticleRejected(
            "Only links that start with http:// or https:// can be fetched; “%(url)s” is not one.",
            url=url[:80],
        )
    return url


def looks_like_a_link(text: str | None) -> bool:
    """Pasted "text" that is one web address and nothing else (the paste-a-link flow)."""
    stripped = (text or "").strip()
    return bool(stripped) and len(stripped.split()) == 1 and articles.is_web_url(stripped)


def start_fetch(db: Database, url: str | None, actor: User) -> int:
    """Queue the fetch of a pasted link; the job's id. ArticleRejected for a bad link."""
    url = check_url(url)
    job_id = jobs.enqueue(
        db, PREPARE, {"url": url}, created_by=actor.username, label=url, stages=FETCH_STAGES
    )
    worker.notify()
    return job_id


def read_upload(db: Database, filename: str | None, data: bytes, actor: User) -> Started:
    """An uploaded file as a preview: read now when small, else in a job.

    ArticleRejected, with nothing stored, for a file that cannot be an article (type,
    emptiness and, when read now, encoding and content).
    """
    _check_upload(filename, data)
    snapshots.delete_stale_previews(db)
    if len(data) <= INLINE_UPLOAD_BYTES:
        document = document_from_upload(filename, data)
        source = snapshots.Source.from_upload(filename, data, document.content_type)
        with write_transaction(db):
            preview_id = snapshots.insert_snapshot(
                db, source, created_by=actor.username, document=document
            )
        return Started(preview_id=preview_id)
    content_type = _upload_content_type(filename)
    with write_transaction(db):
        preview_id = snapshots.insert_snapshot(
            db,
            snapshots.Source.from_upload(filename, data, content_type),
            created_by=actor.username,
        )
    job_id = jobs.enqueue(
        db,
        PREPARE,
        {"preview_id": preview_id, "filename": filename},
        created_by=actor.username,
        label=filename or "uploaded file",
        stages=READ_STAGES,
    )
    worker.notify()
    return Started(job_id=job_id)


def _check_upload(filename: str | None, data: bytes) -> None:
    _upload_content_type(filename)
    if not data.strip():
        if not filename:
            raise ArticleRejected("“The file” is empty.")
        raise ArticleRejected("“%(name)s” is empty.", name=filename)


def _upload_content_type(filename: str | None) -> str:
    suffix = "." + (filename or "").rpartition(".")[2].lower() if "." in (filename or "") else ""
    if suffix not in SUPPORTED_SUFFIXES:
        document_from_upload(filename, b"")  # raises ArticleRejected with the usual message
    return {"html": "text/html", "md": "text/markdown"}.get(
        SUPPORTED_SUFFIXES[suffix], "text/plain"
    )


def run_prepare(db: Database, job: jobs.Job, report: worker.Reporter) -> dict[str, Any]:
    """Job handler: fetch a link (or read a stored upload) into a preview."""
    payload = job.payload or {}
    if "url" in payload:
        report("fetching", STAGE_PROGRESS["fetching"])
        try:
            page = fetch(payload["url"])
        except FetchRefused as error:
            raise jobs.JobFailed(error.message, **error.values) from None
        report("extracting", STAGE_PROGRESS["extracting"])
        document = _extracted(lambda: document_from_fetched(page))
        snapshots.delete_stale_previews(db)
        with write_transaction(db):
            preview_id = snapshots.insert_snapshot(
                db,
                snapshots.Source.from_page(payload["url"], page),
                created_by=job.created_by,
                document=document,
            )
            jobs.finish_in_transaction(db, job, {"preview_id": preview_id})
        return {"preview_id": preview_id}
    preview_id = payload["preview_id"]
    report("extracting", STAGE_PROGRESS["extracting"])
    try:
        raw = snapshots.preview_bytes(db, preview_id)
        document = _extracted(lambda: document_from_upload(payload.get("filename"), raw))
    except (jobs.JobFailed, PreviewNotFound) as error:
        snapshots.discard_preview(db, preview_id)  # a failed read stores nothing
        if isinstance(error, PreviewNotFound):
            raise jobs.JobFailed("The uploaded file is no longer here; upload it again.") from None
        raise
    with write_transaction(db):
        snapshots.fill_preview(db, preview_id, document)
        jobs.finish_in_transaction(db, job, {"preview_id": preview_id})
    return {"preview_id": preview_id}


def _extracted(read: Callable[[], ImportedDocument]) -> ImportedDocument:
    try:
        return read()
    except ArticleRejected as error:
        raise jobs.JobFailed(error.message, **error.values) from None


def prefill(metadata: PageMetadata, final_url: str | None = None) -> dict[str, str]:
    """The import form's metadata fields as the page gives them, for the reviewer to check."""
    url = metadata.canonical_url or (
        final_url if final_url and articles.is_web_url(final_url) else None
    )
    return {
        "title": (metadata.title or "")[: articles.MAX_TITLE_CHARS],
        "authors": "; ".join(metadata.authors),
        "publisher": (metadata.site_name or "")[: articles.MAX_TITLE_CHARS],
        "published_on": metadata.published_on or "",
        "url": url or "",
        "language": metadata.language or "",
    }


def form_metadata(values: Any) -> dict[str, Any]:
    """The metadata fields of a submitted form (nothing else from it is used)."""
    return {name: values.get(name) for name in METADATA_FIELDS}


def with_defaults(given: dict[str, Any], found: dict[str, str]) -> dict[str, Any]:
    """What the reviewer gave, and what the page said for every field they left empty."""
    return {name: given.get(name) or found.get(name) or None for name in METADATA_FIELDS}


def import_preview(
    db: Database,
    preview_id: int,
    metadata: dict[str, Any],
    actor: User,
    *,
    on_stage: Callable[[str], None] | None = None,
    job: jobs.Job | None = None,
) -> articles.ImportResult:
    """Import a preview with the metadata the reviewer confirmed (a field not sent at all
    takes the page's value; one sent empty stays empty); its snapshot is kept with the new
    article. Text imported before: the existing article, and the preview goes."""
    preview = snapshots.get_preview(db, preview_id)
    if preview.text is None:
        raise PreviewNotFound(preview_id)  # still being read in the background
    found = prefill(preview.metadata, preview.info["final_url"])
    metadata = {
        name: found[name] if metadata.get(name) is None else metadata[name]
        for name in METADATA_FIELDS
    }

    def attach(db: Database, article_id: int) -> None:
        snapshots.attach(db, preview_id, article_id)
        _finish_import_job(db, job, article_id)

    result = articles.import_article(
        db,
        preview.text,
        actor=actor,
        source_format=_source_format(preview.info["content_type"]),
        on_stage=on_stage,
        attach=attach,
        headings=preview.metadata.headings,
        **metadata,
    )
    if not result.created:
        snapshots.discard_preview(db, preview_id)
    return result


def import_document(
    db: Database,
    document: ImportedDocument,
    source: snapshots.Source,
    metadata: dict[str, Any],
    actor: User,
    *,
    on_stage: Callable[[str], None] | None = None,
) -> articles.ImportResult:
    """Import a document in one step (the command line, a file posted with the text form),
    keeping its snapshot; empty metadata fields take what the page said."""

    def attach(db: Database, article_id: int) -> None:
        snapshots.insert_snapshot(
            db, source, created_by=actor.username, article_id=article_id, document=document
        )

    return articles.import_article(
        db,
        document.text,
        actor=actor,
        source_format=document.source_format,
        on_stage=on_stage,
        attach=attach,
        headings=document.metadata.headings,
        **with_defaults(metadata, prefill(document.metadata, source.final_url)),
    )


def fetch_document(url: str) -> tuple[ImportedDocument, snapshots.Source]:
    """Fetch a link and extract its article, here and now (the command line).

    FetchRefused or ArticleRejected, each with a message saying why.
    """
    url = check_url(url)
    page = fetch(url)
    return document_from_fetched(page), snapshots.Source.from_page(url, page)


def fetch(url: str) -> FetchedPage:
    """fetch_page with the allow-list from the environment; a malformed WORKBENCH_FETCH_ALLOW
    is a refusal that names the setting, not a crash."""
    try:
        allow = allow_list_from_environment()
    except ValueError as error:
        raise FetchRefused("The server's settings are wrong: %(error)s", error=error) from None
    return fetch_page(url, allow=allow)


def needs_job(text: str) -> bool:
    """True when importing `text` takes long enough to show progress for."""
    return len(text) > INLINE_TEXT_CHARS


def start_import(
    db: Database,
    metadata: dict[str, Any],
    actor: User,
    *,
    preview_id: int | None = None,
    text: str | None = None,
) -> int:
    """Queue the import of a preview or of pasted text; the job's id.

    The metadata and text are checked first, so a mistake is refused in the form.
    """
    articles.clean_metadata(**metadata)
    if preview_id is not None:
        preview = snapshots.get_preview(db, preview_id)
        payload: dict[str, Any] = {"preview_id": preview_id, "metadata": metadata}
        label = metadata.get("title") or preview.metadata.title or "the previewed article"
    else:
        text = check_article_text(text or "")
        payload = {"text": text, "metadata": metadata}
        label = metadata.get("title") or f"pasted text ({len(text):,} characters)"
    job_id = jobs.enqueue(
        db, IMPORT, payload, created_by=actor.username, label=label, stages=IMPORT_STAGES
    )
    worker.notify()
    return job_id


def run_import(db: Database, job: jobs.Job, report: worker.Reporter) -> dict[str, Any]:
    """Job handler: import a preview or pasted text, reporting each stage."""
    payload = job.payload or {}
    actor = User(id=0, username=job.created_by, role="admin")

    def on_stage(stage: str) -> None:
        report(stage, STAGE_PROGRESS[stage])

    try:
        if payload.get("preview_id") is not None:
            result = import_preview(
                db, payload["preview_id"], payload["metadata"], actor, on_stage=on_stage, job=job
            )
        else:
            result = articles.import_article(
                db,
                payload["text"],
                actor=actor,
                source_format="paste",
                on_stage=on_stage,
                attach=lambda db, article_id: _finish_import_job(db, job, article_id),
                **payload["metadata"],
            )
    except ArticleRejected as error:
        raise jobs.JobFailed(error.message, **error.values) from None
    except PreviewNotFound:
        raise jobs.JobFailed(
            "This preview was imported or discarded in the meantime; nothing was stored."
        ) from None
    return import_result(result)


def _finish_import_job(db: Database, job: jobs.Job | None, article_id: int) -> None:
    """Inside the import's transaction: the job is done exactly when the article exists."""
    if job is None:
        return
    count = db.execute("select count(*) from claims where article_id = ?", [article_id])
    result = articles.ImportResult(article_id, created=True, claim_count=count.fetchone()[0])
    jobs.finish_in_transaction(db, job, import_result(result), article_id)


def import_result(result: articles.ImportResult) -> dict[str, Any]:
    """An ImportResult as a job stores it."""
    return dataclasses.asdict(result)


def _source_format(content_type: str | None) -> str:
    return {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "md"}.get(
        content_type or "", "txt"
    )


JOB_HANDLERS: dict[str, worker.Handler] = {PREPARE: run_prepare, IMPORT: run_import}
