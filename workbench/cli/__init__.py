"""The `workbench` command, one module per area: setting up and serving (server.py),
articles, exports, accounts, the desk, and what the workbench remembers (memory.py).
group.py holds the command group and what its commands share."""

from . import accounts, articles, desk, exports, memory, server  # noqa: F401  (their commands)
from .group import cli

__all__ = ["cli"]
