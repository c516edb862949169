"""The three statuses a reviewer gives a claim, and the one parser every path uses; the
decision states a status carries (workbench.desk.decisions says how they change)."""

from .errors import InvalidInput

STATUSES = ("unverified", "sourced", "disputed")
# none: unverified; proposed: a reviewer's decision waiting for an editor; approved: an
# editor's, or approved by one; returned: sent back with a note; decided: no approval needed;
# changed: unverified again because a new version of the article changed what the claim
# says (its numbers, names or negation) after it was decided.
DECISION_STATES = ("none", "proposed", "approved", "returned", "decided", "changed")


def parse_status(value: str | None) -> str:
    """The status a reviewer asked for; exactly one of STATUSES, lower case."""
    if value not in STATUSES:
        raise InvalidInput(
            "“%(value)s” is not a status. Choose one of: %(statuses)s.",
            value=value,
            statuses=", ".join(STATUSES),
        )
    return value
