"""The JSON export: every article with its claims, sources, flags, notes, evidence and
history, streamed article by article from one read snapshot."""

import json
from collections.abc import Iterator
from typing import Any

from sqlite_utils import Database

from .. import search, snapshots
from ..db import read_snapshot
from . import SCHEMA_VERSION, ExportStats

_EVERYTHING = search.ClaimFilter()


def iter_json(
    db: Database, claim_filter: search.ClaimFilter = _EVERYTHING, stats: ExportStats | None = None
) -> Iterator[str]:
    """Yield a JSON document of articles with their claims, sources, flags, notes,
    evidence and history, article by article, from one read snapshot.

    With no filter but an article, every claim is included (also those marked "not a
    claim"); otherwise only the claims the filter matches.
    """
    everything = search.ClaimFilter(article_id=claim_filter.article_id) == claim_filter
    with read_snapshot(db):
        where, params = search.where_clause(db, claim_filter)
        matching: dict[int, set[int] | None] = {}
        for article_id, claim_id in db.execute(
            f"select c.article_id, c.id from claims c join articles a on a.id = c.article_id "
            f"where {where}",
            params,
        ).fetchall():
            matching.setdefault(article_id, set()).add(claim_id)  # type: ignore[union-attr]
        if everything:
            extra = db.execute(
                "select id from articles where deleted_at is null"
                + (" and id = ?" if claim_filter.article_id else ""),
                [claim_filter.article_id] if claim_filter.article_id else [],
            ).fetchall()
            for (article_id,) in extra:
                matching.setdefault(article_id, None)
        yield f'{{"schema_version": {SCHEMA_VERSION}, "articles": ['
        for number, article_id in enumerate(sorted(matching)):
            document = _article_document(
                db, article_id, None if everything else matching[article_id]
            )
            if stats is not None:
                stats.rows += len(document["claims"])
            yield ("," if number else "") + json.dumps(document, ensure_ascii=False)
        yield "]}\n"


def _article_document(
    db: Database, article_id: int, claim_ids: set[int] | None = None
) -> dict[str, Any]:
    article = next(
        db.query(
            "select id, title, authors, publisher, url, published_on, imported_at, imported_by, "
            "body "
            "from articles where id = ?",
            [article_id],
        )
    )
    children: dict[str, dict[int, list[dict[str, Any]]]] = {
        "notes": {},
        "evidence": {},
        "history": {},
    }
    for name, sql in (
        (
            "notes",
            "select n.claim_id, n.id, n.author, n.body, n.created_at from notes n "
            "join claims c on c.id = n.claim_id where c.article_id = ? "
            "and n.deleted_at is null order by n.id",
        ),
        (
            "evidence",
            "select e.claim_id, e.id, e.url, e.title, e.excerpt, e.stance, e.added_by, "
            "e.added_at from evidence e join claims c on c.id = e.claim_id "
            "where c.article_id = ? and e.deleted_at is null order by e.id",
        ),
        (
            "history",
            "select claim_id, id, actor, action, before, after, at from history "
            "where article_id = ? and claim_id is not null order by id",
        ),
    ):
        for row in db.query(sql, [article_id]):
            claim_id = row.pop("claim_id")
            if name == "history":
                row["before"] = json.loads(row["before"]) if row["before"] else None
                row["after"] = json.loads(row["after"]) if row["after"] else None
            children[name].setdefault(claim_id, []).append(row)
    claims = []
    for claim in db.query(
        "select * from claims where article_id = ? order by is_claim desc, position, start",
        [article_id],
    ):
        if claim_ids is not None and claim["id"] not in claim_ids:
            continue
        claims.append(
            {
                **claim_document(claim),
                "notes": children["notes"].get(claim["id"], []),
                "evidence": children["evidence"].get(claim["id"], []),
                "history": children["history"].get(claim["id"], []),
            }
        )
    article["authors"] = json.loads(article["authors"]) if article["authors"] else []
    snapshot = snapshots.export_metadata(snapshots.snapshot_info(db, article_id))
    return {**article, "snapshot": snapshot, "claims": claims}


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
        },
        "flags": claim["flags"].split() if claim["flags"] else [],
        "updated_by": claim["updated_by"],
        "updated_at": claim["updated_at"],
    }
