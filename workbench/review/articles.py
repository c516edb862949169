"""Articles: import (one transaction, deduplicated), listing with review progress."""

import hashlib
import json
import os
import re
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import ArticleNotFound, ArticleRejected, InvalidInput
from ..memory import matching
from ..statuses import STATUSES
from ..storage.clock import iso_date, utc_now
from ..storage.db import dict_rows, insert, write_transaction
from ..team.accounts import User
from ..text import analysis, languages
from ..text.cleaning import check_article_text, guess_title
from .history import record_article_event

MAX_TITLE_CHARS = 300
# The README's "Limits": an article of 990,000 one-line paragraphs took 88 s and 934 MB
# to import, and its exports and pages took gigabytes. Read once at start.
MAX_CLAIMS = int(os.environ.get("WORKBENCH_MAX_CLAIMS", "20000"))
# A line with something on it: each is at least one claim.
_PARAGRAPH = re.compile(r"^[^\S\n]*\S", re.MULTILINE)
MAX_AUTHORS = 20
MAX_AUTHOR_CHARS = 200
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\ufeff]")
# An article's columns but its text.
ARTICLE_HEADER = (
    "id",
    "title",
    "authors",
    "publisher",
    "url",
    "published_on",
    "content_hash",
    "source_format",
    "imported_at",
    "imported_by",
    "deleted_at",
    "deleted_by",
    "current_version",
    "language",
)


@dataclass(frozen=True)
class ImportResult:
    article_id: int
    created: bool  # False: the same text was imported before; article_id is that one
    claim_count: int
    deleted: bool = False  # the article imported before was deleted (it can be restored)


