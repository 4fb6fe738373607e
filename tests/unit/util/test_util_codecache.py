"""The dataclass code cache: same classes, compiled once, a broken file harmless."""

from __future__ import annotations

import dataclasses
import marshal
import os
import subprocess
import sys
from pathlib import Path

import pytest

from hutch.util import codecache


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> codecache.CodeCache:
    """A fresh cache routed into ``dataclasses`` for one test."""
    cache = codecache.CodeCache(str(tmp_path / "cache" / "code.bin"))
    monkeypatch.setattr(dataclasses, "exec", codecache.make_exec(cache), raising=False)
    return cache


def _point_class() -> type:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 2
        tags: tuple[str, ...] = dataclasses.field(default_factory=tuple)

    # Each generated method is made at its first use (util/deferred_methods.py): use
    # all six, so that the cache has compiled them all.
    p = Point(1)
    assert p == Point(1) and hash(p) == hash(Point(1)) and repr(p)
    for change in (lambda: setattr(p, "x", 0), lambda: delattr(p, "x")):
        with pytest.raises(dataclasses.FrozenInstanceError):
            change()
    return Point


def test_classes_behave_as_without_the_cache(cached: codecache.CodeCache) -> None:
    point = _point_class()
    p = point(1)
    assert (p.x, p.y, p.tags) == (1, 2, ())
    assert p == point(1, 2) and p != point(1, 3)
    assert hash(p) == hash(point(1, 2))
    assert repr(p).endswith("Point(x=1, y=2, tags=())")
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(p, "x", 5)  # noqa: B010 - the frozen check, not typing
    assert dataclasses.replace(p, y=7).y == 7
    assert [f.name for f in dataclasses.fields(point)] == ["x", "y", "tags"]
    # The private fact the cache relies on, checked on every interpreter CI
    # runs: dataclasses compiles its generated text through ``exec``. If this
    # fails, a Python release changed dataclasses: hutch still works (the hook
    # is never called) but every start compiles again; adapt util/codecache.py.
    assert cached.added > 0 and cached.hits == 0


def test_annotations_are_the_types_not_strings(cached: codecache.CodeCache) -> None:
    point = _point_class()
    # As without the cache: the field annotations as written (strings here,
    # under this file's __future__ import) and ``return`` the object None, not
    # the names of the generated code's locals.
    annotations = point.__init__.__annotations__  # type: ignore[misc]
    assert annotations == {"x": "int", "y": "int", "tags": "tuple[str, ...]", "return": None}


def test_a_second_definition_is_served_from_the_cache(cached: codecache.CodeCache) -> None:
    _point_class()
    added = cached.added
    again = _point_class()
    assert cached.added == added  # nothing compiled the second time
    assert cached.hits == added
    assert again(3).y == 2


def test_saved_file_is_reused_by_the_next_process(
    cached: codecache.CodeCache, tmp_path: Path
) -> None:
    _point_class()
    cached.save()
    path = Path(cached.path)
    assert path.is_file() and path.stat().st_mode & 0o777 == 0o600
    fresh = codecache.CodeCache(cached.path)
    fresh.load()
    assert fresh.texts() == cached.texts() and len(fresh.texts()) == cached_count(cached)
    text = next(iter(fresh.texts()))
    fresh.compile(text)
    assert (fresh.hits, fresh.added) == (1, 0)


def test_a_loaded_file_replaced_by_another_process_still_serves_its_entries(
    cached: codecache.CodeCache,
) -> None:
    # the file is mapped, not read (issue 16): another process's save replaces it
    # (a rename), so what this process mapped stays whole.
    _point_class()
    cached.save()
    first = codecache.CodeCache(cached.path)
    first.load()
    texts = first.texts()
    other = codecache.CodeCache(cached.path)
    other.compile("def __create_fn__():\n def g(self):\n  return 2\n return g")
    other.save()
    for text in texts:
        first.compile(text)
    assert (first.hits, first.added) == (len(texts), 0) and texts
    assert len(codecache.CodeCache(cached.path).texts()) == len(texts) + 1


def cached_count(cache: codecache.CodeCache) -> int:
    return len(cache.texts())


