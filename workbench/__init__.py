"""The source-claim verification workbench: Flask and SQLite, in layers that are folders
(docs/architecture.md). `create_app` builds the web application."""

from .web.app import create_app

__all__ = ["create_app"]
