"""File names for exports: what the article is and when it was exported, safe anywhere."""

import re
import unicodedata

MAX_SLUG_CHARS = 60


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
