"""What a live article page is sent, as server-sent events: the rows of claims others
changed, a notice to reload when claims moved, and who else is on the article.

Drawn once for every page of an article that sees it alike, however many are open
(live_streams.py calls these in a thread, inside an app context): a row differs
only by whether the reader may review and, under blind review, by the reviewer.
"""

from dataclasses import dataclass, field
from typing import Any

from flask import render_template

from ...desk import blind, events, presence
from ...desk.events import HistoryEvent
from ...memory import matching
from ...review import articles, claims
from ...team.accounts import User
from .desk_context import desk_context_of
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


def sse(event: str | None = None, data: str = "", event_id: int | None = None) -> str:
    """One server-sent event, each line of `data` on its own data: line."""
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event:
        lines.append(f"event: {event}")
    lines += [f"data: {line}" for line in (data.splitlines() or [""])]
    return "\n".join(lines) + "\n\n"


def viewer_key(user: User, review: blind.Review | None) -> tuple[bool, str | None]:
    """What decides how a row looks to `user`: may they review; are they a reviewer of
    the article's open blind review (then their own decisions show)."""
    reviewer = review is not None and review.is_open and blind.is_reviewer(review, user)
    return (user.can("reviewer"), user.username if reviewer else None)


@dataclass
class Batch:
    """History rows of one article after some id, with what each kind of reader is sent."""

    changes: list[HistoryEvent]
    review: blind.Review | None = None
    # {viewer key: {claim id: its event (the row and, out of band, its passage and counts)}}
    rows: dict[tuple[bool, str | None], dict[int, str]] = field(default_factory=dict)
    # {(actor, history id of a change that moved claims, or None for "many"): notice event}
    notices: dict[tuple[str, int | None], str] = field(default_factory=dict)


def draw_batch(db: Any, article_id: int, after: int, users: list[User]) -> Batch:
    """The article's changes after `after` and their events for each kind of reader among
    `users` (the readers of its open pages)."""
    changes = events.article_changes(db, article_id, after)
    if not changes:
        return Batch(changes)
    batch = Batch(changes, blind.latest(db, article_id))
    for change in changes:
        if change.action in RELOAD_ACTIONS or change.claim_id is None:
            batch.notices[(change.actor, change.id)] = _notice(change.actor, change)
    claim_ids = list(dict.fromkeys(c.claim_id for c in changes if c.claim_id is not None))
    if len(claim_ids) > MAX_ROWS_PER_EVENT:
        for actor in {change.actor for change in changes}:
            batch.notices[(actor, None)] = _notice(actor, None)
        return batch
    counts = articles.progress(db, [article_id]).get(article_id)
    changed = matching.reviewed_elsewhere(db, claims.claims_with_counts(db, claim_ids))
    parts = {
        claim["id"]: render_template("articles/_claim_page_parts.html", claim=claim, counts=counts)
        for claim in changed
    }
    readers: dict[tuple[bool, str | None], User] = {}
    for user in users:
        readers.setdefault(viewer_key(user, batch.review), user)
    for key, user in readers.items():
        desk = desk_context_of(db, batch.review, user)
        batch.rows[key] = {
            claim["id"]: sse(
                f"claim-{claim['id']}",
                str(row_html(claim, key[0], True, desk)) + parts[claim["id"]],
            )
            for claim in changed
        }
    return batch


def _notice(actor: str, change: HistoryEvent | None) -> str:
    return sse("notice", render_template("desk/_notice.html", who=actor, change=change))


def events_for(user: User, after: int, batch: Batch) -> tuple[str, int]:
    """What one page, drawn up to history id `after`, is sent of `batch`, and its new
    resume point. The reader's own changes are on their page already: only the resume
    point moves for them."""
    mine = [change for change in batch.changes if change.id > after]
    if not mine:
        return "", after
    last_id = mine[-1].id
    theirs = [change for change in mine if change.actor != user.username]
    ping = sse("ping", "", event_id=last_id)
    if not theirs:
        return ping, last_id
    reload_because = next(
        (c for c in theirs if c.action in RELOAD_ACTIONS or c.claim_id is None), None
    )
    claim_ids = list(dict.fromkeys(c.claim_id for c in theirs if c.claim_id is not None))
    if reload_because is not None or len(claim_ids) > MAX_ROWS_PER_EVENT:
        who = (reload_because or theirs[-1]).actor
        notice = batch.notices[(who, reload_because.id if reload_because else None)]
        # The notice carries the resume point: a reconnect does not say it again.
        return notice.replace("event: notice\n", f"id: {last_id}\nevent: notice\n", 1), last_id
    rows = batch.rows.get(viewer_key(user, batch.review))
    if rows is None:
        return "", after  # drawn before this reader's page joined: the next batch has it
    return "".join(rows[claim_id] for claim_id in claim_ids) + ping, last_id


def draw_presence(
    db: Any, article_id: int, usernames: list[str]
) -> dict[str, tuple[tuple[Any, ...], str]]:
    """{username: (who else is on the article, as a key; its presence event)} for each of
    `usernames` (one query)."""
    people = presence.present(db, article_id)
    drawn: dict[tuple[Any, ...], str] = {}
    found = {}
    for name in usernames:
        others = [person for person in people if person["username"] != name]
        key = tuple((p["username"], p["claim_id"], p["position"]) for p in others)
        if key not in drawn:
            drawn[key] = sse("presence", render_template("desk/_presence.html", people=others))
        found[name] = (key, drawn[key])
    return found
