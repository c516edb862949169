"""Timestamps: every stored time is UTC, ISO 8601 with a Z."""

import datetime
import re

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def utc_now() -> str:
    """The current time in UTC, to the second, e.g. 2026-11-26T16:05:00Z."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_date(value: str) -> datetime.date:
    """The date written YYYY-MM-DD in `value`; ValueError for anything else.

    date.fromisoformat alone also takes 20160325 and 2016-W12-5 (Python 3.11), which were
    stored as typed and reached ClaimReview (issue 10).
    """
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return datetime.date.fromisoformat(value)
