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
from .words import _, said

SAMPLE_ARTICLE = pathlib.Path(__file__).resolve().parent.parent / "sample_article.txt"

SAMPLE_TITLE = "Syrian forces capture Palmyra citadel from Daesh (sample article)"


@cli.command(
    help=_(
        "Create the database if needed and import the sample article into an empty "
        "one.\n\nWith no users yet, also prints a one-time link (valid 24 hours) that "
        "creates the first admin account."
    ),
)
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help=_("Where the app will be served, for the first-admin link."),
)
def init(base_url):
    db, path = open_database()
    with db:
        if accounts.count_users(db) == 0:
            token = accounts.create_setup_token(db)
            click.echo(
                _("No users yet. Create the first admin (link valid 24 hours, once):")
                + f"\n  {base_url.rstrip('/')}/setup/{token}\n"
                + _("or run: workbench add-user NAME --role admin")
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
                _("Imported the sample article as article %(id)s (%(count)s claims).")
                % {"id": result.article_id, "count": result.claim_count}
            )
        indexed = matching.index_missing(db)
        if indexed:
            click.echo(
                _("Looked for claims already checked elsewhere among %(count)s stored claims.")
                % {"count": f"{indexed:,}"}
            )
        click.echo(_("Database ready: %(path)s") % {"path": path})


@cli.command(
    help=_(
        "Serve the app with gunicorn, the production server (never the "
        "debugger).\n\nEach worker is an event loop (gunicorn's ASGI worker) that reads "
        "every request whole, within time limits, before one of its threads runs it, "
        "and holds open article pages' live-update streams itself: slow clients and "
        'open pages take no thread (docs/operations.md, "How the server holds '
        'connections").\n\nWhen WORKBENCH_REPLICA names a replica (a folder, or a URL '
        "such as s3://bucket/path), Litestream runs alongside and copies every change "
        "there within WORKBENCH_REPLICA_SYNC_INTERVAL (default 1s); see `workbench "
        "restore`."
    ),
)
@click.option("--host", default="127.0.0.1", show_default=True, help=_("Address to listen on."))
@click.option("--port", default=5000, show_default=True, type=int, help=_("Port to listen on."))
@click.option("--workers", default=2, show_default=True, type=int, help=_("Worker processes."))
@click.option(
    "--threads",
    default=16,
    show_default=True,
    type=int,
    help=_(
        "Threads per worker at most for requests once they are whole "
        "(WORKBENCH_RUNNING_THREADS take them; one more for each waiting on a slow reader "
        "or running long)."
    ),
)
def serve(host, port, workers, threads):
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
        raise click.ClickException(said(error)) from None
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
        family, kind, proto, _name, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE
        )[0]
    except socket.gaierror as error:
        raise click.ClickException(
            _("Cannot listen on %(host)s: %(reason)s.") % {"host": host, "reason": error.strerror}
        ) from None
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            raise click.ClickException(
                _(
                    "%(host)s:%(port)s is in use (%(reason)s): another server is listening "
                    "there. Stop it, or choose another --port."
                )
                % {"host": host, "port": port, "reason": error.strerror}
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
            _(
                "%(database)s does not exist, but the replica %(replica)s holds a backup. "
                "Restore it first: workbench restore --to %(database)s"
            )
            % {"database": database, "replica": target.location}
            + "\n"
            + _("(or set WORKBENCH_REPLICA to a new location to start an empty database).")
        )
    click.echo(
        _("Replicating %(database)s to %(replica)s every %(seconds)ss with Litestream %(version)s.")
        % {
            "database": database,
            "replica": target.location,
            "seconds": f"{target.sync_interval_seconds:g}",
            "version": version,
        },
        err=True,
    )
    return replica.replicate_command(binary, config, gunicorn)


@cli.command(
    help=_(
        "Rebuild a database from its Litestream replica into a new file, then check "
        "it.\n\nRuns SQLite's integrity and foreign-key checks on the copy and prints "
        "the result; exits 1 if they find a problem. Serve the copy with WORKBENCH_DB "
        "(README, Replication)."
    ),
)
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(dir_okay=False),
    help=_("New database file to create (never overwritten)."),
)
@click.option(
    "--replica",
    "replica_location",
    metavar="PATH_OR_URL",
    help=_("The replica to read (default: WORKBENCH_REPLICA)."),
)
@click.option(
    "--timestamp",
    help=_(
        "Restore the state at this time (ISO 8601, UTC unless a zone "
        "is given) instead of the latest."
    ),
)
def restore(target, replica_location, timestamp):
    from ..storage import replica

    try:
        source = replica.settings_from_environment(os.environ, replica_location)
        if source is None:
            raise replica.ReplicaError(
                _("No replica: pass --replica PATH_OR_URL or set WORKBENCH_REPLICA.")
            )
        binary = replica.checked_litestream()[0]
        replica.restore(binary, source, pathlib.Path(target), timestamp)
    except replica.ReplicaError as error:
        raise click.ClickException(said(error)) from None
    problems = replica.integrity_problems(pathlib.Path(target))
    if problems:
        raise click.ClickException(
            _("Restored %(file)s, but it has problems:") % {"file": target}
            + "\n"
            + "\n".join(problems)
        )
    click.echo(
        _("Restored %(replica)s to %(file)s (integrity check: ok).")
        % {"replica": source.location, "file": target}
    )


@cli.command(
    help=_("Copy the database to FILE with SQLite's online backup; safe while the app runs."),
)
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file):
    target = pathlib.Path(file)
    if target.exists():
        raise click.ClickException(_("%(file)s exists; choose a new file name.") % {"file": file})
    db, path = open_database()
    create_private(target)  # a copy of the password hashes: owner only, like the original
    with db, sqlite3.connect(target) as copy:
        # The backup API copies a consistent snapshot even while others write.
        # https://www.sqlite.org/backup.html
        db.conn.backup(copy)
    copy.close()
    result = sqlite3.connect(target).execute("pragma integrity_check").fetchone()[0]
    if result != "ok":
        raise click.ClickException(
            _("The copy failed its integrity check: %(result)s") % {"result": result}
        )
    click.echo(
        _("Backed up %(database)s to %(file)s (integrity check: ok).")
        % {"database": path, "file": file}
    )


@cli.command(
    help=_("Run SQLite's integrity and foreign-key checks on the database; exit 1 on a problem."),
)
def check():
    db, path = open_database()
    with db:
        problems = [
            row[0] for row in db.execute("pragma integrity_check").fetchall() if row[0] != "ok"
        ]
        problems += [
            _("foreign key: %(row)s") % {"row": row}
            for row in db.execute("pragma foreign_key_check")
        ]
    if problems:
        raise click.ClickException(
            _("%(database)s has problems:") % {"database": path} + "\n" + "\n".join(problems)
        )
    click.echo(f"{path}: ok")
