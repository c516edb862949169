"""A JSON API over articles and claims, with the same permissions as the pages: a
logged-in session or a personal token (web/bearer.py); every role may read, reviewers
set statuses and write notes through the same domain calls as the pages (history, 409s
and blind review alike). Documented in docs/api.md."""

from flask import Blueprint, abort, g, jsonify, request

from ..errors import RecordNotFound
from ..exports.json_document import claim_document
from ..review import articles, claims, history, notes, search
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


def write_values(*names):
    """The write's fields from a JSON object or a form, after checking this request may
    write at all: a reviewer's, and not through a read-only token."""
    if g.get("api_token") is not None and not g.api_token.can_write():
        abort(403, description="This token may only read: make one that may read and write.")
    if not g.user.can("reviewer"):
        abort(403, description=f"This needs the reviewer role; you are a {g.user.role}.")
    if request.is_json:
        body = request.get_json(silent=True)
        if not isinstance(body, dict):
            abort(400, description="Send a JSON object.")
    else:
        body = request.form.to_dict()
    return [body.get(name) for name in names]


def version_value(value):
    """The claim version a write expects (None: whatever it is now); 400 if malformed."""
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        abort(400, description="“version” must be a whole number.")
    version = positive_int(value)
    if version is None:
        abort(400, description="“version” must be a whole number.")
    return version


@bp.post("/claims/<id:claim_id>/status")
def set_claim_status(claim_id):
    """A status, as a click on the page sets it: 409 with the claim as it is now when it
    changed since `version`."""
    status, version = write_values("status", "version")
    if not isinstance(status, str):
        abort(400, description="Send “status”: sourced, disputed or unverified.")
    change = claims.set_status(get_db(), claim_id, status, g.user, version_value(version))
    return jsonify({**claim_json(change.claim), "history_id": change.history_id})


@bp.post("/claims/<id:claim_id>/notes")
def add_claim_note(claim_id):
    (body,) = write_values("body")
    if not isinstance(body, str):
        abort(400, description="Send the note's text as “body”.")
    note = notes.add_note(get_db(), claim_id, body, g.user)
    return jsonify({key: note[key] for key in ("id", "author", "body", "created_at")}), 201


def init_app(app):
    app.register_blueprint(bp)
