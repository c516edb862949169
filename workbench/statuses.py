"""The three statuses a reviewer gives a claim, and the one parser every path uses."""

from .errors import InvalidInput

STATUSES = ("unverified", "sourced", "disputed")


def parse_status(value: str | None) -> str:
    """The status a reviewer asked for; exactly one of STATUSES, lower case."""
    if value not in STATUSES:
        raise InvalidInput(f"“{value}” is not a status. Choose one of: {', '.join(STATUSES)}.")
    return value
