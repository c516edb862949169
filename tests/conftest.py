"""Fixtures shared by every test module (the flaskr pattern: app, client, runner)."""

import pathlib

import pytest
import sqlite_utils

from workbench import create_app
from workbench import db as workbench_db

SAMPLE = pathlib.Path(__file__).resolve().parent.parent / "workbench" / "sample_article.txt"


@pytest.fixture
def sample_text():
    return SAMPLE.read_text(encoding="utf-8")


@pytest.fixture
def app(tmp_path):
    app = create_app({
        "TESTING": True,
        "DATABASE": str(tmp_path / "workbench.db"),
        "SECRET_KEY": "test-secret",
    })
    yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def reviewer_client(client):
    """A client whose browser session has a reviewer name set."""
    with client.session_transaction() as session:
        session["reviewer"] = "Ana Reviewer"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def db(app):
    """A connection to the app's database file, for looking at what a request stored."""
    database = workbench_db.connect(app.config["DATABASE"])
    yield database
    database.close()


@pytest.fixture
def memory_db():
    """An in-memory database with the schema: domain code needs no Flask."""
    database = sqlite_utils.Database(memory=True)
    workbench_db.configure(database)
    workbench_db.migrate(database)
    return database


HX = {"HX-Request": "true"}
