"""Single sign-on with an OpenID Connect provider (Google Workspace, Microsoft Entra,
Okta, Keycloak...): the Authorization Code flow with PKCE, through Authlib's client.

The provider's metadata comes from its discovery document, whose `issuer` must be the one
configured, exactly. Each sign-in keeps its `state` (as a SHA-256), `nonce` and PKCE
verifier on the server for ten minutes and uses them once: a replayed or forged callback
finds nothing. The ID token's signature is checked against the provider's published keys
(never "none", never a shared secret), and its issuer, audience, expiry and nonce against
what this sign-in expects (joserfc, Authlib's JOSE library). Who may come in (e-mail
domains, groups), what role the groups give, and what happens to someone new are the
admin's settings. No Flask here."""

import datetime
import hashlib
import re
import secrets
import threading
import time
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from authlib.integrations.requests_client import OAuth2Session
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlite_utils import Database

from ..errors import AccountError
from ..interface_languages import N_
from ..storage import clock
from ..storage.db import insert, write_transaction
from . import security_log
from .accounts import ROLES, USERNAME_PATTERN, User

FLOW_MINUTES = 10
HTTP_TIMEOUT_SECONDS = 10
METADATA_SECONDS = 600
# Asymmetric signatures only: a token signed with the client secret (HS256) or unsigned
# ("none") is refused.
SIGNING_ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384"]
NEW_USER_CHOICES = ("refuse", "approve", "reviewer")
UNUSABLE_PASSWORD = "!sso"  # no password ever matches it (werkzeug's check says False)


class SignInRefused(AccountError):
    """The provider or this workbench's settings said no; str(error) is for the person."""


@dataclass(frozen=True)
class Settings:
    """The provider and the admin's choices (the OIDC variables in docs/configuration.md)."""

    issuer: str
    client_id: str
    client_secret: str
    # The button's words when the admin names no provider (translated where shown).
    name: str = N_("your organisation's sign-in")
    scopes: str = "openid email profile"
    allowed_domains: frozenset[str] = frozenset()
    groups_claim: str = "groups"
    allowed_groups: frozenset[str] = frozenset()
    role_groups: Mapping[str, frozenset[str]] = field(default_factory=dict)
    new_users: str = "approve"


def _words(value: str | None) -> frozenset[str]:
    return frozenset(part.strip() for part in (value or "").split(",") if part.strip())


def settings_from(environ: Mapping[str, str]) -> Settings | None:
    """The settings the environment gives, or None when single sign-on is off (no issuer).
    ValueError names a setting that cannot be used."""
    issuer = environ.get("WORKBENCH_OIDC_ISSUER", "").strip()
    if not issuer:
        return None
    client_id = environ.get("WORKBENCH_OIDC_CLIENT_ID", "").strip()
    if not client_id:
        raise ValueError("WORKBENCH_OIDC_ISSUER is set, so WORKBENCH_OIDC_CLIENT_ID must be too")
    new_users = environ.get("WORKBENCH_OIDC_NEW_USERS", "approve").strip()
    if new_users not in NEW_USER_CHOICES:
        raise ValueError(f"WORKBENCH_OIDC_NEW_USERS is one of {', '.join(NEW_USER_CHOICES)}")
    role_groups: dict[str, frozenset[str]] = {}
    for pair in _words(environ.get("WORKBENCH_OIDC_ROLE_GROUPS")):
        role, _, group = pair.partition("=")
        if role.strip() not in ROLES or not group.strip():
            raise ValueError(
                f"WORKBENCH_OIDC_ROLE_GROUPS: {pair!r} is not ROLE=GROUP with a role of "
                f"{', '.join(ROLES)}"
            )
        role_groups[role.strip()] = role_groups.get(role.strip(), frozenset()) | {group.strip()}
    return Settings(
        issuer=issuer,
        client_id=client_id,
        client_secret=environ.get("WORKBENCH_OIDC_CLIENT_SECRET", ""),
        name=environ.get("WORKBENCH_OIDC_NAME", "").strip() or Settings.name,
        scopes=environ.get("WORKBENCH_OIDC_SCOPES", "").strip() or Settings.scopes,
        allowed_domains=frozenset(
            d.lower().lstrip("@") for d in _words(environ.get("WORKBENCH_OIDC_ALLOWED_DOMAINS"))
        ),
        groups_claim=environ.get("WORKBENCH_OIDC_GROUPS_CLAIM", "").strip() or "groups",
        allowed_groups=_words(environ.get("WORKBENCH_OIDC_ALLOWED_GROUPS")),
        role_groups=role_groups,
        new_users=new_users,
    )


