"""The one clock and the one timestamp format: every stored time is UTC, ISO 8601 to the
second with a Z (2026-11-26T16:05:00Z), read from `now()` and written by `stamp()`."""

import datetime
import re
from collections.abc import Callable

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
STAMP_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def system_time() -> datetime.datetime:
    """The machine's clock, in UTC."""
    return datetime.datetime.now(datetime.UTC)


# Where now() reads the time: the machine's clock, or a fixed moment a test sets
# (tests/conftest.py's fixed_clock), so two readings a second apart cannot differ.
source: Callable[[], datetime.datetime] = system_time


def now() -> datetime.datetime:
    """The current moment, in UTC: every time the workbench stores or compares."""
    return source()


def stamp(moment: datetime.datetime | None = None) -> str:
    """A moment (now when not given) as every table stores it: 2026-11-26T16:05:00Z. A
    moment without a zone is taken to be UTC already."""
    moment = moment or now()
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime(STAMP_FORMAT)


def utc_now() -> str:
    """The current time as stored, to the second, e.g. 2026-11-26T16:05:00Z."""
    return stamp()


def moment_of(stored: str) -> datetime.datetime:
    """A stored timestamp as a moment in UTC: what stamp() wrote, read back."""
    return datetime.datetime.strptime(stored, STAMP_FORMAT).replace(tzinfo=datetime.UTC)


def iso_date(value: str) -> datetime.date:
    """The date written YYYY-MM-DD in `value`; ValueError for anything else.

    date.fromisoformat alone also takes 20160325 and 2016-W12-5 (Python 3.11), which were
    stored as typed and reached ClaimReview.
    """
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"not a YYYY-MM-DD date: {value!r}")
    return datetime.date.fromisoformat(value)