def content_hash(text: str) -> str:
    """Identity of an article's text: the same words with other line endings are the same."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    normalised = "\n".join(line.rstrip() for line in lines).strip()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def clean_metadata(
    title: str | None = None,
    publisher: str | None = None,
    url: str | None = None,
    published_on: str | None = None,
    authors: str | Iterable[str] | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """Validate optional article metadata; return it as a dict of stripped values or None.

    `authors` is a list of names or one string of names separated by semicolons; it is
    stored as a JSON list.
    """
    if title and "\x00" in title:
        raise ArticleRejected("The title contains NUL characters; type it again.")
    if publisher and "\x00" in publisher:
        raise ArticleRejected("The publisher contains NUL characters; type it again.")
    if url and "\x00" in url:
        raise ArticleRejected("The URL contains NUL characters; type it again.")
    title = _without_bom(title or "").strip() or None
    if title and len(title) > MAX_TITLE_CHARS:
        raise ArticleRejected(
            "The title is longer than %(limit)s characters.", limit=MAX_TITLE_CHARS
        )
    publisher = _without_bom(publisher or "").strip()[:MAX_TITLE_CHARS] or None
    url = (url or "").strip() or None
    if url and not is_web_url(url):
        raise ArticleRejected("The article URL must start with http:// or https://.")
    published_on = (published_on or "").strip() or None
    if published_on:
        try:
            iso_date(published_on)
        except ValueError:
            raise ArticleRejected("The publication date must be a date like 2016-03-25.") from None
    return {
        "title": title,
        "publisher": publisher,
        "url": url,
        "published_on": published_on,
        "authors": clean_authors(authors),
        "language": clean_language(language),
    }


def clean_language(code: str | None) -> str | None:
    """A language code as stored ("es"), None when not given; ArticleRejected when it is
    not one the workbench knows."""
    code = (code or "").strip().lower()
    if not code:
        return None
    if not re.fullmatch(r"[a-z]{2,3}", code):
        known = ", ".join(f"{c} ({language.name})" for c, language in languages.KNOWN.items())
        raise ArticleRejected(
            "“%(code)s” is not a language code; give a two-letter code such as %(known)s.",
            code=code[:20],
            known=known,
        )
    return code


def clean_authors(authors: str | Iterable[str] | None) -> str | None:
    """Author names as stored: a JSON list of distinct names, or None when there are none."""
    names = authors.split(";") if isinstance(authors, str) else list(authors or ())
    cleaned = list(
        dict.fromkeys(
            name for name in (_CONTROL_CHARS.sub("", part).strip() for part in names) if name
        )
    )
    if len(cleaned) > MAX_AUTHORS:
        raise ArticleRejected("An article can name at most %(limit)s authors.", limit=MAX_AUTHORS)
    if any(len(name) > MAX_AUTHOR_CHARS for name in cleaned):
        raise ArticleRejected(
            "An author's name is longer than %(limit)s characters.", limit=MAX_AUTHOR_CHARS
        )
    return json.dumps(cleaned, ensure_ascii=False) if cleaned else None


def author_names(article: dict[str, Any]) -> list[str]:
    """The authors of an article row, as a list (empty when none were recorded)."""
    return json.loads(article["authors"]) if article.get("authors") else []


def refuse_too_many_paragraphs(text: str) -> None:
    """ArticleRejected when `text` has more lines of text than an article may have claims
    (each is at least one): a count that takes milliseconds, where splitting them all
    took 88 s and 934 MB."""
    paragraphs = sum(1 for _ in _PARAGRAPH.finditer(text))
    if paragraphs > MAX_CLAIMS:
        raise ArticleRejected(
            "The article has %(paragraphs)s paragraphs, so at least as many claims; the "
            "limit is %(limit)s claims per article. Import it in parts.",
            paragraphs=format(paragraphs, ","),
            limit=format(MAX_CLAIMS, ","),
        )


def _without_bom(value: str) -> str:
    """A byte-order mark is an encoding marker, never text (one pasted at the start
    was stored, and searches and comparisons missed the first word)."""
    return value.replace("\ufeff", "")


def is_web_url(url: str) -> bool:
    """True for an absolute http(s) URL with a host; javascript:, data:, file: are not."""
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc) and len(url) <= 2048


def import_article(
    db: Database,
    text: str,
    *,
    actor: User,
    source_format: str = "txt",
    on_stage: Callable[[str], None] | None = None,
    attach: Callable[[Database, int], None] | None = None,
    headings: Sequence[str] = (),
    **metadata: Any,
) -> ImportResult:
    """Store an article and its claims in one transaction; the same text twice is one article.

    `on_stage` hears the stages of a long import ("splitting", "finding sources",
    "storing"); `attach(db, article_id)` runs inside the transaction, for what must be
    stored with the article or not at all (its snapshot, the job that imported it).
    The metadata's `language` is the article's (detected from the text when not given);
    `headings` are the page's headings, whose lines are kept but marked "not a claim".
    """
    text = check_article_text(_without_bom(text))
    meta = clean_metadata(**metadata)
    language = meta.pop("language") or languages.detect_language(text)
    meta["title"] = meta["title"] or guess_title(text)
    digest = content_hash(text)
    existing = _existing_result(db, digest)
    if existing is not None:
        return existing
    refuse_too_many_paragraphs(text)
    # Split before taking the write lock: it is the slow part, and needs no database.
    rows = analysis.claim_rows(text, on_stage, MAX_CLAIMS, language=language, headings=headings)
    if on_stage:
        on_stage("storing")
    try:
        with write_transaction(db):
            article_id = insert(
                db,
                "articles",
                {
                    **meta,
                    "body": text,
                    "language": language,
                    "content_hash": digest,
                    "source_format": source_format,
                    "imported_at": utc_now(),
                    "imported_by": actor.username,
                },
            )
            db.table("claims").insert_all(
                ({**row, "article_id": article_id} for row in rows), batch_size=500
            )
            record_article_event(
                db, article_id, actor.username, "import", utc_now(), after=f"{len(rows)} claims"
            )
            # Claims already checked in other articles, found now, never on a page view.
            matching.index_article(db, article_id)
            if attach is not None:
                attach(db, article_id)
    except sqlite3.IntegrityError:
        # Another reviewer imported the same text between our check and our insert.
        existing = _existing_result(db, digest)
        if existing is None:
            raise
        return existing
    return ImportResult(article_id, created=True, claim_count=len(rows))


def imported_before(db: Database, text: str) -> ImportResult | None:
    """The article that already has this text (deleted or not), or None."""
    return _existing_result(db, content_hash(text))


def _existing_result(db: Database, digest: str) -> ImportResult | None:
    row = db.execute(
        "select id, deleted_at is not null from articles where content_hash = ?", [digest]
    ).fetchone()
    if row is None:
        return None
    return ImportResult(
        row[0], created=False, claim_count=_claim_count(db, row[0]), deleted=bool(row[1])
    )


def _claim_count(db: Database, article_id: int) -> int:
    return db.execute("select count(*) from claims where article_id = ?", [article_id]).fetchone()[
        0
    ]


def get_article(db: Database, article_id: int, with_body: bool = True) -> dict[str, Any]:
    """The article's row as a dict; ArticleNotFound if there is none (or it was deleted).

    with_body=False leaves out its text: a page that shows only windows of a long article
    need not read all of it (workbench.review.articles.text_windows reads those).
    """
    columns = "*" if with_body else ", ".join(ARTICLE_HEADER)
    rows = list(
        db.query(
            f"select {columns} from articles where id = ? and deleted_at is null", [article_id]
        )
    )
    if not rows:
        raise ArticleNotFound(article_id)
    return rows[0]


def progress(db: Database, article_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{article_id: {"total", "reviewed", "hidden", <status>: count}} for real claims."""
    where, params = "", []
    if article_ids is not None:
        ids = list(article_ids)
        if not ids:
            return {}
        where = f"where article_id in ({', '.join('?' for _ in ids)})"
        params = list(ids)
    result: dict[int, dict[str, int]] = {}
    for row in dict_rows(
        db.execute(
            f"select article_id, status, is_claim, count(*) as n from claims {where} "
            "group by article_id, status, is_claim",
            params,
        )
    ):
        counts = result.setdefault(row["article_id"], _empty_progress())
        if row["is_claim"]:
            counts[row["status"]] += row["n"]
            counts["total"] += row["n"]
        else:
            counts["hidden"] += row["n"]
    for counts in result.values():
        counts["reviewed"] = counts["total"] - counts["unverified"]
    return result


