"""The import-layering contract of docs/architecture.md ("Layers"), checked with ``ast``.

Every ``hutch.*`` import counts: module level, inside functions (lazy imports
are still dependencies), and under ``if TYPE_CHECKING:``. Each package may
import itself, and otherwise only what its row of the table allows. Layers 1
and 2 take only ``api.errors`` from ``api``, and no two modules import each
other, directly or round a longer loop (the same graph, lazy imports included:
a lazy import defers the loading, not the dependency).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

import hutch

SRC = Path(hutch.__file__).parent

# package -> layer, from the table.
LAYERS: dict[str, int] = {
    "cli": 6,
    "service": 6,
    "compose": 5,
    "client": 5,
    "kube": 5,
    "systemd": 5,
    "engine": 4,
    "build": 3,
    "store": 2,
    "registry": 2,
    "runtime": 2,
    "net": 2,
    "cgroups": 2,
    "volumes": 2,
    "oci": 1,
    "config": 1,
    "api": 0,
    "linux": 0,
    "util": 0,
    # ``hutch/__init__.py`` holds ``__version__`` and installs the dataclass
    # code cache: any layer may read it, and it may import only util (below).
    "": 0,
}
LAYER_0 = {"api", "linux", "util"}
LAYER_2 = {"store", "registry", "runtime", "net", "cgroups", "volumes"}

# The "may import" column (besides the package itself and the root module).
ALLOWED: dict[str, set[str]] = {
    "cli": {"api"},
    # The service's handlers call hutch.Client's verbs (one per thread).
    "service": {"api", "client"},
    "compose": {"api"},
    "client": {"api"},
    "kube": {"api"},
    "systemd": {"api"},
    "engine": {p for p, layer in LAYERS.items() if layer < 4},
    "build": {"api", "oci", "store", "runtime", "util"},
    # Layers 1 and 2 may use api's errors only (InvalidArgument for bad input):
    # the rest of api is the engine's contract with its callers, not theirs.
    **{p: {"oci", "linux", "config", "util", "api"} for p in LAYER_2},
    # The one edge inside layer 2: the monitor and the init make and join the
    # container's cgroup through the cgroup manager (crun's shape).
    "runtime": {"oci", "linux", "config", "util", "api", "cgroups"},
    "oci": {"util", "api"},
    "config": {"util", "api"},
    **{p: set() for p in LAYER_0},
    "": {"util"},
}
LOW_LAYER_API = {"hutch.api.errors"}
# The Go template engine (pure standard library) is shared by every front end
# that renders --format, and Docker's human durations by the CLI and the Docker
# API: the util modules layers 5-6 may use. sd_notify(3) (one datagram, standard
# library only): kube play as a service's main process says READY=1 itself. Go's
# human sizes (10.49MB): system df, image tree and the API's progress bars. A time as
# podman's filters take it: the front ends hand it to api/image_filters (until=). The
# collector's pause (the CLI's fast path holds it off while a verb starts).
FRONT_END_UTIL = (
    "hutch.util.durations",
    "hutch.util.gcpause",
    "hutch.util.gotemplate",
    "hutch.util.humantime",
    "hutch.util.humansize",
    "hutch.util.sdnotify",
)

# The Python API (``hutch.Client``) builds the engine lazily in one place too.
CLIENT_ENGINE_FACTORY = "hutch.client.local"
# The root module re-exports ``Client`` from its module ``__getattr__``: a lazy
# edge that runs only when a script touches ``hutch.Client``.
ROOT_REEXPORT = "hutch.client"

# cli builds the engine (through the factory hutch.Client uses too) and the
# compose and kube front ends lazily in exactly one place.
CLI_ENGINE_FACTORY = "hutch.cli.state"
CLI_ENGINE_IMPORTS = (
    "hutch.engine.engine",
    "hutch.config.",
    "hutch.compose.frontend",
    "hutch.kube.frontend",
)
# The layer-5 front ends a verb module may call (``hutch quadlet``, ``generate
# systemd``), lazily: pure text tools that need neither the engine nor the store;
# and the API service (layer 6, ``hutch system service``), which is given the
# CLI's engine factory and imports its HTTP library only when it runs.
CLI_FRONT_ENDS = {"systemd", "service"}


@dataclass(frozen=True)
class Import:
    importer: str  # dotted module name
    imported: str  # dotted module name
    lazy: bool  # inside a function body
    line: int
    typing_only: bool = False  # under ``if TYPE_CHECKING:`` (never run)


def module_name(path: Path) -> str:
    parts = ["hutch", *path.relative_to(SRC).with_suffix("").parts]
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def is_module(dotted: str) -> bool:
    rel = Path(*dotted.split(".")[1:]) if "." in dotted else Path()
    return (SRC / rel).with_suffix(".py").is_file() or (SRC / rel / "__init__.py").is_file()


def all_modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _absolute(importer: str, is_package: bool, module: str | None, level: int) -> str:
    if level == 0:
        return module or ""
    base = importer.split(".")
    if not is_package:
        base.pop()
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def _walk(node: ast.AST, in_function: bool) -> Iterator[tuple[ast.AST, bool]]:
    for child in ast.iter_child_nodes(node):
        inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
        yield child, inside
        yield from _walk(child, inside)


def _typing_only_lines(tree: ast.AST) -> set[int]:
    """The lines of the bodies of ``if TYPE_CHECKING:`` blocks."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            for statement in node.body:
                lines.update(range(statement.lineno, (statement.end_lineno or 0) + 1))
    return lines


