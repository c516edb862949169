"""Time-based one-time codes (RFC 6238: six digits, 30-second steps, SHA-1, as every
authenticator app computes them) as a second factor. A secret is enrolled unconfirmed and
counts only once a code made from it has been typed back; a code is accepted one step
early or late (clocks drift), and each step only once, so an overheard code cannot be
used again. No Flask here."""

import hmac
from typing import Any

import pyotp
from sqlite_utils import Database

from ..errors import AccountError
from ..storage import clock
from ..storage.db import write_transaction
from . import recovery_codes, security_log
from .accounts import User

ISSUER = "Claim workbench"
DRIFT_STEPS = 1


def _confirmed_row(db: Database, user_id: int) -> dict[str, Any] | None:
    rows = list(
        db.query(
            "select * from totp_secrets where user_id = ? and confirmed_at is not null", [user_id]
        )
    )
    return rows[0] if rows else None


def enrolled(db: Database, user_id: int) -> bool:
    return _confirmed_row(db, user_id) is not None


def start_enrolment(db: Database, user: User) -> str:
    """A new secret for `user`, not yet in force (an unconfirmed one before it is
    replaced); AccountError when an authenticator app is enrolled already."""
    if enrolled(db, user.id):
        raise AccountError("An authenticator app is set up already: remove it first.")
    secret = pyotp.random_base32()
    with write_transaction(db):
        db.execute("delete from totp_secrets where user_id = ?", [user.id])
        db.table("totp_secrets").insert(
            {"user_id": user.id, "secret": secret, "created_at": clock.utc_now()}
        )
    return secret


def pending_secret(db: Database, user_id: int) -> str | None:
    row = db.execute(
        "select secret from totp_secrets where user_id = ? and confirmed_at is null", [user_id]
    ).fetchone()
    return None if row is None else str(row[0])


def provisioning_uri(secret: str, username: str, issuer: str = ISSUER) -> str:
    """The otpauth:// URI an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def _matching_step(secret: str, code: str, after_step: int) -> int | None:
    """The time step, within the drift allowed and later than `after_step`, whose code is
    `code`; None when there is none."""
    code = "".join(code.split())
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(clock.now())
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if step > after_step and hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def confirm(db: Database, user: User, code: str | None, *, address: str) -> list[str]:
    """Put the pending secret in force once `code` is right; returns new recovery codes
    (to be shown once) when the account has none left. AccountError otherwise."""
    secret = pending_secret(db, user.id)
    if secret is None:
        raise AccountError("Start again: there is no authenticator app waiting to be confirmed.")
    step = _matching_step(secret, code or "", -1)
    if step is None:
        raise AccountError(
            "That code is not right. Type the six digits your app shows now "
            "(check the phone's clock if it keeps failing)."
        )
    with write_transaction(db):
        db.execute(
            "update totp_secrets set confirmed_at = ?, last_step = ? where user_id = ?",
            [clock.utc_now(), step, user.id],
        )
        security_log.record(
            db, "totp_enrolled", user_id=user.id, username=user.username, address=address
        )
        if recovery_codes.remaining(db, user.id):
            return []
        return recovery_codes.replace_within(db, user, address=address)


def check(db: Database, user_id: int, code: str | None) -> bool:
    """True (and the step used up) when `code` is the account's current code."""
    row = _confirmed_row(db, user_id)
    if row is None:
        return False
    step = _matching_step(row["secret"], code or "", row["last_step"] or -1)
    if step is None:
        return False
    with write_transaction(db):
        # Only a later step may be recorded: two requests with one code cannot both pass.
        used = db.execute(
            "update totp_secrets set last_step = ? where user_id = ? and "
            "coalesce(last_step, -1) < ?",
            [step, user_id, step],
        ).rowcount
    return bool(used)


def remove(db: Database, user: User, *, address: str) -> None:
    with write_transaction(db):
        removed = db.execute(
            "delete from totp_secrets where user_id = ? and confirmed_at is not null", [user.id]
        ).rowcount
        if removed:
            security_log.record(
                db, "totp_removed", user_id=user.id, username=user.username, address=address
            )