def hidden_counts(db: Database, article_id: int) -> dict[str, int]:
    """{"not_a_claim": n, "merged": n}: the article's passages left out of review, by why
    (marked not a claim, here or at import; merged into another claim). Passages gone in a
    newer version are left out: the versions page lists those."""
    counts = {"not_a_claim": 0, "merged": 0}
    for merged, number in db.execute(
        "select hidden_reason = 'merged', count(*) from claims where article_id = ? "
        "and is_claim = 0 and removed_in_version is null group by 1",
        [article_id],
    ).fetchall():
        counts["merged" if merged else "not_a_claim"] += number
    return counts


def _empty_progress() -> dict[str, int]:
    return {"total": 0, "reviewed": 0, "hidden": 0, **{status: 0 for status in STATUSES}}


def evidence_counts(db: Database, article_id: int) -> dict[str, int]:
    """{"supports": n, "contradicts": n, "total": n} over the article's visible evidence."""
    counts = {"supports": 0, "contradicts": 0}
    for stance, n in db.execute(
        "select e.stance, count(*) from evidence e join claims c on c.id = e.claim_id "
        "where c.article_id = ? and e.deleted_at is null group by e.stance",
        [article_id],
    ).fetchall():
        counts[stance] = n
    counts["total"] = counts["supports"] + counts["contradicts"]
    return counts


ARTICLES_PAGE = 50


@dataclass(frozen=True)
class ArticlePage:
    articles: list[dict[str, Any]]
    page: int
    has_next: bool


def list_articles(db: Database, page: int = 1, page_size: int = ARTICLES_PAGE) -> ArticlePage:
    """A page of articles, newest first, each with its progress counts (that page's only)."""
    articles = list(
        db.query(
            "select id, title, publisher, url, published_on, imported_at, imported_by "
            "from articles where deleted_at is null order by id desc limit ? offset ?",
            [page_size + 1, (max(page, 1) - 1) * page_size],
        )
    )
    has_next = len(articles) > page_size
    articles = articles[:page_size]
    _attach_progress(db, articles, progress(db, [article["id"] for article in articles]))
    return ArticlePage(articles, max(page, 1), has_next)


def all_articles(db: Database) -> list[dict[str, Any]]:
    """Every article, newest first, each with its progress counts (the dashboard, the API)."""
    articles = list(
        db.query(
            "select id, title, publisher, url, published_on, imported_at, imported_by "
            "from articles where deleted_at is null order by id desc"
        )
    )
    return _attach_progress(db, articles, progress(db))


def _attach_progress(
    db: Database, articles: list[dict[str, Any]], counts: dict[int, dict[str, int]]
) -> list[dict[str, Any]]:
    for article in articles:
        article["progress"] = counts.get(article["id"], _empty_progress())
    return articles


def article_titles(db: Database) -> list[tuple[int, str]]:
    """(id, title) of every article, newest first: for choosing one in a form."""
    return [
        tuple(row)
        for row in db.execute(
            "select id, title from articles where deleted_at is null order by id desc"
        ).fetchall()
    ]


def delete_article(db: Database, article_id: int, actor: User) -> None:
    """Hide an article from every list and export; its records stay, and the deletion is logged."""
    with write_transaction(db):
        get_article(db, article_id)
        now = utc_now()
        db.execute(
            "update articles set deleted_at = ?, deleted_by = ? where id = ?",
            [now, actor.username, article_id],
        )
        record_article_event(db, article_id, actor.username, "article deleted", now)