# --- the provider's metadata and keys, kept a few minutes per process --------------------

_cache: dict[str, tuple[float, dict[str, Any]]] = {}
_cache_lock = threading.Lock()


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=HTTP_TIMEOUT_SECONDS)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as error:
        raise SignInRefused(
            "The sign-in provider could not be reached; try again in a minute."
        ) from error
    if not isinstance(document, dict):
        raise SignInRefused("The sign-in provider answered with something unexpected.")
    return document


def _cached(url: str, refresh: bool = False) -> dict[str, Any]:
    with _cache_lock:
        kept = _cache.get(url)
    if kept and not refresh and time.monotonic() - kept[0] < METADATA_SECONDS:
        return kept[1]
    document = _get_json(url)
    with _cache_lock:
        _cache[url] = (time.monotonic(), document)
    return document


def metadata(settings: Settings) -> dict[str, Any]:
    """The provider's discovery document, refused unless it names the configured issuer."""
    document = _cached(settings.issuer.rstrip("/") + "/.well-known/openid-configuration")
    if document.get("issuer") != settings.issuer:
        raise SignInRefused(
            "The sign-in provider calls itself by another name than the one this workbench "
            "trusts, so its answer was not used. Tell whoever runs the workbench."
        )
    return document


def end_session_url(settings: Settings, after: str) -> str | None:
    """Where to end the session at the provider too (when it offers that), coming back to
    `after`."""
    try:
        endpoint = metadata(settings).get("end_session_endpoint")
    except SignInRefused:
        return None
    if not endpoint:
        return None
    query = urllib.parse.urlencode(
        {"client_id": settings.client_id, "post_logout_redirect_uri": after}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


# --- one sign-in -------------------------------------------------------------------------


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Started:
    """Where to send the browser, and the state to keep in its cookie."""

    url: str
    state: str


def begin(db: Database, settings: Settings, redirect_uri: str, next_path: str) -> Started:
    """Start a sign-in: the provider's authorization URL with PKCE, state and nonce."""
    document = metadata(settings)
    state = secrets.token_urlsafe(32)
    nonce = secrets.token_urlsafe(32)
    verifier = secrets.token_urlsafe(64)
    session = OAuth2Session(
        settings.client_id,
        scope=settings.scopes,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
    )
    url, _ = session.create_authorization_url(
        document["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
    )
    now = clock.now()
    with write_transaction(db):
        db.execute("delete from oidc_logins where expires_at <= ?", [clock.stamp(now)])
        db.table("oidc_logins").insert(
            {
                "state_hash": _digest(state),
                "nonce": nonce,
                "code_verifier": verifier,
                "next_path": next_path,
                "expires_at": clock.stamp(now + datetime.timedelta(minutes=FLOW_MINUTES)),
            }
        )
    return Started(url, state)


@dataclass(frozen=True)
class SignedIn:
    user: User
    next_path: str


def exchange_code(
    settings: Settings, document: Mapping[str, Any], code: str, verifier: str, redirect_uri: str
) -> dict[str, Any]:
    """The provider's token response for `code` (the back channel, with the PKCE
    verifier and the client's secret)."""
    session = OAuth2Session(
        settings.client_id,
        settings.client_secret,
        redirect_uri=redirect_uri,
        token_endpoint_auth_method="client_secret_basic" if settings.client_secret else "none",
    )
    try:
        token: dict[str, Any] = session.fetch_token(
            document["token_endpoint"],
            grant_type="authorization_code",
            code=code,
            code_verifier=verifier,
            timeout=HTTP_TIMEOUT_SECONDS,
        )
    except Exception as error:  # Authlib raises OAuthError and requests' errors alike
        raise SignInRefused(
            "The sign-in provider did not accept this sign-in (the link may have been used "
            "already, or it expired). Please sign in again."
        ) from error
    return token


def verify_id_token(
    settings: Settings, document: Mapping[str, Any], id_token: str, nonce: str
) -> dict[str, Any]:
    """The ID token's claims, once its signature, issuer, audience, expiry and nonce are
    right; SignInRefused otherwise."""

    def check(keys: KeySet) -> dict[str, Any]:
        token = jwt.decode(id_token, keys, algorithms=SIGNING_ALGORITHMS)
        jwt.JWTClaimsRegistry(
            now=int(clock.now().timestamp()),
            iss={"essential": True, "value": settings.issuer},
            aud={"essential": True, "value": settings.client_id},
            exp={"essential": True},
            sub={"essential": True},
            nonce={"essential": True, "value": nonce},
        ).validate(token.claims)
        audiences = token.claims["aud"]
        if isinstance(audiences, list) and len(audiences) > 1:
            if token.claims.get("azp") != settings.client_id:
                raise SignInRefused("The sign-in was meant for another application.")
        return dict(token.claims)

    jwks_uri = str(document["jwks_uri"])
    try:
        try:
            return check(KeySet.import_key_set(_cached(jwks_uri)))  # type: ignore[arg-type]
        except JoseError as first:
            if "key" not in type(first).__name__.lower():
                raise
            # A key we have not seen: the provider may have rotated its keys. Fetch again.
            return check(KeySet.import_key_set(_cached(jwks_uri, refresh=True)))  # type: ignore[arg-type]
    except (JoseError, ValueError) as error:
        raise SignInRefused(
            "The sign-in provider's answer did not check out (signature, issuer, audience, "
            "expiry or nonce), so nobody was signed in. Please try again."
        ) from error


def finish(
    db: Database,
    settings: Settings,
    redirect_uri: str,
    args: Mapping[str, str],
    browser_state: str | None,
    *,
    address: str,
) -> SignedIn:
    """Complete a sign-in from the provider's callback `args`: the state must be the one
    this browser started with and not used before; then the code is exchanged, the ID
    token checked, and the person matched to an account (or one made, as the settings
    say). SignInRefused says why not."""
    if args.get("error"):
        raise SignInRefused(
            "The sign-in provider said no (%(reason)s).",
            reason=args.get("error_description") or args["error"],
        )
    state = args.get("state") or ""
    if not state or not browser_state or not secrets.compare_digest(state, browser_state):
        raise SignInRefused("This sign-in was not started in this browser. Please sign in again.")
    with write_transaction(db):
        flow = db.execute(
            "delete from oidc_logins where state_hash = ? and expires_at > ? "
            "returning nonce, code_verifier, next_path",
            [_digest(state), clock.utc_now()],
        ).fetchone()
    if flow is None:
        raise SignInRefused("This sign-in link was used already, or it expired. Sign in again.")
    nonce, verifier, next_path = flow
    document = metadata(settings)
    token = exchange_code(settings, document, args.get("code") or "", verifier, redirect_uri)
    if not token.get("id_token"):
        raise SignInRefused("The sign-in provider sent no ID token.")
    claims = verify_id_token(settings, document, str(token["id_token"]), nonce)
    user = account_for(db, settings, claims, address=address)
    return SignedIn(user, next_path)


# --- who the person is here ----------------------------------------------------------------


def _email(settings: Settings, claims: Mapping[str, Any]) -> str:
    email = str(claims.get("email") or "").strip().lower()
    if settings.allowed_domains:
        domain = email.rpartition("@")[2]
        if not email or claims.get("email_verified") is not True:
            raise SignInRefused("Your sign-in gave no verified e-mail address, which is needed.")
        if domain not in settings.allowed_domains:
            raise SignInRefused(
                "Addresses at %(domain)s may not sign in to this workbench.", domain=domain
            )
    return email


def _groups(settings: Settings, claims: Mapping[str, Any]) -> set[str]:
    groups = claims.get(settings.groups_claim) or []
    if isinstance(groups, str):
        groups = [groups]
    found = {str(group) for group in groups} if isinstance(groups, list) else set()
    if settings.allowed_groups and not found & settings.allowed_groups:
        raise SignInRefused("Your account is in none of the groups that may use this workbench.")
    return found


def _role_from(settings: Settings, groups: set[str]) -> str | None:
    granted = [role for role, names in settings.role_groups.items() if names & groups]
    return max(granted, key=ROLES.index) if granted else None


def _free_username(db: Database, claims: Mapping[str, Any], email: str) -> str:
    wanted = str(claims.get("preferred_username") or email.partition("@")[0] or "user")
    base = re.sub(r"[^A-Za-z0-9._-]", "-", wanted.partition("@")[0]).strip(".-_")[:32] or "user"
    if not USERNAME_PATTERN.fullmatch(base):
        base = "user"
    name, number = base, 1
    while db.execute("select 1 from users where username = ? collate nocase", [name]).fetchone():
        number += 1
        name = f"{base}-{number}"
    return name


def account_for(
    db: Database, settings: Settings, claims: Mapping[str, Any], *, address: str
) -> User:
    """The account of the person the ID token names (made when new, as the settings
    allow); its role follows the groups when WORKBENCH_OIDC_ROLE_GROUPS maps them."""
    subject = str(claims["sub"])
    try:
        email = _email(settings, claims)
        role = _role_from(settings, _groups(settings, claims))
    except SignInRefused as refused:
        security_log.record(
            db,
            "sso_refused",
            user_id=None,
            username=str(claims.get("email") or subject),
            address=address,
            detail=str(refused),
        )
        raise
    with write_transaction(db):
        row = db.execute(
            "select u.id, u.username, u.role, u.active from oidc_identities i "
            "join users u on u.id = i.user_id where i.issuer = ? and i.subject = ?",
            [settings.issuer, subject],
        ).fetchone()
        if row is not None:
            user_id, username, current_role, active = row
            if not active:
                raise SignInRefused(
                    "Your account waits for an admin's approval, or was switched off."
                )
            if role is not None and role != current_role:
                db.execute("update users set role = ? where id = ?", [role, user_id])
                current_role = role
            return User(user_id, username, current_role)
        if settings.new_users != "refuse":
            user_id, username = _new_account(db, settings, claims, email, role, address)
    if settings.new_users == "refuse":
        security_log.record(
            db,
            "sso_refused",
            user_id=None,
            username=email or subject,
            address=address,
            detail=N_("no account here"),  # translated where shown
        )
        raise SignInRefused(
            "You have no account on this workbench yet: ask an admin to let you in."
        )
    if settings.new_users == "approve":
        raise SignInRefused(
            "Welcome, %(name)s: your account is made and waits for an admin of this "
            "workbench to approve it (under Users). Sign in again once they have.",
            name=username,
        )
    return User(user_id, username, role or "reviewer")


def _new_account(
    db: Database,
    settings: Settings,
    claims: Mapping[str, Any],
    email: str,
    role: str | None,
    address: str,
) -> tuple[int, str]:
    """Make the account of someone new (inactive until approved when the settings say
    so), linked to their identity at the provider."""
    subject = str(claims["sub"])
    waiting = settings.new_users == "approve"
    username = _free_username(db, claims, email)
    user_id = insert(
        db,
        "users",
        {
            "username": username,
            "password_hash": UNUSABLE_PASSWORD,
            "role": role or "reviewer",
            "created_at": clock.utc_now(),
            "active": 0 if waiting else 1,
        },
    )
    insert(
        db,
        "oidc_identities",
        {
            "issuer": settings.issuer,
            "subject": subject,
            "user_id": user_id,
            "email": email,
            "created_at": clock.utc_now(),
        },
    )
    security_log.record(
        db,
        "sso_waiting" if waiting else "sso_joined",
        user_id=user_id,
        username=username,
        address=address,
        detail=email,
    )
    return user_id, username
