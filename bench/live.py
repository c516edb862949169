"""Live article pages under load: event-stream listeners that read
/articles/ID/events as a browser's EventSource does, and the time from a write to its
event at every listener."""

import http.client
import statistics
import threading
import time
import urllib.parse

from . import servers


class Listener(threading.Thread):
    """One open event stream; records when each claim's event arrives."""

    def __init__(self, port, token, article_id):
        super().__init__(daemon=True)
        self.port, self.token, self.article_id = port, token, article_id
        self.opened = threading.Event()
        self.stopping = threading.Event()
        self.arrivals = {}  # claim id -> monotonic time of its first event
        self.busy_answers = 0
        self.connection = None

    def run(self):
        while not self.stopping.is_set():
            try:
                self._read_stream()
            except OSError:
                if self.stopping.is_set():
                    return
            time.sleep(0.2)

    def _read_stream(self):
        self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=600)
        self.connection.request(
            "GET",
            f"/articles/{self.article_id}/events?after=0",
            headers={"Cookie": f"workbench_session={self.token}", "Accept": "text/event-stream"},
        )
        response = self.connection.getresponse()
        if response.status != 200:
            raise OSError(f"events answered {response.status}")
        first = response.readline()
        if response.readline().startswith(b": busy") or not first.startswith(b"retry"):
            self.busy_answers += 1  # every stream slot taken: try again, as a browser would
            self.connection.close()
            return
        self.opened.set()
        while not self.stopping.is_set():
            line = response.readline()
            if not line:
                break
            if line.startswith(b"event: claim-"):
                claim_id = int(line[len(b"event: claim-") :].strip())
                self.arrivals.setdefault(claim_id, time.monotonic())
        self.opened.clear()

    def stop(self):
        self.stopping.set()
        if self.connection is not None and self.connection.sock is not None:
            try:
                self.connection.sock.shutdown(2)
            except OSError:
                pass


class Streams:
    """`count` listeners spread over `article_ids`, logged in with `tokens` in turn."""

    def __init__(self, port, tokens, article_ids, count):
        self.listeners = [
            Listener(port, tokens[n % len(tokens)], article_ids[n % len(article_ids)])
            for n in range(count)
        ]

    def __enter__(self):
        for listener in self.listeners:
            listener.start()
        deadline = time.monotonic() + 60
        for listener in self.listeners:
            if not listener.opened.wait(max(deadline - time.monotonic(), 0.1)):
                self.__exit__()
                raise RuntimeError(
                    f"only {sum(x.opened.is_set() for x in self.listeners)} of "
                    f"{len(self.listeners)} event streams opened within 60 s"
                )
        return self

    def __exit__(self, *exc):
        for listener in self.listeners:
            listener.stop()
        for listener in self.listeners:
            listener.join(timeout=5)

    @property
    def busy_answers(self):
        return sum(listener.busy_answers for listener in self.listeners)


def set_status(port, token, claim_id, status):
    """Set a claim's status as htmx does; the monotonic time just before the POST."""
    started = time.monotonic()
    answer, _, _ = servers.post_form(
        port,
        f"/claims/{claim_id}/status",
        urllib.parse.urlencode({"status": status}),
        {"Cookie": f"workbench_session={token}", "HX-Request": "true"},
    )
    if answer != 200:
        raise RuntimeError(f"status change of claim {claim_id} answered {answer}")
    return started


def write_to_event(port, writer_token, listener_tokens, article_id, claim_ids, listeners=50):
    """Set each claim's status as `writer` while `listeners` streams (other users) listen;
    every listener's delay from just before the POST to the claim's event, in ms."""
    delays = []
    with Streams(port, listener_tokens, [article_id], listeners) as streams:
        for number, claim_id in enumerate(claim_ids):
            status = ("sourced", "disputed")[number % 2]
            started = set_status(port, writer_token, claim_id, status)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not all(
                claim_id in x.arrivals for x in streams.listeners
            ):
                time.sleep(0.01)
            for listener in streams.listeners:
                arrived = listener.arrivals.get(claim_id)
                delays.append((arrived - started) * 1000 if arrived else 10_000.0)
            time.sleep(0.25)  # one change at a time: each is its own event
        busy = streams.busy_answers
    return {"delays_ms": delays, "busy_answers": busy, **percentiles(delays)}


def percentiles(values):
    ordered = sorted(values)

    def at(share):
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    return {"p50": statistics.median(ordered), "p99": at(0.99), "max": ordered[-1]}
