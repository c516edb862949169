"""Second check: where decisions need approval, a reviewer's sourced or disputed is a
proposal until an editor approves it, or returns it with a note.

The setting is desk-wide (desk_settings) and per article (articles.needs_approval: NULL
follows the desk). The state itself is written with the status, by
claims.write_status; this module approves, returns, and counts.
"""

from typing import Any

from sqlite_utils import Database

from ..errors import ArticleNotFound, InvalidInput, NotAllowed, VersionConflict
from ..review.claims import claim_row, get_claim, write_status
from ..review.notes import check_note_body
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User

SETTING = "decisions_need_approval"
ARTICLE_CHOICES = ("desk", "on", "off")  # an article follows the desk, or decides itself


def desk_needs_approval(db: Database) -> bool:
    """The desk-wide setting: do reviewers' decisions need an editor's approval?"""
    row = db.execute(f"select value from desk_settings where key = '{SETTING}'").fetchone()
    return bool(row and row[0] == "1")


def set_desk_needs_approval(db: Database, on: bool, actor: User) -> None:
    """Turn the desk-wide setting on or off (editors and admins)."""
    _require_editor(actor)
    with write_transaction(db):
        db.execute(
            "insert into desk_settings (key, value) values (?, ?) "
            "on conflict (key) do update set value = excluded.value",
            [SETTING, "1" if on else "0"],
        )


def article_choice(db: Database, article_id: int) -> str:
    """ "desk", "on" or "off": what the article itself says about approval."""
    row = db.execute("select needs_approval from articles where id = ?", [article_id]).fetchone()
    if row is None:
        raise ArticleNotFound(article_id)
    return "desk" if row[0] is None else ("on" if row[0] else "off")


def needs_approval(db: Database, article_id: int) -> bool:
    """Whether decisions on this article need approval (its own choice, else the desk's)."""
    choice = article_choice(db, article_id)
    return desk_needs_approval(db) if choice == "desk" else choice == "on"


def set_article_choice(db: Database, article_id: int, choice: str, actor: User) -> None:
    """Make an article follow the desk ("desk") or need approval or not ("on"/"off")."""
    _require_editor(actor)
    if choice not in ARTICLE_CHOICES:
        raise InvalidInput(
            "“%(choice)s” is not a choice. Choose one of: desk, on, off.", choice=choice
        )
    value = None if choice == "desk" else int(choice == "on")
    with write_transaction(db):
        article_choice(db, article_id)
        db.execute("update articles set needs_approval = ? where id = ?", [value, article_id])
        db.table("history").insert(
            {
                "article_id": article_id,
                "actor": actor.username,
                "action": "approval setting",
                "after": f'{{"needs_approval": "{choice}"}}',
                "at": utc_now(),
            }
        )


def approve(
    db: Database, claim_id: int, actor: User, expected_version: int | None = None
) -> dict[str, Any]:
    """An editor approves a proposed decision (or one made before approval was needed)."""
    _require_editor(actor)
    with write_transaction(db):
        current = claim_row(db, claim_id)
        state = db.execute("select decision_state from claims where id = ?", [claim_id]).fetchone()[
            0
        ]
        if state not in ("proposed", "decided"):
            raise InvalidInput("Only a proposed decision can be approved.")
        if expected_version is not None and current["version"] != expected_version:
            raise VersionConflict(get_claim(db, claim_id))
        _approve(db, "select ? as id", [claim_id], actor)
    return get_claim(db, claim_id)


def approve_all(db: Database, article_id: int, actor: User) -> int:
    """Approve every proposed decision of an article at once; how many were approved."""
    _require_editor(actor)
    with write_transaction(db):
        return _approve(
            db,
            "select id from claims where article_id = ? and is_claim = 1 "
            "and decision_state = 'proposed'",
            [article_id],
            actor,
        )


