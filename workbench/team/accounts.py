"""Users, roles, passwords, server-side sessions and login throttling. No Flask here.

Passwords: scrypt at N=2^17, r=8, p=1 (OWASP Password Storage Cheat Sheet); Werkzeug's
default is 2^15, so the method is named explicitly. Session tokens are random; only their
SHA-256 is stored, so a copy of the database does not let anyone in.
"""

import datetime
import functools
import hashlib
import json
import math
import re
import secrets
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database
from werkzeug.security import check_password_hash, generate_password_hash

from ..errors import AccountError, LoginThrottled
from ..interface_languages import LOCALES
from ..storage import clock
from ..storage.clock import utc_now
from ..storage.db import dict_rows, insert, write_transaction
from .usernames import lookalike_of

# Each role can do everything the ones before can; editors assign, approve and adjudicate.
ROLES = ("viewer", "reviewer", "editor", "admin")
PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
MIN_PASSWORD_CHARS = 8
MAX_PASSWORD_CHARS = 128
# Failed logins are limited per account and client address, and per address over all
# accounts, in a sliding hour: a stranger hammering an account slows only themselves,
# and its owner logs in from anywhere else (a per-account lock let anyone lock
# out anyone). SECURITY.md asks for at most 100 an hour per account (and address).
MAX_FAILED_LOGINS_PER_HOUR = 20
MAX_FAILED_LOGINS_PER_ADDRESS_PER_HOUR = 100
THROTTLE_WINDOW_SECONDS = 3600
USERNAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
# scrypt at N=2^17 takes 128 MiB per hash: at most two at once per process, so a burst of
# logins cannot take a worker past a few hundred MB (bench/PERFORMANCE.md).
_HASHING = threading.BoundedSemaphore(2)


@functools.cache
def _dummy_hash(method: str) -> str:
    """Compared against when the username is unknown, so both failures take the same time.

    Made with the method real hashes use (a cheaper dummy answered in 24 ms
    against 1,186 ms for a real name), once per method, on first use: not at import.
    """
    return generate_password_hash("not a real password", method=method)


