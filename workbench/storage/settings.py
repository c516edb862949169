"""Where the workbench keeps its files, read from the environment the same way by the web
app and the command line (so `workbench ...` never builds the web app to find them)."""

import os
import pathlib
import sys

# The workbench package (this file is in its storage/ folder).
PACKAGE_DIR = pathlib.Path(__file__).resolve().parent.parent


def instance_path() -> pathlib.Path:
    """WORKBENCH_INSTANCE, else instance/ beside a checkout, else <prefix>/var (as Flask does)."""
    configured = os.environ.get("WORKBENCH_INSTANCE")
    if configured:
        return pathlib.Path(configured)
    checkout = PACKAGE_DIR.parent
    if (checkout / "pyproject.toml").is_file():
        return checkout / "instance"
    return pathlib.Path(sys.prefix) / "var" / "workbench-instance"


def database_path() -> pathlib.Path:
    """WORKBENCH_DB, else workbench.db in the instance folder."""
    configured = os.environ.get("WORKBENCH_DB")
    return pathlib.Path(configured) if configured else instance_path() / "workbench.db"
