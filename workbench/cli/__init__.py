"""The `workbench` command: set up, import, export, extract, serve."""

import json
import os
import pathlib
import socket
import sqlite3
import sys

import click

from ..errors import AccountError, ArticleNotFound, ArticleRejected, InvalidInput, NoteNotFound
from ..exports import ExportStats, claimreview, csv_rows, json_document, manifest
from ..intake import archive, importing, snapshots
from ..intake.fetch import FetchRefused
from ..memory import matching
from ..review import articles, notes, search, versions
from ..storage import settings
from ..storage.db import create_private, open_migrated
from ..team import accounts
from ..text.attribution import detect_sources
from ..text.cleaning import SUPPORTED_SUFFIXES, document_from_upload
from ..text.flags import claim_flags
from ..text.splitter import split_claims
from ..version import __version__

SAMPLE_ARTICLE = pathlib.Path(__file__).resolve().parent.parent / "sample_article.txt"
# Threads of each worker that live-update streams never take (workbench serve).
STREAM_RESERVE = 8
SAMPLE_TITLE = "Syrian forces capture Palmyra citadel from Daesh (sample article)"


def _read_article_file(file):
    """(text, source_format) of a file argument; - is stdin, other suffixes read as text."""
    document, _ = _read_article_document(file)
    return document.text, document.source_format


def _read_article_document(file):
    """(ImportedDocument, snapshots.Source) of a file argument (- is stdin)."""
    if file == "-":
        name, data = "stdin.txt", sys.stdin.buffer.read()
    else:
        path = pathlib.Path(file)
        if not path.is_file():
            raise click.BadParameter(
                f"{file} is not a file (nor an http or https link).", param_hint="FILE"
            )
        name, data = path.name, path.read_bytes()
    if pathlib.PurePath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        name += ".txt"
    try:
        document = document_from_upload(name, data)
    except ArticleRejected as error:
        raise click.ClickException(str(error)) from None
    return document, snapshots.Source.from_upload(name, data, document.content_type)


def _fetch_article_document(url):
    """(ImportedDocument, snapshots.Source) of a link, fetched now."""
    try:
        return importing.fetch_document(url)
    except (FetchRefused, ArticleRejected) as error:
        raise click.ClickException(str(error)) from None


def _print_found(document, source):
    """What the page says about itself, on stderr (stdout carries only the article's id)."""
    found = document.metadata
    lines = [
        (
            "Fetched",
            source.final_url
            and f"{source.final_url} (HTTP {source.http_status}, "
            f"{source.content_type}, {len(source.raw):,} bytes)",
        ),
        ("Title", found.title),
        ("Author(s)", "; ".join(found.authors)),
        ("Published", found.published_on),
        ("Site", found.site_name),
        ("Canonical URL", found.canonical_url),
    ]
    shown = [(label, value) for label, value in lines if value]
    if shown:
        click.echo("\n".join(f"{label + ':':15}{value}" for label, value in shown), err=True)


# Where the terminal's bar stands as each stage of an import starts.
_STAGE_PERCENT = {
    "fetching": 5,
    "extracting": 30,
    "splitting": 45,
    "finding sources": 70,
    "storing": 95,
}


def _stdout_is_terminal():
    return sys.stdout.isatty()


class _ImportProgress:
    """A progress bar with the stage's name on a terminal; nothing when stdout is piped."""

    def __init__(self):
        self.bar = (
            click.progressbar(length=100, label=f"{'Starting':16}", file=sys.stdout, width=30)
            if _stdout_is_terminal()
            else None
        )

    def __enter__(self):
        if self.bar:
            self.bar.__enter__()
        return self

    def __exit__(self, *exc):
        if self.bar:
            if exc[0] is None:
                self.stage("done", 100)
            self.bar.__exit__(*exc)

    def stage(self, name, percent=None):
        if self.bar:
            self.bar.label = f"{name.capitalize():16}"
            self.bar.update((percent or _STAGE_PERCENT[name]) - self.bar.pos)


def _database():
    """The configured database, with its schema up to date (creating it if needed)."""
    path = settings.database_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return open_migrated(path), str(path)


def _command_line_actor(name):
    """Who the history names for a change made from the command line (no account needed)."""
    return accounts.User(id=0, username=name, role="admin")


