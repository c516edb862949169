"""What a live article page is sent, as server-sent events: the rows of claims others
changed, a notice to reload when claims moved, and who else is on the article.

Drawn once for every page of an article that sees it alike, however many are open
(live_streams.py calls these in a thread, inside an app context): a row differs
only by whether the reader may review and, under blind review, by the reviewer; a notice
and the presence line by the language the page is read in (rows are drawn in English).
"""

from dataclasses import dataclass, field
from typing import Any

from flask import render_template
from flask_babel import force_locale

from ...desk import blind, events, presence
from ...desk.events import HistoryEvent
from ...interface_languages import DEFAULT_LOCALE
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
    """One article's history rows after each resume point its open pages are at, with
    what each kind of reader is sent."""

    # {resume point: the article's history rows after it, oldest first}
    changes: dict[int, list[HistoryEvent]]
    review: blind.Review | None = None
    # {viewer key: {claim id: its row, with its passage out of band, as event data lines}}
    rows: dict[tuple[bool, str | None], dict[int, str]] = field(default_factory=dict)
    counts: str = ""  # the progress bar and tab counts, out of band: data lines
    too_far: set[int] = field(default_factory=set)  # resume points told to reload
    # {(actor, history id of a change that moved claims or None for "many", locale):
    #  notice event}
    notices: dict[tuple[str, int | None, str], str] = field(default_factory=dict)


def draw_batches(
    db: Any,
    wanted: dict[int, tuple[set[int], list[User]]],
    locales: dict[int, set[str]] | None = None,
) -> dict[int, Batch]:
    """{article id: its Batch} for each article of `wanted` ({article id: (the resume
    points of its open pages, their readers)}) that has changes. The claims, counts and
    matches of every article are read in one query each, and each row is drawn once for
    each kind of reader; a notice once for each language its pages are read in (`locales`,
    by article; English when not said)."""
    batches = {}
    rows_wanted: dict[int, set[int]] = {}
    under_review = blind.articles_reviewed(db, list(wanted))
    for article_id, (afters, _) in wanted.items():
        # One read from the resume point furthest back; each page's share of it after.
        read = events.article_changes(db, article_id, min(afters))
        if not read:
            continue
        found = {after: [change for change in read if change.id > after] for after in afters}
        review = blind.latest(db, article_id) if article_id in under_review else None
        batch = batches[article_id] = Batch(found, review)
        read_in = (locales or {}).get(article_id) or {DEFAULT_LOCALE}
        for after, changes in found.items():
            for change in changes:
                if change.action in RELOAD_ACTIONS or change.claim_id is None:
                    for locale in read_in:
                        if (change.actor, change.id, locale) not in batch.notices:
                            batch.notices[(change.actor, change.id, locale)] = _notice(
                                change.actor, change, locale
                            )
            claim_ids = {c.claim_id for c in changes if c.claim_id is not None}
            if len(claim_ids) > MAX_ROWS_PER_EVENT or len(read) >= events.MAX_ROWS:
                # Too far behind to patch: those pages are told to reload.
                batch.too_far.add(after)
                for actor in {change.actor for change in changes}:
                    for locale in read_in:
                        if (actor, None, locale) not in batch.notices:
                            batch.notices[(actor, None, locale)] = _notice(actor, None, locale)
            else:
                rows_wanted.setdefault(article_id, set()).update(claim_ids)
    if not rows_wanted:
        return batches
    counts = articles.progress(db, list(rows_wanted))
    every_claim = [claim_id for claim_ids in rows_wanted.values() for claim_id in claim_ids]
    changed = matching.reviewed_elsewhere(db, claims.claims_with_counts(db, every_claim))
    by_article: dict[int, list[dict[str, Any]]] = {}
    for claim in changed:
        by_article.setdefault(claim["article_id"], []).append(claim)
    for article_id, article_claims in by_article.items():
        batch = batches[article_id]
        passages = {
            claim["id"]: render_template("articles/_claim_passage.html", claim=claim)
            for claim in article_claims
        }
        batch.counts = _data_lines(
            render_template("articles/_article_counts.html", counts=counts[article_id])
        )
        readers: dict[tuple[bool, str | None], User] = {}
        for user in wanted[article_id][1]:
            readers.setdefault(viewer_key(user, batch.review), user)
        for key, user in readers.items():
            desk = desk_context_of(db, batch.review, user)
            batch.rows[key] = {
                claim["id"]: _data_lines(
                    str(row_html(claim, key[0], True, desk)) + passages[claim["id"]]
                )
                for claim in article_claims
            }
    return batches


def _notice(actor: str, change: HistoryEvent | None, locale: str) -> str:
    with force_locale(locale):
        return sse("notice", render_template("desk/_notice.html", who=actor, change=change))


def events_for(
    user: User, after: int, batch: Batch, locale: str = DEFAULT_LOCALE
) -> tuple[str, int]:
    """What one page, drawn up to history id `after` and read in `locale`, is sent of
    `batch`, and its new resume point. The reader's own changes are on their page
    already: only the resume point moves for them. The last row sent carries the
    article's counts."""
    mine = batch.changes.get(after, [])
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
    if reload_because is not None or after in batch.too_far:
        who = (reload_because or theirs[-1]).actor
        notice = batch.notices[(who, reload_because.id if reload_because else None, locale)]
        # The notice carries the resume point: a reconnect does not say it again.
        return notice.replace("event: notice\n", f"id: {last_id}\nevent: notice\n", 1), last_id
    claim_ids = list(dict.fromkeys(c.claim_id for c in theirs if c.claim_id is not None))
    rows = batch.rows.get(viewer_key(user, batch.review))
    if rows is None:
        return "", after  # drawn before this reader's page joined: the next batch has it
    last = claim_ids[-1]
    sent = [
        f"event: claim-{claim_id}\n{rows[claim_id]}{batch.counts if claim_id == last else ''}\n"
        for claim_id in claim_ids
    ]
    return "".join(sent) + ping, last_id


def _data_lines(html: str) -> str:
    """`html` as the data: lines of an event (sse() without the event's name and end)."""
    return "".join(f"data: {line}\n" for line in (html.splitlines() or [""]))


def draw_presence(
    db: Any, article_id: int, readers: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[tuple[Any, ...], str]]:
    """{(username, locale): (who else is on the article, as a key; its presence event)}
    for each of `readers` (username, the language their page is read in): one query; an
    event drawn once for those who see the same people in the same language."""
    people = presence.present(db, article_id)
    drawn: dict[tuple[tuple[Any, ...], str], str] = {}
    found = {}
    for name, locale in readers:
        others = [person for person in people if person["username"] != name]
        key = tuple((p["username"], p["claim_id"], p["position"]) for p in others)
        if (key, locale) not in drawn:
            with force_locale(locale):
                html = render_template("desk/_presence.html", people=others)
            drawn[(key, locale)] = sse("presence", html)
        found[(name, locale)] = (key, drawn[(key, locale)])
    return found
