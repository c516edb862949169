"""gunicorn's asyncio worker (`--worker-class asgi`), with time limits on a request that is
not yet whole and a cap on such connections per client address.

An unfinished request costs the event loop a few kilobytes and no thread
(web/threaded_wsgi.py), but nothing in gunicorn ends it: its ASGI worker waits for the
first request's headers for ever. Here a connection must send its headers within
HEADER_SECONDS of opening and its body within BODY_SECONDS of the headers, or it is
answered 408 and closed. And past HALF_OPEN_PER_ADDRESS requests from one address that
are still not whole after a second, in a worker, the oldest of them is answered 429 and
closed: a client cannot fill the server with connections that never finish, while the
others of its address (a newsroom behind one NAT) still get in. A later request on a
kept-alive connection has gunicorn's keep-alive time (2 s) to arrive.
"""

import asyncio
import os
from collections import OrderedDict
from typing import Any

from gunicorn.asgi.protocol import ASGIProtocol
from gunicorn.workers import gasgi

from . import connection_balance

HEADER_SECONDS = float(os.environ.get("WORKBENCH_HEADER_SECONDS", "10"))
BODY_SECONDS = float(os.environ.get("WORKBENCH_BODY_SECONDS", "60"))
HALF_OPEN_PER_ADDRESS = int(os.environ.get("WORKBENCH_HALF_OPEN_PER_ADDRESS", "32"))
GRACE_SECONDS = 1.0  # a request not whole after this counts as unfinished


class Unfinished:
    """A worker's connections whose request is not whole yet, by client address, oldest
    first."""

    def __init__(self, per_address: int) -> None:
        self.per_address = per_address
        self.by_address: dict[str, OrderedDict[int, Any]] = {}

    def add(self, address: str, connection: Any) -> Any:
        """Count `connection`; return the address's oldest one if that makes one too many."""
        held = self.by_address.setdefault(address, OrderedDict())
        held[id(connection)] = connection
        if len(held) > self.per_address:
            return held.popitem(last=False)[1]
        return None

    def remove(self, address: str, connection: Any) -> None:
        held = self.by_address.get(address)
        if held is not None and held.pop(id(connection), None) is not None and not held:
            del self.by_address[address]

    def count(self, address: str) -> int:
        return len(self.by_address.get(address, ()))


class _AccessLogOfRefusals:
    """The worker's log, but a request this module refused is logged with the status the
    client was sent: gunicorn logs a request the app could not answer (its body never
    came) as a 500 of ours, with 0 bytes."""

    def __init__(self, log: Any, connection: "GuardedProtocol") -> None:
        self._log = log
        self._connection = connection

    def __getattr__(self, name: str) -> Any:
        return getattr(self._log, name)

    def access(self, response: Any, *args: Any) -> None:
        refused = self._connection.refused_with
        if refused is not None and not response.sent:
            response.status = refused
        self._log.access(response, *args)


class GuardedProtocol(ASGIProtocol):
    """gunicorn's HTTP/1 protocol with the deadlines and the cap above, counted in its
    worker's share of connections (web/connection_balance.py)."""

    unfinished = Unfinished(HALF_OPEN_PER_ADDRESS)
    refused_with: int | None = None  # the status this connection was answered and closed with

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self.log: Any = _AccessLogOfRefusals(self.worker.log, self)
        peer = transport.get_extra_info("peername")
        self._address = str(peer[0]) if isinstance(peer, tuple) else str(peer)
        self._deadline: asyncio.TimerHandle | None = None
        self._counted = False
        # Counted in the worker's share (web/connection_balance.py) until its request is
        # found unfinished, and again once its headers are whole.
        self._held = connection_balance.Held(getattr(self.worker, "balance_slot", None))
        self._held.count()
        self._leaving = False
        self._wait_for_the_rest("headers", HEADER_SECONDS)

    def _wait_for_the_rest(self, part: str, seconds: float) -> None:
        """End the connection if `part` of its request takes more than `seconds`; after
        GRACE_SECONDS it counts as unfinished. (A burst of whole requests, pages opening
        at once, is parsed a moment after its connections are accepted: counted at once,
        they would close each other.)"""
        self._cancel_deadline()
        grace = min(GRACE_SECONDS, seconds)
        self._deadline = self.worker.loop.call_later(grace, self._still_waiting, part, seconds)

    def _still_waiting(self, part: str, seconds: float) -> None:
        """GRACE_SECONDS have passed and `part` is not here: count the connection."""
        self._deadline = self.worker.loop.call_later(
            max(seconds - GRACE_SECONDS, 0), self._too_slow, part, seconds
        )
        if part == "headers":
            self._held.uncount()  # idle or slow from the start: no turn of the worker's
        if self._counted:
            return
        self._counted = True
        oldest = self.unfinished.add(self._address, self)
        if oldest is not None:
            oldest._counted = False
            oldest._refuse(
                429,
                f"Too many unfinished requests from {self._address} (more than "
                f"{self.unfinished.per_address}): the oldest is closed. Send whole requests.",
            )

    def _done_waiting(self) -> None:
        self._cancel_deadline()
        if self._counted:
            self._counted = False
            self.unfinished.remove(self._address, self)

    def _cancel_deadline(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _too_slow(self, part: str, seconds: float) -> None:
        self._deadline = None
        self._done_waiting()
        self._refuse(408, f"The request's {part} did not arrive within {seconds:g} s.")

    def _refuse(self, status: int, message: str) -> None:
        """Answer `status` with `message` and close, whatever the request had sent."""
        self._cancel_deadline()
        if self._closed:
            return
        # Why, in the error log (the access log has only the status).
        self.worker.log.info("%s %s: %s", self._address, status, message)
        self.refused_with = status
        self._send_error_response(status, message)
        self._close_transport()
        if self._request_ready is not None:
            self._request_ready.set()  # the connection's task sees it closed and ends

    def _on_headers_complete(self) -> Any:
        if not self._leaving:
            self._held.count()  # again: after a slow start, or a stream on a kept-alive connection
        skip_body = super()._on_headers_complete()
        request = self._current_request
        if request is not None and (request.content_length or request.chunked):
            self._wait_for_the_rest("body", BODY_SECONDS)
        else:
            self._done_waiting()
        return skip_body

    def _on_message_complete(self) -> None:
        super()._on_message_complete()
        self._done_waiting()

    def _will_close(self, request: Any, response_requires_close: bool) -> bool:
        """gunicorn asks this when it writes the answer's headers and again once the answer
        is sent: the answer is the same both times."""
        if self._leaving or super()._will_close(request, response_requires_close):
            return True
        self._leaving = self._held.should_leave()
        return self._leaving

    def _send_response_start(
        self, status: int, headers: Any, request: Any, close: bool = False
    ) -> None:
        if any(
            name.lower() == b"content-type" and value.startswith(b"text/event-stream")
            for name, value in headers
        ):
            self._held.uncount()  # a live page waiting: no turn of the worker's
        super()._send_response_start(status, headers, request, close=close)

    def connection_lost(self, exc: Exception | None) -> None:
        self._done_waiting()
        self._held.uncount()
        super().connection_lost(exc)


class Worker(gasgi.ASGIWorker):
    """`workbench serve`'s worker class: gunicorn's ASGI worker with GuardedProtocol."""

    def init_process(self) -> None:
        # The worker builds its protocol by this module-level name in _serve(); this is a
        # process of its own, so the change reaches no other server.
        gasgi.ASGIProtocol = GuardedProtocol
        slot = getattr(self, "balance_slot", None)
        if slot is not None:
            connection_balance.TABLE.claim(slot)
        super().init_process()
