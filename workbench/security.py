"""Cross-site request forgery checks and the security headers on every response."""

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


def content_security_policy(script_urls):
    """A CSP with no unsafe-inline and no unsafe-eval: htmx is configured not to need them.

    Scripts from elsewhere are allowed by their exact URL (htmx and its SSE extension on
    the CDN), never by the CDN's whole origin; a URL on this site is covered by 'self'.
    """
    outside = [url for url in script_urls if origin_of(url)]
    scripts = " ".join(["'self'", *outside])
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
    return response


def origin_of(url):
    """scheme://host[:port] of an absolute URL, or None for a path on this site."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme and parts.netloc:
        return f"{parts.scheme}://{parts.netloc}"
    return None


def init_app(app):
    app.before_request(refuse_cross_site_writes)
    app.after_request(add_security_headers)
