"""One URL, two representations (the Hypermedia Systems contact app): an htmx request
gets the partial it swaps in, a plain request the full page or a 303 redirect. Responses
that differ on it say so with `Vary: HX-Request`."""

from urllib.parse import urlsplit

from flask import Response, redirect, render_template, request
from werkzeug.wrappers import Response as BaseResponse


def is_htmx() -> bool:
    """An htmx request that wants a partial (a boosted one wants the whole page)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")


def render_page_or_partial(
    page_template: str, partial_template: str, http_status: int = 200, **context
) -> Response:
    """The partial for htmx, the full page otherwise; caches must keep them apart."""
    template = partial_template if is_htmx() else page_template
    response = Response(render_template(template, **context), status=http_status)
    response.headers["Vary"] = "HX-Request"
    return response


def render_partial(template: str, http_status: int = 200, **context) -> Response:
    """A partial for htmx (the same URL answers plain requests differently)."""
    response = Response(render_template(template, **context), status=http_status)
    response.headers["Vary"] = "HX-Request"
    return response


def redirect_after_write(url: str) -> BaseResponse:
    """303 See Other: the browser fetches the page to show with a GET."""
    return redirect(url, code=303)


def referring_path() -> str | None:
    """The path and query of the page on this site a form was posted from (its Referer),
    or None. Rows on a long page carry no return address of their own: the browser's
    Referer says where the reviewer was (Referrer-Policy same-origin sends it here)."""
    referrer = urlsplit(request.headers.get("Referer", ""))
    if referrer.netloc != request.host or referrer.scheme not in ("http", "https"):
        return None
    path = referrer.path + (f"?{referrer.query}" if referrer.query else "")
    return path if path.startswith("/") and not path.startswith("//") else None


def navigate(location: str) -> BaseResponse:
    """After a write that leads to another page: htmx is told to go there (a full page
    load, HX-Redirect), a plain form post gets a 303."""
    if is_htmx():
        response = Response(status=200, headers={"HX-Redirect": location})
        response.headers["Vary"] = "HX-Request"
        return response
    return redirect(location, code=303)