@dataclass(frozen=True)
class User:
    id: int
    username: str
    role: str
    # The interface language the account chose ('en', 'es'), None for the browser's.
    language: str | None = None

    def can(self, role: str) -> bool:
        """True if this user's role includes `role` (admin > editor > reviewer > viewer)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def check_username(username: str | None) -> str:
    username = (username or "").strip()
    if not USERNAME_PATTERN.fullmatch(username):
        raise AccountError(
            "A username is 1 to 40 letters, digits, dots, dashes or underscores, "
            "starting with a letter or digit."
        )
    return username


def check_password(password: str | None) -> str:
    """Length only, no composition rules (NIST SP 800-63B, OWASP ASVS 6.2)."""
    password = password or ""
    if not MIN_PASSWORD_CHARS <= len(password) <= MAX_PASSWORD_CHARS:
        raise AccountError(
            "A password is %(least)s to %(most)s characters long.",
            least=MIN_PASSWORD_CHARS,
            most=MAX_PASSWORD_CHARS,
        )
    return password


def check_role(role: str | None) -> str:
    if role not in ROLES:
        raise AccountError(
            "“%(role)s” is not a role. Choose one of: %(roles)s.", role=role, roles=", ".join(ROLES)
        )
    return role


def hash_password(password: str | None, method: str = PASSWORD_HASH_METHOD) -> str:
    password = check_password(password)
    with _HASHING:
        return generate_password_hash(password, method=method)


def create_user(
    db: Database,
    username: str | None,
    password: str | None,
    role: str | None,
    method: str = PASSWORD_HASH_METHOD,
) -> User:
    """Add a user; AccountError if the name is taken or a value is not acceptable."""
    username = check_username(username)
    role = check_role(role)
    password_hash = hash_password(password, method)  # slow: before taking the write lock
    with write_transaction(db):
        return _insert_user(db, username, password_hash, role)


def _insert_user(db: Database, username: str, password_hash: str, role: str) -> User:
    if _user_row(db, username) is not None:
        raise AccountError("There is already a user called %(name)s.", name=username)
    taken = [row[0] for row in db.execute("select username from users")]
    if (alike := lookalike_of(username, taken)) is not None:
        raise AccountError(
            "“%(name)s” could be taken for the user %(alike)s (the names differ only in "
            "punctuation or in letters that look alike). Choose a name no one could mistake.",
            name=username,
            alike=alike,
        )
    user_id = insert(
        db,
        "users",
        {
            "username": username,
            "password_hash": password_hash,
            "role": role,
            "created_at": utc_now(),
        },
    )
    return User(user_id, username, role)


def set_password(
    db: Database, username: str, password: str | None, method: str = PASSWORD_HASH_METHOD
) -> None:
    """Change a password, end every session of that user and clear their failed logins."""
    password_hash = hash_password(password, method)
    with write_transaction(db):
        row = _user_row(db, username)
        if row is None:
            raise AccountError("There is no user called %(name)s.", name=username)
        db.execute("update users set password_hash = ? where id = ?", [password_hash, row["id"]])
        db.execute("delete from sessions where user_id = ?", [row["id"]])
        # A reset link handed out before is for a password that is gone: it dies with it.
        db.execute("delete from reset_tokens where user_id = ? and used_at is null", [row["id"]])
        # A new password is the way out the 429 page names: it lifts every wait on the account.
        db.execute(
            "delete from login_failures where username = ? collate nocase", [row["username"]]
        )


def set_role(db: Database, username: str, role: str) -> None:
    role = check_role(role)
    with write_transaction(db):
        row = _user_row(db, username)
        if row is None:
            raise AccountError("There is no user called %(name)s.", name=username)
        db.execute("update users set role = ? where id = ?", [role, row["id"]])


def set_language(db: Database, user: User, language: str | None) -> str | None:
    """The interface language `user` reads pages in: one of LOCALES, or None (empty) to
    follow the browser's. Returns what was stored."""
    chosen = (language or "").strip() or None
    if chosen is not None and chosen not in LOCALES:
        raise AccountError(
            "The interface speaks %(languages)s; %(chosen)s is not one of them.",
            languages=", ".join(LOCALES),
            chosen=chosen[:20],
        )
    with write_transaction(db):
        db.execute("update users set language = ? where id = ?", [chosen, user.id])
    return chosen


def find_user(db: Database, username: str) -> User | None:
    """The user called `username` (any case), or None."""
    row = _user_row(db, username)
    return None if row is None else User(row["id"], row["username"], row["role"], row["language"])


def list_users(db: Database) -> list[User]:
    return [
        User(row["id"], row["username"], row["role"])
        for row in db.query("select id, username, role from users order by username collate nocase")
    ]


def has_password(db: Database, user_id: int) -> bool:
    """False for an account made by single sign-on, whose stored hash matches nothing."""
    row = db.execute("select password_hash from users where id = ?", [user_id]).fetchone()
    return row is not None and "$" in row[0]


def count_users(db: Database) -> int:
    return db.execute("select count(*) from users").fetchone()[0]


def _user_row(db: Database, username: str) -> dict[str, Any] | None:
    rows = list(db.query("select * from users where username = ? collate nocase", [username]))
    return rows[0] if rows else None


