"""No import cycles, not even ones hidden by an import inside a function: a module that
needs one above it is given what it needs (the job worker its handlers, at start-up)."""

import import_graph


def test_no_module_imports_itself_through_others():
    assert import_graph.cycles(import_graph.internal_imports()) == []


def test_the_cycle_finder_sees_an_import_inside_a_function(tmp_path, monkeypatch):
    package = tmp_path / "workbench"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "first.py").write_text("from . import second\n")
    (package / "second.py").write_text("def later():\n    from .first import thing\n")
    modules = {
        "workbench": package / "__init__.py",
        "workbench.first": package / "first.py",
        "workbench.second": package / "second.py",
    }
    monkeypatch.setattr(import_graph, "ROOT", tmp_path)
    found = import_graph.cycles(import_graph.internal_imports(modules))
    assert found == [["workbench.first", "workbench.second"]]
