"""The licence the project gives and the ones it takes: every runtime package in the lock
is listed in NOTICE, and none of them is copyleft without a permissive alternative."""

import importlib.metadata
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCK_LINE = re.compile(r"^([a-z0-9][a-z0-9._-]*)==([^ ;\\]+)", re.M)
# GPL and AGPL would make the whole app theirs; LGPL and MPL do not (used unmodified).
GPL = re.compile(r"\bA?GPL")


def app_packages():
    return sorted(set(LOCK_LINE.findall((ROOT / "requirements/app.lock").read_text())))


def notice_licences():
    """NOTICE's table: package name -> the licence it states."""
    table = {}
    for line in (ROOT / "NOTICE").read_text().splitlines():
        match = re.match(r"^([a-z0-9][a-z0-9._-]*) {2,}(\S.*)$", line)
        if match:
            table[match.group(1)] = match.group(2)
    return table


def test_the_project_is_apache_2_and_says_so():
    assert "Apache License" in (ROOT / "LICENSE").read_text()
    assert "Version 2.0" in (ROOT / "LICENSE").read_text()
    assert 'license = "Apache-2.0"' in (ROOT / "pyproject.toml").read_text()


def test_every_runtime_package_in_the_lock_is_listed_in_notice():
    listed = notice_licences()
    missing = [name for name, _ in app_packages() if name not in listed]
    assert not missing, f"add these to NOTICE with their licence: {missing}"


@pytest.mark.parametrize("name, licence", sorted(notice_licences().items()))
def test_no_runtime_package_is_gpl_without_a_permissive_choice(name, licence):
    # Alternatives that include a GPL are fine when NOTICE names the permissive one used.
    if " OR " in licence and GPL.search(licence):
        assert "(used under " in licence, f"{name}: say which of '{licence}' applies"
        licence = licence.split("(used under ", 1)[1]
    assert not GPL.search(licence), f"{name} is {licence}"


def test_installed_metadata_agrees_that_no_runtime_package_is_gpl_only():
    # The metadata, not our table: a package whose licence becomes GPL in a new release
    # fails here as soon as the lock takes that release.
    offenders = []
    for name, _version in app_packages():
        try:
            metadata = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # a platform-only package (colorama on Windows)
        expression = metadata.get("License-Expression") or ""
        classifiers = [c for c in metadata.get_all("Classifier") or [] if c.startswith("License")]
        gpl_classifiers = [c for c in classifiers if "GPL" in c and "Lesser" not in c]
        if (
            GPL.search(expression) and " OR " not in expression
        ) or gpl_classifiers == classifiers != []:
            offenders.append(f"{name}: {expression or classifiers}")
    assert not offenders, offenders
