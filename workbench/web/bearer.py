"""API requests signed with a personal token (`Authorization: Bearer wbt_...`): who it
speaks for, whether it may write, and its rate limit. Only the JSON API reads the header;
a page never does, so a token cannot open the browser's pages."""

from typing import NoReturn

from flask import current_app, request
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import TooManyRequests, Unauthorized

from ..errors import TokenRateLimited
from ..team import api_tokens
from .database import get_db


def load_token_user(address):
    """(user, TokenUse) for the request's bearer token; 401 for a missing, malformed,
    unknown, expired or revoked one, 429 past its limit this minute."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        refuse("Send the token as “Authorization: Bearer TOKEN”.")
    try:
        use = api_tokens.authenticate(
            get_db(),
            token.strip(),
            address=address,
            per_minute=current_app.config["API_TOKEN_PER_MINUTE"],
        )
    except TokenRateLimited as limited:
        raise TooManyRequests(
            description=f"This token made too many requests this minute; wait "
            f"{limited.retry_after} s.",
            retry_after=limited.retry_after,
        ) from limited
    if use is None:
        refuse("This token is unknown, expired or revoked.", error="invalid_token")
    return use.user, use


def refuse(description, error="invalid_request") -> NoReturn:
    raise Unauthorized(
        description=description,
        www_authenticate=WWWAuthenticate("Bearer", {"realm": "workbench", "error": error}),
    )
