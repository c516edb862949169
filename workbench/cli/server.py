"""Setting up and running the workbench: init, serve (gunicorn, under Litestream when
replicating), backup, restore, check."""

import os
import pathlib
import socket
import sqlite3
import sys

import click

from ..memory import matching
from ..review import articles
from ..storage import settings
from ..storage.db import create_private
from ..team import accounts
from .group import cli, command_line_actor, open_database

SAMPLE_ARTICLE = pathlib.Path(__file__).resolve().parent.parent / "sample_article.txt"

SAMPLE_TITLE = "Syrian forces capture Palmyra citadel from Daesh (sample article)"


@cli.command()
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app will be served, for the first-admin link.",
)
def init(base_url):
    """Create the database if needed and import the sample article into an empty one.

    With no users yet, also prints a one-time link (valid 24 hours) that creates the first
    admin account.
    """
    db, path = open_database()
    with db:
        if accounts.count_users(db) == 0:
            token = accounts.create_setup_token(db)
            click.echo(
                f"No users yet. Create the first admin (link valid 24 hours, once):\n"
                f"  {base_url.rstrip('/')}/setup/{token}\n"
                "or run: workbench add-user NAME --role admin"
            )
        if db.execute("select count(*) from articles").fetchone()[0] == 0:
            result = articles.import_article(
                db,
                SAMPLE_ARTICLE.read_text(encoding="utf-8"),
                actor=command_line_actor("workbench init"),
                title=SAMPLE_TITLE,
                source_format="txt",
            )
            click.echo(
                f"Imported the sample article as article {result.article_id} "
                f"({result.claim_count} claims)."
            )
        indexed = matching.index_missing(db)
        if indexed:
            click.echo(
                f"Looked for claims already checked elsewhere among {indexed:,} stored claims."
            )
        click.echo(f"Database ready: {path}")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=int,
    help="Threads per worker that run requests once they are whole.",
)
def serve(host, port, workers, threads):
    """Serve the app with gunicorn, the production server (never the debugger).

    Each worker is an event loop (gunicorn's ASGI worker) that reads every request whole,
    within time limits, before one of its threads runs it, and holds open article pages'
    live-update streams itself: slow clients and open pages take no thread
    (docs/operations.md, "How the server holds connections").

    When WORKBENCH_REPLICA names a replica (a folder, or a URL such as s3://bucket/path),
    Litestream runs alongside and copies every change there within
    WORKBENCH_REPLICA_SYNC_INTERVAL (default 1s); see `workbench restore`.
    """
    from .. import create_app
    from ..storage import replica

    # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default, so anyone on the
    # machine could pass as https; only WORKBENCH_BEHIND_PROXY=1 trusts a proxy.
    trusted = (
        [] if os.environ.get("WORKBENCH_BEHIND_PROXY") == "1" else ["--forwarded-allow-ips", ""]
    )
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        "workbench.web.connection_guard.Worker",
        "--bind",
        f"{host}:{port}",
        "--access-logfile",
        "-",
        # gunicorn's control socket is one per user ($HOME/.gunicorn): a second server
        # would take over the first's. The workbench does not use it.
        "--no-control-socket",
        # Each worker listens on its own socket (SO_REUSEPORT) and the kernel spreads new
        # connections across them; on one shared socket the first worker awake took most
        # of a burst of connections and kept them, leaving the other core idle.
        "--reuse-port",
        *trusted,
        # Each worker process runs the job worker (imports by URL, long imports).
        "--config",
        "python:workbench.web.gunicorn_hooks",
        "workbench.web.asgi:create_asgi_app()",
    ]
    try:
        target = replica.settings_from_environment(os.environ)
        program = gunicorn if target is None else _under_litestream(gunicorn, target)
    except replica.ReplicaError as error:
        raise click.ClickException(str(error)) from None
    _refuse_a_port_in_use(host, port)
    os.environ["WORKBENCH_REQUEST_THREADS"] = str(threads)
    create_app()  # create the database and secret key once, before the workers start
    os.execvp(program[0], program)


