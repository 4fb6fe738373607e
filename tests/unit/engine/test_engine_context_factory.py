"""The contexts' one factory (engine/context.py: context_factory) and the global flags
it records for the commands run later for a container (config/global_flags.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.config import containers_conf
from hutch.config.global_flags import GlobalFlags, from_argv
from hutch.engine import etc_refresh
from hutch.engine.context import EngineContext, context_factory


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A rootless user's config home, where ``--module NAME`` is looked for."""
    home = tmp_path / "config"

    def sources(cls: type[containers_conf.Sources]) -> containers_conf.Sources:
        return cls(config_home=home / "containers", uid=1000, system_dirs=())

    monkeypatch.setattr(containers_conf.Sources, "from_environ", classmethod(sources))
    return home


def _module(config_home: Path, name: str, text: str) -> Path:
    path = config_home / "containers" / "containers.conf.modules" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_flags_round_trip_through_a_command_line() -> None:
    flags = GlobalFlags("/d", "/r", "vfs", "cgroupfs", "none", ("/m/a.conf", "/m/b.conf"))
    argv = flags.argv()
    assert argv == (
        "--root", "/d", "--runroot", "/r", "--storage-driver", "vfs",
        "--cgroup-manager", "cgroupfs", "--events-backend", "none",
        "--module", "/m/a.conf", "--module", "/m/b.conf",
    )  # fmt: skip
    assert from_argv([*argv, "container", "cleanup"]) == (flags, ["container", "cleanup"])


def test_only_the_flags_given_are_written() -> None:
    assert GlobalFlags("/d", "/r").argv() == ("--root", "/d", "--runroot", "/r")
    assert from_argv(["abc"]) == (GlobalFlags(), ["abc"])
    with pytest.raises(ValueError, match="--module needs a value"):
        from_argv(["--module"])


def test_the_context_has_the_modules_settings_and_records_their_paths(
    tmp_path: Path, config_home: Path
) -> None:
    first = _module(config_home, "one.conf", '[engine]\nevents_logger = "none"\n')
    second = _module(config_home, "two.conf", '[containers]\ndns_servers = ["10.1.2.3"]\n')
    flags = GlobalFlags(str(tmp_path / "d"), str(tmp_path / "r"), modules=("one.conf", str(second)))
    new_context = context_factory(flags)
    ctx = new_context()
    assert ctx.paths.data == tmp_path / "d"
    assert ctx.settings.events_logger == "none"
    assert ctx.settings.defaults is not None
    assert ctx.settings.defaults.dns_servers == ("10.1.2.3",)
    # a name becomes the file found: the later command looks for no module dirs
    assert ctx.flags.modules == (str(first), str(second))
    assert new_context() is not ctx  # a context per call, over the same resolution
    assert new_context().flags == ctx.flags


def test_the_recorded_paths_are_those_resolved(tmp_path: Path) -> None:
    flags = GlobalFlags(runroot=str(tmp_path / "r"), storage_driver="vfs")
    ctx = context_factory(flags)()
    assert ctx.flags.root == str(ctx.paths.data)
    assert ctx.flags.runroot == str(tmp_path / "r")
    assert ctx.flags.storage_driver == "vfs"
    assert ctx.settings.storage_driver == "vfs"
    assert ctx.flags.cgroup_manager is None  # not given: the files' value then too


def test_a_module_not_found_is_an_error(tmp_path: Path, config_home: Path) -> None:
    with pytest.raises(InvalidArgument, match=r'could not resolve module "nope\.conf"'):
        context_factory(GlobalFlags(str(tmp_path), str(tmp_path), modules=("nope.conf",)))


def test_the_refresh_command_carries_the_flags(tmp_path: Path) -> None:
    flags = GlobalFlags(str(tmp_path / "d"), str(tmp_path / "r"), modules=("/m.conf",))
    made = context_factory(GlobalFlags(str(tmp_path / "d"), str(tmp_path / "r")))()
    ctx = EngineContext(made.paths, made.settings, flags=flags)
    argv = etc_refresh.command(ctx, "abc")
    assert argv[1:3] == ("-m", "hutch.engine.etc_refresh")
    assert from_argv(argv[3:]) == (flags, ["abc"])


def test_a_context_built_by_hand_records_its_paths(tmp_path: Path) -> None:
    ctx = context_factory(GlobalFlags(str(tmp_path / "d"), str(tmp_path / "r")))()
    bare = EngineContext(ctx.paths, ctx.settings)
    assert bare.flags == GlobalFlags(str(tmp_path / "d"), str(tmp_path / "r"))
