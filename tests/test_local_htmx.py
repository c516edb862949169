"""A desk without internet: WORKBENCH_HTMX_DIR serves the pinned htmx and its SSE extension
from this site, each checked against the pinned hash the pages carry."""

import os
import pathlib
import re
import shutil

import pytest

from support import FAST_HASH, log_in
from workbench.web import app as app_factory
from workbench.web import local_htmx

FAKE_HTMX = b"window.htmx = {fake: 1};\n"
FAKE_SSE = b"/* sse */\n"
PINNED = app_factory.local_scripts()  # the real names and paths, before any test patches


def fake_scripts(htmx=FAKE_HTMX, sse=FAKE_SSE):
    """The two pinned scripts, pinned to stand-in bodies (the real ones come from npm)."""
    return (
        local_htmx.PinnedScript(
            PINNED[0].filename, PINNED[0].path, local_htmx.sha384_integrity(htmx)
        ),
        local_htmx.PinnedScript(
            PINNED[1].filename, PINNED[1].path, local_htmx.sha384_integrity(sse)
        ),
    )


@pytest.fixture
def folder(tmp_path):
    scripts = fake_scripts()
    (tmp_path / scripts[0].filename).write_bytes(FAKE_HTMX)
    (tmp_path / scripts[1].filename).write_bytes(FAKE_SSE)
    return tmp_path


def make_app(tmp_path, migrated_database, monkeypatch, folder):
    monkeypatch.setenv("WORKBENCH_HTMX_DIR", str(folder))
    monkeypatch.delenv("WORKBENCH_HTMX_URL", raising=False)
    monkeypatch.delenv("WORKBENCH_HTMX_SSE_URL", raising=False)
    monkeypatch.setattr(app_factory, "local_scripts", fake_scripts)
    shutil.copyfile(migrated_database, tmp_path / "local.db")
    return app_factory.create_app(
        {
            "TESTING": True,
            "DATABASE": str(tmp_path / "local.db"),
            "SECRET_KEY": "test-secret",
            "PASSWORD_HASH_METHOD": FAST_HASH,
        }
    )


def test_pages_load_htmx_from_this_site_with_the_pinned_hash(
    tmp_path, migrated_database, monkeypatch, folder
):
    app = make_app(tmp_path, migrated_database, monkeypatch, folder)
    client = log_in(app, app.test_client(), "ana", "reviewer")
    response = client.get("/", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200, page
    htmx, sse = fake_scripts()
    for script in (htmx, sse):
        assert re.search(
            rf'<script src="{re.escape(script.path)}" integrity="{re.escape(script.integrity)}"',
            page,
        )
    assert "cdn.jsdelivr.net" not in page
    assert "cdn.jsdelivr.net" not in response.headers["Content-Security-Policy"]


def test_the_files_are_served_without_a_login_and_nothing_else_of_the_folder(
    tmp_path, migrated_database, monkeypatch, folder
):
    (folder / "secret.txt").write_text("not for the web")
    app = make_app(tmp_path, migrated_database, monkeypatch, folder)
    client = app.test_client()
    htmx, sse = fake_scripts()
    for script, body in ((htmx, FAKE_HTMX), (sse, FAKE_SSE)):
        response = client.get(script.path)
        assert response.status_code == 200 and response.data == body
        assert response.mimetype == "application/javascript"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/vendor/secret.txt").status_code in (302, 303, 404)
    assert client.post(htmx.path).status_code != 200


@pytest.mark.parametrize("damage", ["missing", "changed"])
def test_a_folder_without_the_pinned_files_stops_the_start_with_the_reason(
    tmp_path, migrated_database, monkeypatch, folder, damage
):
    htmx = fake_scripts()[0]
    if damage == "missing":
        (folder / htmx.filename).unlink()
    else:
        (folder / htmx.filename).write_bytes(FAKE_HTMX + b"alert(1);\n")
    with pytest.raises(local_htmx.LocalHtmxError) as refused:
        make_app(tmp_path, migrated_database, monkeypatch, folder)
    reason = str(refused.value)
    assert htmx.filename in reason and "make htmx" in reason


@pytest.mark.slow
def test_the_files_make_htmx_fetches_are_the_pinned_ones():
    # `make test` sets HTMX_FILE (and fetches both files beside it): the real files must
    # match the hashes the pages name, or a desk using WORKBENCH_HTMX_DIR could not start.
    path = os.environ.get("HTMX_FILE")
    assert path, "run with `make test`, which fetches the pinned files and sets HTMX_FILE"
    files = local_htmx.load(str(pathlib.Path(path).parent), app_factory.local_scripts())
    assert set(files) == {script.path for script in app_factory.local_scripts()}
