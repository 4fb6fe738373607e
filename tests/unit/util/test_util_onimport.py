"""Code around the first import of a module: pathlib without urllib.parse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from hutch.util import onimport


def test_the_stand_in_while_the_module_loads_then_after_and_the_finder_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hutch_probe_mod.py").write_text(
        "import sys\nSEEN = sys.modules.get('probe_mark')\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "hutch_probe_mod", raising=False)
    calls: list[object] = []
    mark = ModuleType("probe_mark")

    def make() -> ModuleType:
        calls.append("stand-in")
        return mark

    def after(module: ModuleType) -> None:
        calls.append((module.__name__, module.SEEN is mark, "probe_mark" in sys.modules))

    finders = list(sys.meta_path)
    onimport.when_imported("hutch_probe_mod", after, {"probe_mark": make})
    assert len(sys.meta_path) == len(finders) + 1
    import hutch_probe_mod  # type: ignore[import-not-found]

    # the module saw the stand-in; it had left sys.modules before ``after`` ran
    assert calls == ["stand-in", ("hutch_probe_mod", True, False)]
    assert sys.meta_path == finders and "probe_mark" not in sys.modules
    # the module keeps its own loader (tracebacks read its source through it)
    assert type(hutch_probe_mod.__loader__).__name__ == "SourceFileLoader"
    monkeypatch.delitem(sys.modules, "hutch_probe_mod")


def test_the_stand_in_leaves_when_the_module_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hutch_probe_bad.py").write_text("raise RuntimeError('no')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    after: list[ModuleType] = []
    mark = ModuleType("probe_mark")
    onimport.when_imported("hutch_probe_bad", after.append, {"probe_mark": lambda: mark})
    with pytest.raises(RuntimeError, match="no"):
        import hutch_probe_bad  # type: ignore[import-not-found]  # noqa: F401
    assert "probe_mark" not in sys.modules
    assert after == []  # nothing to adjust in a module that did not load


def test_a_module_imported_already_gets_after_at_once_and_no_stand_in() -> None:
    seen: list[str] = []
    onimport.when_imported(
        "os", lambda m: seen.append(m.__name__), {"probe_mark": lambda: pytest.fail("made")}
    )
    assert seen == ["os"] and "probe_mark" not in sys.modules


def test_a_module_imported_meanwhile_is_used_not_stood_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "hutch_probe_two.py").write_text("import os\nOS = os\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    onimport.when_imported("hutch_probe_two", None, {"os": lambda: pytest.fail("made")})
    import hutch_probe_two  # type: ignore[import-not-found]

    assert hutch_probe_two.OS is os
    monkeypatch.delitem(sys.modules, "hutch_probe_two")


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