def _read_password(password_stdin):
    """A new password from stdin (one line) or an interactive prompt typed twice."""
    if password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(version=__version__, prog_name="workbench")
def cli():
    """Source-claim verification workbench.

    Splits news articles into claims, lets a team review them in the browser, and exports
    the results. The database is instance/workbench.db unless WORKBENCH_DB names another.
    """


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
    db, path = _database()
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
                actor=_command_line_actor("workbench init"),
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


@cli.command("import")
@click.argument("file")
@click.option("--title", help="Title to show (default: the page's title, else the first line).")
@click.option(
    "--author",
    "authors",
    multiple=True,
    help="An author's name; repeat for several (default: the page's authors).",
)
@click.option("--publisher", help="Who published the article (default: the page's site name).")
@click.option(
    "--url",
    help="Where the article was published, http or https (default: the page's canonical URL).",
)
@click.option("--date", "published_on", help="Publication date, YYYY-MM-DD (default: the page's).")
@click.option(
    "--by",
    "imported_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help="Name recorded as the importer.",
)
@click.option(
    "--new-version-of",
    "new_version_of",
    type=click.IntRange(min=1),
    metavar="ID",
    help="FILE is a new version of article ID: its claims move to the new text.",
)
def import_(file, title, authors, publisher, url, published_on, imported_by, new_version_of):
    """Import FILE and print the article's id.

    FILE is a text, Markdown or .html file, - for stdin, or an http(s) link to fetch (the
    fetcher's rules apply: no internal addresses unless WORKBENCH_FETCH_ALLOW names them).
    What the page says about itself (title, authors, date, site, canonical URL) is printed
    on stderr and used where no option is given; the file or page is kept as the article's
    snapshot. On a terminal, a bar shows each stage. The same text imported twice is one
    article: the existing id is printed and nothing is added. With --new-version-of ID, or
    a URL an article was imported from, it becomes that article's next version: its claims
    move to the new text, and what changed is printed on stderr. Exits with status 1 and a
    message when it cannot be imported.
    """
    given = {
        "title": title,
        "authors": list(authors) or None,
        "publisher": publisher,
        "url": url,
        "published_on": published_on,
    }
    with _ImportProgress() as progress:
        if importing.looks_like_a_link(file):
            progress.stage("fetching")
            document, source = _fetch_article_document(file.strip())
        else:
            progress.stage("extracting")
            document, source = _read_article_document(file)
        db, _ = _database()
        with db:
            target = new_version_of or versions.article_for_url(db, url or source.final_url)
            if target is not None:
                _import_version(db, target, document.text, document.source_format, imported_by)
                return
            try:
                result = importing.import_document(
                    db,
                    document,
                    source,
                    given,
                    _command_line_actor(imported_by),
                    on_stage=progress.stage,
                )
            except ArticleRejected as error:
                raise click.ClickException(str(error)) from None
    _print_found(document, source)
    if result.deleted:
        raise click.ClickException(
            f"This text is article {result.article_id}, which was deleted; nothing was "
            f"imported. Restore it with: workbench restore-article {result.article_id}"
        )
    if not result.created:
        click.echo(f"Already imported as article {result.article_id}; nothing added.", err=True)
    click.echo(result.article_id)


def _import_version(db, article_id, text, source_format, imported_by):
    """Import a new version of an article and say what it changed."""
    try:
        result = versions.import_new_version(
            db,
            article_id,
            text,
            actor=_command_line_actor(imported_by),
            source_format=source_format,
        )
    except ArticleNotFound:
        raise click.ClickException(f"There is no article {article_id}.") from None
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    if not result.created:
        click.echo(
            f"Article {article_id} has this text already (version {result.number}); "
            "nothing changed.",
            err=True,
        )
    else:
        click.echo(
            f"Version {result.number} of article {article_id}: {result.changed} changed, "
            f"{result.removed} removed, {result.added} new, {result.kept} unchanged "
            f"({result.moved} moved).",
            err=True,
        )
    click.echo(article_id)


@cli.command("restore-article")
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--by",
    "restored_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help="Name recorded as the one who restored it.",
)
def restore_article(article_id, restored_by):
    """Restore deleted article ARTICLE_ID, with its claims, notes and history."""
    db, _ = _database()
    with db:
        try:
            article = articles.restore_article(db, article_id, _command_line_actor(restored_by))
        except ArticleNotFound:
            raise click.ClickException(f"There is no article {article_id}.") from None
        except InvalidInput as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Restored article {article_id}: {article['title']}")


