"""htmx and its SSE extension served by the workbench itself, for a desk without internet.

WORKBENCH_HTMX_DIR names a folder holding the two pinned files as `make htmx` fetches them
from the npm registry (htmx-2.0.11.min.js, htmx-ext-sse-2.2.4.min.js). Each is checked at
start against the same SHA-384 the pages name for the CDN copy (a file that differs stops
the start with the reason), kept in memory, and answered at a path of its own; the pages
then load it from there, with the same integrity attribute. Served ahead of the app (a
small WSGI layer), so the login page loads it without a session, and only these two paths
are answered: nothing else of the folder is reachable.
"""

import base64
import hashlib
import pathlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


class LocalHtmxError(ValueError):
    """WORKBENCH_HTMX_DIR names a folder whose files are missing or not the pinned ones."""


@dataclass(frozen=True)
class PinnedScript:
    filename: str  # as `make htmx` names it in the folder
    path: str  # where the pages load it from on this site
    integrity: str  # "sha384-…", as in the pages' integrity attribute


def sha384_integrity(body: bytes) -> str:
    """The Subresource Integrity value of `body`."""
    return "sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode("ascii")


def load(folder: str, scripts: Iterable[PinnedScript]) -> dict[str, bytes]:
    """{path: bytes} of each script in `folder`, after checking it is the pinned file."""
    found = {}
    for script in scripts:
        file = pathlib.Path(folder) / script.filename
        if not file.is_file():
            raise LocalHtmxError(
                f"WORKBENCH_HTMX_DIR is {folder}, which has no {script.filename}: run "
                "`make htmx` (it fetches the pinned files into .cache/) and point the "
                "setting at that folder."
            )
        body = file.read_bytes()
        if sha384_integrity(body) != script.integrity:
            raise LocalHtmxError(
                f"{file} is not the pinned file (its SHA-384 differs from {script.integrity}): "
                "fetch it again with `make htmx`."
            )
        found[script.path] = body
    return found


WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class LocalScripts:
    """WSGI layer: answers GET and HEAD of the pinned scripts' paths, passes the rest on."""

    def __init__(self, app: WsgiApp, files: dict[str, bytes]) -> None:
        self.app = app
        self.files = files

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        body = self.files.get(environ.get("PATH_INFO", ""))
        if body is None or environ.get("REQUEST_METHOD") not in ("GET", "HEAD"):
            return self.app(environ, start_response)
        start_response(
            "200 OK",
            [
                ("Content-Type", "application/javascript; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("X-Content-Type-Options", "nosniff"),
                # The path names the version: the file never changes under it.
                ("Cache-Control", "public, max-age=31536000, immutable"),
            ],
        )
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]
