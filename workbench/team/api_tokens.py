"""Personal API tokens for scripts: shown once, stored as their SHA-256, scoped to
reading or to reading and writing, with a name and an expiry; their last use (time and
address) is kept, and each is limited to a number of requests a minute. The owner and
admins revoke them. No Flask here."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import AccountError, TokenRateLimited
from ..interface_languages import N_
from ..storage import clock
from ..storage.db import insert, write_transaction
from . import security_log
from .accounts import User

# What a token of each scope may do, as its pages say it (in the reader's language).
SCOPES = {"read": N_("read"), "write": N_("read and write")}
PREFIX = "wbt_"
MAX_NAME_CHARS = 80
MAX_DAYS = 366
DEFAULT_DAYS = 90
PER_MINUTE = 120


@dataclass(frozen=True)
class TokenUse:
    """Who a token speaks for, and what it may do."""

    user: User
    token_id: int
    scope: str

    def can_write(self) -> bool:
        return self.scope == "write"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    db: Database,
    user: User,
    name: str | None,
    scope: str | None,
    days: int | None,
    *,
    address: str,
) -> str:
    """A new token for `user`; returns it (the only time it is seen: only its digest is
    stored). AccountError for a missing name, an unknown scope or an expiry out of range."""
    name = (name or "").strip()
    if not 1 <= len(name) <= MAX_NAME_CHARS:
        raise AccountError(
            "Give the token a name of 1 to %(most)s characters.", most=MAX_NAME_CHARS
        )
    if scope not in SCOPES:
        raise AccountError("A token may read, or read and write (scope “read” or “write”).")
    if days is None or not 1 <= days <= MAX_DAYS:
        raise AccountError("A token lasts 1 to %(most)s days.", most=MAX_DAYS)
    token = PREFIX + secrets.token_urlsafe(32)
    now = clock.now()
    with write_transaction(db):
        insert(
            db,
            "api_tokens",
            {
                "user_id": user.id,
                "name": name,
                "token_hash": _digest(token),
                "scope": scope,
                "created_at": clock.stamp(now),
                "expires_at": clock.stamp(now + datetime.timedelta(days=days)),
                "window_count": 0,
            },
        )
        security_log.record(
            db,
            "token_created",
            user_id=user.id,
            username=user.username,
            address=address,
            detail=f"{name}, {SCOPES[scope]}, {days} days",
        )
    return token


_LISTED = (
    "select t.id, t.name, t.scope, t.created_at, t.expires_at, t.last_used_at, "
    "t.last_used_address, t.revoked_at, t.revoked_by, u.username from api_tokens t "
    "join users u on u.id = t.user_id"
)


def tokens_of(db: Database, user_id: int) -> list[dict[str, Any]]:
    """A user's tokens, newest first, revoked and expired ones included (marked)."""
    return _marked(db.query(f"{_LISTED} where t.user_id = ? order by t.id desc", [user_id]))


def live_tokens(db: Database) -> list[dict[str, Any]]:
    """Every token not revoked nor expired, of every user (what an admin may revoke)."""
    return _marked(
        db.query(
            f"{_LISTED} where t.revoked_at is null and t.expires_at > ? "
            "order by u.username collate nocase, t.id desc",
            [clock.utc_now()],
        )
    )


def _marked(rows: Any) -> list[dict[str, Any]]:
    now = clock.utc_now()
    return [{**row, "live": row["revoked_at"] is None and row["expires_at"] > now} for row in rows]


def revoke(db: Database, token_id: int, actor: User, *, address: str) -> str:
    """Revoke a token: its owner may, and any admin. Returns its name. AccountError when
    there is no such token (or it is someone else's and `actor` is no admin)."""
    with write_transaction(db):
        rows = list(
            db.query(
                "select t.id, t.name, t.user_id, t.revoked_at, u.username from api_tokens t "
                "join users u on u.id = t.user_id where t.id = ?",
                [token_id],
            )
        )
        if not rows or (rows[0]["user_id"] != actor.id and not actor.can("admin")):
            raise AccountError("There is no such token.")
        row = rows[0]
        if row["revoked_at"] is None:
            db.execute(
                "update api_tokens set revoked_at = ?, revoked_by = ? where id = ?",
                [clock.utc_now(), actor.username, token_id],
            )
            by = "" if actor.id == row["user_id"] else f", by {actor.username}"
            security_log.record(
                db,
                "token_revoked",
                user_id=row["user_id"],
                username=row["username"],
                address=address,
                detail=f"{row['name']}{by}",
            )
        return str(row["name"])


def authenticate(
    db: Database, token: str | None, *, address: str, per_minute: int = PER_MINUTE
) -> TokenUse | None:
    """The use `token` allows, or None when it is unknown, revoked, expired or its account
    is deactivated. Counts the request against the token's limit (TokenRateLimited past
    it), notes its last use, and logs the first use from each address."""
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    now = clock.now()
    stamp = clock.stamp(now)
    minute = stamp[:16]
    with write_transaction(db):
        rows = list(
            db.query(
                "select t.id, t.name, t.scope, t.window_start, t.window_count, u.id as user_id, "
                "u.username, u.role from api_tokens t join users u on u.id = t.user_id "
                "where t.token_hash = ? and t.revoked_at is null and t.expires_at > ? "
                "and u.active = 1",
                [_digest(token), stamp],
            )
        )
        if not rows:
            return None
        row = rows[0]
        count = row["window_count"] + 1 if row["window_start"] == minute else 1
        if count > per_minute:
            raise TokenRateLimited(max(1, 60 - now.second))
        db.execute(
            "update api_tokens set window_start = ?, window_count = ?, last_used_at = ?, "
            "last_used_address = ? where id = ?",
            [minute, count, stamp, address, row["id"]],
        )
        seen = db.execute(
            "insert or ignore into api_token_addresses (token_id, address, first_seen_at) "
            "values (?, ?, ?)",
            [row["id"], address, stamp],
        ).rowcount
        if seen:
            security_log.record(
                db,
                "token_new_address",
                user_id=row["user_id"],
                username=row["username"],
                address=address,
                detail=row["name"],
            )
    return TokenUse(User(row["user_id"], row["username"], row["role"]), row["id"], row["scope"])
