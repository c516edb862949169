"""The layers are the folders of workbench/, as docs/architecture.md's table names them:
each module imports only its own folder and what its folder's row allows; the rows allow
no cycle; nothing below the web imports Flask; mypy's strict list is those folders."""

import ast
import functools
import re
import tomllib

import pytest

import import_graph
from import_graph import PACKAGE, ROOT, all_modules, imported_names, internal_imports, unit_of

ARCHITECTURE = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
ROW = re.compile(r"^\| `([\w.]+/?)` \| .+ \| (.+) \|$", re.M)

# The layer table: {"review/": {"memory/", ...}, "errors.py": set(), ...}.
ALLOWED = {
    unit: set(re.findall(r"`([\w.]+/?)`", may_import))
    for unit, may_import in ROW.findall(ARCHITECTURE)
}
ENTRY_POINTS = {"web/", "cli/"}  # everything else is below them: no Flask, strictly typed


MODULES = all_modules()
BELOW_WEB = sorted(m for m in MODULES if unit_of(m) not in ENTRY_POINTS)


@functools.cache
def edges():
    """The import graph, read when a test first asks (every test process imports this
    module; reading every file's imports at import time cost each of them 0.6 s)."""
    return internal_imports(MODULES)


def test_the_table_names_every_folder_and_top_module_and_nothing_else():
    on_disk = {unit_of(m) for m in MODULES}
    assert set(ALLOWED) == on_disk, (
        "docs/architecture.md's layer table and the folders of workbench/ disagree: "
        f"only in the table {sorted(set(ALLOWED) - on_disk)}, "
        f"only on disk {sorted(on_disk - set(ALLOWED))}"
    )


def test_the_picture_of_the_imports_in_the_docs_is_up_to_date():
    assert import_graph.documented_picture() == import_graph.mermaid(), (
        "docs/architecture.md's picture of the folder imports is out of date: "
        "run `make architecture-graph`"
    )


def test_the_table_allows_no_cycle():
    def below(unit, seen=()):
        for lower in ALLOWED[unit]:
            assert lower not in seen + (unit,), f"the layer table allows a cycle: {seen + (unit,)}"
            below(lower, seen + (unit,))

    for unit in ALLOWED:
        below(unit)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_a_module_imports_only_its_folder_and_what_its_row_allows(module):
    own = unit_of(module)
    refused = sorted(
        target
        for target in edges()[module]
        if unit_of(target) != own and unit_of(target) not in ALLOWED[own]
    )
    assert refused == [], (
        f"{module} ({own}) imports {refused}; docs/architecture.md allows {sorted(ALLOWED[own])}"
    )


@pytest.mark.parametrize("folder", sorted(u for u in ALLOWED if u.endswith("/")))
def test_every_folder_says_what_it_holds(folder):
    init = PACKAGE / folder / "__init__.py"
    assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), (
        f"workbench/{folder}__init__.py needs a docstring: what the folder holds"
    )


def forbidden(module, prefixes):
    """The modules in `prefixes` that `module` imports (Werkzeug's password hashing, a
    library function rather than web code, is allowed everywhere)."""
    return sorted(
        name
        for name in imported_names(MODULES[module])
        if not name.startswith("werkzeug.security")
        and any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
    )


@pytest.mark.parametrize("module", BELOW_WEB)
def test_nothing_below_the_web_imports_flask(module):
    assert forbidden(module, ["flask", "werkzeug"]) == []


@pytest.mark.parametrize("module", [m for m in BELOW_WEB if unit_of(m) == "text/"])
def test_the_text_pipeline_touches_no_database(module):
    assert forbidden(module, ["sqlite3", "sqlite_utils"]) == []


def public_functions_without_annotations(path):
    """Module-level functions and methods without a leading underscore that lack a
    return annotation or an annotation on any parameter but self/cls."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    missing = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) or node.name.startswith(
            "_"
        ):
            continue
        arguments = [
            a for a in node.args.args + node.args.kwonlyargs if a.arg not in ("self", "cls")
        ]
        if node.returns is None or any(a.annotation is None for a in arguments):
            missing.append(f"{node.name} (line {node.lineno})")
    return missing


@pytest.mark.parametrize("module", BELOW_WEB)
def test_every_public_function_below_the_web_is_annotated(module):
    assert public_functions_without_annotations(MODULES[module]) == []


MYPY = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]


def test_mypy_is_strict_for_every_folder_below_the_web():
    strict = next(o for o in MYPY["overrides"] if o.get("disallow_untyped_defs") is True)
    expected = sorted(
        f"workbench.{unit.rstrip('/')}.*" if unit.endswith("/") else f"workbench.{unit[:-3]}"
        for unit in ALLOWED
        if unit not in ENTRY_POINTS
    )
    assert sorted(strict["module"]) == expected


def test_only_text_modules_wait_for_their_annotations():
    """The text pipeline is being rewritten elsewhere; its unannotated modules are the
    only exception to the strict list, and each named must still exist."""
    relaxed = [o for o in MYPY["overrides"] if o.get("disallow_untyped_defs") is False]
    waiting = [name for override in relaxed for name in override["module"]]
    assert all(name.startswith("workbench.text.") and name in MODULES for name in waiting)
