"""Claim rows drawn once per state, for the article page (issue 13: a page of 100 claims
was a fifth of its trivial-template baseline's speed, nearly all of it spent drawing rows
nobody had changed since the last view).

A row's HTML is kept under a key made of everything the row could show: every item of
the claim dict it is drawn from (its columns, its note and evidence counts, what other
parts of the app attach to it, such as a match reviewed elsewhere), and how it is shown
(can the viewer review; is it beside the article text). Any change to any of them is a
new key, so a cached row is never stale; old keys fall out oldest first. What differs
between viewers must reach the row through the claim dict or the arguments, never from
the request, or it would be shared.
"""

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app
from markupsafe import Markup

MAX_ROWS = 20_000  # about 30 MB of rows at most, per worker process

_rows: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()
_lock = threading.Lock()


def row_html(claim: dict[str, Any], can_review: bool, in_article: bool) -> Markup:
    """The claim's row as articles/_claim.html draws it (closed, no message, no undo)."""
    key = (can_review, in_article, _frozen(claim))
    with _lock:
        found = _rows.get(key)
        if found is not None:
            _rows.move_to_end(key)
            return found
    template = current_app.jinja_env.get_template("articles/_claim.html")
    html = Markup(template.render(claim=claim, can_review=can_review, in_article=in_article))
    with _lock:
        _rows[key] = html
        while len(_rows) > MAX_ROWS:
            _rows.popitem(last=False)
    return html


def _frozen(value: Any) -> Any:
    """A hashable copy of a claim dict and what it holds (dicts and lists included)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _frozen(item)) for key, item in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(item) for item in value)
    return value
