"""Every installed package comes from a lock file with hashes (dependencies had
ranges and no lock, so two installs could differ and a swapped upload would go unnoticed)."""

import pathlib
import re
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCKS = {name: ROOT / "requirements" / f"{name}.lock" for name in ("app", "dev", "bench")}
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


def test_the_bench_lock_agrees_with_the_dev_lock():
    dev = locked(LOCKS["dev"])
    bench = locked(LOCKS["bench"])
    differing = {
        p: (dev[p][0], bench[p][0]) for p in bench if p in dev and bench[p][0] != dev[p][0]
    }
    assert differing == {}


def test_every_pip_install_in_the_makefile_takes_a_hashed_lock_without_resolving():
    # --no-deps: each lock is complete, so pip never asks the registry what else to take
    # (tests/test_install.py shows what resolving did on a fresh machine).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    definition = re.search(r"^LOCKED_INSTALL = (.*)$", makefile, re.M)[1]
    assert "--no-deps" in definition and "--require-hashes" in definition
    installs = re.findall(r"\$\(LOCKED_INSTALL\) -r (\S+)", makefile)
    assert set(installs) == {f"requirements/{name}.lock" for name in LOCKS} | {"$(LOCK)"}
    others = [
        line.strip()
        for line in makefile.splitlines()
        if "pip install" in line and not line.startswith(("LOCKED_INSTALL", "#"))
    ]
    # The one other install is the project itself, editable, pulling in nothing.
    assert others and all("--no-deps" in line and line.endswith("-e .") for line in others)
