"""Templates are given their data by the views: while a template renders, no SQL runs on
the request's connection (a template that asked the database itself, through a Jinja
global, hid queries from the view that drew it)."""

import pytest
from flask import before_render_template, template_rendered

from support import actor
from workbench.review import articles, claims
from workbench.web.database import get_db

TEXT = (
    "The council approved the harbour plan on Monday, officials said. "
    "The mayor said the work would start in May. Residents were not asked."
)


@pytest.fixture
def world(db):
    first = articles.import_article(db, TEXT, actor=actor("ada"), title="Harbour plan")
    second = articles.import_article(db, TEXT + " More follows.", actor=actor("ada"), title="Again")
    claim_id = db.execute(
        "select id from claims where article_id = ? order by position", [first.article_id]
    ).fetchone()[0]
    # Reviewed in one article, so the other's row shows "sourced in ...".
    claims.set_status(db, claim_id, "sourced", actor("ana"))
    other = db.execute(
        "select id from claims where article_id = ? order by position", [second.article_id]
    ).fetchone()[0]
    return {"article": second.article_id, "claim": other}


def queries_while_rendering(app, ask):
    """The SQL run while any template of the request rendered."""
    with app.app_context():
        connection = get_db().conn
    rendering, seen = [], []

    def started(sender, template, context, **extra):
        rendering.append(template.name)

    def finished(sender, template, context, **extra):
        rendering.pop()

    def trace(statement):
        if rendering:
            seen.append(f"{rendering[-1]}: {statement}")

    connection.set_trace_callback(trace)
    before_render_template.connect(started, app)
    template_rendered.connect(finished, app)
    try:
        response = ask()
    finally:
        template_rendered.disconnect(finished, app)
        before_render_template.disconnect(started, app)
        connection.set_trace_callback(None)
    return response, seen


HX = {"HX-Request": "true"}
PAGES = [
    ("get", "/", {}),
    ("get", "/articles/{article}", {}),
    ("get", "/claims/{claim}", {}),
    ("get", "/claims/{claim}/panel", HX),
    ("get", "/articles/new", {}),
    ("get", "/search?q=harbour", {}),
    ("post", "/claims/{claim}/status", HX),
]


@pytest.mark.parametrize("method, path, headers", PAGES, ids=[p for _, p, _ in PAGES])
def test_no_template_reads_the_database(app, admin_client, world, method, path, headers):
    url = path.format(**world)
    response, seen = queries_while_rendering(
        app,
        lambda: admin_client.open(
            url, method=method.upper(), headers=headers, data={"status": "disputed"}
        ),
    )
    assert response.status_code == 200, url
    assert seen == []


def test_a_row_drawn_alone_still_says_where_its_claim_was_reviewed(admin_client, world):
    """What the template used to ask for itself, the view now gives it."""
    row = admin_client.get(f"/claims/{world['claim']}/panel", headers=HX).get_data(as_text=True)
    assert "sourced in “Harbour plan”" in row