@cli.group()
def evidence():
    """Evidence links: kept copies against link rot."""


@evidence.command("check")
def evidence_check():
    """Fetch every evidence link again and report the dead, moved and changed ones.

    Each link is compared with its archive (the copy kept when it was first added): dead
    (it cannot be fetched, or answers 4xx/5xx), moved (another final address), changed
    (other bytes; the words it gained and lost are shown). A link with no archive yet is
    archived now. The fetcher's rules apply (WORKBENCH_FETCH_ALLOW for internal hosts).
    Exits 1 when a link is dead, moved or changed.
    """
    db, _ = _database()
    with db:
        results = archive.check_all(
            db,
            on_link=lambda number, total, result: click.echo(
                f"[{number}/{total}] {result.summary()}"
            ),
        )
    problems = [r for r in results if r.state in ("dead", "moved", "changed")]
    click.echo(
        f"{len(results)} links: "
        + ", ".join(
            f"{sum(1 for r in results if r.state == state)} {state}" for state in archive.STATES
        )
    )
    if problems:
        sys.exit(1)


@cli.command("export")
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help="Only this article's claims (default: every article).",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["csv", "json", "claimreview"]),
    default="csv",
    show_default=True,
    help="CSV rows, the full JSON, or ClaimReview JSON-LD.",
)
@click.option("--status", help="Only claims with this status.")
@click.option("--flag", help="Only claims with this flag.")
@click.option("--kind", help="Only claims whose source is of this kind.")
@click.option(
    "--source",
    help="Only claims of this source (a key from the Sources page, e.g. 'person:jane doe').",
)
@click.option("--search", "q", help="Only claims matching these words (claim, source or notes).")
@click.option("--assignee", help="Only claims assigned to this user.")
@click.option("--decision", help="Only claims in this decision state (proposed, approved, ...).")
@click.option("--excel", is_flag=True, help="CSV for Excel: start with a UTF-8 byte-order mark.")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app is served, for the claim links in ClaimReview.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    help="Write to this file instead of standard output.",
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write a manifest (rows, SHA-256, bytes, filters, time) to this file.",
)
def export_(
    article_id,
    export_format,
    status,
    flag,
    kind,
    source,
    q,
    assignee,
    decision,
    excel,
    base_url,
    output,
    manifest_path,
):
    """Export claims (CSV by default; columns in the README), filtered like the search page."""
    try:
        claim_filter = search.parse_filter(
            {
                "article": str(article_id) if article_id else None,
                "status": status,
                "flag": flag,
                "kind": kind,
                "q": q,
                "source": source,
                "assignee": assignee,
                "decision": decision,
            }
        )
    except InvalidInput as error:
        raise click.ClickException(str(error)) from None
    db, _ = _database()
    with db:
        if article_id is not None:
            try:
                articles.get_article(db, article_id)
            except ArticleNotFound:
                raise click.ClickException(f"There is no article {article_id}.") from None
        stats = ExportStats()
        if export_format == "csv":
            chunks = csv_rows.iter_csv(db, claim_filter, stats, excel=excel)
        elif export_format == "json":
            chunks = json_document.iter_json(db, claim_filter, stats)
        else:
            chunks = claimreview.iter_claim_reviews(
                db,
                claim_filter,
                lambda claim_id: f"{base_url.rstrip('/')}/claims/{claim_id}",
                os.environ.get("WORKBENCH_ORGANIZATION", "Claim workbench"),
                stats,
            )
        with click.open_file(output, "wb") as target:
            digest, size = manifest.write_export(chunks, target)
    if manifest_path:
        name = "-" if output == "-" else pathlib.Path(output).name
        record = manifest.build_manifest(
            export_format, name, claim_filter, stats.rows, digest, size
        )
        pathlib.Path(manifest_path).write_text(json.dumps(record, indent=2) + "\n")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("manifest_file", type=click.Path(exists=True, dir_okay=False))
