"""New versions of an article: every version's text kept, claims moved to the new text.

A corrected article (same URL, or chosen as "a new version of" one already here) does not
become a second article: its text becomes the article's current text, and each claim is
placed in it by workbench.text.reanchor (exact, then fuzzy with a measured threshold).
A claim whose passage changed is marked "changed in version N" (the history keeps both
texts), one whose passage is gone "removed in version N" (hidden, never erased), and
sentences no claim covers become new claims. Statuses, notes, evidence and history stay
with their claims, except a decision on a passage that now claims something else: one
whose numbers, names or negation changed goes back to unverified, marked "changed since
decided" (decision state "changed"), its old decision in the history. Offsets always
point into the version they belong to: claims.start/end into claims.text_version,
claim_anchors into each earlier version.

A new version is held to the limits of a new article (characters, claims), from every
path: paste, file, URL preview and the command line all come here.
"""

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import ArticleRejected, InvalidInput, VersionNotFound
from ..memory import matching
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from ..text import analysis, languages
from ..text.claim_keys import normalise, score
from ..text.cleaning import check_article_text
from ..text.reanchor import Passage, Plan, plan_reanchoring
from ..text.splitter import ClaimSpan, split_claims
from . import articles
from .articles import content_hash, get_article
from .claims import bump_version, write_status
from .corrections import locate_passage, renumber
from .history import decode, record_article_event, record_history
from .history_sentences import Part, word_changes

VERSION_ACTIONS = ("changed in version", "removed in version", "new in version")
# The history action, and the decision state, of a decision a new version took back.
DECISION_RESET = "changed since decided"
CHANGED_STATE = "changed"
# Preparing a version runs outside the write lock; if reviewers changed the article's
# claims meanwhile it is prepared again, at most this many times.
ATTEMPTS = 3


@dataclass(frozen=True)
class NewVersion:
    """What importing a new version did."""

    article_id: int
    number: int
    created: bool  # False: the text is the current version's; nothing changed
    kept: int = 0  # claims found verbatim (moved or not)
    moved: int = 0  # of those, at other offsets
    changed: int = 0
    removed: int = 0
    added: int = 0
    undecided: int = 0  # of the changed, decided claims whose decision no longer holds

    def summary(self) -> dict[str, int]:
        """The counts, as stored with the version and shown in its banner."""
        return {
            "kept": self.kept,
            "moved": self.moved,
            "changed": self.changed,
            "removed": self.removed,
            "added": self.added,
            "undecided": self.undecided,
        }


@dataclass(frozen=True)
class _State:
    """The article as read before preparing a version: what the plan is made from."""

    article: dict[str, Any]
    claims: list[dict[str, Any]]
    fingerprint: tuple[int, int]


def article_for_url(db: Database, url: str | None) -> int | None:
    """The article (not deleted) imported from this URL, if any: its new text is a version."""
    if not url:
        return None
    row = db.execute(
        "select id from articles where url = ? and deleted_at is null order by id desc limit 1",
        [url.strip()],
    ).fetchone()
    return int(row[0]) if row else None


def import_new_version(
    db: Database, article_id: int, text: str, *, actor: User, source_format: str = "txt"
) -> NewVersion:
    """Make `text` the article's next version and move its claims there, in one transaction.
    ArticleRejected, with nothing stored, for a text a new article could not have."""
    text = check_article_text(text)
    digest = content_hash(text)
    spans: list[ClaimSpan] | None = None
    for _ in range(ATTEMPTS):
        state = _read_state(db, article_id)
        if state.article["content_hash"] == digest:
            return NewVersion(article_id, state.article["current_version"], created=False)
        _refuse_other_articles_text(db, article_id, digest)
        if spans is None:
            spans = _claim_spans(text, state.article.get("language") or languages.DEFAULT)
        # The slow part (splitting, matching, finding sources) runs before the write lock.
        plan = _plan(state, text, spans)
        fields = _annotations(state, plan, text)
        with write_transaction(db):
            if _fingerprint(db, article_id) != state.fingerprint:
                continue
            try:
                return _apply(db, state, plan, fields, text, digest, actor, source_format)
            except sqlite3.IntegrityError:
                _refuse_other_articles_text(db, article_id, digest)
                raise
    raise InvalidInput("The article kept changing while the new version was prepared; try again.")


