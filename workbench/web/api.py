"""A read-only JSON API over articles and claims, with the same permissions as the pages
(a logged-in session; every role may read). Documented in the README."""

from flask import Blueprint, abort, jsonify, request

from ..errors import RecordNotFound
from ..exports.json_document import claim_document
from ..review import articles, history, search
from .database import get_db
from .forms import positive_int
from .loaders import claim_filter_from, load_article, load_claim

bp = Blueprint("api", __name__, url_prefix="/api")
API_PAGE = 100


def is_api_request() -> bool:
    """A request to the API, even one for a URL no route matches (/api/claims/abc): its
    errors are JSON too (web/error_answers.py)."""
    return request.blueprint == "api" or request.path.startswith(f"{bp.url_prefix}/")


def claim_json(claim, with_children=False):
    """A claim as the API shows it (the same shape as in the JSON export)."""
    document = claim_document(claim)
    if with_children:
        document["notes"] = [
            {key: note[key] for key in ("id", "author", "body", "created_at")}
            for note in claim.get("notes", [])
        ]
        document["evidence"] = [
            {
                key: record[key]
                for key in ("id", "url", "title", "excerpt", "stance", "added_by", "added_at")
            }
            for record in claim.get("evidence", [])
        ]
    return document


def article_json(article, progress):
    fields = ("id", "title", "publisher", "url", "published_on", "imported_at", "imported_by")
    return {**{key: article.get(key) for key in fields}, "progress": progress}


def page_number():
    page = positive_int(request.args.get("page", "1"))
    if page is None:
        abort(400, description="“page” must be a positive whole number.")
    return page


@bp.get("/articles")
def list_articles():
    return jsonify(
        {"articles": [article_json(a, a["progress"]) for a in articles.all_articles(get_db())]}
    )


@bp.get("/articles/<id:article_id>")
def get_article(article_id):
    article = load_article(article_id)
    counts = articles.progress(get_db(), [article["id"]]).get(article["id"])
    return jsonify({**article_json(article, counts), "text": article["body"]})


@bp.get("/articles/<id:article_id>/claims")
def article_claims(article_id):
    article = load_article(article_id)
    return claims_page(claim_filter_from(request.args, article_id=article["id"]))


@bp.get("/claims")
def search_claims():
    return claims_page(claim_filter_from(request.args))


def claims_page(claim_filter):
    page = page_number()
    rows, total = search.search_claims(get_db(), claim_filter, page, API_PAGE)
    return jsonify(
        {
            "claims": [claim_json(row) for row in rows],
            "total": total,
            "page": page,
            "page_size": API_PAGE,
            "filters": claim_filter.as_query(),
        }
    )


@bp.get("/claims/<id:claim_id>")
def get_claim(claim_id):
    try:
        claim = load_claim(claim_id)
    except RecordNotFound:
        abort(404, description="No such claim.")
    document = claim_json(claim, with_children=True)
    document["history"] = history.claim_history(get_db(), claim_id)
    return jsonify(document)


def init_app(app):
    app.register_blueprint(bp)