def verify(file, manifest_file):
    """Check an exported FILE against its MANIFEST_FILE; exit 1 if it was truncated or altered."""
    problems = manifest.verify(
        pathlib.Path(file).read_bytes(), json.loads(pathlib.Path(manifest_file).read_text())
    )
    if problems:
        raise click.ClickException(
            f"{file} does not match its manifest:\n  " + "\n  ".join(problems)
        )
    click.echo(f"{file}: matches its manifest.")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def extract(file):
    """Print the claims of a text file as JSON, touching no database.

    Each claim is {"index", "text", "start", "end", "attribution", "flags",
    "candidates"}, where text == file_text[start:end]; attribution is {"text", "kind",
    "start", "end", "medium", "method", "candidates"} or null (the article's own
    assertion); method says how the source was found (rule, parse, entity,
    back-reference, quotation); candidates are the other sources the sentence names. The
    same splitter and source detection as the app. HTML files are reduced to their
    visible text first.
    """
    text, _ = _read_article_file(file)
    _note_rules_only()
    spans = split_claims(text)
    claims = []
    for span, (source, candidates) in zip(spans, detect_sources(text, spans), strict=True):
        claims.append(
            {
                **span.as_dict(),
                "attribution": source.as_dict() if source else None,
                "flags": claim_flags(span.text, source.kind if source else "none"),
                "candidates": [
                    dict(zip(("text", "kind", "start", "end"), candidate, strict=True))
                    for candidate in candidates
                ],
            }
        )
    click.echo(json.dumps(claims, ensure_ascii=False, indent=2))


def _note_rules_only():
    """Say on stderr when sources come from the rules alone (the model is absent)."""
    from ..text import spacy_model

    reason = spacy_model.rules_only_reason()
    if reason is not None:
        click.echo(f"Note: sources found by the rules alone: {reason}.", err=True)


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option(
    "--threads",
    default=40,
    show_default=True,
    type=int,
    help="Threads per worker; all but 8 may hold live-update streams.",
)
def serve(host, port, workers, threads):
    """Serve the app with gunicorn, the production WSGI server (never the debugger).

    Each open article page holds one thread for its live-update stream; a worker lets
    streams take at most its threads less 8 (WORKBENCH_STREAM_SLOTS overrides), so saving
    never waits behind them (docs/architecture.md, "Live updates").

    When WORKBENCH_REPLICA names a replica (a folder, or a URL such as s3://bucket/path),
    Litestream runs alongside and copies every change there within
    WORKBENCH_REPLICA_SYNC_INTERVAL (default 1s); see `workbench restore`.
    """
    from .. import create_app
    from ..storage import replica

    # gunicorn believes X-Forwarded-Proto from 127.0.0.1 by default, so anyone on the
    # machine could pass as https (issue 10); only WORKBENCH_BEHIND_PROXY=1 trusts a proxy.
    trusted = (
        [] if os.environ.get("WORKBENCH_BEHIND_PROXY") == "1" else ["--forwarded-allow-ips", ""]
    )
    gunicorn = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--worker-class",
        "gthread",
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
        "workbench:create_app()",
    ]
    try:
        target = replica.settings_from_environment(os.environ)
        program = gunicorn if target is None else _under_litestream(gunicorn, target)
    except replica.ReplicaError as error:
        raise click.ClickException(str(error)) from None
    _refuse_a_port_in_use(host, port)
    os.environ.setdefault("WORKBENCH_STREAM_SLOTS", str(max(threads - STREAM_RESERVE, 1)))
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


@cli.command("add-user")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(accounts.ROLES),
    default="reviewer",
    show_default=True,
    help="viewer: read and export; reviewer: also tag, note, add evidence; "
    "editor: also assign, approve and adjudicate; "
    "admin: also import, delete and manage users.",
)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def add_user(name, role, password_stdin):
    """Add a user called NAME (asks for the password, 8 to 128 characters)."""
    db, _ = _database()
    with db:
        try:
            user = accounts.create_user(db, name, _read_password(password_stdin), role)
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Added {user.username} ({user.role}).")


@cli.command("set-password")
@click.argument("name")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def set_password(name, password_stdin):
    """Set NAME's password and log them out everywhere."""
    db, _ = _database()
    with db:
        try:
            accounts.set_password(db, name, _read_password(password_stdin))
        except AccountError as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Password changed for {name}; their sessions have ended.")


@cli.command("list-users")
def list_users():
    """List every user with their role."""
    db, _ = _database()
    with db:
        for user in accounts.list_users(db):
            click.echo(f"{user.username}\t{user.role}")


