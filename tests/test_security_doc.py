"""docs/security.md names the tests that hold each newer checklist line: every one it
names exists, so the table cannot point at a test that was renamed or removed."""

import pathlib
import re

TESTS = pathlib.Path(__file__).resolve().parent
PAGE = TESTS.parent / "docs" / "security.md"


def named_tests():
    """(file, test) for every `file.py::test` and following `::test` in the table."""
    named = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| "):
            continue
        current = None
        for file, test in re.findall(r"`(?:([\w/]+\.py))?::(\w+)`", line):
            current = file or current
            named.append((current, test))
    return named


def test_every_test_the_security_page_names_exists():
    named = named_tests()
    assert len(named) >= 40  # the table is there and read
    missing = [
        f"{file}::{test}"
        for file, test in named
        if not re.search(rf"^def {test}\(", (TESTS / file).read_text(encoding="utf-8"), re.M)
    ]
    assert missing == []
