"""The kept snapshot of an import: the bytes exactly as fetched or uploaded (compressed),
their SHA-256 and where they came from. One per article, never changed.

A snapshot with no article yet is a preview: the reviewer is checking its text and
metadata before importing it. Importing attaches it to the new article in the same
transaction; previews nobody imported are deleted after a day.
"""

import dataclasses
import datetime
import hashlib
import json
import re
import zlib
from typing import Any

from sqlite_utils import Database

from ..errors import PreviewNotFound, SnapshotNotFound
from ..storage.clock import now, stamp, utc_now
from ..storage.db import insert, write_transaction
from ..text.cleaning import ImportedDocument
from ..text.html_article import PageMetadata
from .fetch import FetchedPage

COMPRESSION = "zlib"
PREVIEW_LIFETIME = datetime.timedelta(days=1)
# Columns that describe a snapshot (everything but the bytes and the draft text).
INFO_COLUMNS = (
    "id",
    "article_id",
    "origin",
    "requested_url",
    "final_url",
    "http_status",
    "content_type",
    "charset",
    "filename",
    "size",
    "sha256",
    "compression",
    "fetched_at",
    "page_metadata",
    "extractor",
    "created_by",
    "created_at",
)
_EXTENSIONS = {"text/html": "html", "application/xhtml+xml": "html", "text/markdown": "md"}
_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f]")


@dataclasses.dataclass(frozen=True)
class Source:
    """The raw bytes of an import and where they came from."""

    origin: str  # "url" or "upload"
    raw: bytes
    content_type: str
    fetched_at: str
    requested_url: str | None = None
    final_url: str | None = None
    http_status: int | None = None
    charset: str | None = None
    filename: str | None = None

    @classmethod
    def from_page(cls, requested_url: str, page: FetchedPage) -> "Source":
        """A fetched page, as the fetcher received it."""
        return cls(
            origin="url",
            raw=page.body,
            content_type=page.content_type,
            fetched_at=page.fetched_at,
            requested_url=requested_url,
            final_url=page.final_url,
            http_status=page.status,
            charset=page.charset,
        )

    @classmethod
    def from_upload(cls, filename: str | None, data: bytes, content_type: str) -> "Source":
        """An uploaded file; its name is kept for people to read, never used as a path."""
        name = _UNSAFE_NAME.sub("", filename or "")[:255] or None
        return cls(
            origin="upload",
            raw=data,
            content_type=content_type,
            fetched_at=utc_now(),
            filename=name,
        )


@dataclasses.dataclass(frozen=True)
class Preview:
    """A snapshot waiting to be imported: its text as extracted and what the page says."""

    id: int
    text: str | None  # None while a background job is still reading it
    metadata: PageMetadata
    info: dict[str, Any]


def insert_snapshot(
    db: Database,
    source: Source,
    *,
    created_by: str,
    article_id: int | None = None,
    document: ImportedDocument | None = None,
) -> int:
    """Store the bytes of `source` (for `article_id`, or as a preview); return its id.

    Call inside a write transaction when it belongs with other writes (the import).
    """
    return insert(
        db,
        "snapshots",
        {
            "article_id": article_id,
            "origin": source.origin,
            "requested_url": source.requested_url,
            "final_url": source.final_url,
            "http_status": source.http_status,
            "content_type": source.content_type,
            "charset": source.charset,
            "filename": source.filename,
            "size": len(source.raw),
            "sha256": hashlib.sha256(source.raw).hexdigest(),
            "compression": COMPRESSION,
            "raw": zlib.compress(source.raw),
            "fetched_at": source.fetched_at,
            "created_by": created_by,
            "created_at": utc_now(),
            **_document_columns(document, article_id is None),
        },
    )


def fill_preview(db: Database, preview_id: int, document: ImportedDocument) -> None:
    """Give a preview stored before it was read its text and metadata (inside a write
    transaction)."""
    db.table("snapshots").update(preview_id, _document_columns(document, True))


def _document_columns(document: ImportedDocument | None, is_preview: bool) -> dict[str, Any]:
    if document is None:
        return {}
    return {
        "page_metadata": json.dumps(dataclasses.asdict(document.metadata), ensure_ascii=False),
        "extractor": document.extractor,
        "draft_text": document.text if is_preview else None,
    }


