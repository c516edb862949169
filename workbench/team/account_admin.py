"""Looking after accounts from the browser: roles, switching an account off and
on, one-time reset links, and changing one's own password. No Flask here.

Nothing is deleted: a deactivated account keeps its name on everything it did, cannot log
in, and its sessions end at once. There is always at least one active admin.
"""

import datetime
import secrets
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash

from ..errors import AccountError
from ..storage import clock
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from .accounts import (
    PASSWORD_HASH_METHOD,
    User,
    _token_digest,
    _user_row,
    check_password,
    check_role,
    set_password,
)

RESET_HOURS = 24


def list_accounts(db: Database) -> list[dict[str, Any]]:
    """Every account with its role and whether it is active, by name."""
    return list(
        db.query(
            "select id, username, role, active, created_at from users "
            "order by username collate nocase"
        )
    )


def change_role(db: Database, username: str, role: str, actor: User) -> None:
    """Give an account another role; the last active admin keeps theirs."""
    role = check_role(role)
    with write_transaction(db):
        row = _existing(db, username)
        if row["role"] == "admin" and role != "admin":
            _keep_an_admin(
                db,
                row,
                AccountError(
                    "You cannot change the role of the last active admin: make someone else "
                    "an admin first."
                ),
            )
        db.execute("update users set role = ? where id = ?", [role, row["id"]])
        # Rights are read on every request: the new role holds from the next click on.


def set_active(db: Database, username: str, active: bool, actor: User) -> None:
    """Switch an account off (its sessions end at once) or on again."""
    with write_transaction(db):
        row = _existing(db, username)
        if not active:
            if row["id"] == actor.id:
                raise AccountError("You cannot deactivate your own account.")
            if row["role"] == "admin":
                _keep_an_admin(
                    db,
                    row,
                    AccountError(
                        "You cannot deactivate the last active admin: make someone else an "
                        "admin first."
                    ),
                )
            db.execute("delete from sessions where user_id = ?", [row["id"]])
            # A pending reset link must not come back to life when the account does.
            db.execute(
                "delete from reset_tokens where user_id = ? and used_at is null", [row["id"]]
            )
        db.execute("update users set active = ? where id = ?", [1 if active else 0, row["id"]])


def create_reset_link(db: Database, username: str, actor: User, hours: int = RESET_HOURS) -> str:
    """A one-time token with which `username` sets a new password (only its SHA-256 is
    stored); earlier unused links for the account stop working."""
    token = secrets.token_urlsafe(24)
    expires = clock.now() + datetime.timedelta(hours=hours)
    with write_transaction(db):
        row = _existing(db, username)
        if not row["active"]:
            raise AccountError(
                "%(name)s is deactivated: activate the account first.", name=row["username"]
            )
        db.execute("delete from reset_tokens where user_id = ? and used_at is null", [row["id"]])
        db.table("reset_tokens").insert(
            {
                "token_hash": _token_digest(token),
                "user_id": row["id"],
                "created_by": actor.username,
                "created_at": utc_now(),
                "expires_at": clock.stamp(expires),
            }
        )
    return token


def reset_link_user(db: Database, token: str | None) -> str | None:
    """The username a reset link is for, or None if it is unknown, used or expired."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        "select u.username from reset_tokens r join users u on u.id = r.user_id "
        "where r.token_hash = ? and r.used_at is null and r.expires_at > ? and u.active = 1",
        [_token_digest(token), utc_now()],
    ).fetchone()
    return row[0] if row else None


def reset_password(
    db: Database, token: str, password: str | None, method: str = PASSWORD_HASH_METHOD
) -> str:
    """Use a reset link (once) to set a new password; the account's username."""
    check_password(password)
    username = reset_link_user(db, token)
    if username is None:
        raise AccountError(
            "This reset link is not valid (it was used, or it expired). Ask an admin for a new one."
        )
    with write_transaction(db):
        claimed = db.execute(
            "update reset_tokens set used_at = ? where token_hash = ? and used_at is null",
            [utc_now(), _token_digest(token)],
        ).rowcount
    if not claimed:  # someone used it a moment ago
        raise AccountError("This reset link was used already. Ask an admin for a new one.")
    set_password(db, username, password, method)
    return username


def change_own_password(
    db: Database,
    user: User,
    current: str | None,
    new: str | None,
    method: str = PASSWORD_HASH_METHOD,
) -> None:
    """Change one's own password, knowing the current one; every session ends (the caller
    starts a fresh one for the browser that asked)."""
    check_password(new)
    row = _existing(db, user.username)
    if not check_password_hash(row["password_hash"], current or ""):
        raise AccountError("That is not your current password.")
    set_password(db, user.username, new, method)


def _existing(db: Database, username: str) -> dict[str, Any]:
    row = _user_row(db, username)
    if row is None:
        raise AccountError("There is no user called %(name)s.", name=username)
    return row


def _keep_an_admin(db: Database, row: dict[str, Any], refusal: AccountError) -> None:
    """Raise `refusal` (what was about to happen, said whole) when `row` is the last
    active admin."""
    others = db.execute(
        "select count(*) from users where role = 'admin' and active = 1 and id != ?", [row["id"]]
    ).fetchone()[0]
    if not others:
        raise refusal
