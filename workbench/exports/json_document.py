"""The JSON export: every article with its claims, sources, flags, notes, evidence and
history, streamed claim by claim from one read snapshot."""

import json
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from ..intake import snapshots
from ..review import search
from ..storage.db import read_snapshot
from ..version import __version__
from . import SCHEMA_VERSION, ExportStats

_EVERYTHING = search.ClaimFilter()

# Claims in the order the export lists them; each kind of record under a claim is read in
# one query sorted the same way, and the streams are walked side by side, so no claim
# list or lookup table is ever held in memory (990,000 claims took 2.84 GB).
_CLAIM_ORDER = "c.is_claim desc, c.position, c.start, c.id"
_JOIN_ARTICLES = "join articles a on a.id = c.article_id"
_FROM_CLAIMS = f"claims c {_JOIN_ARTICLES}"
_CHILDREN = {
    "notes": "select n.claim_id, n.id, n.author, n.body, n.created_at "
    f"from notes n join claims c on c.id = n.claim_id {_JOIN_ARTICLES} "
    "where {where} and n.deleted_at is null "
    f"order by {_CLAIM_ORDER}, n.id",
    "evidence": "select e.claim_id, e.id, e.url, e.title, e.excerpt, e.stance, e.added_by, "
    f"e.added_at from evidence e join claims c on c.id = e.claim_id {_JOIN_ARTICLES} "
    "where {where} and e.deleted_at is null "
    f"order by {_CLAIM_ORDER}, e.id",
    "history": "select h.claim_id, h.id, h.actor, h.action, h.before, h.after, h.at "
    f"from history h join claims c on c.id = h.claim_id {_JOIN_ARTICLES} "
    "where {where} "
    f"order by {_CLAIM_ORDER}, h.id",
    "assignees": "select x.claim_id, x.assignee, x.via, x.assigned_by, x.assigned_at "
    f"from assignments x join claims c on c.id = x.claim_id {_JOIN_ARTICLES} "
    "where {where} "
    f"order by {_CLAIM_ORDER}, x.id",
    # Each blind reviewer's own decision, once every one was done: never before.
    "blind_decisions": "select d.claim_id, d.reviewer, d.status, d.note, d.decided_at, "
    "d.review_id as review from blind_decisions d join blind_reviews b on b.id = d.review_id "
    f"and b.revealed_at is not null join claims c on c.id = d.claim_id {_JOIN_ARTICLES} "
    "where {where} "
    f"order by {_CLAIM_ORDER}, d.review_id, d.reviewer",
}


def iter_json(
    db: Database, claim_filter: search.ClaimFilter = _EVERYTHING, stats: ExportStats | None = None
) -> Iterator[str]:
    """Yield a JSON document of articles with their claims, sources, flags, notes,
    evidence and history, claim by claim, from one read snapshot.

    With no filter but an article, every claim is included (also those marked "not a
    claim"); otherwise only the claims the filter matches.
    """
    everything = search.ClaimFilter(article_id=claim_filter.article_id) == claim_filter
    with read_snapshot(db):
        if everything:
            where, params = "a.deleted_at is null", []
            if claim_filter.article_id is not None:
                where, params = where + " and a.id = ?", [claim_filter.article_id]
            article_ids = db.execute(
                f"select a.id from articles a where {where} order by a.id", params
            )
            where = "c.article_id = ?"
            params = []
        else:
            where, params = search.where_clause(db, claim_filter)
            article_ids = db.execute(
                f"select distinct c.article_id from {_FROM_CLAIMS} where {where} order by 1",
                params,
            )
            where += " and c.article_id = ?"
        yield (
            f'{{"schema_version": {SCHEMA_VERSION}, '
            f'"workbench_version": {json.dumps(__version__)}, "articles": ['
        )
        for number, (article_id,) in enumerate(article_ids.fetchall()):
            if number:
                yield ","
            yield from _article_chunks(db, article_id, where, [*params, article_id], stats)
        yield "]}\n"


def _article_chunks(
    db: Database, article_id: int, where: str, params: list[Any], stats: ExportStats | None
) -> Iterator[str]:
    """One article's JSON object, its claims one chunk each."""
    article = next(
        db.query(
            "select id, title, authors, publisher, url, published_on, language as inLanguage, "
            "imported_at, imported_by, body from articles where id = ?",
            [article_id],
        )
    )
    article["authors"] = json.loads(article["authors"]) if article["authors"] else []
    snapshot = snapshots.export_metadata(snapshots.snapshot_info(db, article_id))
    head = json.dumps({**article, "snapshot": snapshot, "claims": []}, ensure_ascii=False)
    yield head[: -len("]}")]
    children = {
        name: _Grouped(db.query(sql.format(where=where), params)) for name, sql in _CHILDREN.items()
    }
    claims = db.query(
        f"select c.* from {_FROM_CLAIMS} where {where} order by {_CLAIM_ORDER}", params
    )
    for number, claim in enumerate(claims):
        document = claim_document(claim)
        for name, grouped in children.items():
            document[name] = grouped.take(claim["id"])
        for entry in document["history"]:
            entry["before"] = json.loads(entry["before"]) if entry["before"] else None
            entry["after"] = json.loads(entry["after"]) if entry["after"] else None
        if stats is not None:
            stats.rows += 1
        yield (", " if number else "") + json.dumps(document, ensure_ascii=False)
    yield "]}"


class _Grouped:
    """Rows sorted by claim (in the export's claim order), taken a claim at a time."""

    def __init__(self, rows: Iterator[dict[str, Any]]) -> None:
        self.rows = rows
        self.pending: dict[str, Any] | None = next(self.rows, None)

    def take(self, claim_id: int) -> list[dict[str, Any]]:
        """The rows of claim `claim_id` (without their claim_id), if they are next."""
        taken = []
        while self.pending is not None and self.pending["claim_id"] == claim_id:
            row = self.pending
            del row["claim_id"]
            taken.append(row)
            self.pending = next(self.rows, None)
        return taken


def claim_document(claim: dict[str, Any]) -> dict[str, Any]:
    """A claims-table row as the JSON export and the API show it."""
    return {
        "id": claim["id"],
        "article_id": claim["article_id"],
        "position": claim["position"],
        "text": claim["text"],
        "start": claim["start"],
        "end": claim["end"],
        "status": claim["status"],
        # proposed | approved | returned | decided | none (workbench.statuses)
        "decision_state": claim.get("decision_state") or "none",
        "version": claim["version"],
        "is_claim": bool(claim["is_claim"]),
        "hidden_reason": claim["hidden_reason"],
        "attribution": None
        if claim["attribution_kind"] in (None, "none")
        else {
            "text": claim["attribution_text"],
            "kind": claim["attribution_kind"],
            "start": claim["attribution_start"],
            "end": claim["attribution_end"],
            "medium": json.loads(claim["attribution_medium"])
            if claim["attribution_medium"]
            else None,
            "confirmed_by": claim["attribution_confirmed_by"],
            # How sure the engine was (0-1); null when a person chose it.
            "confidence": claim.get("attribution_confidence"),
        },
        "flags": claim["flags"].split() if claim["flags"] else [],
        "updated_by": claim["updated_by"],
        "updated_at": claim["updated_at"],
    }
