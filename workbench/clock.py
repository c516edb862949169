"""Timestamps: every stored time is UTC, ISO 8601 with a Z."""

import datetime


def utc_now() -> str:
    """The current time in UTC, to the second, e.g. 2026-11-26T16:05:00Z."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
