"""What a URL's parts may be: `<id:claim_id>` takes a positive id and nothing else, so
`/claims/abc` or `/claims/0` matches no route and is a 404 before any view runs."""

from flask import Flask
from werkzeug.routing import BaseConverter

# Far above any real id or page, and page * page size still fits SQLite's integers.
MAX_ID = 2**31 - 1


class IdConverter(BaseConverter):
    """A record's id in a URL: digits without a leading zero, at most ten (no sign, no 1.5,
    no 0x1). Only the pattern decides, never a check after it: a URL that fits one rule's
    pattern fits every rule of the same shape, so a POST to /articles/0/delete is a 404,
    not a 405 from the GET rule beside it."""

    regex = r"[1-9][0-9]{0,9}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(int(value))


def init_app(app: Flask) -> None:
    """Register the converters; before any blueprint, whose rules are compiled with it."""
    app.url_map.converters["id"] = IdConverter
