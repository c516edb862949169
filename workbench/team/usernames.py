"""Usernames that could be taken for one another: `reviewer1` and `reviewer1.`,
`ana_b` and `anab`, `bo0` and `boo`, `rnia` and `mia`. A desk reads names in the top bar,
the history and the exports; two that look alike let one person pass for another, so a
new name whose look-alike key is already taken is refused."""

import re

# Punctuation a username may hold (accounts.USERNAME_PATTERN): dropped from the key.
_PUNCTUATION = re.compile(r"[._-]")
# Letter pairs read as one letter in most fonts, then single characters read as others.
_PAIRS = (("rn", "m"), ("vv", "w"))
_SINGLE = str.maketrans({"0": "o", "1": "l", "i": "l", "|": "l"})


def lookalike_key(username: str) -> str:
    """The name as it may be read: case and punctuation gone, confusable letters made one."""
    key = _PUNCTUATION.sub("", username.casefold())
    for pair, single in _PAIRS:
        key = key.replace(pair, single)
    return key.translate(_SINGLE)


def lookalike_of(username: str, taken: list[str]) -> str | None:
    """The first of the names `taken` that could be read as `username`, or None."""
    key = lookalike_key(username)
    return next((name for name in taken if lookalike_key(name) == key), None)
