"""Installs take exactly what the locks name, whatever the registry publishes later.

The Makefile's own recipe (`make locked-install`, the one every install target uses) runs
in a fresh venv made with the interpreter's bundled pip, against a local "simple" index
served over HTTP that also offers a newer release of a locked package. The packages are
wheels built here: `app` needs `lib[extra]`, as justext needs `lxml[html_clean]`. With a
resolving install, pip 23.2 takes the newer `lib` for the extra and then refuses it as
unpinned, which is how every fresh `make run` broke once lxml 6.2.1 was published.
"""

import base64
import hashlib
import http.server
import json
import os
import pathlib
import re
import subprocess
import sys
import threading
import zipfile

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def build_wheel(folder, name, version, requires=(), extras=None):
    """A minimal, valid pure-Python wheel: one module and its dist-info."""
    dist_info = f"{name}-{version}.dist-info"
    metadata = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    metadata += [f"Requires-Dist: {requirement}" for requirement in requires]
    for extra, requirements in (extras or {}).items():
        metadata.append(f"Provides-Extra: {extra}")
        metadata += [f'Requires-Dist: {r}; extra == "{extra}"' for r in requirements]
    files = {
        f"{name}.py": f"VERSION = {version!r}\n",
        f"{dist_info}/METADATA": "\n".join(metadata) + "\n",
        f"{dist_info}/WHEEL": "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=")
        record.append(f"{path},sha256={digest.decode()},{len(text.encode())}")
    record.append(f"{dist_info}/RECORD,,")
    files[f"{dist_info}/RECORD"] = "\n".join(record) + "\n"
    wheel = folder / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return wheel


def sha256(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    """A PEP 503 index on 127.0.0.1 whose `wblib` has a release newer than the lock's."""
    root = tmp_path_factory.mktemp("index")
    files = root / "files"
    files.mkdir()
    wheels = [
        build_wheel(files, "wbapp", "1.0", requires=["wblib[extra]>=1.0"]),
        build_wheel(files, "wblib", "1.0", extras={"extra": ["wbextra>=1.0"]}),
        build_wheel(files, "wblib", "2.0", extras={"extra": ["wbextra>=1.0"]}),
        build_wheel(files, "wbextra", "1.0"),
    ]
    for project in ("wbapp", "wblib", "wbextra"):
        page = root / "simple" / project
        page.mkdir(parents=True)
        links = "".join(
            f'<a href="../../files/{w.name}#sha256={sha256(w)}">{w.name}</a>\n'
            for w in wheels
            if w.name.startswith(f"{project}-")
        )
        (page / "index.html").write_text(f"<!doctype html><html><body>{links}</body></html>")

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    lock = root / "test.lock"
    # A lock as `make lock` writes it: every package pinned, every file hashed.
    lock.write_text(
        "".join(
            f"{w.name.split('-')[0]}=={w.name.split('-')[1]} \\\n    --hash=sha256:{sha256(w)}\n"
            for w in wheels
            if "-2.0-" not in w.name
        )
    )
    yield f"http://127.0.0.1:{server.server_port}/simple", lock
    server.shutdown()


def pip_environment(index_url):
    """Only the test's index: no pip configuration, cache or extra index of this machine."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    environment.update(
        PIP_CONFIG_FILE=os.devnull,
        PIP_INDEX_URL=index_url,
        PIP_NO_CACHE_DIR="1",
        PIP_DISABLE_PIP_VERSION_CHECK="1",
    )
    environment.pop("VIRTUAL_ENV", None)
    return environment


def base_python():
    """The interpreter the project's venv was made from: its bundled pip is what a fresh
    `python3 -m venv` gets (23.2.1 on Python 3.11.7)."""
    return str(pathlib.Path(sys.base_prefix) / "bin" / "python3")


def test_the_makefile_installs_exactly_the_lock_when_the_index_has_newer_releases(index, tmp_path):
    index_url, lock = index
    venv = tmp_path / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
    bundled = subprocess.run(
        [venv / "bin" / "pip", "--version"], capture_output=True, text=True, check=True
    ).stdout
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "locked-install", f"VENV={venv}", f"LOCK={lock}"],
        env=pip_environment(index_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, (
        f"installing the lock with {bundled} failed:\n{result.stdout}\n{result.stderr}"
    )
    listed = subprocess.run(
        [venv / "bin" / "pip", "list", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        env=pip_environment(index_url),
    ).stdout
    installed = {p["name"]: p["version"] for p in json.loads(listed)}
    assert {name: installed.get(name) for name in ("wbapp", "wblib", "wbextra")} == {
        "wbapp": "1.0",
        "wblib": "1.0",  # the lock's, not the index's newer 2.0
        "wbextra": "1.0",
    }


def test_the_makefile_refuses_a_lock_that_leaves_a_dependency_out(index, tmp_path):
    # --no-deps trusts the lock to be complete; `pip check` is what proves it.
    index_url, lock = index
    incomplete = tmp_path / "incomplete.lock"
    incomplete.write_text(re.sub(r"wblib==.*\n.*\n", "", lock.read_text()))
    venv = tmp_path / "venv"
    subprocess.run([base_python(), "-m", "venv", str(venv)], check=True)
    result = subprocess.run(
        ["make", "-s", "-C", str(ROOT), "locked-install", f"VENV={venv}", f"LOCK={incomplete}"],
        env=pip_environment(index_url),
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "wblib" in result.stdout + result.stderr