def _refuse_a_port_in_use(host, port):
    """Stop with a clear error when something already listens on host:port.

    The workers listen with SO_REUSEPORT, which lets a second server of the same user bind
    the same port and silently take half its connections; a plain bind tells first. (With
    SO_REUSEADDR, as gunicorn binds: a port left in TIME_WAIT by a stopped server is free.)
    """
    if port == 0:
        return
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise click.ClickException(f"Cannot listen on {host}: {error.strerror}.") from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise click.ClickException(
                f"{host}:{port} is in use ({error.strerror}): another server is listening "
                "there. Stop it, or choose another --port."
            ) from None


def _under_litestream(gunicorn, target):
    """`litestream replicate` running gunicorn as its child, once the replica is checked.

    Litestream runs gunicorn rather than beside it: it forwards SIGTERM and SIGINT, syncs
    the last changes once gunicorn has stopped, and stops when gunicorn exits, with no
    supervisor of ours to get wrong. kill -9 of the process group stops both; the README
    (Replication) says what that can lose.
    """
    from ..storage import replica

    binary, version = replica.checked_litestream()
    database = settings.database_path()
    config = replica.write_config(
        settings.instance_path() / replica.CONFIG_NAME, replica.litestream_config(database, target)
    )
    # A new empty database would replace the replica's latest state (seen with Litestream
    # 0.5.17): after a lost disk, restore first.
    if not database.exists() and replica.has_backups(binary, config, database):
        raise click.ClickException(
            f"{database} does not exist, but the replica {target.location} holds a "
            f"backup. Restore it first: workbench restore --to {database}\n"
            "(or set WORKBENCH_REPLICA to a new location to start an empty database)."
        )
    click.echo(
        f"Replicating {database} to {target.location} every "
        f"{target.sync_interval_seconds:g}s with Litestream {version}.",
        err=True,
    )
    return replica.replicate_command(binary, config, gunicorn)


@cli.command()
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help="New database file to create (never overwritten).",
)
@click.option(
    "--replica",
    "replica_location",
    metavar="PATH_OR_URL",
    help="The replica to read (default: WORKBENCH_REPLICA).",
)
@click.option(
    "--timestamp",
    help="Restore the state at this time (ISO 8601, UTC unless a zone "
    "is given) instead of the latest.",
)
def restore(target, replica_location, timestamp):
    """Rebuild a database from its Litestream replica into a new file, then check it.

    Runs SQLite's integrity and foreign-key checks on the copy and prints the result;
    exits 1 if they find a problem. Serve the copy with WORKBENCH_DB (README, Replication).
    """
    from ..storage import replica

    try:
        source = replica.settings_from_environment(os.environ, replica_location)
        if source is None:
            raise replica.ReplicaError(
                "No replica: pass --replica PATH_OR_URL or set WORKBENCH_REPLICA."
            )
        binary, _ = replica.checked_litestream()
        replica.restore(binary, source, pathlib.Path(target), timestamp)
    except replica.ReplicaError as error:
        raise click.ClickException(str(error)) from None
    problems = replica.integrity_problems(pathlib.Path(target))
    if problems:
        raise click.ClickException(
            f"Restored {target}, but it has problems:\n" + "\n".join(problems)
        )
    click.echo(f"Restored {source.location} to {target} (integrity check: ok).")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file):
    """Copy the database to FILE with SQLite's online backup; safe while the app runs."""
    target = pathlib.Path(file)
    if target.exists():
        raise click.ClickException(f"{file} exists; choose a new file name.")
    db, path = open_database()
    create_private(target)  # a copy of the password hashes: owner only, like the original
    with db, sqlite3.connect(target) as copy:
        # The backup API copies a consistent snapshot even while others write.
        # https://www.sqlite.org/backup.html
        db.conn.backup(copy)
    copy.close()
    result = sqlite3.connect(target).execute("pragma integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(f"The copy failed its integrity check: {result}")
    click.echo(f"Backed up {path} to {file} (integrity check: ok).")


@cli.command()
def check():
    """Run SQLite's integrity and foreign-key checks on the database; exit 1 on a problem."""
    db, path = open_database()
    with db:
        problems = [
            row[0] for row in db.execute("pragma integrity_check").fetchall() if row[0] != "ok"
        ]
        problems += [f"foreign key: {row}" for row in db.execute("pragma foreign_key_check")]
    if problems:
        raise click.ClickException(f"{path} has problems:\n" + "\n".join(problems))
    click.echo(f"{path}: ok")
