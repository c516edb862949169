"""The templates' url_for keeps the links it built (web/template_urls.py): the same links
as Flask's, wherever the app is mounted."""

from flask import render_template_string, url_for

from support import sign_in
from workbench.web import template_urls

LINKS = (
    "{{ url_for('workbench.index') }} "
    "{{ url_for('static', filename='app.css') }} "
    "{{ url_for('workbench.show_article', article_id=7, status='disputed', flag=None) }} "
    "{{ url_for('workbench.show_claim', claim_id=3, _anchor='notes') }}"
)


def drawn(app, script_name=""):
    with app.test_request_context("/", base_url=f"http://localhost{script_name}"):
        kept = render_template_string(LINKS)
        flask = " ".join(
            [
                url_for("workbench.index"),
                url_for("static", filename="app.css"),
                url_for("workbench.show_article", article_id=7, status="disputed", flag=None),
                url_for("workbench.show_claim", claim_id=3, _anchor="notes"),
            ]
        )
        return kept, flask


def test_the_kept_links_are_flasks_links_where_the_app_is_mounted(app):
    for script_name in ["", "/desk", "", "/other/place"]:
        kept, flask = drawn(app, script_name)
        assert kept == flask
        assert kept.split()[0] == (script_name or "") + "/"
        assert kept.split()[2] == f"{script_name}/articles/7?status=disputed"
        assert kept.split()[3] == f"{script_name}/claims/3#notes"


def test_a_value_that_cannot_be_a_key_is_built_every_time(app):
    url_for_kept = template_urls.remembered_url_for(app)
    with app.test_request_context("/"):
        assert url_for_kept("workbench.search_page", q=["a", "b"]) == "/search?q=a&q=b"
        assert url_for_kept("workbench.search_page", q="a") == "/search?q=a"


def test_the_kept_links_start_again_past_their_limit(app, monkeypatch):
    monkeypatch.setattr(template_urls, "KEPT", 3)
    url_for_kept = template_urls.remembered_url_for(app)
    with app.test_request_context("/"):
        links = [url_for_kept("workbench.show_claim", claim_id=n) for n in range(1, 8)]
        assert links == [f"/claims/{n}" for n in range(1, 8)]
        assert url_for_kept("workbench.show_claim", claim_id=1) == "/claims/1"


def test_pages_under_a_mount_point_link_within_it(app):
    ana = sign_in(app, "ana", "reviewer")
    ana.get("/")  # the links kept at the root first
    page = ana.get("/", base_url="http://localhost/desk").get_data(as_text=True)
    assert 'href="/desk/sources"' in page and 'href="/sources"' not in page