@cli.command("purge-note")
@click.argument("note_id", type=click.IntRange(min=1))
@click.option(
    "--by",
    "purged_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help="Name recorded as the admin who purged it.",
)
def purge_note(note_id, purged_by):
    """Replace the text of note NOTE_ID everywhere it is kept (note, history, search).

    For a secret pasted by mistake. The history records that it was purged, by whom and
    when, not what. Backups made before keep the text.
    """
    db, _ = _database()
    with db:
        try:
            notes.purge_note(db, note_id, _command_line_actor(purged_by))
        except NoteNotFound:
            raise click.ClickException(f"There is no note {note_id}.") from None
    click.echo(f"Purged the text of note {note_id}.")


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def backup(file):
    """Copy the database to FILE with SQLite's online backup; safe while the app runs."""
    target = pathlib.Path(file)
    if target.exists():
        raise click.ClickException(f"{file} exists; choose a new file name.")
    db, path = _database()
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
    db, path = _database()
    with db:
        problems = [
            row[0] for row in db.execute("pragma integrity_check").fetchall() if row[0] != "ok"
        ]
        problems += [f"foreign key: {row}" for row in db.execute("pragma foreign_key_check")]
    if problems:
        raise click.ClickException(f"{path} has problems:\n" + "\n".join(problems))
    click.echo(f"{path}: ok")


@cli.command()
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help="Folder of labelled JSON texts (in a checkout: tests/data).",
)
def evaluate(data_dir):
    """Measure the splitter and source detection against labelled texts; print a table.

    Sentence-boundary precision, recall and F1; attribution kind accuracy and span match.
    Exits 1 when a figure misses its target.
    """
    from ..text import evaluate as evaluation

    _note_rules_only()
    results = evaluation.evaluate(pathlib.Path(data_dir))
    click.echo(evaluation.format_table(results))
    if not all(check["passed"] for check in results["targets"].values()):
        sys.exit(1)


# --- the desk (issue 14) -----------------------------------------------------------------


def _acting_user(db, name, role):
    """The user called NAME, who must have `role` (the history names them)."""
    user = accounts.find_user(db, name)
    if user is None:
        raise click.ClickException(f"There is no user called {name}.")
    if not user.can(role):
        raise click.ClickException(f"{user.username} is a {user.role}; this needs the {role} role.")
    return user


def _claim_range(claims_range):
    """(first, last) from "3-9", "4" or None."""
    if not claims_range:
        return None, None
    first, _, last = claims_range.partition("-")
    try:
        return int(first), int(last or first)
    except ValueError:
        raise click.ClickException("--claims is a position or a range such as 3-9.") from None


def _desk_call(action):
    """Run a desk action, turning its refusals into exit messages."""
    from ..errors import ArticleNotFound, ClaimNotFound, NotAllowed, VersionConflict

    try:
        return action()
    except (InvalidInput, NotAllowed) as error:
        raise click.ClickException(str(error)) from None
    except (ArticleNotFound, ClaimNotFound) as error:
        raise click.ClickException(f"Not found: {error}.") from None
    except VersionConflict:
        raise click.ClickException("The claim changed meanwhile; look again.") from None


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--to",
    "reviewers",
    multiple=True,
    required=True,
    help="A reviewer to assign (repeat for several).",
)
@click.option("--claims", "claims_range", help="Only these positions, e.g. 3-9 (default: all).")
@click.option("--by", "editor", required=True, help="The editor assigning (an existing user).")
def assign(article_id, reviewers, claims_range, editor):
    """Assign an article's claims (all, or a range) to one or more reviewers."""
    from ..team import assignments

    first, last = _claim_range(claims_range)
    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        result = _desk_call(
            lambda: assignments.assign(db, article_id, list(reviewers), user, first, last)
        )
    click.echo(
        f"Assigned {result.claims} claims to {', '.join(reviewers)} "
        f"({result.added} new assignments)."
    )


@cli.command()
@click.argument("name")
def queue(name):
    """Print NAME's queue: claims assigned to them and not yet done, oldest first."""
    from ..team import assignments

    db, _ = _database()
    with db:
        for item in assignments.queue(db, name):
            click.echo(
                f"{item['id']}\tarticle {item['article_id']}\tclaim {item['position']}\t"
                f"{item['status']}\t{item['text'][:80]}"
            )