def _refuse_other_articles_text(db: Database, article_id: int, digest: str) -> None:
    row = db.execute(
        "select id from articles where content_hash = ? and id != ?", [digest, article_id]
    ).fetchone()
    if row:
        raise ArticleRejected(
            "This text is already article %(id)s; it cannot also be a version of this one.",
            id=row[0],
        )


def _read_state(db: Database, article_id: int) -> _State:
    article = get_article(db, article_id)
    claims = list(
        db.query(
            "select * from claims where article_id = ? and text_version = ? "
            "and removed_in_version is null order by start, id",
            [article_id, article["current_version"]],
        )
    )
    return _State(article, claims, _fingerprint(db, article_id))


def _fingerprint(db: Database, article_id: int) -> tuple[int, int]:
    """Changes when the article gets a version or any claim of it changes (each change
    writes a history row)."""
    row = db.execute(
        "select (select current_version from articles where id = :a), "
        "(select coalesce(max(id), 0) from history where article_id = :a)",
        {"a": article_id},
    ).fetchone()
    return int(row[0]), int(row[1])


def _claim_spans(text: str, language: str) -> list[ClaimSpan]:
    """The new text's sentences (by the rules of the article's language), each a claim;
    ArticleRejected past the article's limit of claims (counted before splitting when
    the lines alone are too many)."""
    articles.refuse_too_many_paragraphs(text)
    spans = split_claims(text, language)
    if len(spans) > articles.MAX_CLAIMS:
        raise ArticleRejected(
            "This version has %(count)s claims; the limit is %(limit)s per article, for a new "
            "version as for a new article. Nothing was stored.",
            count=format(len(spans), ","),
            limit=format(articles.MAX_CLAIMS, ","),
        )
    return spans


def _plan(state: _State, text: str, spans: list[ClaimSpan]) -> Plan:
    passages = [
        Passage(c["id"], c["start"], c["end"], c["text"], hidden=not c["is_claim"])
        for c in state.claims
    ]
    return plan_reanchoring(passages, state.article["body"], text, spans)


def claims_something_else(old: str, new: str) -> bool:
    """True when a passage's new wording is not the same claim as its old one, by the
    rules that match claims across articles (workbench/text/claim_keys.py): other
    numbers ("25 million" -> "25 to 50 million"), a negation gained or lost, a word
    replaced by another (a name, "rose" for "fell"), or more than a few words added.
    A decision on the old wording does not hold for such a claim."""
    return score(normalise(old), normalise(new)) == 0.0


def _annotations(state: _State, plan: Plan, text: str) -> dict[Any, dict[str, Any]]:
    """Source and flag columns for every claim of the new version, keyed by claim id (or
    by ("new", start) for a new sentence), found with the new text as context."""
    live = {c["id"] for c in state.claims if c["is_claim"]}
    keyed: list[tuple[Any, int, int]] = [
        (p.claim_id, p.start, p.end) for p in plan.placed if p.claim_id in live
    ]
    keyed += [(("new", span.start), span.start, span.end) for span in plan.added]
    keyed.sort(key=lambda item: (item[1], item[2]))
    spans = [ClaimSpan(i, start, end, text[start:end]) for i, (_, start, end) in enumerate(keyed)]
    language = state.article.get("language") or languages.DEFAULT
    annotated = analysis.annotate(text, spans, language=language)
    return {key: fields for (key, _, _), fields in zip(keyed, annotated, strict=True)}


