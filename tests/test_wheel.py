"""`pip install .` gives a working workbench: the built wheel, installed into a fresh venv
and run from a folder far from the checkout, starts, imports and serves its pages with
its own templates and static files; nothing it runs reads the repository's tests/."""

import json
import os
import pathlib
import re
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request

import pytest

from workbench.version import __version__

ROOT = pathlib.Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A fresh venv holding the wheel; its dependencies are the project venv's, reached
    through a .pth path (the same locked files, without installing them all again)."""
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
        + ["--wheel-dir", str(folder / "dist"), str(ROOT)],
        check=True,
    )
    (wheel,) = (folder / "dist").glob("workbench-*.whl")
    venv = folder / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    purelib = subprocess.run(
        [venv / "bin" / "python", "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    pathlib.Path(purelib, "project-dependencies.pth").write_text(
        sysconfig.get_path("purelib") + "\n"
    )
    subprocess.run(
        [venv / "bin" / "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True
    )
    home = folder / "elsewhere"
    home.mkdir()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("WORKBENCH_")}
    environment.update(WORKBENCH_INSTANCE=str(home / "instance"), PYTHONDONTWRITEBYTECODE="1")
    return wheel, venv, home, environment


def run(installed, *arguments):
    _, venv, home, environment = installed
    return subprocess.run(
        [venv / "bin" / "workbench", *arguments],
        cwd=home,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_wheel_carries_templates_static_files_and_the_sample(installed):
    import zipfile

    names = zipfile.ZipFile(installed[0]).namelist()
    assert "workbench/templates/base.html" in names
    assert "workbench/static/app.css" in names
    assert "workbench/sample_article.txt" in names
    assert "workbench/translations/es/LC_MESSAGES/messages.mo" in names  # the Spanish interface
    assert not [name for name in names if name.startswith("tests/")]
    assert re.search(
        rf"workbench-{re.escape(__version__)}.dist-info/licenses/LICENSE", "\n".join(names)
    )


def test_the_installed_command_runs_from_the_wheel_not_the_checkout(installed):
    _, venv, home, environment = installed
    where = subprocess.run(
        [venv / "bin" / "python", "-c", "import workbench; print(workbench.__file__)"],
        cwd=home,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert where.startswith(str(venv))
    assert run(installed, "--version").stdout.strip() == f"workbench, version {__version__}"


def test_init_import_and_serve_work_from_the_installed_wheel(installed, tmp_path):
    home = installed[2]
    initialised = run(installed, "init")
    assert initialised.returncode == 0, initialised.stderr
    assert "Imported the sample article as article 1" in initialised.stdout

    article = tmp_path / "report.txt"
    article.write_text(
        "Council approves budget\n\n"
        "The city council approved a budget of 4 million euros on Tuesday, the mayor said. "
        "Critics said the plan cuts bus routes.\n",
        encoding="utf-8",
    )
    imported = run(installed, "import", str(article))
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout.strip() == "2"
    exported = run(installed, "export", "--article", "2", "--format", "json")
    document = json.loads(exported.stdout)
    assert document["workbench_version"] == __version__
    claims = [claim["text"] for claim in document["articles"][0]["claims"]]
    assert "Critics said the plan cuts bus routes." in claims

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    _, venv, _, environment = installed
    server = subprocess.Popen(
        [venv / "bin" / "workbench", "serve", "--port", str(port), "--workers", "1"],
        cwd=home,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        page = _get_when_up(f"http://127.0.0.1:{port}/login", server)
        assert "<form" in page and f"Claim workbench {__version__}" in page
        stylesheet = _get_when_up(f"http://127.0.0.1:{port}/static/app.css", server)
        assert ".topbar" in stylesheet
        # The catalogue came with the wheel: a Spanish browser reads Spanish.
        spanish = urllib.request.Request(
            f"http://127.0.0.1:{port}/login", headers={"Accept-Language": "es"}
        )
        with urllib.request.urlopen(spanish, timeout=10) as response:
            assert "Saltar al contenido" in response.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert (home / "instance" / "workbench.db").is_file()


def _get_when_up(url, server, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if server.poll() is not None:
                raise AssertionError(server.stderr.read().decode()) from None
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)
