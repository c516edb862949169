"""Claim rows drawn once per state, for the article page (a page of 100 claims
was a fifth of its trivial-template baseline's speed, nearly all of it spent drawing rows
nobody had changed since the last view).

A row's HTML is kept under a key made of everything the row could show: every item of
the claim dict it is drawn from (its columns, its note and evidence counts, what other
parts of the app attach to it, such as a match reviewed elsewhere), and how it is shown
(can the viewer review; is it beside the article text). Any change to any of them is a
new key, so a cached row is never stale; old keys fall out oldest first. What differs
between viewers must reach the row through the claim dict or the arguments, never from
the request, or it would be shared; the one exception is the reader's language, which is
in every key.
"""

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app
from markupsafe import Markup

from ..interface_locale import interface_locale

MAX_ROWS = 20_000  # about 30 MB of rows at most, per worker process

_rows: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()
_lock = threading.Lock()


def row_html(
    claim: dict[str, Any],
    can_review: bool,
    in_article: bool,
    desk: dict[str, Any] | None = None,
    listed: bool = False,
) -> Markup:
    """The claim's row as articles/_claim.html draws it (closed, no message, no undo).
    `listed`: drawn in a whole page of rows, where no panel can be open yet, so the row
    leaves out the empty panel a swapped-in row carries to keep an open one (hx-preserve).

    Under blind review a row differs by reader: whether the review is open,
    whether the reader is one of its reviewers, and their own status are in the key.
    """
    blind_open = bool(desk and desk.get("blind_open"))
    mine = bool(blind_open and desk and desk.get("blind_reviewer"))
    own = ((desk or {}).get("mine", {}).get(claim.get("id")) or {}).get("status") if mine else None
    key: tuple[Any, ...] = (interface_locale(), can_review, in_article, listed, blind_open, mine)
    key += (own, _key_of(claim))
    with _lock:
        found = _rows.get(key)
        if found is not None:
            _rows.move_to_end(key)
            return found
    template = current_app.jinja_env.get_template("articles/_claim.html")
    # Only what the key holds reaches the template: the reader's own status, no more.
    row_desk = {
        "blind_open": blind_open,
        "blind_reviewer": mine,
        "mine": {claim.get("id"): {"status": own}} if mine else {},
    }
    html = Markup(
        template.render(
            claim=claim, can_review=can_review, in_article=in_article, desk=row_desk, listed=listed
        )
    )
    with _lock:
        _rows[key] = html
        while len(_rows) > MAX_ROWS:
            _rows.popitem(last=False)
    return html


def _key_of(claim: dict[str, Any]) -> tuple[Any, ...]:
    """The claim's items as they are: hashable already unless something in it is a dict or
    a list (then frozen). Not sorted: a claim read by the same query lists its columns in
    the same order, and another order is only another key (building the sorted, frozen
    copy of 32 items was a quarter of a 100-claim page's time)."""
    items = tuple(claim.items())
    try:
        hash(items)
    except TypeError:
        return _frozen(claim)
    return items


def _frozen(value: Any) -> Any:
    """A hashable copy of a claim dict and what it holds (dicts and lists included)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value
