"""The security log's details in the reader's language. A detail is stored as English
text when its event happens (team/security_log.py); the ones the workbench wrote itself
(a way of signing in, a new token's scope and days, the recovery codes left, the admin
who revoked a token, a refused single sign-on) are read back and said again through
gettext. A name someone typed (a token's, a passkey's) is shown as typed."""

import re

from flask_babel import gettext

from ...team import api_tokens
from ..auth import SIGN_IN_WORDS

# Events whose detail is a way of signing in (auth.SIGN_IN_WORDS).
SIGN_IN_EVENTS = frozenset({"sign_in", "sign_in_failed", "second_step_failed"})
# The details team/api_tokens.py and team/recovery_codes.py write.
SCOPE_WORDS = "|".join(re.escape(words) for words in api_tokens.SCOPES.values())
TOKEN_MADE = re.compile(rf"(?P<name>.*), (?P<scope>{SCOPE_WORDS}), (?P<days>\d+) days", re.DOTALL)
REVOKED_BY = re.compile(r"(?P<name>.*), by (?P<admin>[A-Za-z0-9][A-Za-z0-9._-]*)", re.DOTALL)
CODES_LEFT = re.compile(r"(?P<count>\d+) left")


def shown_events(events):
    """Each event with its detail as its reader reads it."""
    return [{**event, "detail": detail(event["kind"], event["detail"])} for event in events]


def detail(kind, text):
    """The detail of an event of `kind`, in the reader's language where the workbench
    wrote it; as stored otherwise."""
    if not text:
        return text
    if kind in SIGN_IN_EVENTS:
        return gettext(text) if text in SIGN_IN_WORDS.values() else text
    if kind == "token_created" and (made := TOKEN_MADE.fullmatch(text)):
        return gettext(
            "%(name)s, %(scope)s, %(days)s days",
            name=made["name"],
            scope=gettext(made["scope"]),
            days=made["days"],
        )
    if kind == "token_revoked" and (revoked := REVOKED_BY.fullmatch(text)):
        return gettext("%(name)s, by %(admin)s", name=revoked["name"], admin=revoked["admin"])
    if kind == "recovery_code_used" and (left := CODES_LEFT.fullmatch(text)):
        return gettext("%(count)s left", count=left["count"])
    if kind == "sso_refused":
        return gettext(text)  # the refusal's own sentence (team/oidc.py), when it has no values
    return text
