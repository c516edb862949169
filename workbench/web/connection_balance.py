"""Keep gunicorn's workers holding about as many connections each.

With `--reuse-port` the kernel places each new connection on one worker's socket by a hash
of its addresses, so 64 connections opened at once land 43 and 21 about as often as 32 and
32; a browser, a proxy or a load generator then keeps its connection, and the worker
holding more answers each of its clicks later (tagging with 64 connections back to back:
p99 132 ms in a round split 43/21, about 110 ms in rounds split 33/31; docs/performance.md).

Each worker counts the connections it holds in a small table in memory shared by all of
them (mapped by the arbiter before it forks). A worker holding more than its share (the
mean, rounded up) ends a connection after its answer, with "Connection: close" as HTTP/1.1
provides: the client opens a new one for its next request, and the kernel places it afresh.
A connection whose first request is not whole after a second stops counting until it is:
an idle connection, or 1,000 unfinished ones from an attack, cost the worker no turn. Nor
does a live page's event stream, which is not counted either and never ended to balance.
"""

import ctypes
import mmap
import os
from typing import Any

SLOTS = 256  # workers at once, old and new ones included while gunicorn reloads


class WorkerTable:
    """Per worker slot: its process id (0 when free) and the connections it holds."""

    def __init__(self, slots: int = SLOTS) -> None:
        self.slots = slots
        self._memory = mmap.mmap(-1, 2 * 8 * slots)  # anonymous and shared: seen after fork
        self._pids = (ctypes.c_int64 * slots).from_buffer(self._memory, 0)
        self._held = (ctypes.c_int64 * slots).from_buffer(self._memory, 8 * slots)

    # In the arbiter -----------------------------------------------------------------------

    def reserve(self, taken: set[int]) -> int | None:
        """A free slot for a worker about to be forked (the arbiter's slots in use:
        `taken`); None when all are taken, and that worker does not balance."""
        for slot in range(self.slots):
            if slot not in taken:
                self._pids[slot] = -1  # counted as a worker from now on
                self._held[slot] = 0
                return slot
        return None

    def free(self, slot: int) -> None:
        """The worker in `slot` has exited: its connections are gone with it."""
        self._pids[slot] = 0
        self._held[slot] = 0

    # In a worker --------------------------------------------------------------------------

    def claim(self, slot: int) -> None:
        self._pids[slot] = os.getpid()

    def hold(self, slot: int, change: int) -> None:
        """Count `change` (+1 or -1) connections for the worker in `slot` (only that worker
        writes its slot, from its event loop's thread)."""
        self._held[slot] += change

    def held(self, slot: int) -> int:
        return int(self._held[slot])

    def over_share(self, slot: int) -> bool:
        """Whether the worker in `slot` holds more than its share: the mean over the
        workers, rounded up (64 connections: 32 each; 65: 33 and 32)."""
        workers = total = 0
        for other in range(self.slots):
            if self._pids[other]:
                workers += 1
                total += self._held[other]
        return workers > 1 and self._held[slot] > -(-total // workers)


TABLE = WorkerTable()


def reserve_for(worker: Any, others: list[Any]) -> None:
    """In the arbiter, before `worker` is forked: give it a slot none of `others` has."""
    taken = {slot for other in others if (slot := getattr(other, "balance_slot", None)) is not None}
    worker.balance_slot = TABLE.reserve(taken)


def free_for(worker: Any) -> None:
    """In the arbiter, once `worker` has exited."""
    slot = getattr(worker, "balance_slot", None)
    if slot is not None:
        TABLE.free(slot)


class Held:
    """One connection's place in its worker's count."""

    __slots__ = ("slot", "counted")

    def __init__(self, slot: int | None) -> None:
        self.slot = slot
        self.counted = False

    def count(self) -> None:
        if self.slot is not None and not self.counted:
            self.counted = True
            TABLE.hold(self.slot, 1)

    def uncount(self) -> None:
        if self.slot is not None and self.counted:
            self.counted = False
            TABLE.hold(self.slot, -1)

    def should_leave(self) -> bool:
        """Whether this connection should end after its answer; if so it stops counting at
        once, so the worker's other answers meanwhile do not end more than needed."""
        if self.slot is None or not self.counted or not TABLE.over_share(self.slot):
            return False
        self.uncount()
        return True
