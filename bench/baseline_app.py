"""The cheapest way to do each job over HTTP: a minimal Flask app, served by the same
gunicorn settings as `workbench serve`, on the same database file (BENCH_DB).

No login, no forgery check, no history, no version check: what is left is the floor the
workbench is measured against. Writes keep the workbench's durability (WAL,
synchronous=FULL), or the comparison would be of fsyncs, not of code.
"""

import os
import sqlite3

from flask import Flask, request

from workbench.review import articles, claims

ARTICLE_PAGE = """<!doctype html><title>{{ article.title }}</title><h1>{{ article.title }}</h1>
<ol>{% for claim in claims %}<li id="claim-{{ claim.id }}">
{{ claim.text }} <b>{{ claim.status }}</b>
{% for note in claim.notes %}<p>{{ note }}</p>{% endfor %}</li>{% endfor %}</ol>"""

ARTICLE_LIST = """<!doctype html><title>Articles</title><ul>{% for article in articles %}
<li><a href="/articles/{{ article.id }}">{{ article.title }}</a>
{{ article.reviewed }}/{{ article.total }}</li>
{% endfor %}</ul>"""

# Page sizes are the workbench's own, so both read the same rows.
CLAIMS_PAGE = claims.PAGE_SIZE
ARTICLES_PAGE = getattr(articles, "ARTICLES_PAGE", None)  # None: the list is one page


def create_app():
    app = Flask(__name__)
    path = os.environ["BENCH_DB"]
    article_page = app.jinja_env.from_string(ARTICLE_PAGE)
    article_list = app.jinja_env.from_string(ARTICLE_LIST)

    def connect():
        conn = sqlite3.connect(path, timeout=30)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA synchronous=FULL")
        return conn

    @app.get("/baseline/ping")
    def ping():
        return "ok"

    @app.post("/baseline/claims/<int:claim_id>/status")
    def set_status(claim_id):
        conn = connect()
        try:
            with conn:
                version = conn.execute(
                    "update claims set status = ?, version = version + 1 where id = ? "
                    "returning version",
                    [request.form["status"], claim_id],
                ).fetchone()[0]
        finally:
            conn.close()
        return f'<li id="claim-{claim_id}"><input name="version" value="{version}"></li>'

    @app.get("/baseline/articles/<int:article_id>")
    def show_article(article_id):
        conn = connect()
        try:
            article = conn.execute(
                "select id, title from articles where id = ?", [article_id]
            ).fetchone()
            claims = [
                dict(row)
                for row in conn.execute(
                    "select id, text, status from claims where article_id = ? and is_claim = 1 "
                    "order by position limit ?",
                    [article_id, CLAIMS_PAGE],
                )
            ]
            by_id = {claim["id"]: claim for claim in claims}
            for claim in claims:
                claim["notes"] = []
            for claim_id, body in conn.execute(
                f"select claim_id, body from notes where claim_id in "
                f"({','.join('?' * len(by_id))}) order by id",
                list(by_id),
            ):
                by_id[claim_id]["notes"].append(body)
        finally:
            conn.close()
        return article_page.render(article=article, claims=claims)

    @app.get("/baseline/articles")
    def list_articles():
        conn = connect()
        try:
            limit = "" if ARTICLES_PAGE is None else f" limit {ARTICLES_PAGE:d}"
            articles = {
                row["id"]: {**dict(row), "total": 0, "reviewed": 0}
                for row in conn.execute(
                    "select id, title from articles where deleted_at is null "
                    "order by id desc" + limit
                )
            }
            # The workbench's own grouping: SQLite answers it from an index alone.
            for article_id, status, is_claim, count in conn.execute(
                "select article_id, status, is_claim, count(*) from claims "
                f"where article_id in ({','.join('?' * len(articles))}) "
                "group by article_id, status, is_claim",
                list(articles),
            ):
                if is_claim:
                    articles[article_id]["total"] += count
                    if status != "unverified":
                        articles[article_id]["reviewed"] += count
        finally:
            conn.close()
        return article_list.render(articles=articles.values())

    return app
