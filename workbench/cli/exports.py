"""Exports on the command line: CSV, JSON and ClaimReview, with a manifest; verify a file
against its manifest."""

import json
import os
import pathlib

import click

from ..errors import ArticleNotFound, InvalidInput
from ..exports import ExportStats, claimreview, csv_rows, json_document, manifest
from ..exports.filenames import FORMATS
from ..review import articles, search
from .group import cli, open_database
from .words import _, said


@cli.command(
    "export",
    help=_("Export claims (CSV by default; columns in the README), filtered like the search page."),
)
@click.option(
    "--article",
    "article_id",
    type=click.IntRange(min=1),
    help=_("Only this article's claims (default: every article)."),
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(list(FORMATS)),
    default="csv",
    show_default=True,
    help=_("CSV rows, the full JSON, or ClaimReview JSON-LD."),
)
@click.option("--status", help=_("Only claims with this status."))
@click.option("--flag", help=_("Only claims with this flag."))
@click.option("--kind", help=_("Only claims whose source is of this kind."))
@click.option(
    "--source",
    help=_("Only claims of this source (a key from the Sources page, e.g. 'person:jane doe')."),
)
@click.option("--search", "q", help=_("Only claims matching these words (claim, source or notes)."))
@click.option("--assignee", help=_("Only claims assigned to this user."))
@click.option("--decision", help=_("Only claims in this decision state (proposed, approved, ...)."))
@click.option("--excel", is_flag=True, help=_("CSV for Excel: start with a UTF-8 byte-order mark."))
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help=_(
        "Where the app is served, for the claim links in ClaimReview "
        "(WORKBENCH_PUBLIC_URL, when set, is used instead)."
    ),
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, writable=True),
    default="-",
    help=_("Write to this file instead of standard output."),
)
@click.option(
    "--manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, writable=True),
    help=_("Also write a manifest (rows, SHA-256, bytes, filters, time) to this file."),
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
        raise click.ClickException(said(error)) from None
    db = open_database()[0]
    with db:
        if article_id is not None:
            try:
                articles.get_article(db, article_id)
            except ArticleNotFound:
                raise click.ClickException(
                    _("There is no article %(id)s.") % {"id": article_id}
                ) from None
        stats = ExportStats()
        if export_format == "csv":
            chunks = csv_rows.iter_csv(db, claim_filter, stats, excel=excel)
        elif export_format == "json":
            chunks = json_document.iter_json(db, claim_filter, stats)
        else:
            public_url = os.environ.get("WORKBENCH_PUBLIC_URL")
            try:
                claim_url = claimreview.public_claim_url(public_url or base_url)
            except InvalidInput as error:
                raise click.ClickException(said(error)) from None
            chunks = claimreview.iter_claim_reviews(
                db,
                claim_filter,
                claim_url,
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


@cli.command(
    help=_(
        "Check an exported FILE against its MANIFEST_FILE; exit 1 if it was truncated or altered."
    )
)
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.argument("manifest_file", type=click.Path(exists=True, dir_okay=False))
def verify(file, manifest_file):
    problems = manifest.verify(
        pathlib.Path(file).read_bytes(), json.loads(pathlib.Path(manifest_file).read_text())
    )
    if problems:
        raise click.ClickException(
            _("%(file)s does not match its manifest:") % {"file": file}
            + "\n  "
            + "\n  ".join(problems)
        )
    click.echo(_("%(file)s: matches its manifest.") % {"file": file})
