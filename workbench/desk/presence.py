"""Who else has an article open, and on which claim: a heartbeat row per person and
article that counts only while fresh. A courtesy, never a lock: saving still checks the
claim's version."""

import datetime
from typing import Any

from sqlite_utils import Database

from ..storage import clock
from ..storage.clock import utc_now
from ..storage.db import write_transaction
from ..team.accounts import User

HEARTBEAT_SECONDS = 10  # how often an open page says it is still there
EXPIRES_SECONDS = 30  # three missed heartbeats and the person is gone


def heartbeat(db: Database, article_id: int, user: User, claim_id: int | None = None) -> None:
    """Record that `user` has the article open (on `claim_id`, if one is selected)."""
    with write_transaction(db):
        db.execute(
            "insert into presence (username, article_id, claim_id, seen_at) values (?, ?, ?, ?) "
            "on conflict (username, article_id) do update set claim_id = excluded.claim_id, "
            "seen_at = excluded.seen_at",
            [user.username, article_id, claim_id, utc_now()],
        )
        # Old rows of anyone are cleared now and then, so the table stays small.
        db.execute("delete from presence where seen_at < ?", [_seconds_ago(EXPIRES_SECONDS * 20)])


def leave(db: Database, article_id: int, user: User) -> None:
    """Forget `user` on the article at once (the page was closed)."""
    with write_transaction(db):
        db.execute(
            "delete from presence where username = ? and article_id = ?",
            [user.username, article_id],
        )


def present(db: Database, article_id: int, besides: str | None = None) -> list[dict[str, Any]]:
    """[{"username", "claim_id", "position"}] of people on the article now, but `besides`."""
    return list(
        db.query(
            "select p.username, p.claim_id, c.position from presence p "
            "left join claims c on c.id = p.claim_id and c.article_id = p.article_id "
            "where p.article_id = ? and p.seen_at >= ? and p.username != ? "
            "order by p.username collate nocase",
            [article_id, _seconds_ago(EXPIRES_SECONDS), besides or ""],
        )
    )


def _seconds_ago(seconds: int) -> str:
    return clock.stamp(clock.now() - datetime.timedelta(seconds=seconds))