def authenticate(
    db: Database,
    username: str | None,
    password: str | None,
    method: str = PASSWORD_HASH_METHOD,
    *,
    address: str = "unknown",
) -> User | None:
    """The User if the password is right; None otherwise (one answer for both failures).

    LoginThrottled, before any password is checked, once `address` has had too many
    failures for this account, or for all accounts, in the last hour (even when the
    password is right this time). `address` is the client's, as the server saw it.
    """
    username = (username or "").strip()[:100]
    attempt = _reserve_attempt(db, username, address)
    row = _user_row(db, username) if username else None
    with _HASHING:
        password_ok = check_password_hash(
            row["password_hash"] if row else _dummy_hash(method), password or ""
        )
    if row is None or not password_ok or not row["active"]:
        # A deactivated account gets the same answer as a wrong password: nothing tells
        # a stranger which accounts exist or are switched off.
        return None  # the reserved attempt stays, as the record of this failure
    with write_transaction(db):
        db.execute(
            "delete from login_failures where id = ? or "
            "(username = ? collate nocase and address = ?)",
            [attempt, username, address],
        )
    if not row["password_hash"].startswith(method + "$"):
        # The hash was made with older parameters: upgrade it now that we know the password.
        db.execute(
            "update users set password_hash = ? where id = ?",
            [hash_password(password, method), row["id"]],
        )
    return User(row["id"], row["username"], row["role"])


def _reserve_attempt(db: Database, username: str, address: str) -> int:
    """Count this attempt as a failure before the password is checked; its row id.

    The count and the insert are one write transaction, so parallel guesses cannot all
    read "under the limit" first (40 at once got 27 evaluated against 20).
    A right password deletes the row again.
    """
    now = clock.now()
    since = clock.stamp(now - datetime.timedelta(seconds=THROTTLE_WINDOW_SECONDS))
    limits = (
        (
            "username = ? collate nocase and address = ?",
            [username, address],
            MAX_FAILED_LOGINS_PER_HOUR,
        ),
        ("address = ?", [address], MAX_FAILED_LOGINS_PER_ADDRESS_PER_HOUR),
    )
    with write_transaction(db):
        db.execute("delete from login_failures where at <= ?", [since])
        for where, params, limit in limits:
            failures = [
                row[0]
                for row in db.execute(
                    f"select at from login_failures where {where} order by at desc limit ?",
                    [*params, limit],
                )
            ]
            if len(failures) >= limit:
                # The oldest of the last `limit` failures leaves the window first.
                frees_at = clock.moment_of(failures[-1]) + datetime.timedelta(
                    seconds=THROTTLE_WINDOW_SECONDS
                )
                raise LoginThrottled(max(1, math.ceil((frees_at - now).total_seconds())))
        return insert(
            db, "login_failures", {"username": username, "address": address, "at": clock.stamp(now)}
        )


def count_attempt(db: Database, username: str, address: str) -> int:
    """Count one sign-in step (a second factor's code, say) as a failure until
    `forget_attempts` says it succeeded: the throttle of `authenticate` covers it too."""
    return _reserve_attempt(db, username.strip()[:100], address)


def forget_attempts(db: Database, attempt: int, username: str, address: str) -> None:
    """A step succeeded: its counted attempt and this address's failures on the account go."""
    with write_transaction(db):
        db.execute(
            "delete from login_failures where id = ? or "
            "(username = ? collate nocase and address = ?)",
            [attempt, username, address],
        )


# --- sessions ----------------------------------------------------------------------------


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_session(db: Database, user: User, method: str = "password") -> str:
    """A new session for `user`; returns the token for the cookie (stored only as a hash).
    `method` says how it began (password, password+totp, passkey, oidc...)."""
    token = secrets.token_urlsafe(32)
    now = utc_now()
    db.table("sessions").insert(
        {
            "token_hash": _token_digest(token),
            "user_id": user.id,
            "created_at": now,
            "last_seen_at": now,
            "method": method,
        }
    )
    return token


