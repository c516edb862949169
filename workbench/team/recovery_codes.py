"""Ten single-use recovery codes, for the day the phone or the security key is lost: shown
once when made, stored as their SHA-256 (each carries 50 random bits, and guesses are
throttled like passwords). No Flask here."""

import hashlib
import hmac
import secrets

from sqlite_utils import Database

from ..storage import clock
from ..storage.db import write_transaction
from . import security_log
from .accounts import User

COUNT = 10
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def _normal(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(_normal(code).encode("utf-8")).hexdigest()


def remaining(db: Database, user_id: int) -> int:
    return int(
        db.execute(
            "select count(*) from recovery_codes where user_id = ? and used_at is null", [user_id]
        ).fetchone()[0]
    )


def replace(db: Database, user: User, *, address: str) -> list[str]:
    """Ten new codes for `user` (the old ones stop working); returns them, once."""
    with write_transaction(db):
        return replace_within(db, user, address=address)


def replace_within(db: Database, user: User, *, address: str) -> list[str]:
    """`replace`, inside a write transaction the caller holds."""
    codes = []
    for _ in range(COUNT):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    now = clock.utc_now()
    db.execute("delete from recovery_codes where user_id = ?", [user.id])
    db.table("recovery_codes").insert_all(
        {"user_id": user.id, "code_hash": _digest(code), "created_at": now} for code in codes
    )
    security_log.record(
        db, "recovery_codes_made", user_id=user.id, username=user.username, address=address
    )
    return codes


def use(db: Database, user: User, code: str | None, *, address: str) -> bool:
    """True when `code` is one of the account's unused codes, which is then used up."""
    if not code or not 10 <= len(_normal(code)) <= 12:
        return False
    digest = _digest(code)
    with write_transaction(db):
        for row_id, stored in db.execute(
            "select id, code_hash from recovery_codes where user_id = ? and used_at is null",
            [user.id],
        ).fetchall():
            if hmac.compare_digest(stored, digest):
                db.execute(
                    "update recovery_codes set used_at = ? where id = ?", [clock.utc_now(), row_id]
                )
                security_log.record(
                    db,
                    "recovery_code_used",
                    user_id=user.id,
                    username=user.username,
                    address=address,
                    detail=f"{remaining(db, user.id)} left",
                )
                return True
    return False
