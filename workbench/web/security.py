"""Cross-site request forgery checks and the security headers on every response."""

import io
import urllib.parse

from flask import abort, current_app, request

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def is_cross_site(req):
    """True when a browser tells us the request came from another site.

    As Datasette does (datasette/csrf.py): browsers send Sec-Fetch-Site on every request,
    and Origin on every POST; a forged form post from another site carries one or both.
    Clients that send neither (curl, scripts) cannot carry a victim's cookies across
    sites, so they pass. https://web.dev/articles/fetch-metadata
    """
    fetch_site = req.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site not in ("same-origin", "none")
    origin = req.headers.get("Origin")
    if origin is None:
        return False
    if origin == "null":
        return True
    expected = urllib.parse.urlsplit(req.host_url)
    actual = urllib.parse.urlsplit(origin)
    return (actual.scheme, actual.netloc) != (expected.scheme, expected.netloc)


def refuse_cross_site_writes():
    if request.method not in SAFE_METHODS and is_cross_site(request):
        abort(403, description="This request came from another site and was refused.")


def refuse_long_chunked_bodies():
    """413 for a chunked body (no Content-Length) over MAX_CONTENT_LENGTH.

    Werkzeug stops reading such a body at the limit and parses what it got, so a form cut
    short was processed as if whole. Read it here, up to one byte past the
    limit: over it is refused; within it, the app reads these bytes with their length.
    """
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if limit is None or "chunked" not in request.headers.get("Transfer-Encoding", "").lower():
        return
    body = request.environ["wsgi.input"].read(limit + 1)
    if len(body) > limit:
        abort(413)
    request.environ["wsgi.input"] = io.BytesIO(body)
    request.environ["wsgi.input_terminated"] = True
    request.environ["CONTENT_LENGTH"] = str(len(body))


def content_security_policy(*script_urls):
    """A CSP with no unsafe-inline and no unsafe-eval: htmx is configured not to need them.

    `script_urls` are the files allowed from elsewhere (htmx and its SSE extension on
    their CDN; None for a copy on this site): a source with a path matches that file only,
    where an origin would allow every file the CDN serves
    (https://www.w3.org/TR/CSP3/#match-paths).
    """
    scripts = " ".join(["'self'", *(url for url in script_urls if url)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            "style-src 'self'",
            "img-src 'self' data:",
            "connect-src 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ]
    )


def add_security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", current_app.config["CONTENT_SECURITY_POLICY"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.endpoint != "static":
        # Pages, API answers and exports hold what only a logged-in user may read: no
        # browser or proxy cache may keep them.
        headers["Cache-Control"] = "no-store"
    return response


def script_source(url):
    """An absolute URL as a CSP source naming that one file; None for a path on this site.

    Its query and fragment are dropped (CSP matches paths only), and ; , and spaces,
    which would end the source, are percent-encoded.
    """
    parts = urllib.parse.urlsplit(url)
    if not (parts.scheme and parts.netloc):
        return None
    path = urllib.parse.quote(parts.path, safe="/%@:+~!$&()*=")
    return f"{parts.scheme}://{parts.netloc}{path}"


def init_app(app):
    app.before_request(refuse_cross_site_writes)
    app.before_request(refuse_long_chunked_bodies)
    app.after_request(add_security_headers)
