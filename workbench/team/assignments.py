"""Who checks what: an editor assigns an article, or a range of its claims, to reviewers;
an @name in a note puts that claim in name's queue. "My queue" is what is assigned to me
and not yet done: done means I set a status, gave a blind decision or wrote a note on the
claim after it was assigned to me.
"""

import re
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import ArticleNotFound, InvalidInput, NotAllowed
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from .accounts import User, find_user

# An @name as people type it: not inside an e-mail address; a final dot ends the sentence.
MENTION = re.compile(r"(?<![\w@.])@([A-Za-z0-9][A-Za-z0-9._-]{0,39})")
# What finishes an assignment, when its assignee does it after being assigned.
DONE_ACTIONS = ("status", "note", "blind decision")
QUEUE_PAGE = 200


@dataclass(frozen=True)
class Assigned:
    claims: int  # claims in the range
    added: int  # (claim, reviewer) pairs newly assigned (one already there is kept)


def mentioned_names(body: str) -> list[str]:
    """The @names in a note, in order, each once (a trailing dot or dash is not part of it)."""
    names: list[str] = []
    for match in MENTION.finditer(body):
        name = match.group(1).rstrip(".-_")
        if name and name.lower() not in (n.lower() for n in names):
            names.append(name)
    return names


def assign(
    db: Database,
    article_id: int,
    assignees: list[str],
    actor: User,
    first: int | None = None,
    last: int | None = None,
) -> Assigned:
    """Assign the article's claims at positions first..last (all when not given) to each
    reviewer in `assignees`; one history row per claim and reviewer."""
    if not actor.can("editor"):
        raise NotAllowed("Only editors assign work.")
    reviewers = _reviewers(db, assignees)
    if first is not None and last is not None and first > last:
        raise InvalidInput("The range of claims runs backwards: give the first claim first.")
    with write_transaction(db):
        if (
            db.execute(
                "select 1 from articles where id = ? and deleted_at is null", [article_id]
            ).fetchone()
            is None
        ):
            raise ArticleNotFound(article_id)
        targets = (
            "select id from claims where article_id = ? and is_claim = 1 "
            "and position between ? and ?"
        )
        params = [article_id, first or 1, last or 2**31]
        count = db.execute(f"select count(*) from ({targets})", params).fetchone()[0]
        if not count:
            raise InvalidInput("No claims are in that range.")
        added = sum(
            _assign_claims(db, targets, params, user.username, "editor", actor)
            for user in reviewers
        )
    return Assigned(count, added)


def assign_mentions(
    db: Database, claim: dict[str, Any], body: str, actor: User, at: str | None = None
) -> list[str]:
    """Put the claim in the queue of each reviewer the note mentions (call inside the
    note's write transaction); names that are not reviewers are left as words."""
    assigned = []
    for name in mentioned_names(body):
        user = find_user(db, name)
        if user is None or not user.can("reviewer"):
            continue
        _assign_claims(db, "select ?", [claim["id"]], user.username, "mention", actor, at)
        assigned.append(user.username)
    return assigned


def _assign_claims(
    db: Database,
    targets: str,
    params: list[Any],
    assignee: str,
    via: str,
    actor: User,
    at: str | None = None,
) -> int:
    """Set-based: an "assign" history row and an assignment for every targeted claim not
    assigned to `assignee` yet (and not done: a done one is assigned afresh)."""
    now = at or utc_now()
    fresh = (
        f"from claims c where c.id in ({targets}) and not exists (select 1 from assignments x "
        "where x.claim_id = c.id and x.assignee = ? and not "
        f"{_DONE.format(x='x')})"
    )
    first_id = db.execute("select coalesce(max(id), 0) + 1 from history").fetchone()[0]
    after = f'{{"assignee": "{assignee}", "via": "{via}"}}'  # names are [A-Za-z0-9._-]
    db.execute(
        "insert into history (claim_id, article_id, actor, action, before, after, at, "
        "position, version) select c.id, c.article_id, ?, 'assign', null, ?, ?, c.position, "
        f"c.version {fresh} order by c.id",
        [actor.username, after, now, *params, assignee],
    )
    # Upsert: a finished assignment given again is renewed (new history row, new time).
    return int(
        db.execute(
            "insert into assignments (article_id, claim_id, assignee, via, assigned_by, "
            "assigned_at, history_id) select h.article_id, h.claim_id, ?, ?, ?, ?, h.id "
            "from history h where h.id >= ? and h.action = 'assign' and h.after = ? "
            "on conflict (claim_id, assignee) do update set via = excluded.via, "
            "assigned_by = excluded.assigned_by, assigned_at = excluded.assigned_at, "
            "history_id = excluded.history_id",
            [assignee, via, actor.username, now, first_id, after],
        ).rowcount
    )


# An assignment (aliased {x}) is done once its assignee acted on the claim after it.
# Done: the assignee acted on the claim since it was assigned, and no editor returned
# their decision since (a returned decision comes back to their queue).
_DONE = (
    "(exists (select 1 from history h where h.claim_id = {x}.claim_id "
    "and h.actor = {x}.assignee and h.id > {x}.history_id "
    f"and h.action in ({', '.join(repr(a) for a in DONE_ACTIONS)}) "
    "and not exists (select 1 from history r where r.claim_id = h.claim_id "
    "and r.action = 'return' and r.id > h.id)) "
    "or exists (select 1 from blind_decisions d where d.claim_id = {x}.claim_id "
    "and d.reviewer = {x}.assignee and d.status is not null "
    "and d.decided_at >= {x}.assigned_at))"
)


def _reviewers(db: Database, names: list[str]) -> list[User]:
    """The users called `names`; InvalidInput names one that is missing or only a viewer."""
    if not names:
        raise InvalidInput("Choose at least one reviewer.")
    users = []
    for name in names:
        user = find_user(db, name.strip())
        if user is None:
            raise InvalidInput("There is no user called %(name)s.", name=name)
        if not user.can("reviewer"):
            raise InvalidInput(
                "%(name)s is a %(role)s: only reviewers take work.",
                name=user.username,
                role=user.role,
            )
        if user not in users:
            users.append(user)
    return users


def queue(db: Database, username: str, limit: int = QUEUE_PAGE) -> list[dict[str, Any]]:
    """Claims assigned to `username` and not yet done, oldest assignment first."""
    return list(
        db.query(
            "select c.*, a.title as article_title, x.assigned_at, x.assigned_by, x.via "
            "from assignments x join claims c on c.id = x.claim_id "
            "join articles a on a.id = c.article_id "
            "where x.assignee = ? collate nocase and c.is_claim = 1 and a.deleted_at is null "
            f"and not {_DONE.format(x='x')} order by x.id limit ?",
            [username, limit],
        )
    )


def assignees(db: Database, article_id: int) -> dict[int, list[str]]:
    """{claim_id: [assignee, ...]} for an article's claims."""
    found: dict[int, list[str]] = {}
    for claim_id, name in db.execute(
        "select claim_id, assignee from assignments where article_id = ? order by id",
        [article_id],
    ).fetchall():
        found.setdefault(claim_id, []).append(name)
    return found


def article_summary(db: Database, article_id: int) -> list[dict[str, Any]]:
    """Per assignee of an article: claims assigned and how many are still open."""
    return list(
        db.query(
            "select x.assignee, count(*) as assigned, "
            f"sum(case when {_DONE.format(x='x')} then 0 else 1 end) as open "
            "from assignments x join claims c on c.id = x.claim_id "
            "where x.article_id = ? and c.is_claim = 1 group by x.assignee "
            "order by x.assignee collate nocase",
            [article_id],
        )
    )
