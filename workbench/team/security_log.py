"""Each account's security log: sign-ins and their failures, second factors enrolled or
removed, API tokens made, used from a new address, revoked. Every event is a row (the
account's owner reads theirs on their security page) and a line in the server's log. No
Flask here."""

import logging
from typing import Any

from sqlite_utils import Database

from ..interface_languages import N_
from ..storage.clock import utc_now
from ..storage.db import insert

log = logging.getLogger("workbench.security")

# What each kind of event says on the security page (in its reader's language).
EVENTS = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Failed sign-in"),
    "second_step_failed": N_("Wrong second-factor code"),
    "sign_out": N_("Signed out"),
    "totp_enrolled": N_("Authenticator app added"),
    "totp_removed": N_("Authenticator app removed"),
    "recovery_codes_made": N_("New recovery codes made (the old ones stop working)"),
    "recovery_code_used": N_("Recovery code used"),
    "passkey_added": N_("Passkey added"),
    "passkey_removed": N_("Passkey removed"),
    "second_factors_reset": N_("Every second factor removed by an admin"),
    "sso_refused": N_("Single sign-on refused"),
    "sso_waiting": N_("Single sign-on: account waits for an admin's approval"),
    "sso_joined": N_("Account created by single sign-on"),
    "token_created": N_("API token created"),
    "token_new_address": N_("API token used from a new address"),
    "token_revoked": N_("API token revoked"),
}
PAGE_EVENTS = 100


def _one_line(value: object) -> str:
    """User input for a log line: CR and LF escaped, so nobody can forge a line."""
    return repr(str(value))[1:-1]


def record(
    db: Database,
    kind: str,
    *,
    user_id: int | None,
    username: str,
    address: str,
    detail: str = "",
) -> None:
    """Write one event (its own statement: call it inside the write it belongs to, or
    alone) and say it in the server's log."""
    if kind not in EVENTS:
        raise ValueError(f"unknown security event {kind!r}")
    insert(
        db,
        "security_events",
        {
            "user_id": user_id,
            "username": username,
            "kind": kind,
            "detail": detail,
            "address": address,
            "at": utc_now(),
        },
    )
    level = logging.WARNING if kind.endswith(("failed", "refused")) else logging.INFO
    log.log(
        level,
        "security: %s: %s from %s%s",
        kind,
        _one_line(username),
        _one_line(address),
        f" ({_one_line(detail)})" if detail else "",
    )


def events_for(db: Database, user_id: int, limit: int = PAGE_EVENTS) -> list[dict[str, Any]]:
    """An account's latest events, newest first, each with its sentence."""
    rows = db.query(
        "select id, kind, detail, address, at from security_events where user_id = ? "
        "order by id desc limit ?",
        [user_id, limit],
    )
    return [{**row, "what": EVENTS.get(row["kind"], row["kind"])} for row in rows]
