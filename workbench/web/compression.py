"""gzip for pages and partials, when the browser accepts it (an article page of
100 claims is about 130 KB of HTML and about 15 KB compressed).

Streamed responses (exports) are left as they are: compressing them would need the whole
body first, and they are downloads the browser saves, not pages it waits to draw.
"""

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024
LEVEL = 5  # most of level 9's saving for a third of its time on HTML
COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/plain",
    "application/json",
    "image/svg+xml",
    "application/javascript",
    "text/javascript",
)


def compress(response: Response) -> Response:
    """Gzip the response body when it is worth it and the client said it accepts gzip."""
    if (
        response.direct_passthrough
        or response.is_streamed
        or response.status_code < 200
        or response.status_code in (204, 304)
        or "Content-Encoding" in response.headers
        or response.mimetype not in COMPRESSIBLE
        or "gzip" not in request.headers.get("Accept-Encoding", "").lower()
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
