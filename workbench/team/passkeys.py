"""Passkeys (WebAuthn): registered by a signed-in account, then used as its second factor
after the password, or on their own instead of it (a passkey that verified its user, by
PIN or fingerprint, is two factors already). Every ceremony's challenge is random, kept
on the server for two minutes and used once. The checks themselves (origin, relying party,
signature, counter) are the `webauthn` package's. No Flask here."""

import datetime
import json
from dataclasses import dataclass
from typing import Any

import webauthn
from sqlite_utils import Database
from webauthn.helpers import (
    base64url_to_bytes,
    bytes_to_base64url,
    options_to_json,
    parse_client_data_json,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ..errors import AccountError
from ..storage import clock
from ..storage.db import write_transaction
from . import security_log
from .accounts import User

CHALLENGE_SECONDS = 120
MAX_NAME_CHARS = 60


@dataclass(frozen=True)
class RelyingParty:
    """This site as WebAuthn names it: its host name and its origin (scheme, host, port)."""

    id: str
    origin: str
    name: str = "Claim workbench"


@dataclass(frozen=True)
class PasskeySignIn:
    user: User
    user_verified: bool


def _keep_challenge(db: Database, challenge: bytes, purpose: str, user_id: int | None) -> None:
    now = clock.now()
    with write_transaction(db):
        db.execute("delete from webauthn_challenges where expires_at <= ?", [clock.stamp(now)])
        db.table("webauthn_challenges").insert(
            {
                "challenge": bytes_to_base64url(challenge),
                "user_id": user_id,
                "purpose": purpose,
                "expires_at": clock.stamp(now + datetime.timedelta(seconds=CHALLENGE_SECONDS)),
            }
        )


def _take_challenge(db: Database, credential: str, purpose: str) -> tuple[bytes, int | None]:
    """The challenge the browser signed, used up; AccountError if it is not one we gave
    for `purpose` in the last two minutes."""
    try:
        client_data = json.loads(credential)["response"]["clientDataJSON"]
        challenge = parse_client_data_json(base64url_to_bytes(client_data)).challenge
    except (ValueError, KeyError, TypeError, WebAuthnException) as error:
        raise AccountError("The browser's passkey answer could not be read.") from error
    with write_transaction(db):
        row = db.execute(
            "delete from webauthn_challenges where challenge = ? and purpose = ? "
            "and expires_at > ? returning user_id",
            [bytes_to_base64url(challenge), purpose, clock.utc_now()],
        ).fetchone()
    if row is None:
        raise AccountError("That passkey request has expired or was used: try again.")
    return challenge, row[0]


def passkeys_of(db: Database, user_id: int) -> list[dict[str, Any]]:
    return list(
        db.query(
            "select id, name, created_at, last_used_at from passkeys where user_id = ? order by id",
            [user_id],
        )
    )


def _descriptors(db: Database, user_id: int) -> list[PublicKeyCredentialDescriptor]:
    """The account's passkeys, as WebAuthn options name them."""
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(row[0]))
        for row in db.execute("select credential_id from passkeys where user_id = ?", [user_id])
    ]


def registration_options(db: Database, user: User, party: RelyingParty) -> str:
    """The options (JSON) for navigator.credentials.create(); none of the account's
    passkeys may be registered twice."""
    existing = _descriptors(db, user.id)
    options = webauthn.generate_registration_options(
        rp_id=party.id,
        rp_name=party.name,
        user_name=user.username,
        user_id=str(user.id).encode("ascii"),
        exclude_credentials=existing,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
    )
    _keep_challenge(db, options.challenge, "register", user.id)
    return options_to_json(options)


def register(
    db: Database,
    user: User,
    party: RelyingParty,
    credential: str,
    name: str | None,
    *,
    address: str,
) -> None:
    """Keep the passkey the browser made; AccountError when it does not check out."""
    name = (name or "").strip()[:MAX_NAME_CHARS] or "Passkey"
    challenge, challenge_user = _take_challenge(db, credential, "register")
    if challenge_user != user.id:
        raise AccountError("That passkey request was not yours: try again.")
    try:
        verified = webauthn.verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
        )
    except WebAuthnException as error:
        raise AccountError("The passkey was not accepted: %(reason)s", reason=error) from error
    with write_transaction(db):
        credential_id = bytes_to_base64url(verified.credential_id)
        if db.execute("select 1 from passkeys where credential_id = ?", [credential_id]).fetchone():
            raise AccountError("That passkey is registered already.")
        db.table("passkeys").insert(
            {
                "user_id": user.id,
                "credential_id": credential_id,
                "public_key": verified.credential_public_key,
                "sign_count": verified.sign_count,
                "name": name,
                "created_at": clock.utc_now(),
            }
        )
        security_log.record(
            db,
            "passkey_added",
            user_id=user.id,
            username=user.username,
            address=address,
            detail=name,
        )


def authentication_options(db: Database, party: RelyingParty, user: User | None = None) -> str:
    """The options (JSON) for navigator.credentials.get(): for `user`'s own passkeys (the
    second step after a password), or for any passkey this site knows (no username)."""
    allowed = _descriptors(db, user.id) if user is not None else None
    options = webauthn.generate_authentication_options(
        rp_id=party.id,
        allow_credentials=allowed,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    _keep_challenge(db, options.challenge, "authenticate", None if user is None else user.id)
    return options_to_json(options)


def authenticate(
    db: Database, party: RelyingParty, credential: str, user: User | None = None
) -> PasskeySignIn:
    """The account whose passkey signed our challenge (it must be `user`'s when given);
    AccountError when anything does not check out."""
    challenge, challenge_user = _take_challenge(db, credential, "authenticate")
    if user is not None and challenge_user != user.id:
        raise AccountError("That passkey request was not for this sign-in: try again.")
    try:
        credential_id = str(json.loads(credential)["id"])
    except (ValueError, KeyError, TypeError) as error:
        raise AccountError("The browser's passkey answer could not be read.") from error
    rows = list(
        db.query(
            "select p.id, p.public_key, p.sign_count, u.id as user_id, u.username, u.role "
            "from passkeys p join users u on u.id = p.user_id "
            "where p.credential_id = ? and u.active = 1",
            [credential_id],
        )
    )
    if not rows or (user is not None and rows[0]["user_id"] != user.id):
        raise AccountError("This passkey is not registered here.")
    row = rows[0]
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=party.id,
            expected_origin=party.origin,
            credential_public_key=row["public_key"],
            credential_current_sign_count=row["sign_count"],
        )
    except WebAuthnException as error:
        raise AccountError("The passkey was not accepted: %(reason)s", reason=error) from error
    with write_transaction(db):
        db.execute(
            "update passkeys set sign_count = ?, last_used_at = ? where id = ?",
            [verified.new_sign_count, clock.utc_now(), row["id"]],
        )
    return PasskeySignIn(User(row["user_id"], row["username"], row["role"]), verified.user_verified)


def remove(db: Database, user: User, passkey_id: int, *, address: str) -> None:
    with write_transaction(db):
        row = db.execute(
            "delete from passkeys where id = ? and user_id = ? returning name",
            [passkey_id, user.id],
        ).fetchone()
        if row is None:
            raise AccountError("There is no such passkey.")
        security_log.record(
            db,
            "passkey_removed",
            user_id=user.id,
            username=user.username,
            address=address,
            detail=row[0],
        )