def _approve(db: Database, targets: str, params: list[Any], actor: User) -> int:
    """Set-based: a history row per claim, then the state; the version moves so a form
    loaded before the approval is told (409) rather than silently undoing it."""
    now = utc_now()
    selected = (
        f"from claims c where c.id in ({targets}) and c.decision_state in ('proposed', 'decided')"
    )
    db.execute(
        "insert into history (claim_id, article_id, actor, action, before, after, at, "
        "position, version) select c.id, c.article_id, ?, 'approve', "
        "json_object('status', c.status, 'decision_state', c.decision_state), "
        "json_object('status', c.status, 'decision_state', 'approved'), ?, c.position, "
        f"c.version + 1 {selected} order by c.id",
        [actor.username, now, *params],
    )
    return int(
        db.execute(
            "update claims set decision_state = 'approved', version = version + 1 "
            f"where id in (select c.id {selected})",
            params,
        ).rowcount
    )


def return_decision(
    db: Database, claim_id: int, note: str | None, actor: User, expected_version: int | None = None
) -> dict[str, Any]:
    """An editor sends a proposal back: the claim is unverified again, marked "returned",
    with the editor's note saying why (a note is required)."""
    _require_editor(actor)
    body = check_note_body(note, InvalidInput("Say why the decision goes back: the note is empty."))
    with write_transaction(db):
        current = claim_row(db, claim_id)
        state = db.execute("select decision_state from claims where id = ?", [claim_id]).fetchone()[
            0
        ]
        if state != "proposed":
            raise InvalidInput("Only a proposed decision can be returned.")
        if expected_version is not None and current["version"] != expected_version:
            raise VersionConflict(get_claim(db, claim_id))
        now = utc_now()
        insert(
            db,
            "notes",
            {"claim_id": claim_id, "body": body, "author": actor.username, "created_at": now},
        )
        write_status(
            db,
            "select ? as id",
            [claim_id],
            "unverified",
            actor,
            bulk=False,
            action="return",
            decision_state="returned",
            extra={"note": body},
        )
    return get_claim(db, claim_id)


def state_counts(db: Database, article_ids: list[int] | None = None) -> dict[int, dict[str, int]]:
    """{article_id: {decision state: number of real claims}}, for the list and dashboard."""
    where, params = "", []
    if article_ids is not None:
        if not article_ids:
            return {}
        where = f"and article_id in ({', '.join('?' for _ in article_ids)})"
        params = list(article_ids)
    counts: dict[int, dict[str, int]] = {}
    for article_id, state, number in db.execute(
        f"select article_id, decision_state, count(*) from claims where is_claim = 1 {where} "
        "group by article_id, decision_state",
        params,
    ).fetchall():
        counts.setdefault(article_id, {})[state] = number
    return counts


def proposals(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    """Proposed decisions waiting for an editor, oldest first, with their article's title."""
    return list(
        db.query(
            "select c.*, a.title as article_title from claims c "
            "join articles a on a.id = c.article_id where c.is_claim = 1 "
            "and a.deleted_at is null and c.decision_state = 'proposed' "
            "order by c.updated_at, c.id limit ?",
            [limit],
        )
    )


def returned_to(db: Database, username: str, limit: int = 200) -> list[dict[str, Any]]:
    """Decisions of `username` an editor returned and that are still returned (the claim
    waits for their new decision), oldest return first, each with the editor and note
    (as a queue item: assigned_by, assigned_at, via "return", return_note)."""
    return list(
        db.query(
            "select c.*, a.title as article_title, r.at as assigned_at, "
            "r.actor as assigned_by, 'return' as via, "
            "json_extract(r.after, '$.note') as return_note, r.actor as returned_by "
            "from claims c join articles a on a.id = c.article_id "
            "join history r on r.id = (select max(id) from history "
            "where claim_id = c.id and action = 'return') "
            "where c.decision_state = 'returned' and c.is_claim = 1 and a.deleted_at is null "
            "and (select p.actor from history p where p.claim_id = c.id "
            "and p.action = 'status' and p.id < r.id order by p.id desc limit 1) = ? "
            "collate nocase order by r.id limit ?",
            [username, limit],
        )
    )


def _require_editor(actor: User) -> None:
    if not actor.can("editor"):
        raise NotAllowed("Only editors approve, return and adjudicate decisions.")
