"""The `workbench` command: set up, import, export, extract, serve."""

import json
import os
import pathlib
import sys

import click

from . import articles, export
from .claims import split_claims
from .db import connect
from .importer import SUPPORTED_SUFFIXES, ArticleRejected, text_from_upload

SAMPLE_ARTICLE = pathlib.Path(__file__).with_name("sample_article.txt")
SAMPLE_TITLE = "Syrian forces capture Palmyra citadel from Daesh (sample article)"


def _read_article_file(file):
    """(text, source_format) of a file argument; - is stdin, other suffixes read as text."""
    if file == "-":
        name, data = "stdin.txt", sys.stdin.buffer.read()
    else:
        name, data = file, pathlib.Path(file).read_bytes()
    if pathlib.PurePath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        name += ".txt"
    try:
        return text_from_upload(name, data)
    except ArticleRejected as error:
        raise click.ClickException(str(error)) from None


def _database():
    """The configured database, with its schema up to date (creating it if needed)."""
    from . import create_app

    app = create_app()
    return connect(app.config["DATABASE"]), app.config["DATABASE"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="workbench")
def cli():
    """Source-claim verification workbench.

    Splits news articles into claims, lets a team review them in the browser, and exports
    the results. The database is instance/workbench.db unless WORKBENCH_DB names another.
    """


@cli.command()
def init():
    """Create the database if needed and import the bundled sample article into an empty one."""
    db, path = _database()
    with db:
        if db.execute("select count(*) from articles").fetchone()[0] == 0:
            result = articles.import_article(
                db, SAMPLE_ARTICLE.read_text(encoding="utf-8"), imported_by="workbench init",
                title=SAMPLE_TITLE, source_format="txt",
            )
            click.echo(f"Imported the sample article as article {result.article_id} "
                       f"({result.claim_count} claims).")
        click.echo(f"Database ready: {path}")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option("--title", help="Title to show (default: the article's first line).")
@click.option("--publisher", help="Who published the article.")
@click.option("--url", help="Where the article was published (http or https).")
@click.option("--date", "published_on", help="Publication date, YYYY-MM-DD.")
@click.option("--by", "imported_by", default=lambda: os.environ.get("USER") or "command line",
              show_default="$USER", help="Name recorded as the importer.")
def import_(file, title, publisher, url, published_on, imported_by):
    """Import FILE (text, Markdown or .html; - reads stdin) and print the article's id.

    The same text imported twice is one article: the existing id is printed and nothing is
    added. Exits with status 1 and a message when the file cannot be imported.
    """
    text, source_format = _read_article_file(file)
    db, _ = _database()
    with db:
        try:
            result = articles.import_article(
                db, text, imported_by=imported_by, source_format=source_format, title=title,
                publisher=publisher, url=url, published_on=published_on,
            )
        except ArticleRejected as error:
            raise click.ClickException(str(error)) from None
    if not result.created:
        click.echo(f"Already imported as article {result.article_id}; nothing added.", err=True)
    click.echo(result.article_id)


@cli.command("export")
@click.option("--article", "article_id", type=click.IntRange(min=1),
              help="Only this article's claims (default: every article).")
@click.option("--output", "-o", type=click.File("w", encoding="utf-8", lazy=True), default="-",
              help="Write to this file instead of standard output.")
def export_(article_id, output):
    """Export claim statuses as CSV (one row per claim; columns in the README)."""
    db, _ = _database()
    with db:
        if article_id is not None:
            try:
                articles.get_article(db, article_id)
            except articles.ArticleNotFound:
                raise click.ClickException(f"There is no article {article_id}.") from None
        for chunk in export.iter_csv(db, article_id):
            output.write(chunk)


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
def extract(file):
    """Print the claims of a text file as JSON, touching no database.

    Each claim is {"index", "text", "start", "end"}: text == file_text[start:end], with the
    same splitter the app uses. HTML files are reduced to their visible text first.
    """
    text, _ = _read_article_file(file)
    claims = [span.as_dict() for span in split_claims(text)]
    click.echo(json.dumps(claims, ensure_ascii=False, indent=2))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=int, help="Port to listen on.")
@click.option("--workers", default=2, show_default=True, type=int, help="Worker processes.")
@click.option("--threads", default=8, show_default=True, type=int, help="Threads per worker.")
def serve(host, port, workers, threads):
    """Serve the app with gunicorn, the production WSGI server (never the debugger)."""
    _database()  # create the database and secret key once, before the workers start
    os.execvp(sys.executable, [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
        "--worker-class", "gthread", "--bind", f"{host}:{port}", "--access-logfile", "-",
        "workbench:create_app()",
    ])
