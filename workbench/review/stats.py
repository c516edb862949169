"""Numbers for the dashboard: progress per article, activity per reviewer, time to done."""

import datetime
import statistics
from typing import Any

from sqlite_utils import Database

from ..storage import clock
from .articles import all_articles

ACTIVITY_DAYS = 14


def reviewer_activity(
    db: Database, days: int = ACTIVITY_DAYS, today: datetime.date | None = None
) -> dict[str, Any]:
    """{"days": [YYYY-MM-DD...], "reviewers": [{"name", "per_day": [n...], "total"}]}."""
    today = today or clock.now().date()
    first = today - datetime.timedelta(days=days - 1)
    day_list = [(first + datetime.timedelta(days=n)).isoformat() for n in range(days)]
    index = {day: n for n, day in enumerate(day_list)}
    reviewers: dict[str, list[int]] = {}
    for actor, day, count in db.execute(
        "select actor, substr(at, 1, 10) as day, count(*) from history "
        "where at >= ? and action != 'import' group by actor, day",
        [first.isoformat()],
    ).fetchall():
        if day in index:
            per_day = reviewers.setdefault(actor, [0] * days)
            per_day[index[day]] = count
    ordered = sorted(reviewers.items(), key=lambda item: (-sum(item[1]), item[0]))
    rows = [{"name": name, "per_day": per_day, "total": sum(per_day)} for name, per_day in ordered]
    return {
        "days": day_list,
        "reviewers": rows,
        "max": max((max(per_day) for per_day in reviewers.values()), default=0),
    }


def time_to_reviewed(db: Database) -> list[dict[str, Any]]:
    """For each fully reviewed article: hours from import to its last status change."""
    finished = []
    for article in all_articles(db):
        counts = article["progress"]
        if not counts["total"] or counts["unverified"]:
            continue
        last = db.execute(
            "select max(at) from history where article_id = ? and action = 'status'",
            [article["id"]],
        ).fetchone()[0]
        if last is None:
            continue
        hours = (
            clock.moment_of(last) - clock.moment_of(article["imported_at"])
        ).total_seconds() / 3600
        finished.append({"article": article, "hours": round(hours, 1), "done_at": last})
    return finished


def median(values: list[float]) -> float | None:
    """The median, or None for no values (statistics.median raises on an empty list)."""
    return statistics.median(values) if values else None
