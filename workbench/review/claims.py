"""Claims as stored: reading them (one, a page, with notes and evidence) and their status.

Every function takes a sqlite-utils `db`; none imports Flask. One function changes
statuses, for one claim and for many (set-based, so 10,000 claims are two statements).
"""

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import (
    ArticleNotFound,
    ClaimHidden,
    ClaimNotFound,
    InvalidInput,
    UnderBlindReview,
    VersionConflict,
)
from ..statuses import parse_status
from ..storage.clock import utc_now
from ..storage.db import dict_rows, write_transaction
from ..team.accounts import User
from . import search

PAGE_SIZE = 100
MAX_BULK = 10_000


@dataclass(frozen=True)
class BulkChange:
    count: int  # claims whose status changed
    batch: int | None  # the history batch that records it (what an undo names)


@dataclass(frozen=True)
class ClaimPage:
    claims: list[dict[str, Any]]
    page: int
    has_next: bool


def get_claim(db: Database, claim_id: int, with_notes: bool = True) -> dict[str, Any]:
    """One claim as a dict (with its notes and evidence); ClaimNotFound if there is none."""
    rows = list(db.query("select * from claims where id = ?", [claim_id]))
    if not rows:
        raise ClaimNotFound(claim_id)
    claim = rows[0]
    if claim.get("decision_state") == "returned":
        row = db.execute(f"select {_RETURNED} from claims c where c.id = ?", [claim_id]).fetchone()
        claim["returned_by"], claim["return_note"] = row
    if with_notes:
        attach_notes(db, [claim])
        attach_evidence(db, [claim])
    return claim


_ROW_COLUMNS = ("id", "article_id", "status", "version", "is_claim", "hidden_reason")


def claim_row(db: Database, claim_id: int) -> dict[str, Any]:
    """id, article_id, status, version, is_claim and hidden_reason of a claim;
    ClaimNotFound if there is none."""
    row = db.execute(
        f"select {', '.join(_ROW_COLUMNS)} from claims where id = ?", [claim_id]
    ).fetchone()
    if row is None:
        raise ClaimNotFound(claim_id)
    return dict(zip(_ROW_COLUMNS, row, strict=True))


def bump_version(db: Database, claim_id: int, **changes: Any) -> None:
    """Apply `changes` to a claim's columns and move it to its next version, in one UPDATE
    (updated_by/_at stay the status's: the history records who made this change). Call
    inside the write transaction that records the change."""
    assignments = ", ".join(f'"{column}" = :{column}' for column in changes)
    db.execute(
        f"update claims set {assignments}, version = version + 1 where id = :id",
        {**changes, "id": claim_id},
    )


def refuse_if_hidden(claim: dict[str, Any], merged_only: bool = False) -> None:
    """ClaimHidden for a claim merged into another (or, unless `merged_only`, marked "not a
    claim"): changing one was accepted and then invisible. Call it inside the
    write transaction, before writing anything."""
    if claim["is_claim"]:
        return
    if claim["hidden_reason"] == "merged":
        raise ClaimHidden(
            "This passage was merged into another claim and is hidden; "
            "change that claim instead (or split it)."
        )
    if not merged_only:
        raise ClaimHidden(
            "This claim is marked “not a claim” and is hidden; restore it before changing it."
        )


# Sort orders a reviewer can pick; only these strings ever reach the SQL (ASVS 1.2.4).
SORTS = {
    "position": "position",
    # Unattributed or anonymous claims with numbers or dates first (workbench.text.flags).
    "check_first": "check_first, position",
}


