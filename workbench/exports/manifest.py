"""Export manifests: what a file should contain, so a truncated or altered copy shows.

A manifest records the row count, the SHA-256 and size of the exported file, the filters
used, the schema version and when it was made. `verify` checks a file against it.
"""

import csv
import hashlib
import io
import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterable
from typing import IO, Any

from ..review.search import ClaimFilter
from ..storage.clock import utc_now
from . import SCHEMA_VERSION, ExportStats

CHUNK = 64 * 1024


def build_manifest(
    export_format: str, filename: str, claim_filter: ClaimFilter, rows: int, digest: str, size: int
) -> dict[str, Any]:
    return {
        "file": filename,
        "format": export_format,
        "rows": rows,
        "sha256": digest,
        "bytes": size,
        "filters": claim_filter.as_query(),
        "schema_version": SCHEMA_VERSION,
        "generated_at": utc_now(),
    }


def write_export(chunks: Iterable[str], target: IO[bytes]) -> tuple[str, int]:
    """Write text chunks to a binary file as UTF-8; return (sha256 hex, byte count)."""
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        data = chunk.encode("utf-8")
        digest.update(data)
        size += len(data)
        target.write(data)
    return digest.hexdigest(), size


def bundle(
    produce: Callable[[ClaimFilter, ExportStats], Iterable[str]],
    export_format: str,
    filename: str,
    claim_filter: ClaimFilter,
) -> tuple[IO[bytes], dict[str, Any]]:
    """A ZIP (as a spooled temporary file, rewound) holding the export and manifest.json.

    The export is written to disk first, so memory stays flat however large it is.
    """
    stats = ExportStats()
    with tempfile.TemporaryFile() as data:
        digest, size = write_export(produce(claim_filter, stats), data)
        manifest = build_manifest(export_format, filename, claim_filter, stats.rows, digest, size)
        data.seek(0)
        archive_file = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
        with zipfile.ZipFile(archive_file, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            with archive.open(filename, "w", force_zip64=True) as member:
                shutil.copyfileobj(data, member, CHUNK)
            archive.writestr("manifest.json", json.dumps(manifest, indent=2) + "\n")
    archive_file.seek(0)
    return archive_file, manifest


def count_rows(data: bytes, export_format: str) -> int:
    """Rows in an export file's bytes: CSV data rows, or claims in a JSON export."""
    text = data.decode("utf-8-sig")
    if export_format == "csv":
        return max(0, sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1)
    document = json.loads(text)
    return sum(len(article["claims"]) for article in document["articles"])


def verify(data: bytes, manifest: dict[str, Any]) -> list[str]:
    """Problems found comparing an export file's bytes with its manifest ([] when intact)."""
    problems = []
    if len(data) != manifest["bytes"]:
        problems.append(f"size is {len(data):,} bytes, the manifest says {manifest['bytes']:,}")
    if hashlib.sha256(data).hexdigest() != manifest["sha256"]:
        problems.append("SHA-256 differs from the manifest: the file was truncated or altered")
    try:
        rows = count_rows(data, manifest["format"])
    except (ValueError, KeyError, UnicodeDecodeError) as error:
        problems.append(f"the file cannot be read as {manifest['format']}: {error}")
    else:
        if rows != manifest["rows"]:
            problems.append(f"has {rows:,} rows, the manifest says {manifest['rows']:,}")
    return problems
