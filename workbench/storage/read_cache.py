"""Answers to read-only questions, kept while the database is unchanged (the
page of a 5,000-claim article counted every claim three ways and drew 100 rows on every
view, though nothing had changed since the last one).

Kept per connection, because only a connection can tell whether anything changed since
it last looked: `PRAGMA data_version` changes when any other connection (in this process
or another) commits, and the connection's own total_changes() grows with each row it
writes. Both unchanged means every table reads as it did, so a kept answer is never
stale; any write anywhere empties the connection's store. Nothing is kept inside a
transaction: what it read could still be rolled back.

Whatever is kept is shared by later calls: callers must treat it as read-only.
"""

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlite_utils import Database

# Per connection, oldest dropped first. A page view keeps four or five (counts, the claim
# column, the list); the largest, a 100-row claim column, is about 160 KB of HTML. The
# worst case, every thread of a `workbench serve` worker (40) holding eight such columns
# with nothing written meanwhile, is about 50 MB a worker; any write empties them all.
MAX_ENTRIES = 8

T = TypeVar("T")


class _Store:
    def __init__(self) -> None:
        self.state: tuple[int, int] | None = None
        self.values: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.Lock()


_stores: "weakref.WeakKeyDictionary[Database, _Store]" = weakref.WeakKeyDictionary()
_stores_lock = threading.Lock()


def database_state(db: Database) -> tuple[int, int]:
    """What changes whenever anything is written: others' commits, then this connection's
    own writes."""
    conn = db.conn
    return conn.execute("pragma data_version").fetchone()[0], conn.total_changes


def remembered(db: Database, key: Hashable, compute: Callable[[], T]) -> T:
    """compute()'s answer for `key`, computed again only after the database changed.

    `key` must name everything the answer depends on besides the database (the article,
    the filters, who reads when that matters); compute() must only read.
    """
    if db.conn.in_transaction:
        return compute()
    with _stores_lock:
        store = _stores.get(db)
        if store is None:
            store = _stores[db] = _Store()
    with store.lock:
        state = database_state(db)
        if state != store.state:
            store.values.clear()
            store.state = state
        elif key in store.values:
            store.values.move_to_end(key)
            return store.values[key]
    value = compute()
    with store.lock:
        # Kept only when computing it wrote nothing and nobody else wrote meanwhile.
        if database_state(db) == state == store.state:
            store.values[key] = value
            while len(store.values) > MAX_ENTRIES:
                store.values.popitem(last=False)
    return value


def forget(db: Database) -> None:
    """Drop everything kept for this connection (tests, and after replacing the file)."""
    with _stores_lock:
        _stores.pop(db, None)
