"""Which workbench module imports which, read from the source (every import statement,
those inside functions too): what the layer and cycle tests check."""

import ast
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


def imported_names(path: pathlib.Path) -> set[str]:
    """Every module a file imports, absolute, outside modules included (relative imports
    resolved against the file's package; `from x import y` counts x.y when y is a name)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
    tree = ast.parse(path.read_text(encoding="utf-8"))
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
