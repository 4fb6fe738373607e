"""The idle monitor (runtime/idle.py) stays small: the modules it loads.

It lives as long as its container, once per container, so every module it
imports is paid for by each of them; the set-up's code (cgroups, mounts, the
init, spec dataclasses, ctypes) stays with the full monitor."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[3] / "src"
ALLOWED_HUTCH = {
    "hutch",
    "hutch.util",
    "hutch.util.fdio",
    "hutch.runtime",
    "hutch.runtime.idle",
    "hutch.runtime.monitorio",
    "hutch.runtime.attachproto",
    "hutch.runtime.logfile",
}


def _modules(statement: str) -> set[str]:
    code = f"import sys; {statement}; print(' '.join(sys.modules))"
    env = {**os.environ, "PYTHONPATH": str(SRC), "HUTCH_NO_CODE_CACHE": "1"}
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    return set(out.split())


def _idle_loop_modules() -> set[str]:
    """The modules of the idle loop as the full monitor execs it: the code it runs,
    up to main() (the package made without its __init__)."""
    from hutch.runtime import monitor
    from hutch.runtime import monitorio as mio

    code = mio.half_code(monitor.IDLE, "main", monitor.PACKAGE_DIR)
    assert code.endswith("from hutch.runtime.idle import main; main()")
    return _modules(code.removesuffix("; main()"))


def test_the_idle_loop_imports_the_standard_library_and_four_small_modules() -> None:
    loaded = _idle_loop_modules()
    assert {m for m in loaded if m.startswith("hutch")} == ALLOWED_HUTCH
    heavy_ones = (
        "ctypes",
        "dataclasses",
        "typing",
        "pathlib",
        "subprocess",
        "inspect",
        "json",
        "re",
        # the wrappers of _signal and _socket, and what their enums pull in (about
        # 1 MB of each idle monitor), and contextlib (0.5 MB)
        "signal",
        "socket",
        "enum",
        "functools",
        "collections",
        "contextlib",
        "selectors",
        # os and what it imports (0.27 MB), and the code cache of the package's
        # __init__, which imports os (0.1 MB more): the loop takes posix
        "os",
        "posixpath",
        "_collections_abc",
        "hutch.util.codecache",
    )
    for heavy in heavy_ones:
        assert heavy not in loaded, heavy
    # and far fewer than the full monitor
    assert len(loaded) + 60 < len(_modules("import hutch.runtime.monitor"))


def test_the_idle_loop_of_an_earlier_monitor_still_loads() -> None:
    # An upgrade: a full monitor started by an earlier hutch execs the plain import,
    # with the package's __init__ (and os); the loop's modules load all the same.
    loaded = _modules(mio_plain_import())
    assert "hutch.runtime.idle" in loaded and "hutch.util.codecache" in loaded


def mio_plain_import() -> str:
    from hutch.runtime import monitorio as mio

    return mio.half_code("hutch.runtime.idle", "main").removesuffix("; main()")


def test_a_hand_over_that_cannot_be_written_leaves_the_monitor_as_it_was() -> None:
    import signal

    from hutch.runtime import monitorio as mio

    r, w = os.pipe()
    try:
        mio.exec_half("hutch.runtime.idle", "main", {"bad": object()}, [r, w])  # returns
        assert not os.get_inheritable(r) and not os.get_inheritable(w)
        assert not set(mio.FORWARDED) & signal.pthread_sigmask(signal.SIG_BLOCK, [])
    finally:
        os.close(r)
        os.close(w)


def test_the_full_monitor_compiles_the_idle_loop_without_running_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An idle loop that compiles its module itself keeps about 1 MB more for its life:
    the full monitor writes the bytecode first (monitor.cache_bytecode)."""
    from importlib.machinery import SourceFileLoader
    from importlib.util import cache_from_source, find_spec

    from hutch.runtime import monitor

    spec = find_spec(monitor.IDLE)  # the real one is a source module it can compile
    assert spec is not None and isinstance(spec.loader, SourceFileLoader)
    package = tmp_path / "h19idlepkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "loop.py").write_text("import sys\nsys.modules['h19idlepkg'].RAN = True\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    try:
        monitor.cache_bytecode("h19idlepkg.loop")
        assert Path(cache_from_source(str(package / "loop.py"))).is_file()
        assert "h19idlepkg.loop" not in sys.modules
        assert not hasattr(sys.modules["h19idlepkg"], "RAN")
        monitor.cache_bytecode("h19idlepkg.missing")  # nothing to compile: no error
        (package / "broken.py").write_text("def (:\n")
        monitor.cache_bytecode("h19idlepkg.broken")  # left to the loop, no error
    finally:
        for name in [m for m in sys.modules if m.startswith("h19idlepkg")]:
            del sys.modules[name]
