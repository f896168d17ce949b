"""The layer contract, module by module.

`lint-imports` (pyproject's `[tool.importlinter]`, run by `make lint`) checks the layers and
the cycles between sibling packages. What it cannot see is checked here on the same import
graph: a cycle through a package's `__init__` (parent and child are not siblings), and that
the plain-type modules storage may import stay leaves.
"""

from __future__ import annotations

import grimp

OURS = ("app", "adapters", "bot", "storage")
PLAIN_TYPES = ("bot.models", "bot.errors", "bot.delivery.types")


def _graph() -> grimp.ImportGraph:
    return grimp.build_graph(*OURS, cache_dir=None)


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(graph.modules)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    counter = 0
    for root in modules:
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append(
                        (child, iter(sorted(graph.find_modules_directly_imported_by(child))))
                    )
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_module_imports_itself_back_through_others() -> None:
    assert _cycles(_graph()) == []


def test_the_cycle_finder_sees_a_cycle_through_a_package_init() -> None:
    edges = {"p": {"p.a"}, "p.a": {"p"}, "p.b": {"p"}}

    class Graph:
        modules = frozenset(edges)

        def find_modules_directly_imported_by(self, module: str) -> set[str]:
            return edges[module]

    assert _cycles(Graph()) == [["p", "p.a"]]  # type: ignore[arg-type]


def test_plain_types_import_nothing_of_ours() -> None:
    graph = _graph()
    for module in PLAIN_TYPES:
        ours = {
            imported
            for imported in graph.find_modules_directly_imported_by(module)
            if imported.split(".")[0] in OURS
        }
        assert ours == set(), f"{module} is a leaf that storage may import; it imports {ours}"
