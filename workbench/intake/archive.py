"""Evidence that survives link rot (cofacts rumors-site#576): each evidence link fetched
with the safe fetcher (workbench/intake/fetch.py) and kept as a snapshot, checked again later.

A snapshot is one fetch of a link: its extracted text and title, final URL, HTTP status,
SHA-256 of the bytes, time, or why it could not be fetched. The first good snapshot of a
link is its archive (a link cited by several claims is archived once). A check fetches
every link again and says which are dead, moved (another final URL) or changed (other
bytes), with the change in the text shown word by word. Fetching runs in the job worker
(workbench/intake/worker.py), never in a request: adding evidence queues an "archive_evidence"
job with retries; editors queue a "check_links" job; `workbench evidence check` runs the
same check in the terminal.
"""

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from ..errors import LinkSnapshotNotFound
from ..interface_languages import N_
from ..review import evidence
from ..review.history_sentences import Part, word_changes
from ..storage.clock import utc_now
from ..storage.db import insert, write_transaction
from ..team.accounts import User
from ..text.cleaning import document_from_fetched
from . import jobs, worker
from .fetch import (
    EVIDENCE_ALLOW_SETTING,
    FetchedPage,
    FetchRefused,
    allow_list_from_environment,
    fetch_page,
)

log = logging.getLogger(__name__)

ARCHIVE = "archive_evidence"
CHECK = "check_links"
# A link that did not answer may answer in a minute: three tries, 5 s and 10 s apart
# (workbench/intake/jobs.py's backoff). A refused address or a 404 is not tried again.
ARCHIVE_ATTEMPTS = 3
STATES = ("ok", "changed", "moved", "dead", "new")
_ANSWERED = re.compile(r"answered ([0-9]{3})")
# Words of the changed text shown in a report line: enough to see what changed.
REPORT_WORDS = 40
# What a snapshot says when fetching a link raised something the fetcher did not expect:
# that link is dead for now, and the others are still fetched.
FETCH_FAILED = "This link could not be fetched: something went wrong on our side."

Fetcher = Callable[[str], FetchedPage]


@dataclass(frozen=True)
class Snapshot:
    """One fetch of a link, as stored."""

    id: int
    url: str
    final_url: str | None
    http_status: int | None
    title: str | None
    text: str | None
    sha256: str | None
    content_type: str | None
    fetched_at: str
    error: str | None
    kind: str  # "archive" or "check"

    @property
    def ok(self) -> bool:
        """Fetched, with a 2xx answer."""
        return self.error is None


@dataclass(frozen=True)
class LinkCheck:
    """What a check found for one link, against its archive."""

    url: str
    state: str  # one of STATES
    archived: Snapshot | None
    now: Snapshot
    words: list[Part]  # the text's changes, for "changed"

    def summary(self) -> str:
        """One line for the terminal."""
        if self.state == "dead":
            return f"dead     {self.url}: {self.now.error}"
        if self.state == "moved":
            return f"moved    {self.url} -> {self.now.final_url}"
        if self.state == "changed":
            shown = " ".join(
                f"[-{value}-]" if kind == "del" else f"{{+{value}+}}" if kind == "ins" else value
                for kind, value in self.words
                if kind in ("del", "ins", "quote-text")
            ).split(" ")
            cut = " ".join(shown[:REPORT_WORDS]) + (" …" if len(shown) > REPORT_WORDS else "")
            return f"changed  {self.url}: {cut}"
        if self.state == "new":
            return f"archived {self.url} (it had no archive yet)"
        return f"ok       {self.url}"


def default_fetcher(url: str) -> FetchedPage:
    """The safe fetcher with evidence links' own allow-list (WORKBENCH_EVIDENCE_FETCH_ALLOW,
    none by default): any reviewer adds evidence, so the internal hosts an admin allowed
    for imports (WORKBENCH_FETCH_ALLOW) are not reachable through it."""
    try:
        allow = allow_list_from_environment(EVIDENCE_ALLOW_SETTING)
    except ValueError as error:
        raise FetchRefused("The server's settings are wrong: %(error)s", error=error) from None
    return fetch_page(url, allow=allow, allow_setting=EVIDENCE_ALLOW_SETTING)


def fetch_snapshot(url: str, fetcher: Fetcher = default_fetcher) -> dict[str, Any]:
    """Fetch a link and extract its text: a snapshot row to store (not stored yet).

    A fetch that fails is a row too, with `error` saying why and `http_status` when the
    server answered; nothing about the page is kept then. Whatever a link's server does,
    it is this link's failure: an error the fetcher did not expect is logged and stored as
    such, so one bad link never stops the check of the others.
    """
    row: dict[str, Any] = {"url": url, "fetched_at": utc_now()}
    try:
        page = fetcher(url)
    except FetchRefused as error:
        answered = _ANSWERED.search(str(error))
        return {**row, "error": str(error), "http_status": int(answered[1]) if answered else None}
    except Exception:
        log.exception("fetching the evidence link %r failed unexpectedly", url)
        return {**row, "error": FETCH_FAILED, "http_status": None}
    try:
        document = document_from_fetched(page)
        text, title = document.text, document.metadata.title
    except ValueError:  # nothing readable in it: the bytes and their hash still tell
        text, title = None, None
    return {
        **row,
        "final_url": page.final_url,
        "http_status": page.status,
        "title": title,
        "text": text,
        "sha256": page.sha256,
        "content_type": page.content_type,
        "fetched_at": page.fetched_at,
    }