def _apply(
    db: Database,
    state: _State,
    plan: Plan,
    fields: dict[Any, dict[str, Any]],
    text: str,
    digest: str,
    actor: User,
    source_format: str,
) -> NewVersion:
    article, now = state.article, utc_now()
    article_id, old, new = article["id"], article["current_version"], article["current_version"] + 1
    _keep_first_version(db, article)
    db.execute(
        'insert into claim_anchors (claim_id, version, start, "end", text) '
        'select id, ?, start, "end", text from claims where article_id = ? and text_version = ? '
        "and removed_in_version is null",
        [old, article_id, old],
    )
    before = {c["id"]: c for c in state.claims}
    changed = [p for p in plan.placed if p.text != before[p.claim_id]["text"]]
    moved = [
        p
        for p in plan.placed
        if p.text == before[p.claim_id]["text"] and p.start != before[p.claim_id]["start"]
    ]
    db.execute(
        "update articles set body = ?, content_hash = ?, current_version = ? where id = ?",
        [text, digest, new, article_id],
    )
    for placement in plan.placed:
        claim = before[placement.claim_id]
        updates = {
            "start": placement.start,
            "end": placement.end,
            "text": placement.text,
            "text_version": new,
            **_source_fields(
                claim,
                fields.get(placement.claim_id),
                text,
                placement.start,
                article.get("language") or languages.DEFAULT,
            ),
        }
        if placement.text != claim["text"]:
            updates["changed_in_version"] = new
        bump_version(db, claim["id"], **updates)
    for claim_id in plan.removed:
        claim = before[claim_id]
        hidden = {"is_claim": 0, "removed_in_version": new}
        if claim["is_claim"]:
            hidden["hidden_reason"] = "removed"
        bump_version(db, claim_id, **hidden)
        record_history(
            db,
            claim,
            actor.username,
            "removed in version",
            {**_passage(claim), "version": old, "is_claim": bool(claim["is_claim"])},
            {"version": new},
            now,
        )
    added_ids = [_insert_new_claim(db, article_id, span, fields, new) for span in plan.added]
    renumber(db, article_id)
    for placement in changed:
        record_history(
            db,
            before[placement.claim_id],
            actor.username,
            "changed in version",
            {**_passage(before[placement.claim_id]), "version": old},
            {
                "start": placement.start,
                "end": placement.end,
                "text": placement.text,
                "version": new,
            },
            now,
        )
    for claim_id, span in zip(added_ids, plan.added, strict=True):
        record_history(
            db,
            {"id": claim_id, "article_id": article_id},
            actor.username,
            "new in version",
            None,
            {"start": span.start, "end": span.end, "text": span.text, "version": new},
            now,
        )
    reset = [
        placement.claim_id
        for placement in changed
        if before[placement.claim_id]["is_claim"]
        and before[placement.claim_id]["status"] != "unverified"
        and claims_something_else(before[placement.claim_id]["text"], placement.text)
    ]
    if reset:
        # Back to unverified, marked: the history row keeps the decision it replaces.
        write_status(
            db,
            "select value from json_each(?)",
            [json.dumps(reset)],
            "unverified",
            actor,
            action=DECISION_RESET,
            decision_state=CHANGED_STATE,
            extra={"version": new},
        )
    result = NewVersion(
        article_id,
        new,
        created=True,
        kept=len(plan.placed) - len(changed),
        moved=len(moved),
        changed=len(changed),
        removed=len(plan.removed),
        added=len(plan.added),
        undecided=len(reset),
    )
    matching.index_claims(db, [p.claim_id for p in changed] + added_ids)
    counts = result.summary()
    history_id = record_article_event(
        db,
        article_id,
        actor.username,
        "new version",
        now,
        after=f"version {new}: {counts['changed']} changed, {counts['removed']} removed, "
        f"{counts['added']} new, {counts['kept']} unchanged",
    )
    insert(
        db,
        "article_versions",
        {
            "article_id": article_id,
            "number": new,
            "body": text,
            "content_hash": digest,
            "source_format": source_format,
            "created_at": now,
            "created_by": actor.username,
            "history_id": history_id,
            "summary": json.dumps(counts),
        },
    )
    return result


def _keep_first_version(db: Database, article: dict[str, Any]) -> None:
    """The text as first imported becomes version 1 when a second version arrives."""
    if article["current_version"] != 1:
        return
    insert(
        db,
        "article_versions",
        {
            "article_id": article["id"],
            "number": 1,
            "body": article["body"],
            "content_hash": article["content_hash"],
            "source_format": article["source_format"],
            "created_at": article["imported_at"],
            "created_by": article["imported_by"],
            "summary": None,
        },
    )


def _passage(claim: dict[str, Any]) -> dict[str, Any]:
    return {"start": claim["start"], "end": claim["end"], "text": claim["text"]}


def _source_fields(
    claim: dict[str, Any], found: dict[str, Any] | None, text: str, start: int, language: str
) -> dict[str, Any]:
    """The source of a claim in the new version: found again with the new text as context,
    unless a reviewer set or confirmed it; then theirs, moved to its words in the new
    text (or without offsets when those words are gone)."""
    if found is None:  # a hidden claim: its source is not shown, so not looked for
        return {}
    if not claim["attribution_confirmed_by"]:
        return found
    flag_fields = analysis.flag_fields(claim["text"], claim["attribution_kind"], language)
    if not claim["attribution_text"]:
        return flag_fields
    try:
        at, end = locate_passage(text, claim["attribution_text"], start)
    except InvalidInput:
        at, end = None, None
    return {**flag_fields, "attribution_start": at, "attribution_end": end}