@cli.command()
@click.argument("setting", type=click.Choice(["on", "off", "desk"]))
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help="Set it for this article only (desk: follow the desk-wide setting).",
)
@click.option("--by", "editor", required=True, help="The editor changing it.")
def approval(setting, article_id, editor):
    """Say whether reviewers' decisions need an editor's approval (desk-wide or per article)."""
    from ..desk import decisions

    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        if article_id is None:
            if setting == "desk":
                raise click.ClickException("“desk” is a choice for one article: add --article.")
            decisions.set_desk_needs_approval(db, setting == "on", user)
        else:
            _desk_call(lambda: decisions.set_article_choice(db, article_id, setting, user))
    click.echo(
        f"Decisions need approval{'' if article_id is None else f' on article {article_id}'}: "
        f"{setting}."
    )


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--claim",
    "claim_id",
    type=click.IntRange(min=1),
    help="Approve this claim only (default: every proposed decision of the article).",
)
@click.option("--by", "editor", required=True, help="The editor approving.")
def approve(article_id, claim_id, editor):
    """Approve proposed decisions: an article's all at once, or one claim's."""
    from ..desk import decisions

    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        if claim_id is None:
            count = _desk_call(lambda: decisions.approve_all(db, article_id, user))
        else:
            _desk_call(lambda: decisions.approve(db, claim_id, user))
            count = 1
    click.echo(f"Approved {count} decision{'' if count == 1 else 's'}.")


@cli.command("return")
@click.argument("claim_id", type=click.IntRange(min=1))
@click.option("--note", required=True, help="Why the decision goes back (kept as a note).")
@click.option("--by", "editor", required=True, help="The editor returning it.")
def return_(claim_id, note, editor):
    """Return a proposed decision to its reviewer with a note."""
    from ..desk import decisions

    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        _desk_call(lambda: decisions.return_decision(db, claim_id, note, user))
    click.echo(f"Returned claim {claim_id}.")


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--reviewer",
    "reviewers",
    multiple=True,
    required=True,
    help="A blind reviewer (repeat: two or more).",
)
@click.option("--by", "editor", required=True, help="The editor starting it.")
def blind(article_id, reviewers, editor):
    """Start a blind double review: each reviewer decides every claim, unseen by the others."""
    from ..desk import blind as blind_review

    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        review = _desk_call(lambda: blind_review.start(db, article_id, list(reviewers), user))
    click.echo(f"Blind double review of article {article_id} by {', '.join(review.reviewers)}.")


@cli.command()
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option("--note", help="A note with the decision (private until the end in a blind review).")
@click.option("--by", "reviewer", required=True, help="The reviewer deciding.")
def decide(claim_id, status, note, reviewer):
    """Set a claim's status as a reviewer would (their blind decision in a blind review)."""
    from ..desk import blind as blind_review
    from ..review import claims, notes

    db, _ = _database()
    with db:
        user = _acting_user(db, reviewer, "reviewer")

        def act():
            article_id = claims.claim_row(db, claim_id)["article_id"]
            if blind_review.is_reviewer(blind_review.open_review(db, article_id), user):
                blind_review.decide(db, claim_id, user, status=status, note=note)
                return "blind decision saved"
            change = claims.set_status(db, claim_id, status, user)
            if note:
                notes.add_note(db, claim_id, note, user)
            return change.claim["decision_state"]

        state = _desk_call(act)
    click.echo(f"Claim {claim_id}: {status} ({state}).")


@cli.command()
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help="Only this article (default: every article with a finished blind review).",
)
def agreement(article_id):
    """Print agreement of blind reviewers: percent, Cohen's kappa, Krippendorff's alpha."""
    from ..desk import agreement as figures_of

    db, _ = _database()
    with db:
        if article_id is not None:
            figures = figures_of.article_agreement(db, article_id)
            if figures is None:
                raise click.ClickException(f"Article {article_id} has no finished blind review.")
            found = [figures]
        else:
            found = figures_of.all_agreements(db)

    def show(value, percent=False):
        if value is None:
            return "n/a"
        return f"{value * 100:.0f}%" if percent else f"{value:.3f}"

    click.echo("article\treviewers\tclaims\tagreement\tkappa\talpha")
    for figures in found:
        click.echo(
            f"{figures['article_id']}\t{'+'.join(figures['reviewers'])}\t{figures['claims']}\t"
            f"{show(figures['percent'], True)}\t{show(figures['kappa'])}\t"
            f"{show(figures['alpha'])}"
        )
        for pair in figures["pairs"]:
            click.echo(
                f"{figures['article_id']}\t{'+'.join(pair['reviewers'])}\t{pair['claims']}\t"
                f"{show(pair['percent'], True)}\t{show(pair['kappa'])}\t-"
            )