def list_claims(
    db: Database,
    article_id: int,
    status: str | None = None,
    flag: str | None = None,
    sort: str = "position",
    page: int = 1,
    page_size: int = PAGE_SIZE,
    include_hidden: bool = False,
    counts_only: bool = False,
) -> ClaimPage:
    """A page of an article's claims, optionally of one status or flag, in a chosen order.

    Each claim comes with its notes and evidence, or with counts_only just how many of
    each (note_count, evidence_count): what a dense list shows, for a fraction of the work.
    """
    where = ["article_id = ?"]
    params: list[Any] = [article_id]
    if not include_hidden:
        where.append("is_claim = 1")
    else:
        # A passage gone from the current version has offsets into an older text.
        where.append("removed_in_version is null")
    if status is not None:
        where.append("status = ?")
        params.append(parse_status(status))
    if flag is not None:
        where.append("(' ' || flags || ' ') like ?")
        params.append(f"% {flag} %")
    if sort not in SORTS:
        raise InvalidInput("“%(sort)s” is not a way to sort claims.", sort=sort)
    # Real claims are numbered in reading order; hidden ones (no position) sort by offset.
    order = 'start, "end", id' if include_hidden else SORTS[sort]
    offset = (max(page, 1) - 1) * page_size
    columns = _WITH_COUNTS if counts_only else "*"
    claims = list(
        db.query(
            f"select {columns} from claims c where {' and '.join(where)} order by {order} "
            "limit ? offset ?",
            params + [page_size + 1, offset],
        )
    )
    has_next = len(claims) > page_size
    claims = claims[:page_size]
    if not counts_only:
        attach_notes(db, claims)
        attach_evidence(db, claims)
    return ClaimPage(claims=claims, page=max(page, 1), has_next=has_next)


def claims_with_counts(db: Database, claim_ids: list[int]) -> list[dict[str, Any]]:
    """The claims with these ids as a dense row shows them (with note and evidence counts)."""
    return list(
        db.query(
            f"select {_WITH_COUNTS} from claims c where c.id in "
            "(select value from json_each(?)) order by c.position",
            [_json_list(claim_ids)],
        )
    )


def claim_marks(db: Database, article_id: int) -> list[dict[str, Any]]:
    """id, position, start, end and status of an article's real claims, in reading order:
    what the full-text page marks, without notes or evidence (attaching those
    to every claim at once failed on large articles)."""
    return list(
        db.query(
            'select id, position, start, "end", status from claims '
            'where article_id = ? and is_claim = 1 order by start, "end", id',
            [article_id],
        )
    )


# A returned decision's editor and note (the latest return's history row), shown under
# the row; looked up only for a claim whose decision is "returned".
_RETURNED = (
    "case when c.decision_state = 'returned' then (select h.actor from history h "
    "where h.claim_id = c.id and h.action = 'return' order by h.id desc limit 1) end "
    "as returned_by, case when c.decision_state = 'returned' then (select "
    "json_extract(h.after, '$.note') from history h where h.claim_id = c.id "
    "and h.action = 'return' order by h.id desc limit 1) end as return_note"
)
# Both counts come from the claim_id indexes of notes and evidence.
_WITH_COUNTS = (
    "c.*, (select count(*) from notes n where n.claim_id = c.id and n.deleted_at is null) "
    "as note_count, (select count(*) from evidence e where e.claim_id = c.id "
    f"and e.deleted_at is null) as evidence_count, {_RETURNED}"
)


def flag_counts(db: Database, article_id: int) -> dict[str, int]:
    """{flag: number of real claims carrying it} for one article.

    Grouped by the whole flags string in SQL: an article has few distinct combinations,
    so Python only tallies those, however many claims there are.
    """
    counts: dict[str, int] = {}
    for names, number in db.execute(
        "select flags, count(*) from claims where article_id = ? and is_claim = 1 group by flags",
        [article_id],
    ).fetchall():
        for name in (names or "").split():
            counts[name] = counts.get(name, 0) + number
    return counts