def imports_of(path: Path) -> list[Import]:
    importer = module_name(path)
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    tree = ast.parse(path.read_text(), str(path))
    typing_only = _typing_only_lines(tree)
    for node, lazy in _walk(tree, False):
        if isinstance(node, ast.Import):
            for alias in node.names:
                found.append(
                    Import(importer, alias.name, lazy, node.lineno, node.lineno in typing_only)
                )
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(importer, is_package, node.module, node.level)
            for alias in node.names:
                # ``from hutch.cli import render`` imports the module hutch.cli.render.
                candidate = f"{base}.{alias.name}"
                target = candidate if base.startswith("hutch") and is_module(candidate) else base
                found.append(
                    Import(importer, target, lazy, node.lineno, node.lineno in typing_only)
                )
    return found


@cache
def hutch_imports() -> tuple[Import, ...]:
    """Every import of a hutch module in the code base; parsed once per session (three
    tests read it, and the parse of some 400 files is most of their time)."""
    out: list[Import] = []
    for path in all_modules():
        out += [i for i in imports_of(path) if i.imported.split(".")[0] == "hutch"]
    return tuple(out)


def package_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def violation(imp: Import) -> str | None:
    src, dst = package_of(imp.importer), package_of(imp.imported)
    if imp.importer == "hutch.__main__":
        return None if dst == "cli" else _describe(imp, "the entry point runs the CLI only")
    if src not in LAYERS:
        return _describe(imp, f"package {src!r} is not in the layer table")
    if dst not in LAYERS:
        return _describe(imp, f"package {dst!r} is not in the layer table")
    if src == dst or (dst == "" and src != ""):
        return None
    if imp.importer == "hutch" and imp.imported == ROOT_REEXPORT:
        if imp.lazy or imp.typing_only:
            return None
        return _describe(imp, "the Python API must be imported lazily")
    if imp.importer == CLIENT_ENGINE_FACTORY and imp.imported.startswith(CLI_ENGINE_IMPORTS[:2]):
        return None if imp.lazy else _describe(imp, "the engine must be imported lazily")
    if (
        src == "cli"
        and imp.importer == CLI_ENGINE_FACTORY
        and imp.imported.startswith(CLI_ENGINE_IMPORTS)
    ):
        return None if imp.lazy else _describe(imp, "the engine must be imported lazily")
    if src == "cli" and dst in CLI_FRONT_ENDS:
        return None if imp.lazy else _describe(imp, "a front end must be imported lazily")
    if LAYERS[src] >= 5 and (
        imp.imported in FRONT_END_UTIL
        or imp.imported.startswith(tuple(u + "." for u in FRONT_END_UTIL))
    ):
        return None
    if dst not in ALLOWED[src]:
        return _describe(imp, "not allowed by the table")
    if LAYERS[src] in (1, 2) and dst == "api" and imp.imported not in LOW_LAYER_API:
        return _describe(imp, f"layer {LAYERS[src]} may use only hutch.api.errors")
    return None


def _describe(imp: Import, why: str) -> str:
    src, dst = package_of(imp.importer), package_of(imp.imported)
    return (
        f"{imp.importer} -> {imp.imported} "
        f"(layer {LAYERS.get(src, '?')} -> layer {LAYERS.get(dst, '?')}; "
        f"line {imp.line}: {why})"
    )


# --- the checker checks what it should --------------------------------------