def _insert_new_claim(
    db: Database,
    article_id: int,
    span: ClaimSpan,
    fields: dict[Any, dict[str, Any]],
    version: int,
) -> int:
    return insert(
        db,
        "claims",
        {
            "article_id": article_id,
            "position": 0,
            "start": span.start,
            "end": span.end,
            "text": span.text,
            "status": "unverified",
            "version": 1,
            "is_claim": 1,
            "text_version": version,
            "added_in_version": version,
            **fields[("new", span.start)],
        },
    )


# --- reading ------------------------------------------------------------------------


def list_versions(db: Database, article_id: int) -> list[dict[str, Any]]:
    """Every version of the article, oldest first: number, when, by whom, its counts."""
    rows = list(
        db.query(
            "select number, created_at, created_by, source_format, summary, length(body) as chars "
            "from article_versions where article_id = ? order by number",
            [article_id],
        )
    )
    if not rows:
        article = get_article(db, article_id)
        rows = [
            {
                "number": 1,
                "created_at": article["imported_at"],
                "created_by": article["imported_by"],
                "source_format": article["source_format"],
                "summary": None,
                "chars": len(article["body"]),
            }
        ]
    for row in rows:
        row["summary"] = json.loads(row["summary"]) if row["summary"] else None
    return rows


def version_summary(db: Database, article_id: int, number: int) -> dict[str, Any] | None:
    """One version's row (created_at, created_by, summary counts), or None for version 1
    of an article that has only one."""
    rows = list(
        db.query(
            "select number, created_at, created_by, summary from article_versions "
            "where article_id = ? and number = ?",
            [article_id, number],
        )
    )
    if not rows:
        return None
    row = rows[0]
    row["summary"] = json.loads(row["summary"]) if row["summary"] else None
    return row


def body_of_version(db: Database, article_id: int, number: int) -> str:
    """The article's text as it was in version `number`; VersionNotFound if there is none."""
    row = db.execute(
        "select body from article_versions where article_id = ? and number = ?",
        [article_id, number],
    ).fetchone()
    if row:
        return str(row[0])
    article = get_article(db, article_id)
    if number == 1 and article["current_version"] == 1:
        return str(article["body"])
    raise VersionNotFound(f"Article {article_id} has no version {number}.")


def anchors_of(db: Database, claim_id: int) -> list[tuple[int, int, int, str]]:
    """(version, start, end, text) of a claim in every version it was in, oldest first."""
    rows = db.execute(
        'select version, start, "end", text from claim_anchors where claim_id = ? '
        'union select text_version, start, "end", text from claims where id = ? '
        "order by 1",
        [claim_id, claim_id],
    ).fetchall()
    return [(int(v), int(s), int(e), str(t)) for v, s, e, t in rows]


@dataclass(frozen=True)
class VersionChange:
    """One claim's change in a version, for the "what changed" page."""

    claim_id: int
    action: str  # one of VERSION_ACTIONS
    position: int | None  # the claim's position now (None when hidden)
    status: str
    text: str  # the passage in this version (or, removed, in the one before)
    words: list[Part]  # the passage's words with what was added and removed marked


def version_changes(db: Database, article_id: int, number: int) -> list[VersionChange]:
    """What version `number` changed: claims changed, removed and new, in reading order."""
    rows = list(
        db.query(
            "select h.claim_id, h.action, h.before, h.after, c.position, c.status, "
            "c.is_claim from history h join claims c on c.id = h.claim_id "
            "where h.article_id = ? and h.action in (?, ?, ?) "
            "and json_extract(h.after, '$.version') = ? order by h.id",
            [article_id, *VERSION_ACTIONS, number],
        )
    )
    changes = []
    for row in rows:
        before, after = decode(row["before"]) or {}, decode(row["after"]) or {}
        if row["action"] == "changed in version":
            text, words = after["text"], word_changes(before["text"], after["text"])
            start = after["start"]
        elif row["action"] == "removed in version":
            text, words, start = before["text"], [("del", before["text"])], before["start"]
        else:
            text, words, start = after["text"], [("ins", after["text"])], after["start"]
        change = VersionChange(
            row["claim_id"],
            row["action"],
            row["position"] if row["is_claim"] else None,
            row["status"],
            text,
            words,
        )
        changes.append((start, change))
    return [change for _, change in sorted(changes, key=lambda item: item[0])]
