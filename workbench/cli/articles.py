"""Articles on the command line: import (a file or a link), restore a deleted one, purge a
note, extract claims from a file, evaluate the text pipeline."""

import json
import os
import pathlib
import sys

import click

from ..errors import ArticleNotFound, ArticleRejected, InvalidInput, NoteNotFound
from ..intake import importing, snapshots
from ..intake.fetch import FetchRefused
from ..review import articles, notes, versions
from ..text import languages
from ..text.cleaning import SUPPORTED_SUFFIXES, document_from_upload
from ..text.flags import claim_flags
from ..text.splitter import split_claims
from .group import cli, command_line_actor, open_database


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
        ("Credited", "; ".join(found.credits)),
        ("Language", found.language and languages.language(found.language).name),
    ]
    shown = [(label, value) for label, value in lines if value]
    if shown:
        click.echo("\n".join(f"{label + ':':15}{value}" for label, value in shown), err=True)
    places = {
        "title": "title",
        "authors": "author(s)",
        "published_on": "date",
        "site_name": "site",
        "canonical_url": "canonical URL",
    }
    found_in = [f"{places[name]} from {where}" for name, where in found.sources.items()]
    if found_in:
        click.echo(f"{'Found:':15}" + "; ".join(found_in), err=True)


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
@click.option(
    "--language",
    metavar="CODE",
    help="The article's language, an ISO 639-1 code such as en or es (default: detected).",
)
def import_(
    file, title, authors, publisher, url, published_on, imported_by, new_version_of, language
):
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
        "language": language,
    }
    with _ImportProgress() as progress:
        if importing.looks_like_a_link(file):
            progress.stage("fetching")
            document, source = _fetch_article_document(file.strip())
        else:
            progress.stage("extracting")
            document, source = _read_article_document(file)
        db, _ = open_database()
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
                    command_line_actor(imported_by),
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
            actor=command_line_actor(imported_by),
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
            f"({result.moved} moved)"
            + (
                f"; {result.undecided} decided claims back to unverified (changed since decided)."
                if result.undecided
                else "."
            ),
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
    db, _ = open_database()
    with db:
        try:
            article = articles.restore_article(db, article_id, command_line_actor(restored_by))
        except ArticleNotFound:
            raise click.ClickException(f"There is no article {article_id}.") from None
        except InvalidInput as error:
            raise click.ClickException(str(error)) from None
    click.echo(f"Restored article {article_id}: {article['title']}")


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
    db, _ = open_database()
    with db:
        try:
            notes.purge_note(db, note_id, command_line_actor(purged_by))
        except NoteNotFound:
            raise click.ClickException(f"There is no note {note_id}.") from None
    click.echo(f"Purged the text of note {note_id}.")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--language",
    metavar="CODE",
    help="Read the text as this language, an ISO 639-1 code (default: detected from it).",
)
def extract(file, language):
    """Print the claims of a text file as JSON, touching no database.

    Each claim is {"index", "text", "start", "end", "attribution", "flags",
    "candidates"}, where text == file_text[start:end]; attribution is {"text", "kind",
    "start", "end", "medium", "method", "candidates"} or null (the article's own
    assertion); method says how the source was found (rule, parse, entity,
    back-reference, quotation); candidates are the other sources the sentence names. The
    same splitter and source detection as the app. HTML files are reduced to their
    visible text first. The language is detected from the text unless --language gives
    it; it is said on stderr.
    """
    text, _ = _read_article_file(file)
    language = (language or "").strip().lower() or languages.detect_language(text)
    click.echo(f"Language: {languages.language(language).name} ({language}).", err=True)
    if language == languages.DEFAULT:
        _note_rules_only()
    spans = split_claims(text, language)
    claims = []
    found = languages.find_sources(text, spans, language)
    for span, (source, candidates) in zip(spans, found, strict=True):
        claims.append(
            {
                **span.as_dict(),
                "attribution": source.as_dict() if source else None,
                "flags": claim_flags(span.text, source.kind if source else "none", language),
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
