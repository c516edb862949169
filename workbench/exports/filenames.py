"""File names and types of exports: what the article is and when it was exported, safe
anywhere, and each format's file extension and Content-Type."""

import re
import unicodedata
from dataclasses import dataclass

MAX_SLUG_CHARS = 60


@dataclass(frozen=True)
class ExportFormat:
    extension: str  # after the stem: claims-2026-11-26.<extension>
    content_type: str  # what the download says it is


# Every export format, by the name a URL or the command line gives it.
FORMATS = {
    "csv": ExportFormat("csv", "text/csv; charset=utf-8"),
    "json": ExportFormat("json", "application/json; charset=utf-8"),
    "claimreview": ExportFormat("claimreview.jsonld", "application/ld+json; charset=utf-8"),
}


def slug(title: str | None) -> str:
    """ASCII words of a title joined by hyphens: "Syria's state TV" -> "syrias-state-tv"."""
    ascii_title = unicodedata.normalize("NFKD", title or "").encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower().replace("'", "").replace("’", ""))
    text = "-".join(words)[:MAX_SLUG_CHARS].rstrip("-")
    return text


def export_stem(title: str | None, article_id: int | None, day: str) -> str:
    """<article-slug>-<YYYY-MM-DD>, or claims-<date> for an export of every article."""
    if article_id is None:
        return f"claims-{day}"
    return f"{slug(title) or f'article-{article_id}'}-{day}"
