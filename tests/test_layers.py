"""The layers of docs/architecture.md hold: each module imports only what its layer may."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "workbench"


def imported_modules(path):
    """Every module a file imports, absolute (relative imports resolved against workbench)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
                found.add(module)
                found.update(f"{module}.{alias.name}" for alias in node.names)
            else:
                found.add(node.module)
    return found


def modules_in(*patterns):
    return sorted(path for pattern in patterns for path in PACKAGE.glob(pattern))


# Werkzeug's password hashing is a library function, not web code.
ALLOWED_EVERYWHERE = {"werkzeug.security"}


def forbidden(path, prefixes):
    return sorted(
        name
        for name in imported_modules(path) - ALLOWED_EVERYWHERE
        if any(name == prefix or name.startswith(prefix + ".") for prefix in prefixes)
    )


TEXT = modules_in("text/*.py")
DOMAIN = modules_in(
    "statuses.py",
    "errors.py",
    "version.py",
    "exports/*.py",
    "storage/*.py",
    "team/*.py",
    "memory/*.py",
    "review/*.py",
    "desk/*.py",
    "intake/*.py",
)


@pytest.mark.parametrize("path", TEXT, ids=[p.name for p in TEXT])
def test_the_text_pipeline_needs_no_web_and_no_database(path):
    assert forbidden(path, ["flask", "werkzeug", "sqlite3", "sqlite_utils"]) == []


@pytest.mark.parametrize("path", TEXT, ids=[p.name for p in TEXT])
def test_the_text_pipeline_imports_no_domain_module(path):
    allowed = {"workbench.text", "workbench.errors"}
    domain = [
        name
        for name in imported_modules(path)
        if name.startswith("workbench.") and not any(name.startswith(a) for a in allowed)
    ]
    assert domain == []


@pytest.mark.parametrize("path", DOMAIN, ids=[str(p.relative_to(PACKAGE)) for p in DOMAIN])
def test_domain_and_storage_code_imports_no_web_code(path):
    web = [
        "flask",
        "werkzeug",
        "workbench.web.database",
        "workbench.web.views",
        "workbench.web.api",
        "workbench.web.auth",
        "workbench.web.security",
    ]
    assert forbidden(path, web) == []


def test_the_layer_lists_cover_every_module():
    listed = set(TEXT) | set(DOMAIN)
    web = set(modules_in("web/**/*.py", "cli/*.py", "__init__.py"))
    unplaced = sorted(
        str(p.relative_to(PACKAGE)) for p in set(modules_in("**/*.py")) - listed - web
    )
    assert unplaced == [], "place new modules in a layer (here and in docs/architecture.md)"


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


@pytest.mark.parametrize(
    "path", TEXT + DOMAIN, ids=[str(p.relative_to(PACKAGE)) for p in TEXT + DOMAIN]
)
def test_every_public_function_of_the_text_and_domain_layers_is_annotated(path):
    assert public_functions_without_annotations(path) == []