def session_user(
    db: Database, token: str | None, idle_minutes: int, max_days: float = 7
) -> User | None:
    """The User whose session `token` is, or None if unknown, ended, idle too long, or
    begun more than `max_days` ago."""
    if not token or len(token) > 200:
        return None
    digest = _token_digest(token)
    rows = dict_rows(
        db.execute(
            "select s.created_at, s.last_seen_at, u.id, u.username, u.role, u.language "
            "from sessions s "
            "join users u on u.id = s.user_id where s.token_hash = ? and u.active = 1",
            [digest],
        )
    )
    if not rows:
        return None
    row = rows[0]
    now_moment = clock.now()
    idle_since = now_moment - datetime.timedelta(minutes=idle_minutes)
    begun_since = now_moment - datetime.timedelta(days=max_days)
    if row["last_seen_at"] < clock.stamp(idle_since) or row["created_at"] < clock.stamp(
        begun_since
    ):
        db.execute("delete from sessions where token_hash = ?", [digest])
        return None
    now = utc_now()
    if row["last_seen_at"][:16] != now[:16]:
        # Touch at most once a minute: a write per request would serialise all readers.
        try:
            db.execute("update sessions set last_seen_at = ? where token_hash = ?", [now, digest])
        except sqlite3.OperationalError:
            pass  # a full or read-only disk must not stop people reading
    return User(row["id"], row["username"], row["role"], row["language"])


def session_method(db: Database, token: str | None) -> str | None:
    """How the session `token` began (password, password+totp, passkey, oidc...), or None."""
    if not token or len(token) > 200:
        return None
    row = db.execute(
        "select method from sessions where token_hash = ?", [_token_digest(token)]
    ).fetchone()
    return None if row is None else str(row[0])


def end_session(db: Database, token: str | None) -> None:
    if token:
        db.execute("delete from sessions where token_hash = ?", [_token_digest(token)])


def sessions_in_force(
    db: Database, tokens: Iterable[str], idle_minutes: int, max_days: float = 7
) -> set[str]:
    """Those of `tokens` whose session session_user would still accept (not ended, not
    idle too long, not too old, its account active), in one query that writes nothing:
    what open event streams are checked against (web/views/live_streams.py)."""
    by_digest = {_token_digest(token): token for token in tokens}
    if not by_digest:
        return set()
    now_moment = clock.now()
    idle_since = clock.stamp(now_moment - datetime.timedelta(minutes=idle_minutes))
    begun_since = clock.stamp(now_moment - datetime.timedelta(days=max_days))
    rows = db.execute(
        "select s.token_hash from sessions s join users u on u.id = s.user_id "
        "where s.token_hash in (select value from json_each(?)) and u.active = 1 "
        "and s.last_seen_at >= ? and s.created_at >= ?",
        [json.dumps(list(by_digest)), idle_since, begun_since],
    ).fetchall()
    return {by_digest[digest] for (digest,) in rows}


# --- first admin -------------------------------------------------------------------------


def create_setup_token(db: Database, hours_valid: int = 24) -> str:
    """A one-time token that lets whoever holds it create the first admin."""
    token = secrets.token_urlsafe(24)
    expires = clock.now() + datetime.timedelta(hours=hours_valid)
    db.table("setup_tokens").insert(
        {"token_hash": _token_digest(token), "expires_at": clock.stamp(expires)}
    )
    return token


def setup_token_valid(db: Database, token: str | None) -> bool:
    if not token or count_users(db):
        return False
    row = db.execute(
        "select expires_at from setup_tokens where token_hash = ?", [_token_digest(token)]
    ).fetchone()
    return row is not None and row[0] > utc_now()


def create_first_admin(
    db: Database,
    token: str,
    username: str | None,
    password: str | None,
    method: str = PASSWORD_HASH_METHOD,
) -> User:
    """Use the setup token (once) to create the first admin."""
    username = check_username(username)
    password_hash = hash_password(password, method)
    with write_transaction(db):
        # Checked inside the write lock: two people using the link at once make one admin.
        if not setup_token_valid(db, token):
            raise AccountError(
                "This setup link is no longer valid. Run `workbench init` for a new one."
            )
        user = _insert_user(db, username, password_hash, "admin")
        db.execute("delete from setup_tokens")
    return user
