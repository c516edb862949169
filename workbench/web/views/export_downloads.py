"""Exports: streamed CSV, JSON and ClaimReview JSON-LD, with the same filters as the
screen (what you see is what you export), and an optional bundle with a manifest."""

import functools

from flask import Response, current_app, request, url_for

from ...exports import claimreview, csv_rows, json_document, manifest
from ...exports.filenames import FORMATS, export_stem
from ...storage.clock import utc_now
from ...storage.db import connect
from ..api import bp as api_bp
from ..loaders import claim_filter_from, load_article
from .blueprint import bp


def producer(export_format):
    """A function (claim_filter, stats) -> text chunks, reading from its own connection.

    Flask closes the request's connection before a streamed body is sent, so each
    export opens and closes its own (STYLE.md, convention 6).
    """
    database_path = current_app.config["DATABASE"]
    excel = request.args.get("excel") == "1"
    organization = current_app.config["ORGANIZATION"]
    claim_url = functools.partial(
        _claim_url, url_for("workbench.show_claim", claim_id=0, _external=True)
    )

    def produce(claim_filter, stats=None):
        db = connect(database_path)
        try:
            if export_format == "csv":
                yield from csv_rows.iter_csv(db, claim_filter, stats, excel=excel)
            elif export_format == "json":
                yield from json_document.iter_json(db, claim_filter, stats)
            else:
                yield from claimreview.iter_claim_reviews(
                    db, claim_filter, claim_url, organization, stats
                )
        finally:
            db.close()

    return produce


def _claim_url(template, claim_id):
    return template[: -len("0")] + str(claim_id)


def export_response(export_format, stem, claim_filter):
    filename = f"{stem}.{FORMATS[export_format].extension}"
    produce = producer(export_format)
    if request.args.get("bundle") == "1":
        archive, _ = manifest.bundle(produce, export_format, filename, claim_filter)
        return Response(
            _read_and_close(archive),
            headers={
                "Content-Type": "application/zip",
                "Content-Disposition": f'attachment; filename="{stem}.zip"',
            },
        )
    return Response(
        produce(claim_filter),
        headers={
            "Content-Type": FORMATS[export_format].content_type,
            "Content-Disposition": f'attachment; filename="{filename}"',
        },
    )


def _read_and_close(handle):
    try:
        while chunk := handle.read(manifest.CHUNK):
            yield chunk
    finally:
        handle.close()


FORMAT = f"<any({', '.join(FORMATS)}):export_format>"


# The same exports under /api/ for scripts, whose tokens open no page (docs/api.md).
@bp.get(f"/articles/<id:article_id>/export.{FORMAT}")
@api_bp.get(f"/articles/<id:article_id>/export.{FORMAT}")
def export_article(article_id, export_format):
    article = load_article(article_id)
    return export_response(
        export_format,
        export_stem(article["title"], article["id"], utc_now()[:10]),
        claim_filter_from(request.args, article_id=article["id"]),
    )


@bp.get(f"/export.{FORMAT}")
@api_bp.get(f"/export.{FORMAT}")
def export_all(export_format):
    return export_response(
        export_format, export_stem(None, None, utc_now()[:10]), claim_filter_from(request.args)
    )
