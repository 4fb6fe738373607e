"""The kept projects (compose/modelcache.py): reused while their inputs are unchanged.

Each test loads through the front end with ``reuse`` twice or more and tells a
reuse from a load by whether the loader ran (``project.load_project`` counted).
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from hutch.api.compose import ComposeProjectOptions
from hutch.compose import modelcache
from hutch.compose import project as project_module
from hutch.compose.frontend import Compose
from hutch.compose.model import Project
from hutch.compose.project import load_project

APP = """\
services:
  db:
    image: "${DB_IMAGE:-busybox}"
    env_file: [{path: app.env, required: false}]
  web:
    image: busybox
    depends_on: [db]
    environment: [TOKEN]
"""


class Loads:
    """The front end over ``tmp_path``, counting the real loads."""

    def __init__(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.dir = tmp_path / "app"
        self.dir.mkdir()
        (self.dir / "compose.yaml").write_text(APP)
        self.cache = tmp_path / "cache"
        self.count = 0
        real = project_module.load_project

        def counted(*args: Any, **kwargs: Any) -> Project:
            self.count += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(project_module, "load_project", counted)

    def options(self, env: dict[str, str] | None = None, **changes: Any) -> ComposeProjectOptions:
        environ = {"HOME": "/home/u", "TOKEN": "secret-value", **(env or {})}
        return ComposeProjectOptions(cwd=str(self.dir), environ=environ, **changes)

    def load(self, env: dict[str, str] | None = None, **changes: Any) -> Project:
        return Compose(lambda: None, model_cache=self.cache).load(  # type: ignore[arg-type,return-value]
            self.options(env, **changes), reuse=True
        )

    def reused(self, env: dict[str, str] | None = None, **changes: Any) -> bool:
        before = self.count
        self.load(env, **changes)
        return self.count == before


@pytest.fixture
def loads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Loads:
    return Loads(tmp_path, monkeypatch)


def _same(a: Project, b: Project) -> None:
    assert (a.name, a.working_dir, a.config_files) == (b.name, b.working_dir, b.config_files)
    assert a.model == b.model and list(a.services) == list(b.services)
    assert (a.all_profiles, a.disabled, a.warnings) == (b.all_profiles, b.disabled, b.warnings)
    assert list(a.environment.items()) == list(b.environment.items())


def test_an_unchanged_project_is_reused_and_equal(loads: Loads) -> None:
    (loads.dir / ".env").write_text("DB_IMAGE=alpine\nFROM_FILE=1\nTOKEN=from-file\n")
    (loads.dir / "docker-compose.yml").write_text("services: {}\n")  # a warning to keep
    first = loads.load()
    assert loads.count == 1 and first.warnings
    again = loads.load()
    assert loads.count == 1
    _same(again, load_project(loads.options()))
    assert again.services["db"]["image"] == "alpine"
    assert again.services["web"]["environment"] == {"TOKEN": "secret-value"}
    assert again.locator is None  # errors after the load name no line: ps only


def test_the_shell_environment_is_kept_by_digest_only(loads: Loads) -> None:
    loads.load()
    (entry,) = loads.cache.glob("[!.]*")
    assert entry.stat().st_mode & 0o777 == 0o600
    assert b"/home/u" not in entry.read_bytes()  # HOME's value: the shell's, never stored


@pytest.mark.parametrize(
    "change",
    [
        lambda d: (d / "compose.yaml").write_text(APP.replace("busybox", "alpine1")),
        lambda d: (d / "compose.yaml").write_text(APP.replace("[db]", "[]")),
        lambda d: (d / ".env").write_text("DB_IMAGE=other\n"),  # appears
        lambda d: (d / "app.env").write_text("X=1\n"),  # an optional env file appears
        lambda d: (d / "compose.override.yaml").write_text("services: {db: {image: o}}\n"),
        lambda d: (d / "compose.yml").write_text("services: {}\n"),  # a second name
        lambda d: os.utime(d / "compose.yaml", ns=(1, 1)),  # touched only
    ],
)
def test_a_changed_input_is_read_again(loads: Loads, change: Any) -> None:
    loads.load()
    assert loads.reused()
    change(loads.dir)
    fresh = loads.load()
    assert loads.count == 2
    _same(fresh, load_project(loads.options()))
    assert loads.reused()  # and kept again


def test_a_changed_env_file_is_read_again(loads: Loads) -> None:
    (loads.dir / "app.env").write_text("X=1\n")
    loads.load()
    (loads.dir / "app.env").write_text("X=2\n")  # same size, maybe the same mtime
    assert loads.load().services["db"]["environment"] == {"X": "2"}


def test_a_compose_file_in_a_parent_directory_appearing_nearer(loads: Loads) -> None:
    sub = loads.dir / "sub"
    sub.mkdir()
    options = {"cwd": str(sub)}
    before = loads.count
    Compose(lambda: None, model_cache=loads.cache).load(  # type: ignore[arg-type]
        ComposeProjectOptions(environ={"HOME": "/h"}, **options), reuse=True
    )
    (sub / "compose.yaml").write_text("services: {near: {image: a}}\n")
    near = Compose(lambda: None, model_cache=loads.cache).load(  # type: ignore[arg-type]
        ComposeProjectOptions(environ={"HOME": "/h"}, **options), reuse=True
    )
    assert loads.count == before + 2 and list(near.services) == ["near"]


def test_other_options_or_environment_are_another_entry(loads: Loads) -> None:
    loads.load()
    assert not loads.reused(env={"DB_IMAGE": "x"})
    assert not loads.reused(project_name="other")
    assert not loads.reused(profiles=("*",))
    assert loads.reused(profiles=("*",))
    assert not loads.reused()  # the entry of these options was replaced by the env's change...
    assert loads.reused()


def test_standard_input_is_never_kept(loads: Loads) -> None:
    def stdin() -> str:
        return "services: {a: {image: b}}\n"

    loads.load(files=("-",), read_stdin=stdin)
    assert not loads.reused(files=("-",), read_stdin=stdin)
    assert not loads.cache.exists()


def test_a_torn_or_foreign_entry_is_a_miss(loads: Loads) -> None:
    loads.load()
    (entry,) = loads.cache.glob("[!.]*")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    assert not loads.reused()
    entry.write_bytes(b"not marshal")
    assert not loads.reused()
    assert loads.reused()


def test_without_reuse_the_cache_is_neither_read_nor_written(loads: Loads) -> None:
    Compose(lambda: None, model_cache=loads.cache).load(loads.options())  # type: ignore[arg-type]
    assert not loads.cache.exists()


def test_concurrent_loads_each_get_a_whole_project(loads: Loads) -> None:
    errors: list[BaseException] = []
    expected = load_project(loads.options())

    def one() -> None:
        try:
            for _ in range(5):
                _same(loads.load(), expected)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    left = [p.name for p in loads.cache.iterdir() if p.name != modelcache.STAMP]
    assert left == [p.name for p in loads.cache.glob("[!.]*")]  # no temporary


def test_a_model_marshal_cannot_write_is_not_kept(tmp_path: Path) -> None:
    project = Project("p", "/", (), {"services": {}, "x-when": object()}, (), (), {})
    options = ComposeProjectOptions(cwd=str(tmp_path), environ={})
    modelcache.store(tmp_path / "c", options, project, modelcache.Probes())
    assert not (tmp_path / "c").exists()


# --- pruning (issue 17) ---------------------------------------------------------------


def _entries(cache: Path) -> list[Path]:
    return sorted(cache.glob("[!.]*"))


def _age(path: Path, seconds: float) -> None:
    then = path.stat().st_mtime - seconds
    os.utime(path, (then, then))


def test_down_forgets_a_project_with_no_container_left(loads: Loads) -> None:
    from unit.fakes import FakeEngine

    loads.load()
    loads.load(project_name="other")
    loads.load(profiles=("x",))  # another entry of the same project
    assert len(_entries(loads.cache)) == 3
    project = loads.load()
    left = FakeEngine(container_list=[object()])  # type: ignore[list-item]
    assert not Compose(lambda: left, model_cache=loads.cache).forget(project)
    assert len(_entries(loads.cache)) == 3  # a container left: kept
    empty = FakeEngine()
    assert Compose(lambda: empty, model_cache=loads.cache).forget(project)
    assert len(_entries(loads.cache)) == 1
    assert loads.reused(project_name="other") and not loads.reused()


def test_forget_without_a_cache_asks_no_engine() -> None:
    def no_engine() -> Any:
        raise AssertionError("no engine needed")

    project = Project("p", "/", (), {"services": {}}, (), (), {})
    assert not Compose(no_engine).forget(project)


def test_prune_removes_entries_that_cannot_answer_again(loads: Loads, tmp_path: Path) -> None:
    loads.load()
    other = tmp_path / "other"
    other.mkdir()
    (other / "compose.yaml").write_text(APP)
    loads.load(project_directory=str(other), files=(str(other / "compose.yaml"),))
    assert modelcache.prune(loads.cache) == 0
    (other / "compose.yaml").unlink()  # its file gone: that entry can never answer
    assert modelcache.prune(loads.cache) == 1
    assert len(_entries(loads.cache)) == 1
    assert loads.reused()  # the other still answers
    (loads.dir / "compose.yaml").write_text(APP + "\n")  # changed: dead as well
    assert modelcache.prune(loads.cache) == 1 and _entries(loads.cache) == []


def test_a_path_found_absent_may_appear_without_ending_the_entry(loads: Loads) -> None:
    loads.load()
    (loads.dir / "app.env").write_text("A=1\n")  # absent at the load: a miss now...
    assert modelcache.prune(loads.cache) == 0
    (loads.dir / "app.env").unlink()  # ...and a hit again once it is gone
    assert loads.reused()


def test_prune_removes_old_torn_and_left_behind_files(loads: Loads) -> None:
    loads.load()
    loads.load(project_name="torn")
    loads.load(project_name="old")
    old, torn, kept = (
        next(p for p in _entries(loads.cache) if modelcache._read(str(p))[2][0] == name)  # type: ignore[index]
        for name in ("old", "torn", "app")
    )
    torn.write_bytes(b"not marshal")
    _age(old, modelcache.MAX_AGE + 60)
    crashed = loads.cache / ".abc.123"
    crashed.write_bytes(b"half")
    _age(crashed, modelcache.TEMPORARY_AGE + 60)
    writing = loads.cache / ".abc.456"
    writing.write_bytes(b"half")
    assert modelcache.prune(loads.cache) == 3
    assert _entries(loads.cache) == [kept]
    assert writing.exists() and not crashed.exists()


def test_prune_keeps_the_newest_entries(loads: Loads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(modelcache, "MAX_ENTRIES", 2)
    for i, name in enumerate(("a", "b", "c", "d")):
        loads.load(project_name=name)
        (newest,) = (
            p
            for p in _entries(loads.cache)
            if modelcache._read(str(p))[2][0] == name  # type: ignore[index]
        )
        _age(newest, 1000 - i * 100)  # a oldest, d newest
    assert modelcache.prune(loads.cache) == 2
    assert loads.reused(project_name="c") and loads.reused(project_name="d")
    assert not loads.reused(project_name="a")


def test_a_store_prunes_once_in_a_while_and_a_hit_never(
    loads: Loads, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    (other / "compose.yaml").write_text(APP)
    loads.load(project_directory=str(other), files=(str(other / "compose.yaml"),))
    (other / "compose.yaml").unlink()  # that entry is dead
    loads.load()  # a store, but the folder was pruned a moment ago (the first store)
    assert len(_entries(loads.cache)) == 2
    pruned: list[Path] = []
    real = modelcache.prune
    monkeypatch.setattr(modelcache, "prune", lambda folder: pruned.append(folder) or real(folder))
    assert loads.reused()  # a hit: no prune, no stat of the stamp's worth
    assert pruned == []
    _age(loads.cache / modelcache.STAMP, modelcache.PRUNE_EVERY + 60)
    loads.load(project_name="new")  # a store, and the last prune is old: prune
    assert pruned == [loads.cache]
    assert len(_entries(loads.cache)) == 2  # the dead one gone, the new one kept
    assert loads.reused(project_name="new") and loads.reused()