def test_nothing_new_means_no_write(cached: codecache.CodeCache) -> None:
    cached.save()
    assert not Path(cached.path).exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\x00garbage",
        marshal.dumps([1, 2]),
        marshal.dumps({"a": b"zz"}),  # the format before the index
        b"HCC3",
        b"HCC3\xff\xff\x00\x00short",
        b"HCC3" + (5).to_bytes(4, "little") + marshal.dumps({1: 99})[:5],
        b"HCC3" + len(marshal.dumps({1: 99})).to_bytes(4, "little") + marshal.dumps({1: 99}),
    ],
)
def test_a_corrupt_file_only_costs_the_compile(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "code.bin"
    path.write_bytes(content)
    cache = codecache.CodeCache(str(path))
    cache.load()
    code = cache.compile("def __create_fn__():\n def f(self):\n  return 1\n return f")
    ns: dict[str, object] = {}
    exec(code, {}, ns)
    assert cache.added == 1


def test_a_file_cut_short_serves_what_it_holds_whole(cached: codecache.CodeCache) -> None:
    # the file is saved without an fsync: a crash may leave it cut anywhere
    _point_class()
    cached.save()
    whole = Path(cached.path).read_bytes()
    texts = sorted(cached.texts())
    for cut in (len(whole) // 3, len(whole) // 2, len(whole) - 7):
        Path(cached.path).write_bytes(whole[:cut])
        cache = codecache.CodeCache(cached.path)
        for text in texts:
            code = cache.compile(text)
            assert isinstance(code, type(compile("", "", "exec")))
        assert cache.hits + cache.added == len(texts) and cache.added >= 1


def test_unwritable_directory_is_not_an_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cache = codecache.CodeCache(str(blocker / "sub" / "code.bin"))
    cache.compile("x = 1")
    cache.save()  # must not raise
    assert cache.added == 1


def test_default_path_follows_xdg_and_home() -> None:
    tag = f"{sys.implementation.name}-" + "-".join(str(p) for p in sys.version_info[:3])
    assert codecache.default_path({"XDG_CACHE_HOME": "/c"}) == f"/c/hutch/dataclass-code-{tag}.bin"
    assert codecache.default_path({"HOME": "/h"}) == f"/h/.cache/hutch/dataclass-code-{tag}.bin"
    assert codecache.default_path({}) is None
    relative = codecache.default_path({"XDG_CACHE_HOME": "rel", "HOME": "/h"})
    assert relative == f"/h/.cache/hutch/dataclass-code-{tag}.bin"


def test_install_is_off_when_asked(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUTCH_NO_CODE_CACHE", "1")
    assert codecache.install(str(tmp_path / "x.bin")) is None


def test_the_package_installed_it() -> None:
    # ``import hutch`` routes the generated code through the cache.
    assert dataclasses.exec.__module__ == "hutch.util.codecache"  # type: ignore[attr-defined]


def test_close_saves_then_frees_and_stops_recording(cached: codecache.CodeCache) -> None:
    _point_class()
    cached.close()
    saved = Path(cached.path).read_bytes()
    assert saved and cached.texts() == set()
    again = _point_class()  # still works, compiled, not recorded
    assert again(1).x == 1 and cached.texts() == set() and cached.added == 0
    cached.save()  # nothing more is written after close
    assert Path(cached.path).read_bytes() == saved


def _mapped_here(path: str) -> bool:
    return any(line.rstrip().endswith(path) for line in Path("/proc/self/maps").open())


def test_release_saves_unmaps_and_the_next_class_maps_it_again(
    cached: codecache.CodeCache,
) -> None:
    _point_class()
    cached.save()
    reader = codecache.CodeCache(cached.path)
    text = next(iter(cached.texts()))
    reader.compile(text)
    assert _mapped_here(cached.path)  # the file is mapped while loaded
    reader.release()
    assert not reader.loaded and not _mapped_here(cached.path)
    reader.compile(text)  # served from the file again, mapped anew
    assert reader.loaded and (reader.hits, reader.added) == (2, 0)
    assert _mapped_here(cached.path)
    reader.release()


def test_release_keeps_what_it_could_not_save(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("")  # a file where the cache's directory should be
    cache = codecache.CodeCache(str(blocked / "code.bin"))
    text = "def f():\n    return 1\n"
    cache.compile(text)
    cache.release()  # the save fails: the entry stays this process's
    assert cache.added == 1 and text in cache.texts()


def test_a_profile_gets_its_own_file() -> None:
    env = {"HOME": "/h", codecache.PROFILE_ENV: "monitor"}
    path = codecache.default_path(env)
    assert path is not None and path.endswith("-monitor.bin")
    odd = codecache.default_path({"HOME": "/h", codecache.PROFILE_ENV: "../x"})
    assert odd == codecache.default_path({"HOME": "/h"})  # no path tricks from the environment


def test_the_file_is_read_at_the_first_compile(cached: codecache.CodeCache) -> None:
    _point_class()
    cached.save()
    lazy = codecache.CodeCache(cached.path)
    assert not lazy.loaded
    lazy.compile(next(iter(cached.texts())))
    assert lazy.loaded and (lazy.hits, lazy.added) == (1, 0)


def test_the_release_is_part_of_the_name() -> None:
    old = codecache.default_path({"HOME": "/h"}, release="0.1.0")
    new = codecache.default_path({"HOME": "/h"}, release="0.2.0")
    assert old is not None and new is not None and old != new and "0.2.0" in new


def test_the_hook_waits_for_dataclasses_to_be_imported() -> None:
    # ``import hutch`` alone must not pay for dataclasses (inspect, re, ast);
    # the first import of it gets the hook, and its source stays readable.
    probe = (
        "import sys, hutch\n"
        "before = 'dataclasses' in sys.modules\n"
        "import dataclasses, inspect\n"
        "print(before, dataclasses.exec.__module__, dataclasses.__spec__.loader is not None,"
        " bool(inspect.getsource(dataclasses)))\n"
    )
    env = {**os.environ, "HOME": "/nonexistent", "XDG_CACHE_HOME": ""}
    env.pop("HUTCH_NO_CODE_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.split() == ["False", "hutch.util.codecache", "True", "True"]


PROBE_INSPECT = """\
import sys, hutch
import dataclasses
at_import = 'inspect' in sys.modules
@dataclasses.dataclass(frozen=True)
class P:
    x: int
at_class = 'inspect' in sys.modules
import inspect
print(at_import, at_class, P.__doc__, type(inspect).__name__, inspect is sys.modules['inspect'])
print(inspect.signature(P), dataclasses.inspect.isclass(P), 'ast' in sys.modules)
"""


def test_dataclasses_loads_inspect_only_when_a_name_of_it_is_read(tmp_path: Path) -> None:
    # issue 16: inspect (ast, dis, tokenize) was about 4 ms of every command, for
    # the one name dataclasses reads on 3.10 and 3.11, which the hook answers;
    # 3.12 reads get_annotations of each class: the stand-in imports inspect then.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    env.pop("HUTCH_NO_CODE_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE_INSPECT], capture_output=True, text=True, env=env, check=True
    )
    first, second = done.stdout.splitlines()
    at_class = str(sys.version_info >= (3, 12))
    assert first.split(" ", 2) == ["False", at_class, "P(x) module True"]
    assert second == "(x: int) -> None True True"  # the real module, once imported


PROBE_DOC = """\
import hutch, dataclasses
from typing import ClassVar
@dataclasses.dataclass(frozen=True)
class P:
    x: int
    y: str = 'a'
    z: tuple = dataclasses.field(default_factory=tuple)
    hidden: int = dataclasses.field(default=0, init=False)
    K: ClassVar[int] = 3
@dataclasses.dataclass
class D:
    "Mine."
    x: int = 1
print(P.__doc__)
print(D.__doc__)
print(type(dataclasses.inspect).__name__)
print(dataclasses.inspect.isclass(P))
"""


def test_the_doc_of_an_undocumented_class_comes_from_its_fields(tmp_path: Path) -> None:
    # dataclasses writes a class's missing docstring from inspect.signature
    # (0.05 ms a class); the hook gives it the fields' names instead, on each
    # interpreter CI runs (3.10 to 3.13 all make the doc this way). Other
    # names of inspect (isclass here) are the real module's.
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}  # the probe saves its cache
    env.pop("HUTCH_NO_CODE_CACHE", None)
    done = subprocess.run(
        [sys.executable, "-c", PROBE_DOC], capture_output=True, text=True, env=env, check=True
    )
    assert done.stdout.splitlines() == ["P(x, y='a', z)", "Mine.", "_QuickSignature", "True"]


def test_two_texts_with_one_key_cost_only_a_compile(
    cached: codecache.CodeCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    # every text gets the same key: the stored text is compared, never trusted
    monkeypatch.setattr(codecache, "_key", lambda data: 7)
    first = cached.compile("x = 1")
    second = cached.compile("x = 2")
    ns: dict[str, int] = {}
    exec(second, {}, ns)
    assert ns["x"] == 2 and first is not second and cached.hits == 0


def test_past_the_limit_only_the_entries_used_are_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(tmp_path / "code.bin")
    old = codecache.CodeCache(path)
    for i in range(5):
        old.compile(f"x = {i}")
    old.save()
    monkeypatch.setattr(codecache, "_LIMIT", 5)
    later = codecache.CodeCache(path)
    later.compile("x = 0")  # used (a hit)
    later.compile("y = 1")  # new: six entries, past the limit
    later.save()
    assert codecache.CodeCache(path).texts() == {"x = 0", "y = 1"}