def get_preview(db: Database, preview_id: int) -> Preview:
    """The preview with that id; PreviewNotFound if there is none (or it was imported)."""
    rows = list(
        db.query(
            f"select {', '.join(INFO_COLUMNS)}, draft_text from snapshots "
            "where id = ? and article_id is null",
            [preview_id],
        )
    )
    if not rows:
        raise PreviewNotFound(preview_id)
    info = rows[0]
    text = info.pop("draft_text")
    return Preview(preview_id, text, page_metadata(info), info)


def page_metadata(info: dict[str, Any]) -> PageMetadata:
    """What the page said about itself, as stored with its snapshot."""
    stored = json.loads(info["page_metadata"]) if info.get("page_metadata") else {}
    for listed in ("authors", "headings", "credits"):
        stored[listed] = tuple(stored.get(listed) or ())
    known = {field.name for field in dataclasses.fields(PageMetadata)}
    return PageMetadata(**{name: value for name, value in stored.items() if name in known})


def preview_bytes(db: Database, preview_id: int) -> bytes:
    """The raw bytes of a preview (for reading it in the background)."""
    row = db.execute(
        "select raw from snapshots where id = ? and article_id is null", [preview_id]
    ).fetchone()
    if row is None:
        raise PreviewNotFound(preview_id)
    return zlib.decompress(row[0])


def attach(db: Database, preview_id: int, article_id: int) -> None:
    """Make a preview the snapshot of the article imported from it (inside the import's
    write transaction); its draft text is the article's text now, so it is dropped."""
    updated = db.execute(
        "update snapshots set article_id = ?, draft_text = null "
        "where id = ? and article_id is null",
        [article_id, preview_id],
    )
    if updated.rowcount != 1:
        raise PreviewNotFound(preview_id)


def discard_preview(db: Database, preview_id: int) -> None:
    """Forget a preview nobody will import."""
    with write_transaction(db):
        db.execute("delete from snapshots where id = ? and article_id is null", [preview_id])


def delete_stale_previews(db: Database, at: datetime.datetime | None = None) -> int:
    """Delete previews older than PREVIEW_LIFETIME; how many there were."""
    cutoff = stamp((at or now()) - PREVIEW_LIFETIME)
    with write_transaction(db):
        return db.execute(
            "delete from snapshots where article_id is null and created_at < ?", [cutoff]
        ).rowcount


def article_of_snapshot(db: Database, snapshot_id: int) -> int | None:
    """The article a snapshot belongs to (None for a preview or no such snapshot)."""
    row = db.execute("select article_id from snapshots where id = ?", [snapshot_id]).fetchone()
    return row[0] if row else None


def snapshot_info(db: Database, article_id: int) -> dict[str, Any] | None:
    """What is known about an article's snapshot (not its bytes), or None if it has none."""
    rows = list(
        db.query(
            f"select {', '.join(INFO_COLUMNS)} from snapshots where article_id = ?", [article_id]
        )
    )
    return rows[0] if rows else None


def snapshot_content(db: Database, article_id: int) -> tuple[dict[str, Any], bytes]:
    """An article's snapshot: its description and the original bytes; SnapshotNotFound."""
    info = snapshot_info(db, article_id)
    if info is None:
        raise SnapshotNotFound(article_id)
    row = db.execute("select raw from snapshots where id = ?", [info["id"]]).fetchone()
    return info, zlib.decompress(row[0])


def export_metadata(info: dict[str, Any] | None) -> dict[str, Any] | None:
    """A snapshot as the JSON export describes it: where, when, what, and the hash."""
    if info is None:
        return None
    return {
        "origin": info["origin"],
        "requested_url": info["requested_url"],
        "final_url": info["final_url"],
        "http_status": info["http_status"],
        "content_type": info["content_type"],
        "filename": info["filename"],
        "size": info["size"],
        "sha256": info["sha256"],
        "fetched_at": info["fetched_at"],
    }


def download_name(article_id: int, content_type: str | None) -> str:
    """A safe file name for the downloaded snapshot: the id and an extension, nothing else."""
    return f"article-{article_id:d}-snapshot.{_EXTENSIONS.get(content_type or '', 'txt')}"
