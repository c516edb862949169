"""Every installed package comes from a lock file with hashes (issue 10: dependencies had
ranges and no lock, so two installs could differ and a swapped upload would go unnoticed)."""

import pathlib
import re
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCKS = {name: ROOT / "requirements" / f"{name}.lock" for name in ("app", "dev")}
PINNED = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def locked(path):
    """{normalised name: (version, [hashes])} of a uv/pip-tools lock file."""
    packages = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        pin = PINNED.match(line)
        if pin:
            current = re.sub(r"[-_.]+", "-", pin[1]).lower()
            packages[current] = (pin[2], [])
        elif current and "--hash=sha256:" in line:
            packages[current][1].extend(re.findall(r"--hash=sha256:([0-9a-f]{64})", line))
    return packages


def declared(requirements):
    """The normalised names of pyproject requirements ("flask>=3.1,<4" -> "flask")."""
    names = (re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0] for requirement in requirements)
    return {re.sub(r"[-_.]+", "-", name).lower() for name in names}


@pytest.mark.parametrize("name", sorted(LOCKS))
def test_every_locked_package_has_an_exact_version_and_a_hash(name):
    packages = locked(LOCKS[name])
    assert len(packages) > 10
    unhashed = sorted(package for package, (_, hashes) in packages.items() if not hashes)
    assert unhashed == []


def test_every_dependency_of_the_project_is_in_the_locks():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    app = locked(LOCKS["app"])
    dev = locked(LOCKS["dev"])
    assert declared(project["dependencies"]) - set(app) == set()
    assert declared(project["optional-dependencies"]["dev"]) - set(dev) == set()


def test_the_dev_lock_agrees_with_the_app_lock():
    app = locked(LOCKS["app"])
    dev = locked(LOCKS["dev"])
    differing = {p: (app[p][0], dev[p][0]) for p in app if p in dev and app[p][0] != dev[p][0]}
    assert differing == {}


def test_the_makefile_installs_only_from_the_locks_with_hashes_required():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    # `make bench` adds its own tools (Datasette, py-spy, matplotlib) to .venv; what `make
    # run` and `make test` install is what this is about.
    installs = [
        line.strip()
        for line in makefile.splitlines()
        if "pip install" in line and "BENCH_PACKAGES" not in line
    ]
    from_locks = [line for line in installs if "-r requirements/" in line]
    assert {line.split("-r ")[1] for line in from_locks} == {
        "requirements/app.lock",
        "requirements/dev.lock",
    }
    assert all("--require-hashes" in line for line in from_locks)
    # The project itself goes in without pulling anything the locks did not pin.
    others = [line for line in installs if line not in from_locks]
    assert others and all("--no-deps" in line for line in others)