@cli.command()
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("status", type=click.Choice(["sourced", "disputed", "unverified"]))
@click.option("--note", required=True, help="Why (kept in the history with each reviewer's own).")
@click.option("--by", "editor", required=True, help="The editor ruling.")
def adjudicate(claim_id, status, note, editor):
    """Give the final status of a claim the blind reviewers disagreed on."""
    from ..desk import blind as blind_review

    db, _ = _database()
    with db:
        user = _acting_user(db, editor, "editor")
        claim = _desk_call(lambda: blind_review.adjudicate(db, claim_id, status, note, user))
    click.echo(f"Claim {claim_id}: {claim['status']} ({claim['decision_state']}).")


@cli.command()
@click.argument("article_id", type=click.IntRange(min=1))
def elsewhere(article_id):
    """Print the claims of ARTICLE_ID already checked in other articles, with each match.

    One line per match, tab-separated: claim id, its position, the matching claim's id,
    its status, how many evidence links it has, how alike the two are (0-100), and the
    other article's id and title. Copy a decision with `workbench copy-review`.
    """
    from ..memory import matching
    from ..review import articles

    db, _ = _database()
    with db:
        _desk_call(lambda: articles.get_article(db, article_id, with_body=False))
        claims_of = db.execute(
            "select id, position from claims where article_id = ? and is_claim = 1 "
            "order by position",
            [article_id],
        ).fetchall()
        click.echo("claim\tposition\tmatch\tstatus\tevidence\tscore\tarticle\ttitle")
        found = 0
        for claim_id, position in claims_of:
            for match in matching.matches_of(db, claim_id):
                found += 1
                click.echo(
                    f"{claim_id}\t{position}\t{match['id']}\t{match['status']}\t"
                    f"{match['evidence_count']}\t{match['score']:.0f}\t{match['article_id']}\t"
                    f"{match['article_title']}"
                )
    if not found:
        click.echo(f"No claim of article {article_id} was found in another article.", err=True)


@cli.command("copy-review")
@click.argument("claim_id", type=click.IntRange(min=1))
@click.argument("from_claim_id", type=click.IntRange(min=1))
@click.option("--by", "reviewer", required=True, help="The reviewer copying it.")
def copy_review(claim_id, from_claim_id, reviewer):
    """Give CLAIM_ID the decision and evidence of FROM_CLAIM_ID, the same claim reviewed in
    another article (one change in the history; undo in the browser takes it back)."""
    from ..review import copying

    db, _ = _database()
    with db:
        user = _acting_user(db, reviewer, "reviewer")
        claim = _desk_call(lambda: copying.copy_review(db, claim_id, from_claim_id, user))
    click.echo(f"Claim {claim_id}: {claim['status']}, copied from claim {from_claim_id}.")


@cli.command("sources")
@click.option("--name", "query", help="Only sources whose name (or a mention) contains this.")
@click.option(
    "--kind",
    type=click.Choice(["person", "organization"]),
    help="Only people, or only organisations.",
)
def sources_command(query, kind):
    """Print every source the articles cite, most-cited first, as the Sources page lists
    them: key (for `workbench export --source`), kind, name, articles, claims, and how
    many of its claims are unverified, sourced and disputed. Tab-separated."""
    from ..memory import sources
    from ..statuses import STATUSES
    from ..text.source_names import ORGANIZATION, PERSON

    kinds = {"person": PERSON, "organization": ORGANIZATION}
    db, _ = _database()
    with db:
        groups = sources.all_sources(db, query, kinds.get(kind) if kind else None)
    click.echo("key\tkind\tname\tarticles\tclaims\t" + "\t".join(STATUSES))
    for group in groups:
        counts = [str(group.counts.get(status, 0)) for status in STATUSES]
        click.echo(
            f"{group.key}\t{group.kind}\t{group.name}\t{group.articles}\t{group.claims}\t"
            + "\t".join(counts)
        )
