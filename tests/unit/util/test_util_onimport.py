"""Code around the first import of a module: pathlib without urllib.parse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from hutch.util import onimport


def test_before_the_module_then_after_it_and_the_finder_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hutch_probe_mod.py").write_text(
        "import sys\nSEEN = sys.modules.get('probe_mark')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "hutch_probe_mod", raising=False)
    calls: list[object] = []
    mark = ModuleType("probe_mark")

    def before() -> object:
        calls.append("before")
        sys.modules["probe_mark"] = mark
        return mark

    def after(module: ModuleType, prepared: object) -> None:
        calls.append((module.__name__, prepared is mark, module.SEEN is mark))
        del sys.modules["probe_mark"]

    finders = list(sys.meta_path)
    onimport.when_imported("hutch_probe_mod", before, after)
    assert len(sys.meta_path) == len(finders) + 1
    import hutch_probe_mod  # type: ignore[import-not-found]

    assert calls == ["before", ("hutch_probe_mod", True, True)]
    assert sys.meta_path == finders and "probe_mark" not in sys.modules
    # the module keeps its own loader (tracebacks read its source through it)
    assert type(hutch_probe_mod.__loader__).__name__ == "SourceFileLoader"
    monkeypatch.delitem(sys.modules, "hutch_probe_mod")


def test_after_runs_when_the_module_fails(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "hutch_probe_bad.py").write_text("raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    cleaned: list[object] = []
    onimport.when_imported("hutch_probe_bad", lambda: "x", lambda m, p: cleaned.append(p))
    with pytest.raises(RuntimeError, match="no"):
        import hutch_probe_bad  # type: ignore[import-not-found]  # noqa: F401
    assert cleaned == ["x"]


def test_a_module_already_imported_gets_after_at_once() -> None:
    seen: list[tuple[str, object]] = []
    onimport.when_imported(
        "os", lambda: pytest.fail("nothing to prepare"), lambda m, p: seen.append((m.__name__, p))
    )
    assert seen == [("os", None)]


PROBE_PATHLIB = """\
import os, sys, hutch
import pathlib
loaded = sorted({'urllib.parse', 'ipaddress'} & set(sys.modules))
uri = pathlib.Path('/a b/%c/\\u00fc').as_uri()
import urllib.parse
want = 'file://' + urllib.parse.quote_from_bytes(os.fsencode('/a b/%c/\\u00fc'))
print(loaded, uri == want, uri, hasattr(urllib.parse, '__file__'), urllib.parse.urlsplit('http://h/p').netloc)
"""


def test_pathlib_loads_no_urllib_parse_and_as_uri_is_unchanged() -> None:
    # 3.10 to 3.12: the stand-in while pathlib loads; 3.13's pathlib does it itself
    env = {k: v for k, v in os.environ.items() if k != "HUTCH_NO_CODE_CACHE"}
    done = subprocess.run(
        [sys.executable, "-c", PROBE_PATHLIB], capture_output=True, text=True, env=env, check=True
    )
    loaded, same, uri, real, netloc = done.stdout.split()
    assert (loaded, same, real, netloc) == ("[]", "True", "True", "h")
    assert uri == "file:///a%20b/%25c/%C3%BC"