def test_every_package_on_disk_is_in_the_table() -> None:
    packages = {p.name for p in SRC.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(LAYERS) - {""}


def test_scanner_sees_lazy_type_checking_and_submodule_imports() -> None:
    found = {(i.imported, i.lazy) for i in imports_of(SRC / "cli" / "state.py")}
    assert ("hutch.api.engine", False) in found  # under ``if TYPE_CHECKING:``
    assert ("hutch.engine.engine", True) in found  # inside AppState.new_engine
    app = {i.imported for i in imports_of(SRC / "cli" / "app.py")}
    # ``from hutch import __version__`` is the root module; ``from hutch.cli import
    # lazy`` is the submodule hutch.cli.lazy, not the package hutch.cli. (The verb
    # modules app.py loads by name are all of hutch.cli, its own package.)
    assert {"hutch", "hutch.api.errors", "hutch.cli.lazy", "hutch.cli.state"} <= app
    assert "hutch.cli" not in app


def test_scanner_marks_type_checking_imports() -> None:
    found = {(i.imported, i.typing_only) for i in imports_of(SRC / "__init__.py")}
    assert ("hutch.client", True) in found and ("hutch.util.codecache", False) in found


def test_relative_imports_are_resolved() -> None:
    assert _absolute("hutch.store.layers", False, "db", 1) == "hutch.store.db"
    assert _absolute("hutch.store", True, "db", 1) == "hutch.store.db"
    assert _absolute("hutch.store.layers", False, "api.errors", 2) == "hutch.api.errors"


@pytest.mark.parametrize(
    ("importer", "imported", "lazy", "bad"),
    [
        ("hutch.store.images", "hutch.runtime.spec", False, True),  # layer 2 siblings
        ("hutch.runtime.spec", "hutch.store.db", True, True),  # lazy still counts
        ("hutch.cli.images", "hutch.engine.engine", True, True),  # only state.py may
        ("hutch.cli.state", "hutch.engine.engine", False, True),  # ...and only lazily
        ("hutch.cli.state", "hutch.engine.engine", True, False),
        ("hutch.cli.state", "hutch.config.paths", True, False),
        ("hutch.cli.run", "hutch.oci.reference", False, True),
        ("hutch.oci.image", "hutch.api.engine", False, True),  # layer 1: errors only
        ("hutch.oci.digest", "hutch.api.errors", False, False),
        ("hutch.volumes.filters", "hutch.api.volumes", False, True),  # layer 2 too
        ("hutch.store.db", "hutch.api.errors", True, False),
        ("hutch.runtime.monitor", "hutch.cgroups.manager", False, False),  # runtime uses cgroups
        ("hutch.cgroups.v2", "hutch.runtime.spec", False, True),  # ...never the other way
        ("hutch.net.attach", "hutch.cgroups.v2", False, True),
        ("hutch.api.errors", "hutch.util.ids", False, True),  # layer 0: stdlib only
        ("hutch.util.ids", "hutch.api.errors", False, True),
        ("hutch.build.parser", "hutch.linux.syscalls", False, True),  # not in build's row
        ("hutch.build.builder", "hutch.runtime.spec", False, False),
        ("hutch.engine.images", "hutch.build.parser", False, False),
        ("hutch.engine.images", "hutch.cli.render", False, True),  # upwards
        ("hutch.compose.model", "hutch.engine.engine", False, True),
        ("hutch.store.layers", "hutch.config.paths", False, False),
        ("hutch.cli.app", "hutch", False, False),  # __version__
        ("hutch", "hutch.cli.app", False, True),
        ("hutch", "hutch.client", True, False),  # the lazy re-export of Client
        ("hutch", "hutch.client", False, True),  # at import time: no
        ("hutch.client.local", "hutch.engine.engine", True, False),
        ("hutch.client.client", "hutch.engine.engine", True, True),  # only local.py may
        ("hutch.client.images", "hutch.store.db", False, True),
        ("hutch.cli.state", "hutch.client.local", True, True),  # the engine's factory, not this
        ("hutch.cli.stop", "hutch.client.local", True, True),
        ("hutch.service.routes_containers", "hutch.client.client", False, False),
        ("hutch.service.app", "hutch.engine.engine", True, True),
    ],
)
def test_rules_catch_what_they_should(importer: str, imported: str, lazy: bool, bad: bool) -> None:
    message = violation(Import(importer, imported, lazy, 1))
    assert (message is not None) == bad, message


# --- the contract -------------------------------------------------------------


# Violations present in the code base, reported and awaiting a fix; listed here
# so that every *other* import is still checked. Remove an entry once fixed
# (the strict xfail below then fails, as a reminder).
KNOWN_VIOLATIONS: set[tuple[str, str]] = set()


def current_violations() -> dict[tuple[str, str], str]:
    imports = hutch_imports()
    assert len(imports) > 50, "the scanner must see the code base's imports"
    return {(i.importer, i.imported): v for i in imports if (v := violation(i)) is not None}


def test_imports_follow_the_layer_table() -> None:
    found = current_violations()
    new = sorted(v for key, v in found.items() if key not in KNOWN_VIOLATIONS)
    assert not new, "layering violations:\n" + "\n".join(new)


def test_known_violations_are_fixed() -> None:
    found = current_violations()
    still = sorted(v for key, v in found.items() if key in KNOWN_VIOLATIONS)
    assert not still, "layering violations:\n" + "\n".join(still)


# --- no import cycles ----------------------------------------------------------


def import_cycles(edges: Iterable[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan, iteratively)."""
    graph: dict[str, set[str]] = {}
    for src, dst in edges:
        if src != dst:
            graph.setdefault(src, set()).add(dst)
            graph.setdefault(dst, set())
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, successors = work[-1]
            nxt = next(successors, None)
            if nxt is not None:
                if nxt not in index:
                    index[nxt] = low[nxt] = len(index)
                    stack.append(nxt)
                    on_stack.add(nxt)
                    work.append((nxt, iter(sorted(graph[nxt]))))
                elif nxt in on_stack:
                    low[node] = min(low[node], index[nxt])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return sorted(groups)


def test_cycle_finder_finds_loops_and_only_loops() -> None:
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("c", "d"), ("d", "e"), ("e", "d"), ("f", "f")]
    assert import_cycles(edges) == [["a", "b", "c"], ["d", "e"]]
    assert import_cycles([("a", "b"), ("b", "c"), ("a", "c")]) == []


def test_no_import_cycles() -> None:
    # Importing hutch.x.y runs hutch/x/__init__.py first; that implicit edge is
    # not a line of code and is left out, so a package's __init__ may re-export.
    # The root's lazy re-export of ``Client`` is left out too: every module that
    # imports the root takes ``__version__``, and the re-export runs only when a
    # script touches ``hutch.Client``, never while the root itself is loading.
    cycles = import_cycles(
        (i.importer, i.imported)
        for i in hutch_imports()
        if not (i.importer == "hutch" and i.imported == ROOT_REEXPORT)
    )
    assert not cycles, "import cycles:\n" + "\n".join(" <-> ".join(c) for c in cycles)


@pytest.mark.parametrize("package", [*sorted(LAYER_0), ""])
def test_layer_0_uses_only_the_standard_library(package: str) -> None:
    paths = [SRC / "__init__.py"] if package == "" else sorted((SRC / package).rglob("*.py"))
    assert paths
    bad = []
    for path in paths:
        for imp in imports_of(path):
            top = imp.imported.split(".")[0]
            own = imp.imported == f"hutch.{package}" or imp.imported.startswith(f"hutch.{package}.")
            if top == "hutch" and package and own:
                continue
            if not package and imp.imported.startswith("hutch.util"):
                continue  # the root module installs util's code cache
            if not package and imp.imported == ROOT_REEXPORT and (imp.lazy or imp.typing_only):
                continue  # hutch.Client, loaded on first use
            if top not in sys.stdlib_module_names:
                bad.append(f"{imp.importer} -> {imp.imported} (line {imp.line})")
    assert not bad, "non-standard-library imports:\n" + "\n".join(bad)


HEAVY = (
    "pydantic",
    "rich",
    "pyroute2",
    "sqlite3",
    "urllib3",
    "hutch.engine",
    "hutch.store",
    "hutch.runtime",
    "hutch.registry",
    # the API service and its HTTP library load only in ``hutch system service``
    "h11",
    "hutch.service",
)


def _loaded_after(code: str) -> list[str]:
    probe = (
        "import sys, json\n"
        f"{code}\n"
        f"heavy = {HEAVY!r}\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if any(m == h or m.startswith(h + '.') for h in heavy))))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _loaded_after("import hutch.cli.app") == []


def test_help_loads_no_heavy_module() -> None:
    code = (
        "import contextlib, io\n"
        "from hutch.cli.app import main\n"
        "for argv in (['--help'], ['images', '--help'], ['run', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit as e:\n"
        "            assert e.code == 0, (argv, e.code)\n"
    )
    assert _loaded_after(code) == []


def test_import_hutch_stays_cheap_and_client_comes_on_first_use() -> None:
    assert _loaded_after("import hutch\nassert 'hutch.client' not in sys.modules") == []
    # the client's engine is built on its first call, not by the constructor
    assert _loaded_after("import hutch\nhutch.Client()") == []
    assert hutch.Client.__module__ == "hutch.client.client"


def test_probe_would_notice_a_heavy_import() -> None:
    assert "sqlite3" in _loaded_after("import sqlite3")
    assert "hutch.store.db" in _loaded_after("import hutch.store.db")
