"""The model under the rules: checked at load, lazy, and optional (workbench.text.spacy_model)."""

import json
import os
import pathlib
import subprocess
import sys
import textwrap
import types

import pytest

from workbench.text import spacy_model
from workbench.text.attribution import detect_attributions
from workbench.text.splitter import split_claims


@pytest.fixture
def fresh_model_state(monkeypatch):
    """A process state where the model was never tried, restored afterwards."""
    monkeypatch.setattr(spacy_model, "_state", {"tried": False, "nlp": None, "reason": None})
    return monkeypatch


def fake_model_package(monkeypatch, name, version):
    """A model package that loads spaCy's blank English pipeline under some meta."""
    import spacy

    def load(exclude=()):
        nlp = spacy.blank("en")
        nlp.meta.update({"name": name, "version": version})
        return nlp

    monkeypatch.setitem(sys.modules, "fake_model_package", types.SimpleNamespace(load=load))
    monkeypatch.setattr(spacy_model, "MODEL_PACKAGE", "fake_model_package")


@pytest.mark.slow
def test_the_installed_model_is_the_expected_one():
    assert spacy_model.model_available(), spacy_model.rules_only_reason()
    nlp = spacy_model.load_model()
    assert spacy_model.model_identity(nlp) in spacy_model.EXPECTED_MODELS
    assert nlp.pipe_names == list(spacy_model.COMPONENTS)


def test_a_missing_package_leaves_the_rules_alone(fresh_model_state):
    fresh_model_state.setattr(spacy_model, "MODEL_PACKAGE", "no_such_model_package")
    assert not spacy_model.model_available()
    assert "no_such_model_package is not installed" in spacy_model.rules_only_reason()


@pytest.mark.slow
def test_a_model_of_another_version_is_refused(fresh_model_state):
    fake_model_package(fresh_model_state, "core_web_sm", "3.7.1")
    assert not spacy_model.model_available()
    assert "en_core_web_sm 3.7.1" in spacy_model.rules_only_reason()


def test_a_model_of_another_name_is_refused(fresh_model_state):
    fake_model_package(fresh_model_state, "core_web_lg", "3.8.0")
    assert not spacy_model.model_available()
    assert "en_core_web_lg" in spacy_model.rules_only_reason()


def test_the_right_name_without_the_parser_is_refused(fresh_model_state):
    fake_model_package(fresh_model_state, "core_web_sm", "3.8.0")
    assert not spacy_model.model_available()
    assert "lacks the components" in spacy_model.rules_only_reason()


def test_without_the_model_the_rules_still_find_sources(fresh_model_state):
    fresh_model_state.setattr(spacy_model, "MODEL_PACKAGE", "off")
    text = "Ana Lind said the bridge was safe. The Harbour Board noted that it would reopen."
    found = detect_attributions(text, split_claims(text))
    assert [(source.text, source.kind, source.method) for source in found] == [
        ("Ana Lind", "named_person", "rule"),
        ("Harbour Board", "organization", "rule"),
    ]


def test_the_parse_fills_a_gap_the_rules_leave():
    # "The lawyers who drafted the appeal" is a subject the rules do not read.
    text = "The lawyers who drafted the appeal and the clerks believe the court erred."
    assert detect_attributions(text, split_claims(text), use_model=False) == [None]
    (source,) = detect_attributions(text, split_claims(text), use_model=True)
    assert (source.kind, source.method) == ("anonymous", "parse")
    assert source.text.startswith("The lawyers")
    assert text[source.start : source.end] == source.text


@pytest.mark.slow
def test_the_entity_recogniser_types_a_name_the_rules_only_guessed():
    text = "Ireland says the ferry will sail."
    (guess,) = detect_attributions(text, split_claims(text), use_model=False)
    (typed,) = detect_attributions(text, split_claims(text), use_model=True)
    assert (guess.kind, guess.method) == ("organization", "rule")
    assert (typed.kind, typed.method) == ("organization", "entity")


def run_isolated(code):
    """Run `code` in a new interpreter; it prints JSON, returned decoded."""
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_help_does_not_load_the_model():
    loaded = run_isolated("""
        import json, sys
        from click.testing import CliRunner
        from workbench.cli import cli
        from workbench.text import spacy_model
        result = CliRunner().invoke(cli, ["--help"])
        assert result.exit_code == 0, result.output
        print(json.dumps({"spacy": "spacy" in sys.modules, "loaded": spacy_model.model_loaded()}))
    """)
    assert loaded == {"spacy": False, "loaded": False}


@pytest.mark.slow
def test_page_views_do_not_load_the_model(tmp_path):
    loaded = run_isolated(f"""
        import json, sys
        from workbench import create_app
        from workbench.text import spacy_model
        app = create_app({{"TESTING": True, "DATABASE": {str(tmp_path / "views.db")!r}}})
        client = app.test_client()
        pages = [client.get(path).status_code for path in ("/", "/login", "/articles")]
        print(json.dumps({{"spacy": "spacy" in sys.modules, "loaded": spacy_model.model_loaded(),
                          "pages": pages}}))
    """)
    assert (loaded["spacy"], loaded["loaded"]) == (False, False), loaded


@pytest.mark.slow
def test_extract_says_when_the_rules_work_alone(tmp_path):
    article = tmp_path / "article.txt"
    article.write_text("Ana Lind said the bridge was safe.\n", encoding="utf-8")
    workbench = pathlib.Path(sys.executable).with_name("workbench")
    result = subprocess.run(
        [str(workbench), "extract", str(article)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "WORKBENCH_SPACY_MODEL": "off"},
    )
    assert "sources found by the rules alone" in result.stderr
    (claim,) = json.loads(result.stdout)
    assert claim["attribution"]["method"] == "rule"
    assert claim["candidates"] == []