def store_snapshot(db: Database, row: dict[str, Any], kind: str) -> Snapshot:
    """Store a fetched snapshot as the link's archive or as a check."""
    with write_transaction(db):
        snapshot_id = insert(db, "link_snapshots", {**row, "kind": kind})
    return get_snapshot(db, snapshot_id)


def get_snapshot(db: Database, snapshot_id: int) -> Snapshot:
    """A stored snapshot; LinkSnapshotNotFound if there is none."""
    rows = list(db.query("select * from link_snapshots where id = ?", [snapshot_id]))
    if not rows:
        raise LinkSnapshotNotFound(snapshot_id)
    return Snapshot(**rows[0])


def archive_of(db: Database, url: str) -> Snapshot | None:
    """The link's archive: its first good snapshot."""
    rows = list(
        db.query(
            "select * from link_snapshots where url = ? and error is null order by id limit 1",
            [url],
        )
    )
    return Snapshot(**rows[0]) if rows else None


def archive_link(db: Database, url: str, fetcher: Fetcher = default_fetcher) -> Snapshot:
    """Fetch and archive a link now (the job's work, and the command line's)."""
    existing = archive_of(db, url)
    if existing is not None:
        return existing
    # Fetched before the write lock: the fetch may take up to the fetcher's time cap.
    return store_snapshot(db, fetch_snapshot(url, fetcher), "archive")


def check_link(db: Database, url: str, fetcher: Fetcher = default_fetcher) -> LinkCheck:
    """Fetch a link again and compare it with its archive: ok, dead, moved or changed."""
    archived = archive_of(db, url)
    row = fetch_snapshot(url, fetcher)
    now = store_snapshot(db, row, "check" if archived else "archive")
    if not now.ok:
        return LinkCheck(url, "dead", archived, now, [])
    if archived is None:
        return LinkCheck(url, "new", None, now, [])
    if now.final_url != archived.final_url:
        return LinkCheck(url, "moved", archived, now, _changes(archived, now))
    if now.sha256 != archived.sha256:
        return LinkCheck(url, "changed", archived, now, _changes(archived, now))
    return LinkCheck(url, "ok", archived, now, [])


def _changes(archived: Snapshot, now: Snapshot) -> list[Part]:
    """The words the page's text gained and lost since it was archived (only those, with
    a few words around each, so a long page reads as its changes)."""
    parts = word_changes(archived.text or "", now.text or "")
    return _around_changes(parts)


def _around_changes(parts: list[Part], context: int = 8) -> list[Part]:
    kept: list[Part] = []
    for index, (kind, value) in enumerate(parts):
        if kind != "quote-text":
            kept.append((kind, value))
            continue
        words = str(value).split(" ")
        before = index > 0 and parts[index - 1][0] in ("ins", "del")
        after = index + 1 < len(parts) and parts[index + 1][0] in ("ins", "del")
        if len(words) > 2 * context:
            head = words[:context] if before else []
            tail = words[-context:] if after else []
            value = " ".join(head + (["…"] if head or tail else []) + tail)
        kept.append((kind, value))
    return kept


def evidence_links(db: Database) -> list[str]:
    """Every link cited as evidence on a claim of an article not deleted, once each."""
    return [
        row[0]
        for row in db.execute(
            "select distinct e.url from evidence e join claims c on c.id = e.claim_id "
            "join articles a on a.id = c.article_id "
            "where e.deleted_at is null and a.deleted_at is null order by e.url"
        )
    ]


def check_all(
    db: Database,
    fetcher: Fetcher = default_fetcher,
    on_link: Callable[[int, int, LinkCheck], None] | None = None,
) -> list[LinkCheck]:
    """Check every evidence link, one at a time (each fetch is capped in time and size)."""
    links = evidence_links(db)
    results = []
    for number, url in enumerate(links, start=1):
        result = check_link(db, url, fetcher)
        results.append(result)
        if on_link is not None:
            on_link(number, len(links), result)
    return results


# --- the links' state, for pages --------------------------------------------------------


def link_states(db: Database, urls: list[str]) -> dict[str, dict[str, Any]]:
    """For each link: its archive (id, date) and its latest check's state, in two queries."""
    if not urls:
        return {}
    listed = json.dumps(urls)
    states: dict[str, dict[str, Any]] = {url: {"archive": None, "check": None} for url in urls}
    for row in db.query(
        "select s.* from link_snapshots s where s.id in (select min(id) from link_snapshots "
        "where error is null and url in (select value from json_each(?)) group by url)",
        [listed],
    ):
        states[row["url"]]["archive"] = row
    # The latest fetch after the archive: a check, or a failed first try (a dead link).
    for row in db.query(
        "select s.* from link_snapshots s where s.id in (select max(id) from link_snapshots "
        "where url in (select value from json_each(?)) group by url)",
        [listed],
    ):
        archived = states[row["url"]]["archive"]
        if archived is None or archived["id"] != row["id"]:
            states[row["url"]]["check"] = {**row, "state": _state_of(archived, row)}
    for row in db.query(
        "select json_extract(payload, '$.url') as url, state, error from jobs "
        "where kind = ? and json_extract(payload, '$.url') in (select value from json_each(?)) "
        "order by id",
        [ARCHIVE, listed],
    ):
        states[row["url"]]["job"] = {"state": row["state"], "error": row["error"]}
    return states


