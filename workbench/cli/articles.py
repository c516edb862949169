"""Articles on the command line: import (a file or a link), restore a deleted one, purge a
note, extract claims from a file, evaluate the text pipeline."""

import json
import os
import pathlib
import sys

import click

from ..errors import ArticleNotFound, ArticleRejected, InvalidInput, NoteNotFound
from ..intake import importing, jobs, snapshots
from ..intake.fetch import FetchRefused
from ..review import articles, notes, versions
from ..text import languages
from ..text.cleaning import SUPPORTED_SUFFIXES, document_from_upload
from ..text.flags import claim_flags
from ..text.splitter import split_claims
from .group import cli, command_line_actor, open_database
from .words import N_, _, said


def _read_article_file(file):
    """(text, source_format) of a file argument; - is stdin, other suffixes read as text."""
    document = _read_article_document(file)[0]
    return document.text, document.source_format


def _read_article_document(file):
    """(ImportedDocument, snapshots.Source) of a file argument (- is stdin)."""
    if file == "-":
        name, data = "stdin.txt", sys.stdin.buffer.read()
    else:
        path = pathlib.Path(file)
        if not path.is_file():
            raise click.BadParameter(
                _("%(file)s is not a file (nor an http or https link).") % {"file": file},
                param_hint="FILE",
            )
        name, data = path.name, path.read_bytes()
    if pathlib.PurePath(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        name += ".txt"
    try:
        document = document_from_upload(name, data)
    except ArticleRejected as error:
        raise click.ClickException(said(error)) from None
    return document, snapshots.Source.from_upload(name, data, document.content_type)


def _fetch_article_document(url):
    """(ImportedDocument, snapshots.Source) of a link, fetched now."""
    try:
        return importing.fetch_document(url)
    except (FetchRefused, ArticleRejected) as error:
        raise click.ClickException(said(error)) from None


def _print_found(document, source):
    """What the page says about itself, on stderr (stdout carries only the article's id)."""
    found = document.metadata
    lines = [
        (
            _("Fetched:"),
            source.final_url
            and _("%(url)s (HTTP %(status)s, %(type)s, %(size)s bytes)")
            % {
                "url": source.final_url,
                "status": source.http_status,
                "type": source.content_type,
                "size": f"{len(source.raw):,}",
            },
        ),
        (_("Title:"), found.title),
        (_("Author(s):"), "; ".join(found.authors)),
        (_("Published:"), found.published_on),
        (_("Site:"), found.site_name),
        (_("Canonical URL:"), found.canonical_url),
        (_("Credited:"), "; ".join(found.credits)),
        (_("Language:"), found.language and languages.language(found.language).name),
    ]
    shown = [(label, value) for label, value in lines if value]
    if shown:
        click.echo("\n".join(f"{label:15}{value}" for label, value in shown), err=True)
    found_in = [_(_PLACES[name]) % {"where": where} for name, where in found.sources.items()]
    if found_in:
        click.echo(f"{_('Found:'):15}" + "; ".join(found_in), err=True)


# Where each thing the page said about itself was found (translated when shown).
_PLACES = {
    "title": N_("title from %(where)s"),
    "authors": N_("author(s) from %(where)s"),
    "published_on": N_("date from %(where)s"),
    "site_name": N_("site from %(where)s"),
    "canonical_url": N_("canonical URL from %(where)s"),
}


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
            click.progressbar(
                length=100, label=f"{_(jobs.STAGE_WORDS['starting']):16}", file=sys.stdout, width=30
            )
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
            self.bar.label = f"{_(jobs.STAGE_WORDS.get(name, name.capitalize())):16}"
            self.bar.update((percent or _STAGE_PERCENT[name]) - self.bar.pos)


@cli.command(
    "import",
    help=_(
        "Import FILE and print the article's id.\n\n"
        "FILE is a text, Markdown or .html file, - for stdin, or an http(s) link to fetch (the "
        "fetcher's rules apply: no internal addresses unless WORKBENCH_FETCH_ALLOW names them). "
        "What the page says about itself (title, authors, date, site, canonical URL) is printed "
        "on stderr and used where no option is given; the file or page is kept as the "
        "article's snapshot. On a terminal, a bar shows each stage. The same text imported "
        "twice is one article: the existing id is printed and nothing is added. With "
        "--new-version-of ID, or a URL an article was imported from, it becomes that "
        "article's next version: its claims move to the new text, and what changed is "
        "printed on stderr. Exits with status 1 and a message when it cannot be imported."
    ),
)
@click.argument("file")
@click.option("--title", help=_("Title to show (default: the page's title, else the first line)."))
@click.option(
    "--author",
    "authors",
    multiple=True,
    help=_("An author's name; repeat for several (default: the page's authors)."),
)
@click.option("--publisher", help=_("Who published the article (default: the page's site name)."))
@click.option(
    "--url",
    help=_("Where the article was published, http or https (default: the page's canonical URL)."),
)
@click.option(
    "--date", "published_on", help=_("Publication date, YYYY-MM-DD (default: the page's).")
)
@click.option(
    "--by",
    "imported_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help=_("Name recorded as the importer."),
)
@click.option(
    "--new-version-of",
    "new_version_of",
    type=click.IntRange(min=1),
    metavar="ID",
    help=_("FILE is a new version of article ID: its claims move to the new text."),
)
@click.option(
    "--language",
    metavar="CODE",
    help=_("The article's language, an ISO 639-1 code such as en or es (default: detected)."),
)
def import_(
    file, title, authors, publisher, url, published_on, imported_by, new_version_of, language
):
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
        db = open_database()[0]
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
                raise click.ClickException(said(error)) from None
    _print_found(document, source)
    if result.deleted:
        raise click.ClickException(
            _(
                "This text is article %(id)s, which was deleted; nothing was imported. "
                "Restore it with: workbench restore-article %(id)s"
            )
            % {"id": result.article_id}
        )
    if not result.created:
        click.echo(
            _("Already imported as article %(id)s; nothing added.") % {"id": result.article_id},
            err=True,
        )
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
        raise click.ClickException(_("There is no article %(id)s.") % {"id": article_id}) from None
    except InvalidInput as error:
        raise click.ClickException(said(error)) from None
    if not result.created:
        click.echo(
            _("Article %(id)s has this text already (version %(number)s); nothing changed.")
            % {"id": article_id, "number": result.number},
            err=True,
        )
    else:
        click.echo(
            _(
                "Version %(number)s of article %(id)s: %(changed)s changed, %(removed)s "
                "removed, %(added)s new, %(kept)s unchanged (%(moved)s moved)"
            )
            % {
                "number": result.number,
                "id": article_id,
                "changed": result.changed,
                "removed": result.removed,
                "added": result.added,
                "kept": result.kept,
                "moved": result.moved,
            }
            + (
                _("; %(count)s decided claims back to unverified (changed since decided).")
                % {"count": result.undecided}
                if result.undecided
                else "."
            ),
            err=True,
        )
    click.echo(article_id)


@cli.command(
    "restore-article",
    help=_("Restore deleted article ARTICLE_ID, with its claims, notes and history."),
)
@click.argument("article_id", type=click.IntRange(min=1))
@click.option(
    "--by",
    "restored_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help=_("Name recorded as the one who restored it."),
)
def restore_article(article_id, restored_by):
    db = open_database()[0]
    with db:
        try:
            article = articles.restore_article(db, article_id, command_line_actor(restored_by))
        except ArticleNotFound:
            raise click.ClickException(
                _("There is no article %(id)s.") % {"id": article_id}
            ) from None
        except InvalidInput as error:
            raise click.ClickException(said(error)) from None
    click.echo(
        _("Restored article %(id)s: %(title)s") % {"id": article_id, "title": article["title"]}
    )


@cli.command(
    "purge-note",
    help=_(
        "Replace the text of note NOTE_ID everywhere it is kept (note, history, search).\n\n"
        "For a secret pasted by mistake. The history records that it was purged, by whom and "
        "when, not what. Backups made before keep the text."
    ),
)
@click.argument("note_id", type=click.IntRange(min=1))
@click.option(
    "--by",
    "purged_by",
    default=lambda: os.environ.get("USER") or "command line",
    show_default="$USER",
    help=_("Name recorded as the admin who purged it."),
)
def purge_note(note_id, purged_by):
    db = open_database()[0]
    with db:
        try:
            notes.purge_note(db, note_id, command_line_actor(purged_by))
        except NoteNotFound:
            raise click.ClickException(_("There is no note %(id)s.") % {"id": note_id}) from None
    click.echo(_("Purged the text of note %(id)s.") % {"id": note_id})


@cli.command(
    help=_(
        "Print the claims of a text file as JSON, touching no database.\n\n"
        'Each claim is {"index", "text", "start", "end", "attribution", "flags", '
        '"candidates"}, where text == file_text[start:end]; attribution is {"text", "kind", '
        '"start", "end", "medium", "method", "candidates"} or null (the article\'s own '
        "assertion); method says how the source was found (rule, parse, entity, "
        "back-reference, quotation); candidates are the other sources the sentence names. The "
        "same splitter and source detection as the app. HTML files are reduced to their "
        "visible text first. The language is detected from the text unless --language gives "
        "it; it is said on stderr."
    )
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--language",
    metavar="CODE",
    help=_("Read the text as this language, an ISO 639-1 code (default: detected from it)."),
)
def extract(file, language):
    text = _read_article_file(file)[0]
    language = (language or "").strip().lower() or languages.detect_language(text)
    click.echo(
        _("Language: %(name)s (%(code)s).")
        % {"name": languages.language(language).name, "code": language},
        err=True,
    )
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
        click.echo(
            _("Note: sources found by the rules alone: %(reason)s.") % {"reason": reason}, err=True
        )


@cli.command(
    help=_(
        "Measure the splitter and source detection against labelled texts; print a table.\n\n"
        "Sentence-boundary precision, recall and F1; attribution kind accuracy and span match. "
        "Exits 1 when a figure misses its target."
    )
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(exists=True, file_okay=False),
    required=True,
    help=_("Folder of labelled JSON texts (in a checkout: tests/data)."),
)
def evaluate(data_dir):
    from ..text import evaluate as evaluation

    _note_rules_only()
    results = evaluation.evaluate(pathlib.Path(data_dir))
    click.echo(evaluation.format_table(results))
    if not all(check["passed"] for check in results["targets"].values()):
        sys.exit(1)
