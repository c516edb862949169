"""How long one person's import waits behind another person's hanging evidence links.

`python -m bench.job_fairness` (not part of `make bench`: it measures a guarantee, not a
speed, and needs half a minute whatever the machine). A real server on 127.0.0.1 answers
the evidence links the way the outside attack run's did (the headers at once, then one
body byte a second for a minute), and the import's page at once. A reviewer cites
`--links` such links (20, their limit of queued jobs); then an admin imports a page by
link. `--workers` job workers (2: one per `workbench serve` process) run them, with the
jobs' real handlers, on a real database.

Printed: the seconds from the admin's click to their import's start and end, and how
many of the reviewer's links had not been tried yet then. The queue is fair when the
start is within one job's time cap (the fetcher's 20 s) and a little: 25 s.
"""

import argparse
import os
import pathlib
import socket
import sys
import tempfile
import threading
import time

from workbench.intake import archive, fetch, importing, jobs
from workbench.intake import worker as job_worker
from workbench.storage import migrations
from workbench.storage.db import write_transaction
from workbench.team.accounts import User
from workbench.web.gunicorn_hooks import job_handlers

# The admin's page: a short news item, answered at once.
PAGE = (
    b"<!doctype html><html><head><meta charset='utf-8'><title>Ferry timetable changes</title>"
    b"</head><body><article><h1>Ferry timetable changes</h1><p>The ferry company said the "
    b"first crossing leaves at 6:40 from Monday.</p><p>The council said the change saves "
    b"commuters ten minutes.</p></article></body></html>"
)
DRIP_SECONDS = 60
BOUND_SECONDS = 25.0


class Site:
    """A plain socket server: /drip/N drips a byte a second, anything else is PAGE."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.closing = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closing.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._answer, args=(connection,), daemon=True).start()

    def _answer(self, connection: socket.socket) -> None:
        with connection:
            request = b""
            while b"\r\n\r\n" not in request:
                chunk = connection.recv(4096)
                if not chunk:
                    return
                request += chunk
            path = request.split(b" ", 2)[1]
            try:
                if path.startswith(b"/drip/"):
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n"
                        + f"Content-Length: {DRIP_SECONDS}\r\n\r\n".encode()
                    )
                    for _ in range(DRIP_SECONDS):
                        if self.closing.wait(1):
                            return
                        connection.sendall(b"x")
                else:
                    connection.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n"
                        + f"Connection: close\r\nContent-Length: {len(PAGE)}\r\n\r\n".encode()
                        + PAGE
                    )
            except OSError:
                return  # the fetcher hung up at its time cap, as it should

    def close(self) -> None:
        self.closing.set()
        self.listener.close()


def measure(links: int, workers: int, folder: pathlib.Path) -> dict[str, float | int | None]:
    """The admin's import behind the reviewer's `links` hanging links, as figures. The
    server's address is allowed (both allow-lists) for the run only."""
    site = Site()
    allowed = f"127.0.0.1:{site.port}"
    settings = (fetch.ALLOW_SETTING, fetch.EVIDENCE_ALLOW_SETTING)
    before = {name: os.environ.get(name) for name in settings}
    os.environ.update({name: allowed for name in settings})
    database = folder / "workbench.db"
    db = migrations.open_migrated(database)
    reviewer = User(id=0, username="reviewer", role="reviewer")
    admin = User(id=0, username="admin", role="admin")
    base = f"http://127.0.0.1:{site.port}"
    running = [
        job_worker.Worker(str(database), job_handlers(), name=f"bench-{n}", poll_seconds=0.2)
        for n in range(workers)
    ]
    try:
        for n in range(links):
            with write_transaction(db):
                archive.queue_archive_in_transaction(db, f"{base}/drip/{n}", reviewer.username)
        for each in running:
            each.start()
        time.sleep(1.0)  # every worker is busy with a hanging link
        clicked = time.monotonic()
        job_id = importing.start_fetch(db, f"{base}/news/port-reopens", admin)
        started_after = ended_after = None
        while time.monotonic() - clicked < 120:
            job = jobs.get_job(db, job_id)
            if started_after is None and job.started_at:
                started_after = time.monotonic() - clicked
            if job.finished:
                ended_after = time.monotonic() - clicked
                break
            time.sleep(0.05)
        job = jobs.get_job(db, job_id)
        behind = db.execute(
            "select count(*) from jobs where created_by = ? and attempts = 0",
            [reviewer.username],
        ).fetchone()[0]
        return {
            "links": links,
            "workers": workers,
            "started_after": started_after,
            "ended_after": ended_after,
            "outcome": job.state,
            "reviewer_links_not_yet_tried": behind,
        }
    finally:
        site.close()  # the hanging fetches end at once, so the workers stop soon
        for each in running:
            each.stop(timeout=30)
        db.close()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.job_fairness", description=__doc__)
    parser.add_argument("--links", type=int, default=20, help="the reviewer's drip links")
    parser.add_argument("--workers", type=int, default=2, help="job workers (serve's processes)")
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        figures = measure(options.links, options.workers, pathlib.Path(folder))
    started = figures["started_after"]
    print(
        f"{figures['links']} drip links by a reviewer, {figures['workers']} workers: the admin's "
        f"import started {started:.1f} s after the click and ended {figures['ended_after']:.1f} s "
        f"after it ({figures['outcome']}); {figures['reviewer_links_not_yet_tried']} of the "
        "reviewer's links had not been tried yet."
        if started is not None and figures["ended_after"] is not None
        else f"the admin's import had not ended after 120 s: {figures}"
    )
    fair = started is not None and started <= BOUND_SECONDS
    print(f"within {BOUND_SECONDS:g} s: {'yes' if fair else 'NO'}")
    return 0 if fair else 1


if __name__ == "__main__":
    sys.exit(main())