def _state_of(archived: dict[str, Any] | None, check: dict[str, Any]) -> str:
    if check["error"] is not None:
        return "dead"
    if archived is None:
        return "new"
    if check["final_url"] != archived["final_url"]:
        return "moved"
    return "changed" if check["sha256"] != archived["sha256"] else "ok"


def latest_checks(db: Database) -> list[dict[str, Any]]:
    """Every evidence link with its archive and latest check, problems first."""
    urls = evidence_links(db)
    states = link_states(db, urls)
    cited = {
        row[0]: row[1]
        for row in db.execute(
            "select url, count(*) from evidence where deleted_at is null group by url"
        )
    }
    order = {"dead": 0, "moved": 1, "changed": 2, None: 3, "new": 4, "ok": 5}
    rows = [{"url": url, "cited": cited.get(url, 0), **states[url]} for url in urls]
    return sorted(rows, key=lambda r: (order[(r["check"] or {}).get("state")], r["url"]))


def snapshot_changes(db: Database, snapshot: Snapshot) -> list[Part]:
    """What a check snapshot's text changed since the link's archive."""
    archived = archive_of(db, snapshot.url)
    if archived is None or archived.id == snapshot.id or not snapshot.ok:
        return []
    return _changes(archived, snapshot)


# --- jobs --------------------------------------------------------------------------------


def add_evidence(db: Database, claim_id: int, actor: User, **values: Any) -> dict[str, Any]:
    """Evidence on a claim (workbench/review/evidence.py) with its link's archive queued,
    in one transaction: when the reviewer has as many jobs waiting as one may, TooManyJobs
    and neither is stored."""

    def queue(db: Database, record: dict[str, Any]) -> None:
        queue_archive_in_transaction(db, record["url"], actor.username)

    record = evidence.add_evidence(db, claim_id, actor, attach=queue, **values)
    worker.notify()
    return record


def queue_archive_in_transaction(db: Database, url: str, created_by: str) -> int | None:
    """Queue the archiving of a link (evidence cites it), inside the caller's write
    transaction; None when it is archived or queued already (nothing to fetch, so nothing
    counted against the person's limit)."""
    if archive_of(db, url) is not None:
        return None
    queued = db.execute(
        "select id from jobs where kind = ? and state in ('queued', 'running') "
        "and json_extract(payload, '$.url') = ?",
        [ARCHIVE, url],
    ).fetchone()
    if queued:
        return None
    return jobs.enqueue_in_transaction(
        db,
        ARCHIVE,
        {"url": url},
        created_by=created_by,
        label=f"archive {url}",
        stages=[N_("fetching")],
        max_attempts=ARCHIVE_ATTEMPTS,
    )


def queue_check(db: Database, created_by: str) -> int:
    """Queue a check of every evidence link (the editors' button)."""
    job_id = jobs.enqueue(
        db,
        CHECK,
        {},
        created_by=created_by,
        label="check every evidence link",
        stages=[N_("checking")],
    )
    worker.notify()
    return job_id


def run_archive(db: Database, job: jobs.Job, report: worker.Reporter) -> dict[str, Any]:
    """Job handler: archive one link; a link that did not answer is tried again."""
    url = (job.payload or {})["url"]
    report("fetching", 0.1)
    row = fetch_snapshot(url)
    if row.get("error"):
        retry = _worth_retrying(row)
        if not retry or job.attempts >= job.max_attempts:
            store_snapshot(db, row, "archive")  # the dead link is on record
        raise jobs.JobFailed(row["error"], retry=retry)
    snapshot = store_snapshot(db, row, "archive")
    return {"snapshot_id": snapshot.id}


def run_check(db: Database, job: jobs.Job, report: worker.Reporter) -> dict[str, Any]:
    """Job handler: check every evidence link, reporting how far along it is."""

    def progress(number: int, total: int, result: LinkCheck) -> None:
        report("checking", number / max(1, total))

    results = check_all(db, on_link=progress)
    counts = {state: sum(1 for r in results if r.state == state) for state in STATES}
    return {"links": len(results), **counts}


def _worth_retrying(row: dict[str, Any]) -> bool:
    """A timeout, a refused connection or a 5xx may pass; a refusal or a 4xx will not."""
    status = row.get("http_status")
    if status is not None:
        return int(status) >= 500
    message = str(row.get("error"))
    return "did not answer" in message or "Could not connect" in message


JOB_HANDLERS: dict[str, worker.Handler] = {ARCHIVE: run_archive, CHECK: run_check}
