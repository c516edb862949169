"""The second step of a password login, and who must take it. After the right password
an account with a second factor gets a pending login (its token in a cookie, only its
SHA-256 stored, good for a few minutes, used once), which the authenticator app's code, a
recovery code or a passkey turns into a session. No Flask here."""

import datetime
import hashlib
import secrets
from dataclasses import dataclass

from sqlite_utils import Database

from ..errors import AccountError
from ..storage import clock
from ..storage.db import write_transaction
from . import recovery_codes, security_log, totp
from .accounts import ROLES, User, find_user

PENDING_MINUTES = 5


@dataclass(frozen=True)
class Factors:
    """What second factors an account has."""

    totp: bool
    passkeys: int
    recovery_codes: int

    @property
    def any(self) -> bool:
        return self.totp or self.passkeys > 0


def factors(db: Database, user_id: int) -> Factors:
    passkeys = db.execute("select count(*) from passkeys where user_id = ?", [user_id]).fetchone()
    return Factors(
        totp.enrolled(db, user_id), int(passkeys[0]), recovery_codes.remaining(db, user_id)
    )


def required(role: str, required_from: str | None) -> bool:
    """True when accounts of `role` must have a second factor (`required_from` is the
    lowest role that must, or None for nobody)."""
    return required_from is not None and ROLES.index(role) >= ROLES.index(required_from)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_pending(db: Database, user: User) -> str:
    """A pending login for `user`, whose password was right; returns its token."""
    token = secrets.token_urlsafe(32)
    now = clock.now()
    with write_transaction(db):
        db.execute("delete from pending_logins where expires_at <= ?", [clock.stamp(now)])
        db.table("pending_logins").insert(
            {
                "token_hash": _digest(token),
                "user_id": user.id,
                "created_at": clock.stamp(now),
                "expires_at": clock.stamp(now + datetime.timedelta(minutes=PENDING_MINUTES)),
            }
        )
    return token


def pending_user(db: Database, token: str | None) -> User | None:
    """The account a pending login is for, while it is unexpired and the account active."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        "select u.id, u.username, u.role from pending_logins p join users u on u.id = p.user_id "
        "where p.token_hash = ? and p.expires_at > ? and u.active = 1",
        [_digest(token), clock.utc_now()],
    ).fetchone()
    return None if row is None else User(row[0], row[1], row[2])


def end_pending(db: Database, token: str | None) -> bool:
    """Use up a pending login; False if it was used already (two tabs, a replay)."""
    if not token:
        return False
    with write_transaction(db):
        return bool(
            db.execute("delete from pending_logins where token_hash = ?", [_digest(token)]).rowcount
        )


def reset(db: Database, username: str, *, by: str) -> None:
    """Remove every second factor of `username` (app, recovery codes, passkeys) and end
    their sessions: for someone who lost them all. They sign in with the password next
    time and, if their role requires one, set a new factor up at once."""
    user = find_user(db, username)
    if user is None:
        raise AccountError("There is no user called %(name)s.", name=username)
    with write_transaction(db):
        for table in ("totp_secrets", "recovery_codes", "passkeys", "pending_logins", "sessions"):
            db.execute(f"delete from {table} where user_id = ?", [user.id])
        security_log.record(
            db,
            "second_factors_reset",
            user_id=user.id,
            username=user.username,
            address=by,
        )
