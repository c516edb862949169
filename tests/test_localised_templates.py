"""Templates compiled once per interface language with their fixed words in them
(web/localised_templates.py): the page reads as gettext would have made it, in each
language, whichever was drawn first, with or without a bytecode cache."""

import jinja2
import pytest
from flask import render_template

from support import CompiledTemplates, sign_in
from workbench.web import localised_templates

PAGE = (
    '<p>{{ _("Log out") }}</p>'
    "<p>{{ gettext('Log out') }}</p>"
    '<p>{{ _("Log out")|upper }}</p>'
    '<p>{{ words.gettext("Log out") }}</p>'
    '<p>{{ _("%(name)s", name="<b>") }}</p>'
    '<p>{{ _("half 50%% done") }}</p>'
    '<p>{{ _("a word no catalogue has") }}</p>'
)


class Words:
    """Something with a gettext method of its own, which must stay its own."""

    def gettext(self, message):
        return f"own:{message}"


@pytest.fixture
def page_app(app):
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"words.html": PAGE}), app.jinja_env.loader]
    )
    return app


def drawn(app, language):
    with app.test_request_context(headers={"Accept-Language": language}):
        return render_template("words.html", words=Words())


def test_fixed_words_are_compiled_in_and_the_rest_left_to_gettext(page_app):
    spanish = drawn(page_app, "es")
    assert "<p>Cerrar sesión</p><p>Cerrar sesión</p><p>CERRAR SESIÓN</p>" in spanish
    assert "<p>own:Log out</p>" in spanish  # an attribute of that name is not gettext
    assert "<p>&lt;b&gt;</p>" in spanish  # a value put in is escaped, as gettext does it
    assert "<p>half 50% done</p>" in spanish  # %% undone by gettext when drawn
    assert "<p>a word no catalogue has</p>" in spanish


@pytest.mark.parametrize("order", [("es", "en", "es"), ("en", "es", "en")])
def test_each_language_has_its_own_compiled_template_whichever_came_first(page_app, order):
    for language in order:
        page = drawn(page_app, language)
        assert ("<p>Cerrar sesión</p>" in page) == (language == "es"), language
        assert ("<p>Log out</p>" in page) == (language == "en"), language


def test_a_bytecode_cache_keeps_the_languages_apart(app, tmp_path):
    """The tests' bytecode cache is shared by every app of the run: a template compiled
    for Spanish must not be handed to an English page by it."""
    app.jinja_env.bytecode_cache = CompiledTemplates()
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader({"words.html": PAGE}), app.jinja_env.loader]
    )
    assert "Cerrar sesión" in drawn(app, "es")
    app.jinja_env.cache.clear()  # the next load comes from the bytecode cache
    english = drawn(app, "en")
    assert "<p>Log out</p>" in english and "Cerrar sesión" not in english
    assert len(app.jinja_env.bytecode_cache.compiled) >= 2


def test_a_template_parsed_by_hand_keeps_its_gettext_calls(app):
    """The message extractor and the template tests parse templates themselves: they see
    the calls as written."""
    source = '{{ _("Log out") }}'
    tree = app.jinja_env.parse(source)
    calls = list(tree.find_all(jinja2.nodes.Call))
    assert [call.node.name for call in calls] == ["_"]
    assert localised_templates._COMPILING.get() is None


def test_real_pages_read_in_each_language_from_one_app(app):
    ana = sign_in(app, "ana", "reviewer")
    for language, word, other in [
        ("es", "Cerrar sesión", "Log out"),
        ("en", "Log out", "Cerrar sesión"),
        ("es", "Cerrar sesión", "Log out"),
    ]:
        page = ana.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
        assert word in page and other not in page, language


GLOBALS_PAGES = {
    "macros.html": "{% macro who() %}{{ greeting }} {{ current_user() }}{% endmacro %}",
    "uses.html": '{% from "macros.html" import who %}[{{ who() }}|{{ own }}|{{ greeting }}]',
    "plain.html": "[{{ own is defined }}|{{ greeting }}]",
}


def test_templates_see_the_apps_globals_and_keep_their_own_to_themselves(app):
    """Globals are one plain dict per template (not a ChainMap over the environment's):
    what one template is given stays its own, and the environment's reach every one,
    imported macros included."""
    app.jinja_env.globals["greeting"] = "hello"  # as the app sets its globals: before loading
    app.jinja_env.loader = jinja2.ChoiceLoader(
        [jinja2.DictLoader(GLOBALS_PAGES), app.jinja_env.loader]
    )
    with app.test_request_context():
        uses = app.jinja_env.get_template("uses.html", globals={"own": "mine"})
        assert uses.render() == "[hello None|mine|hello]"
        assert app.jinja_env.get_template("plain.html").render() == "[False|hello]"
        assert "own" not in app.jinja_env.globals
        # Drawn again from the cache, with the import's module kept: the same page.
        assert app.jinja_env.get_template("uses.html").render() == "[hello None|mine|hello]"