def get_deleted_article(db: Database, article_id: int) -> dict[str, Any]:
    """A deleted article's row; ArticleNotFound if there is none or it is not deleted."""
    rows = list(
        db.query("select * from articles where id = ? and deleted_at is not null", [article_id])
    )
    if not rows:
        raise ArticleNotFound(article_id)
    return rows[0]


def deleted_articles(db: Database) -> list[dict[str, Any]]:
    """Every deleted article, most recently deleted first, with its claim count."""
    return list(
        db.query(
            "select a.id, a.title, a.publisher, a.published_on, a.imported_at, a.imported_by, "
            "a.deleted_at, a.deleted_by, "
            "(select count(*) from claims c where c.article_id = a.id and c.is_claim = 1) "
            "as claim_count from articles a where a.deleted_at is not null "
            "order by a.deleted_at desc, a.id desc"
        )
    )


def restore_article(db: Database, article_id: int, actor: User) -> dict[str, Any]:
    """Bring a deleted article back into every list and export, as it was; logged.

    InvalidInput if it is not deleted (restored already, perhaps by someone else).
    """
    with write_transaction(db):
        try:
            get_deleted_article(db, article_id)
        except ArticleNotFound:
            get_article(db, article_id)  # ArticleNotFound if there is no such article at all
            raise InvalidInput(
                "This article is not deleted; there is nothing to restore."
            ) from None
        db.execute(
            "update articles set deleted_at = null, deleted_by = null where id = ?", [article_id]
        )
        record_article_event(db, article_id, actor.username, "article restored", utc_now())
    return get_article(db, article_id)


# Characters of article text shown around the claims of a page, beside them.
CONTEXT_CHARS = 400


@dataclass(frozen=True)
class TextWindow:
    """A stretch of the article with the claims in it; cut off before or after when it
    starts or ends inside the article (the reader sees "…")."""

    start: int
    cut_before: bool
    cut_after: bool
    segments: list[tuple[str, dict[str, Any] | None]]


def text_windows(
    db: Database, article_id: int, claims: list[dict[str, Any]], context: int = CONTEXT_CHARS
) -> list[TextWindow]:
    """The article text around these claims, as windows in reading order: each claim's
    paragraph, or `context` characters either side of it, merged where they meet.

    Only these stretches are read from the database (substr), so a page of 100 claims of
    a 5,000-claim article costs what its own text costs.
    """
    if not claims:
        return []
    spans: list[list[int]] = []
    for claim in sorted(claims, key=lambda c: c["start"]):
        start, end = max(0, claim["start"] - context), claim["end"] + context
        if spans and start <= spans[-1][1]:
            spans[-1][1] = max(spans[-1][1], end)
        else:
            spans.append([start, end])
    # SQLite's substr counts characters from 1, as Python counts code points from 0. One
    # character more than asked says whether the article goes on (length(body) would read
    # all of a long article to count its characters).
    texts = db.execute(
        "select " + ", ".join("substr(body, ?, ?)" for _ in spans) + " from articles where id = ?",
        [value for start, end in spans for value in (start + 1, end - start + 1)] + [article_id],
    ).fetchone()
    windows = []
    for (start, end), read in zip(spans, texts, strict=True):
        goes_on = len(read) > end - start
        text = read[: end - start]
        inside = [c for c in claims if start <= c["start"] and c["end"] <= end]
        first, last = min(c["start"] for c in inside), max(c["end"] for c in inside)
        # Start and end at paragraph breaks when the claims' own paragraphs fit.
        if start > 0 and "\n" in text[: first - start]:
            cut = text.index("\n") + 1
            text, start = text[cut:], start + cut
        if goes_on and "\n" in text[last - start :]:
            text = text[: text.rindex("\n")]
        windows.append(
            TextWindow(
                start=start,
                cut_before=start > 0,
                cut_after=goes_on,
                segments=highlight_segments(text, inside, offset=start),
            )
        )
    return windows


def highlight_segments(
    body: str, claims: list[dict[str, Any]], offset: int = 0
) -> list[tuple[str, dict[str, Any] | None]]:
    """Cut the text into (text, claim-or-None) pieces in reading order; `body` starts at
    article offset `offset` (a window of the article) and claims carry article offsets.

    Claims may not cover the whole text (white space between them, headings the splitter
    skipped); those pieces come with None so the page still shows every character.
    """
    segments: list[tuple[str, dict[str, Any] | None]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c["start"]):
        start, end = claim["start"] - offset, claim["end"] - offset
        if start < cursor:
            continue  # overlapping spans cannot both be highlighted; keep the first
        if start > cursor:
            segments.append((body[cursor:start], None))
        segments.append((body[start:end], claim))
        cursor = end
    if cursor < len(body):
        segments.append((body[cursor:], None))
    return segments
