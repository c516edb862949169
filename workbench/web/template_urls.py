"""The templates' url_for, remembering what it built.

An article page builds about 40 links (the top bar, the exports, the filters); each build
walks Werkzeug's rule for its endpoint (about 6 µs), the same links on every view. A link
without host or scheme depends only on the endpoint, its values and where the app is
mounted (SCRIPT_NAME), so it is built once and kept. Anything else (an external link, an
anchor, a relative endpoint, a value that cannot be a key) is built every time, as
Flask's url_for does.
"""

from collections.abc import Callable
from typing import Any

from flask import Flask, request

KEPT = 20_000  # links kept per app before starting again (a page's links are about 40)


def remembered_url_for(app: Flask) -> Callable[..., str]:
    """A url_for for `app`'s templates that builds each plain link once."""
    kept: dict[tuple[Any, ...], str] = {}

    def url_for(endpoint: str, **values: Any) -> str:
        if endpoint.startswith(".") or any(name.startswith("_") for name in values):
            return app.url_for(endpoint, **values)
        try:
            key = (request.script_root, endpoint, *sorted(values.items()))
            found = kept.get(key)
        except TypeError:  # a list or another value that cannot be a key
            return app.url_for(endpoint, **values)
        except RuntimeError:  # drawn outside a request (a live update): built as Flask does
            return app.url_for(endpoint, **values)
        if found is None:
            found = app.url_for(endpoint, **values)
            if len(kept) >= KEPT:
                kept.clear()
            kept[key] = found
        return found

    return url_for
