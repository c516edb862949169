"""What `workbench serve` runs in each gunicorn worker: the Flask app behind an event loop
(web/threaded_wsgi.py), whose live-update streams the loop holds (web/views/live_streams.py)."""

import os
from typing import Any

from .app import create_app
from .threaded_wsgi import ThreadedWSGI

# Threads per worker for requests (`workbench serve --threads`).
DEFAULT_THREADS = 16


class ServedApp:
    """An ASGI application: HTTP requests to the Flask app in threads; lifespan events
    start and stop them."""

    def __init__(self, flask_app: Any, threads: int) -> None:
        self.flask_app = flask_app
        self.config = flask_app.config
        self.requests = ThreadedWSGI(flask_app, threads, flask_app.config["MAX_CONTENT_LENGTH"])

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            await self.requests(scope, receive, send)
        elif scope["type"] == "lifespan":
            await self._lifespan(receive, send)

    async def _lifespan(self, receive: Any, send: Any) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                self.requests.close()
                await send({"type": "lifespan.shutdown.complete"})
                return


def create_asgi_app() -> ServedApp:
    """The app as gunicorn's ASGI worker loads it (`workbench.web.asgi:create_asgi_app()`)."""
    threads = int(os.environ.get("WORKBENCH_REQUEST_THREADS", str(DEFAULT_THREADS)))
    return ServedApp(create_app(), threads)
