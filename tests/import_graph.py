"""Which workbench module imports which, read from the source (every import statement,
those inside functions too): what the layer and cycle tests check."""

import ast
import functools
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "workbench"


def module_name(path: pathlib.Path) -> str:
    """workbench/review/claims.py -> workbench.review.claims (a package is its __init__)."""
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, pathlib.Path]:
    """Every module of the package, by dotted name."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


@functools.cache
def _tree(path: pathlib.Path) -> ast.Module:
    """A file's syntax tree, parsed once per test process."""
    return ast.parse(path.read_text(encoding="utf-8"))


def imported_names(path: pathlib.Path) -> set[str]:
    """Every module a file imports, absolute, outside modules included (relative imports
    resolved against the file's package; `from x import y` counts x.y when y is a name)."""
    tree = _tree(path)
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def internal_imports(modules: dict[str, pathlib.Path] | None = None) -> dict[str, set[str]]:
    """{module: the workbench modules it imports}. `from . import x` is an edge to x, not
    to the package; `from .x import name` an edge to x (and to x.name if that is a module)."""
    modules = modules or all_modules()
    edges = {}
    for name, path in modules.items():
        targets = {n for n in imported_names(path) if n in modules and n != name}
        # `from pkg import module` names the module; the package itself is only an edge
        # when a name that is not a module is taken from it.
        edges[name] = {
            t
            for t in targets
            if not any(other.startswith(t + ".") for other in targets)
            or _takes_a_name_from(path, t, modules)
        }
    return edges


def _takes_a_name_from(path: pathlib.Path, package: str, modules: dict) -> bool:
    """True when the file imports from `package` a name that is not one of its modules."""
    tree = _tree(path)
    name = module_name(path)
    own = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        if node.level:
            base = own.rsplit(".", node.level - 1)[0] if node.level > 1 else own
            module = f"{base}.{node.module}" if node.module else base
        else:
            module = node.module or ""
        if module == package and any(f"{module}.{a.name}" not in modules for a in node.names):
            return True
    return False


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles: each strongly connected group of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(edges.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


# --- the picture in docs/architecture.md -------------------------------------------------

ARCHITECTURE = ROOT / "docs" / "architecture.md"
BEGIN = "<!-- folder imports, drawn by `make architecture-graph` -->"
END = "<!-- end of folder imports -->"


def unit_of(module: str) -> str:
    """A module's folder under workbench/ ("review/"), or its file at the top ("errors.py");
    the package's own __init__ (it re-exports the app factory) counts as web."""
    parts = module.split(".")
    if len(parts) == 1:
        return "web/"
    if (PACKAGE / parts[1]).is_dir():
        return parts[1] + "/"
    return parts[1] + ".py"


def folder_imports() -> dict[str, set[str]]:
    """{folder or top module: the others it imports}."""
    edges: dict[str, set[str]] = {}
    for module, targets in internal_imports().items():
        edges.setdefault(unit_of(module), set()).update(
            unit_of(t) for t in targets if unit_of(t) != unit_of(module)
        )
    return edges


def mermaid() -> str:
    """The folders and what each imports, as a Mermaid flowchart (GitHub draws it)."""
    counts: dict[str, int] = {}
    for module, path in all_modules().items():
        counts[unit_of(module)] = counts.get(unit_of(module), 0) + int(not _only_a_docstring(path))
    edges = folder_imports()

    def node(unit: str) -> str:
        return unit.replace("/", "").replace(".py", "_py")

    lines = ["```mermaid", "flowchart TD"]
    for unit in sorted(counts):
        plural = "s" if counts[unit] > 1 else ""
        label = f"{unit} · {counts[unit]} module{plural}" if unit.endswith("/") else unit
        lines.append(f'    {node(unit)}["{label}"]')
    for unit in sorted(edges):
        for target in sorted(edges[unit]):
            lines.append(f"    {node(unit)} --> {node(target)}")
    lines.append("```")
    return "\n".join(lines)


def _only_a_docstring(path: pathlib.Path) -> bool:
    """A folder's __init__ that only says what the folder holds is not counted as a module."""
    body = ast.parse(path.read_text(encoding="utf-8")).body
    return (
        path.name == "__init__.py"
        and len(body) <= 1
        and ast.get_docstring(ast.Module(body=body, type_ignores=[])) is not None
    )


def documented_picture() -> str:
    """The picture as docs/architecture.md has it now."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    return text[text.index(BEGIN) + len(BEGIN) : text.index(END)].strip()


def write_picture() -> None:
    """Put the picture of the imports as they are now into docs/architecture.md."""
    text = ARCHITECTURE.read_text(encoding="utf-8")
    before, after = text[: text.index(BEGIN) + len(BEGIN)], text[text.index(END) :]
    ARCHITECTURE.write_text(f"{before}\n{mermaid()}\n{after}", encoding="utf-8")


if __name__ == "__main__":
    write_picture()
