"""Live article pages: a server-sent event stream of changes by others (htmx's SSE
extension swaps each changed row in), and presence heartbeats.

Each stream holds one gunicorn thread while it is open, so streams are budgeted per
process (STREAM_SLOTS): past the budget a stream is answered at once with a `retry:` and
closed, and the browser tries again later, so ordinary requests always keep threads of
their own (docs/architecture.md, "Live updates"). Streams also end after
STREAM_SECONDS; the browser reconnects with Last-Event-ID and misses nothing, because
the events are the history rows after that id.
"""

import threading
import time

from flask import (
    Response,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from ...desk import events, presence
from ...memory import matching
from ...review import articles, claims
from ...storage.db import connect
from ..database import get_db
from ..forms import positive_int, single_form_value
from ..loaders import load_article
from ..responses import is_htmx
from .blueprint import bp
from .desk_context import desk_context
from .row_cache import row_html

# Changes that move or renumber claims: the page is told to reload rather than patched.
RELOAD_ACTIONS = {
    "split",
    "created by split",
    "merge",
    "merged into",
    "boundaries",
    "added",
    "not a claim",
    "restored",
}
MAX_ROWS_PER_EVENT = 50  # more changed claims at once (a bulk change): "reload" instead
KEEPALIVE_SECONDS = 5  # a comment line now and then finds a closed connection (and frees its slot)
PRESENCE_SECONDS = 2  # how often a stream looks for people arriving or leaving
RETRY_MS = 1000  # how soon a browser reconnects after a stream ends
# At most one batch of rows per stream this often: a burst of writes (a busy desk, a
# bulk change) is drawn once per reader rather than once per write.
BATCH_SECONDS = 0.25

_slots_guard = threading.Lock()
_slots: dict[str, threading.BoundedSemaphore] = {}


def stream_slots():
    """This process's budget of open streams (one semaphore per app configuration)."""
    size = current_app.config["STREAM_SLOTS"]
    key = f"{current_app.config['DATABASE']}:{size}"
    with _slots_guard:
        return _slots.setdefault(key, threading.BoundedSemaphore(size))


def sse(event=None, data="", event_id=None):
    """One server-sent event, each line of `data` on its own data: line."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


@bp.get("/articles/<id:article_id>/events")
def article_events(article_id):
    """Changes to the article by others, from the history row after Last-Event-ID (or
    ?after=, the newest id when the page was drawn)."""
    article = load_article(article_id, with_body=False)
    resume = request.headers.get("Last-Event-ID") or request.args.get("after") or "0"
    after = 0 if resume == "0" else positive_int(resume)
    if after is None:
        after = 0
    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    config = current_app.config
    body = _stream(article["id"], after, g.user, config["DATABASE"], config["STREAM_SECONDS"])
    return Response(
        stream_with_context(_within_budget(body, stream_slots())),
        mimetype="text/event-stream",
        headers=headers,
    )


def _within_budget(body, slots):
    """The stream if a slot is free (taken when the body starts, so a response never
    sent holds none); else a retry hint: writes keep their threads."""
    if not slots.acquire(blocking=False):
        yield f"retry: {RETRY_MS * 10}\n: busy\n\n"
        return
    try:
        yield from body
    finally:
        slots.release()


def _stream(article_id, after, user, database_path, seconds):
    """The event stream itself, on a connection of its own (Flask closes the request's
    before a streamed body is sent)."""
    db = connect(database_path)
    watcher = events.watcher_for(database_path)
    try:
        yield f"retry: {RETRY_MS}\n\n"
        deadline = time.monotonic() + seconds
        last_sent = time.monotonic()
        next_presence = 0.0
        shown = None
        while time.monotonic() < deadline:
            changes = events.article_changes(db, article_id, after)
            if changes:
                after = changes[-1].id
                yield from _render_changes(db, article_id, changes, user)
                last_sent = time.monotonic()
                time.sleep(BATCH_SECONDS)
                continue
            if time.monotonic() >= next_presence:
                people = presence.present(db, article_id, besides=user.username)
                if people != shown:
                    shown = people
                    html = render_template("desk/_presence.html", people=people)
                    yield sse("presence", html)
                    last_sent = time.monotonic()
                next_presence = time.monotonic() + PRESENCE_SECONDS
            if time.monotonic() - last_sent > KEEPALIVE_SECONDS:
                yield ": keep-alive\n\n"
                last_sent = time.monotonic()
            watcher.wait_for_article(article_id, after, timeout=min(PRESENCE_SECONDS, seconds))
    finally:
        db.close()


def _render_changes(db, article_id, changes, user):
    """Events for one batch of history rows: each changed claim's row (as this reader
    sees it), or a notice to reload when claims moved or too many changed."""
    last_id = changes[-1].id
    theirs = [change for change in changes if change.actor != user.username]
    if not theirs:
        # The reader's own changes are already on their page; still move the resume point.
        yield sse("ping", "", event_id=last_id)
        return
    reload_because = next(
        (c for c in theirs if c.action in RELOAD_ACTIONS or c.claim_id is None), None
    )
    claim_ids = list(dict.fromkeys(c.claim_id for c in theirs if c.claim_id is not None))
    if reload_because is not None or len(claim_ids) > MAX_ROWS_PER_EVENT:
        who = (reload_because or theirs[-1]).actor
        html = render_template("desk/_notice.html", who=who, change=reload_because)
        yield sse("notice", html, event_id=last_id)
        return
    desk = desk_context(article_id, db=db, user=user)
    counts = articles.progress(db, [article_id]).get(article_id)
    can_review = user.can("reviewer")
    changed = matching.reviewed_elsewhere(db, claims.claims_with_counts(db, claim_ids))
    for claim in changed:
        # The row as the article page draws it, from the rows cache: every reader who
        # sees it alike shares one drawing (50 readers drew it 50 times, and live pages
        # then cost tagging a third of its speed in the bench).
        row = row_html(claim, can_review, True, desk)
        parts = render_template("articles/_claim_page_parts.html", claim=claim, counts=counts)
        yield sse(f"claim-{claim['id']}", str(row) + parts)
    yield sse("ping", "", event_id=last_id)


@bp.post("/articles/<id:article_id>/presence")
def presence_heartbeat(article_id):
    """The page says its reader is still on the article (and on which claim)."""
    article = load_article(article_id, with_body=False)
    claim = single_form_value("claim")
    claim_id = positive_int(claim) if claim else None
    presence.heartbeat(get_db(), article["id"], g.user, claim_id)
    if is_htmx():
        return make_response("", 204)
    return redirect(url_for("workbench.show_article", article_id=article["id"]), code=303)