def attach_notes(db: Database, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each claim dict a "notes" list, oldest first, in one query."""
    return _attach(
        db,
        claims,
        "notes",
        "select * from notes where claim_id in (select value from json_each(?)) "
        "and deleted_at is null order by id",
    )


def attach_evidence(db: Database, claims: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each claim dict an "evidence" list, oldest first, in one query."""
    return _attach(
        db,
        claims,
        "evidence",
        "select * from evidence where claim_id in (select value from json_each(?)) "
        "and deleted_at is null order by id",
    )


def _attach(db: Database, claims: list[dict[str, Any]], key: str, sql: str) -> list[dict[str, Any]]:
    by_id = {claim["id"]: claim for claim in claims}
    for claim in claims:
        claim[key] = []
    if by_id:
        # The ids as one JSON array: one bound variable however many claims (one
        # per claim failed past SQLite's 32,766 variables, at about 33,000 claims).
        for record in db.query(sql, [_json_list(list(by_id))]):
            by_id[record["claim_id"]][key].append(record)
    return claims


@dataclass(frozen=True)
class StatusWrite:
    count: int  # claims whose status changed
    history_id: int | None  # the first history row it wrote (a bulk change's batch); None if none
    claim: dict[str, Any] | None = None  # with return_claim: the one claim as it left it


@dataclass(frozen=True)
class StatusChange:
    claim: dict[str, Any]  # as the write left it, with its note and evidence counts
    history_id: int | None  # the change's history row (what an undo names); None: no change


# The claims a reviewer's click may change: this one, a real claim, at the version the
# form was loaded with (if it says), of an article not deleted.
_CLICKABLE = (
    "select id from claims where id = ? and is_claim = 1 and (? is null or version = ?) "
    "and exists (select 1 from articles a where a.id = claims.article_id "
    "and a.deleted_at is null)"
)


def set_status(
    db: Database, claim_id: int, status: str, actor: User, expected_version: int | None = None
) -> StatusChange:
    """Set a claim's status: one history row, version + 1. In the common case that is the
    whole transaction (one INSERT, one UPDATE); only a refused write looks further, to say
    why: ClaimNotFound, ArticleNotFound, ClaimHidden, UnderBlindReview (its reviewers
    decide in workbench.desk.blind), VersionConflict if it changed since
    `expected_version`. A claim that has the status already is left alone: no history
    row, and not a conflict (nothing is overwritten)."""
    status = parse_status(status)
    with write_transaction(db):
        written = write_status(
            db,
            _CLICKABLE,
            [claim_id, expected_version, expected_version],
            status,
            actor,
            return_claim=True,
        )
        if written.claim is not None:
            return StatusChange(written.claim, written.history_id)
        current = claim_row(db, claim_id)
        if not db.execute(
            "select 1 from articles where id = ? and deleted_at is null", [current["article_id"]]
        ).fetchone():
            raise ArticleNotFound(current["article_id"])
        refuse_if_hidden(current)
        if in_blind_review(db, current["article_id"]):
            raise UnderBlindReview(
                "This article is under blind review: statuses wait until every reviewer "
                "has decided, then an editor adjudicates.",
                current,
            )
        if current["status"] == status:
            return StatusChange(claims_with_counts(db, [claim_id])[0], None)
        raise VersionConflict(get_claim(db, claim_id))


def set_status_many(
    db: Database,
    claim_filter: "search.ClaimFilter",
    status: str,
    actor: User,
    only_ids: list[int] | None = None,
) -> BulkChange:
    """Set the status of every claim the filter matches (or the chosen ids among them),
    in one transaction, with a history row for each claim that changes (one batch).
    """
    status = parse_status(status)
    where, params = search.where_clause(db, claim_filter)
    targets = f"select c.id from claims c join articles a on a.id = c.article_id where {where}"
    if only_ids is not None:
        targets += " and c.id in (select value from json_each(?))"
        params = params + [_json_list(only_ids)]
    with write_transaction(db):
        # The filter is evaluated inside the write lock: exactly what matches now changes.
        matching = db.execute(f"select count(*) from ({targets})", params).fetchone()[0]
        if matching > MAX_BULK:
            raise InvalidInput(
                "That would change %(count)s claims; narrow the filter to at most %(limit)s.",
                count=format(matching, ","),
                limit=format(MAX_BULK, ","),
            )
        written = write_status(db, targets, params, status, actor, bulk=True)
    return BulkChange(written.count, written.history_id)


def write_status(
    db: Database,
    targets: str,
    params: list[Any],
    status: str,
    actor: User,
    *,
    bulk: bool = False,
    undoes: int | None = None,
    action: str = "status",
    decision_state: str | None = None,
    extra: dict[str, Any] | None = None,
    return_claim: bool = False,
) -> StatusWrite:
    """The one status write: claims whose id `targets` selects and whose status differs get
    the new status, a new version and a history row each. Call inside write_transaction.

    Set-based (one INSERT ... SELECT into the history, one UPDATE): bulk changes of 10,000
    claims hold the writer lock for three statements, not 30,000 (bench: bulk_status). A
    bulk change's rows share a batch number (the first row's id), so it can be undone as
    one. Claims of an article under blind review are never changed here: their reviewers'
    decisions wait in workbench.desk.blind until every one is done.

    The decision state goes with the status (workbench.desk.decisions): a reviewer's
    sourced or disputed is "proposed" where decisions need approval, an editor's is
    "approved"; `decision_state` overrides that (a returned proposal).

    return_claim: the one claim `targets` selects comes back as the UPDATE left it, with
    its note and evidence counts (what its row shows), from the UPDATE itself.
    """
    now = utc_now()
    state, state_params = (
        ("?", [decision_state])
        if decision_state is not None
        else (_STATE_FOR_STATUS, [status, int(actor.can("editor"))])
    )
    after: dict[str, Any] = {"status": status}
    if bulk:
        after["bulk"] = True
    if undoes is not None:
        after["undo_of"] = undoes
    after.update(extra or {})  # what else the change did (a copied review's evidence)
    # The decision state is per claim (articles differ), so it is spliced into the text.
    after_text = json.dumps(after, ensure_ascii=False)
    after_sql = (
        "substr(?, 1, length(?) - 1) || ', \"decision_state\": ' "
        f"|| json_quote({state.format(claim='c')}) || '}}'"
    )
    batch = (
        db.execute("select coalesce(max(id), 0) + 1 from history").fetchone()[0] if bulk else None
    )
    # "before" is built as the same text json.dumps writes, so every history row reads alike;
    # version is the one the UPDATE below gives the claim.
    written = db.execute(
        "insert into history (claim_id, article_id, actor, action, before, after, at, "
        "position, version, batch, undoes) "
        "select c.id, c.article_id, ?, ?, "
        "'{\"status\": ' || json_quote(c.status) || ', \"decision_state\": ' || "
        f"json_quote(c.decision_state) || '}}', {after_sql}, ?, c.position, c.version + 1, ?, ? "
        f"from claims c where c.id in ({targets}) and c.status != ? and not exists "
        "(select 1 from blind_reviews b where b.article_id = c.article_id "
        "and b.revealed_at is null) order by c.id returning id",
        [actor.username, action, after_text, after_text, *state_params, now, batch, undoes]
        + params
        + [status],
    ).fetchall()
    if not written:
        return StatusWrite(0, None)
    first = min(row[0] for row in written)
    returning = (
        " returning *, (select count(*) from notes n where n.claim_id = claims.id "
        "and n.deleted_at is null) as note_count, (select count(*) from evidence e "
        "where e.claim_id = claims.id and e.deleted_at is null) as evidence_count"
        if return_claim
        else ""
    )
    # The rows just written name exactly the claims that change (the write lock is held).
    cursor = db.execute(
        "update claims set status = ?, version = version + 1, updated_by = ?, updated_at = ?, "
        f"decision_state = {state.format(claim='claims')} "
        f"where id in (select claim_id from history where id >= ?){returning}",
        [status, actor.username, now, *state_params, first],
    )
    claim = dict_rows(cursor)[0] if return_claim else None
    return StatusWrite(len(written), first, claim)


# A claim's decision state after a status change by a reviewer (0) or an editor (1):
# parameters status, is_editor; the article's own setting wins over the desk's.
_STATE_FOR_STATUS = (
    "(case when ? = 'unverified' then 'none' "
    "when coalesce((select a.needs_approval from articles a where a.id = {claim}.article_id), "
    "(select value = '1' from desk_settings where key = 'decisions_need_approval'), 0) = 1 "
    "then (case when ? then 'approved' else 'proposed' end) else 'decided' end)"
)


def in_blind_review(db: Database, article_id: int) -> bool:
    """True while the article has a blind double review whose results are not revealed."""
    row = db.execute(
        "select 1 from blind_reviews where article_id = ? and revealed_at is null",
        [article_id],
    ).fetchone()
    return row is not None


def _json_list(ids: list[int]) -> str:
    return "[" + ",".join(str(int(number)) for number in ids) + "]"
