"""Claim rows drawn once per state, for the article page (issue 13: a page of 100 claims
was a fifth of its trivial-template baseline's speed, nearly all of it spent drawing rows
nobody had changed since the last view).

A row's HTML is kept under a key made of everything the row shows: the claim's columns
below, its note and evidence counts, and how it is shown (can the viewer review; is it
beside the article text). Any change to any of them is a new key, so a cached row is
never stale; old keys fall out oldest first. Nothing that differs between viewers may be
drawn in a row unless it is part of the key.
"""

import threading
from collections import OrderedDict
from typing import Any

from flask import current_app
from markupsafe import Markup

MAX_ROWS = 20_000  # about 30 MB of rows at most, per worker process

# Every column articles/_claim.html shows (text changes with version; kept for safety).
ROW_FIELDS = (
    "id",
    "article_id",
    "position",
    "text",
    "status",
    "version",
    "is_claim",
    "hidden_reason",
    "attribution_text",
    "attribution_kind",
    "attribution_confirmed_by",
    "flags",
    "updated_by",
    "note_count",
    "evidence_count",
)

_rows: OrderedDict[tuple[Any, ...], Markup] = OrderedDict()
_lock = threading.Lock()


def row_html(claim: dict[str, Any], can_review: bool, in_article: bool) -> Markup:
    """The claim's row as articles/_claim.html draws it (closed, no message, no undo)."""
    key = (can_review, in_article, *(claim.get(field) for field in ROW_FIELDS))
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
