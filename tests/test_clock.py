"""The one timestamp format (storage/clock.py): stamp() writes exactly what
strftime(STAMP_FORMAT) would, for every kind of moment it is given."""

import datetime

import pytest

from workbench.storage import clock

ZONES = [
    None,
    datetime.UTC,
    datetime.timezone(datetime.timedelta(hours=-5)),
    datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
]


def strftime_stamp(moment):
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC)
    return moment.strftime(clock.STAMP_FORMAT)


@pytest.mark.parametrize("zone", ZONES)
def test_stamp_is_the_stored_format_whatever_the_moment(zone):
    start = datetime.datetime(2026, 12, 31, 23, 59, 58, 999_999, tzinfo=zone)
    moments = [start + datetime.timedelta(seconds=step * 7_919.5) for step in range(-400, 400)]
    moments += [
        datetime.datetime(1000, 1, 1, tzinfo=zone) + datetime.timedelta(days=1),
        datetime.datetime(999, 3, 4, 5, 6, 7, tzinfo=zone),
        datetime.datetime(9999, 12, 30, 23, 59, 59, 999_999, tzinfo=zone),
        datetime.datetime(2026, 2, 28, 0, 0, 0, 1, tzinfo=zone),
    ]
    for moment in moments:
        assert clock.stamp(moment) == strftime_stamp(moment), moment


def test_stamp_without_a_moment_is_now_to_the_second(monkeypatch):
    monkeypatch.setattr(
        clock,
        "source",
        lambda: datetime.datetime(2026, 5, 6, 7, 8, 9, 500_000, tzinfo=datetime.UTC),
    )
    assert clock.stamp() == clock.utc_now() == "2026-05-06T07:08:09Z"
