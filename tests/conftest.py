"""Fixtures shared by every test module (the flaskr pattern: app, client, runner)."""

import copy
import gc
import pathlib
import shutil

import pytest
import sqlite_utils
from werkzeug.routing.rules import Rule

from support import FAST_HASH, CompiledTemplates, log_in  # noqa: F401  (log_in: for test modules)
from workbench import create_app
from workbench.storage import clock, migrations
from workbench.storage import db as workbench_db
from workbench.text import analysis, spacy_model

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "workbench" / "sample_article.txt"


@pytest.fixture
def sample_text():
    return SAMPLE.read_text(encoding="utf-8")


# Templates compiled once per test run, not once per test's app (a third of the fast
# tier's time went to compiling the same templates again).
COMPILED_TEMPLATES = CompiledTemplates()


_compile_builder = Rule._compile_builder
_BUILDERS: dict = {}


def _builder_compiled_once(self, append_unknown=True):
    """Werkzeug writes and compiles a URL-building function for every route of every app;
    the tests make hundreds of identical apps, and this was a third of the fast tier's
    time. The function depends only on what is in the key (it reaches the rule's
    converters through its `self` argument), so one compiled per route serves every app."""
    defaults = tuple(sorted((name, repr(value)) for name, value in (self.defaults or {}).items()))
    key = (self.rule, self.host, self.subdomain, tuple(self._trace), defaults, append_unknown)
    if key not in _BUILDERS:
        _BUILDERS[key] = _compile_builder(self, append_unknown)
    return _BUILDERS[key]


Rule._compile_builder = _builder_compiled_once


_compile_rule = Rule.compile
_PARSED_RULES: dict = {}


def _rule_parsed_once(self):
    """Parsing each route's pattern was most of what was left of making an app (3.5 of its
    5.8 ms). What parsing gives depends only on the key; the converters it makes are bound
    to one app's map, so they are made again from what was recorded."""
    domain = self.host if self.map.host_matching else self.subdomain
    key = (self.rule, domain or "", self.map.host_matching, self.merge_slashes)
    key += (tuple(sorted(self.map.converters.items())),)
    parsed = _PARSED_RULES.get(key)
    if parsed is None:
        made = []
        get_converter = self.get_converter

        def recording(variable, converter, args, kwargs):
            made.append((variable, converter, args, dict(kwargs)))
            return get_converter(variable, converter, args, kwargs)

        self.get_converter = recording
        try:
            _compile_rule(self)
        finally:
            del self.get_converter
        _PARSED_RULES[key] = (list(self._parts), list(self._trace), made)
        return
    parts, trace, made = parsed
    self._parts, self._trace, self._converters = list(parts), list(trace), {}
    for variable, converter, args, kwargs in made:
        self._converters[variable] = self.get_converter(variable, converter, args, kwargs)
        self.arguments.add(variable)
    self._build = self._compile_builder(False).__get__(self, None)
    self._build_unknown = self._compile_builder(True).__get__(self, None)


Rule.compile = _rule_parsed_once


_claim_rows = analysis.claim_rows
_ANALYSED: dict = {}


def _claim_rows_once(text, on_stage=None, max_claims=None, language="en", headings=()):
    """A text's claims, sources and flags depend only on the text, its language, its
    headings and the model loaded, and the tests import the same few texts hundreds of
    times (11 ms each). Each distinct text is analysed for real once per test process;
    a test that swaps the analysis out, or loads another model, gets its own."""
    model = spacy_model.load_model()
    key = (text, language, tuple(headings), id(model), spacy_model.MODEL_PACKAGE)
    rows = _ANALYSED.get(key)
    if rows is None or (max_claims is not None and len(rows) > max_claims):
        rows = _claim_rows(text, on_stage, max_claims, language=language, headings=headings)
        _ANALYSED[key] = rows
    elif on_stage:
        on_stage("splitting")
        on_stage("finding sources")
    return copy.deepcopy(rows)


analysis.claim_rows = _claim_rows_once


@pytest.fixture(scope="session")
def migrated_database(tmp_path_factory):
    """A database file with the schema, made once: each test starts from a copy of it,
    which is what create_app would build, without running every migration each time."""
    path = tmp_path_factory.mktemp("template") / "workbench.db"
    database = migrations.open_migrated(path)
    database.execute("pragma wal_checkpoint(truncate)")
    database.close()
    return path


@pytest.fixture
def app(tmp_path, migrated_database):
    shutil.copyfile(migrated_database, tmp_path / "workbench.db")
    app = create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "workbench.db"),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    yield app


@pytest.fixture
def fixed_clock(monkeypatch):
    """The workbench's clock stands still for the test: every reading is the moment the
    test began, so two snapshots of the database cannot differ because a second (or a
    minute) turned between them. The moment it shows."""
    moment = clock.system_time().replace(microsecond=0)
    monkeypatch.setattr(clock, "source", lambda: moment)
    return moment


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def admin_client(app):
    return log_in(app, app.test_client(), "ada", "admin")


@pytest.fixture
def reviewer_client(app):
    return log_in(app, app.test_client(), "ana", "reviewer")


@pytest.fixture
def viewer_client(app):
    return log_in(app, app.test_client(), "vic", "viewer")


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A connection to the app's database file, for looking at what a request stored."""
    database = workbench_db.connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture(scope="session")
def _migrated_memory():
    database = sqlite_utils.Database(memory=True)
    workbench_db.configure(database)
    migrations.migrate(database)
    return database


@pytest.fixture
def memory_db(_migrated_memory):
    """An in-memory database with the schema: domain code needs no Flask."""
    database = sqlite_utils.Database(memory=True)
    _migrated_memory.conn.backup(database.conn)  # the schema, copied rather than rebuilt
    workbench_db.configure(database)
    return database


def pytest_collection_finish(session):
    """Move everything loaded so far (the app's modules, the language model, the collected
    tests) out of the garbage collector's way: otherwise every full collection walks them
    again, for nothing, hundreds of times a run."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
