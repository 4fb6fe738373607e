"""``--all``/``--latest``/``--filter``/``--cidfile``/``--ignore`` of the verbs on many
containers: podman's combination rules and words, and what reaches the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.containers import RemoveContainerOptions, StopOptions, WaitOptions
from hutch.api.errors import InvalidArgument
from hutch.cli import targets
from unit.fakes import FakeEngine


@pytest.mark.parametrize(
    ("names", "flags", "message"),
    [
        (["a"], {"filters": ["name=a"]}, "--filter takes no arguments"),
        ([], {"all_": True, "latest": True}, "--all and --latest cannot be used together"),
        ([], {"all_": True, "cidfiles": ["f"]}, "--all, --latest, and --cidfile cannot be"),
        (["a"], {"all_": True}, "no arguments are needed with --all"),
        (["a"], {"latest": True}, "--latest and containers cannot be used together"),
        (["a"], {"cidfiles": ["f"]}, "no arguments are needed with --latest or --cidfile"),
        ([], {}, "you must provide at least one name or id"),
    ],
)
def test_podman_combination_rules(names: list[str], flags: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("-", r"\-")):
        targets.check(names, **flags)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("names", "flags"),
    [
        (["a", "b"], {}),
        ([], {"all_": True}),
        ([], {"latest": True}),
        ([], {"cidfiles": ["f"]}),
        ([], {"filters": ["name=a"], "all_": True}),  # a filter wins, as in podman
    ],
)
def test_accepted_combinations(names: list[str], flags: dict[str, object]) -> None:
    targets.check(names, **flags)  # type: ignore[arg-type]


def test_cidfiles_give_their_first_line(tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    one.write_text("abc123\n")
    two.write_text("def456")
    assert targets.read_cidfiles([str(one), str(two)]) == ["abc123", "def456"]


def test_missing_cidfile_is_podmans_error_unless_ignored(tmp_path: Path) -> None:
    missing = str(tmp_path / "none")
    with pytest.raises(InvalidArgument) as err:
        targets.read_cidfiles([missing])
    assert str(err.value) == f"reading CIDFile: open {missing}: no such file or directory"
    assert targets.read_cidfiles([missing], ignore=True) == []


def _main(fake: FakeEngine, *args: str) -> int:
    from hutch.cli import app

    with pytest.raises(SystemExit) as exc_info:
        app.main(list(args), engine=fake)
    code = exc_info.value.code
    assert isinstance(code, int)
    return code


def test_stop_passes_the_flags_and_the_cidfile_ids(tmp_path: Path) -> None:
    cid = tmp_path / "cid"
    cid.write_text("0123abcd\n")
    fake = FakeEngine()
    assert _main(fake, "stop", "-t", "-1", "--cidfile", str(cid), "-i") == 0
    names, options = fake.only_call("containers.stop")
    assert names == ("0123abcd",)
    assert options == StopOptions(timeout=-1, ignore=True)


def test_rm_filter_and_depend_reach_the_engine() -> None:
    fake = FakeEngine()
    assert _main(fake, "rm", "-f", "--filter", "label=a=b", "--depend") == 0
    names, options = fake.only_call("containers.remove")
    assert names == ()
    # -f is not --ignore: a missing name is no error under -f, yet stops the others
    # (the engine's forced rule, podman's), where --ignore acts on the others
    assert options == RemoveContainerOptions(force=True, filters=("label=a=b",), depend=True)


def test_restart_running_and_kill_latest() -> None:
    fake = FakeEngine()
    assert _main(fake, "restart", "-a", "--running") == 0
    assert fake.only_call("containers.restart")[1].running
    fake = FakeEngine()
    assert _main(fake, "kill", "-l") == 0
    assert fake.only_call("containers.kill")[1].latest


def test_wait_options_and_its_own_rules(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEngine()
    args = ("wait", "--condition", "running", "-i", "10ms", "--ignore", "c")
    assert _main(fake, *args) == 0
    assert fake.only_call("containers.wait") == (("c",), WaitOptions(("running",), "10ms", True))
    assert _main(FakeEngine(), "wait") == 125
    assert '"hutch wait" requires a name, id, or the "--latest" flag' in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("start",), "start requires at least one argument"),
        (("start", "--all", "a"), "either start all containers or the container(s) provided"),
        (("start", "-a", "--all"), "you cannot start and attach all containers at once"),
        (("start", "-a", "x", "y"), "you cannot start and attach multiple containers at once"),
    ],
)
def test_start_rules(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    fake = FakeEngine()
    assert _main(fake, *args) == 125
    assert message in capsys.readouterr().err
    assert fake.calls == []


def test_clone_takes_the_update_flags_and_podmans_arguments() -> None:
    from hutch.api.containers import CloneOptions, ResourceOptions

    fake = FakeEngine()
    args = ("container", "clone", "--destroy", "-f", "--run", "--cpus", "0.5", "web", "web2")
    assert _main(fake, *args) == 0
    assert fake.only_call("containers.clone") == CloneOptions(
        "web", "web2", None, ResourceOptions(cpus="0.5"), destroy=True, force=True, run=True
    )


def test_clone_takes_pod_and_the_cgroup_v1_limits_as_run() -> None:
    from hutch.api.containers import CloneOptions, ResourceOptions

    fake = FakeEngine()
    args = ("container", "clone", "--pod", "p1", "--cpu-rt-period", "1000", "web")
    assert _main(fake, *args, "--cpu-rt-runtime", "500", "--memory-swappiness", "40") == 0
    limits = ResourceOptions(cpu_rt_period=1000, cpu_rt_runtime=500, memory_swappiness=40)
    assert fake.only_call("containers.clone") == CloneOptions("web", resources=limits, pod="p1")


def test_init_all_and_latest_rules(capsys: pytest.CaptureFixture[str]) -> None:
    fake = FakeEngine()
    assert _main(fake, "init", "--all", "x") == 125
    assert "no arguments are needed with --all" in capsys.readouterr().err
    assert fake.calls == []
    assert _main(fake, "container", "init", "x") == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("top",), "you must provide the name or id of a running container"),  # podman's
        (("logs", "-l", "x"), "--latest and containers cannot be used together"),
        (("diff",), '"hutch diff" requires a name, id, or the "--latest" flag'),
    ],
)
def test_verbs_on_one_container_take_latest(
    capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    assert _main(FakeEngine(), *args) == 125
    assert message in capsys.readouterr().err


def test_the_verb_scan_skips_the_value_of_every_global_option() -> None:
    import typer

    from hutch.cli import app, words

    root = typer.main.get_command(app.build_app(FakeEngine(), only=()))
    valued = {
        name
        for param in root.params
        if not getattr(param, "is_flag", False)
        for name in getattr(param, "opts", ())
    }
    assert valued <= set(words.VALUED)
    fake = FakeEngine()
    assert _main(fake, "--cgroup-manager", "cgroupfs", "--events-backend", "none", "ps") == 0
    assert fake.calls and fake.calls[0][0] == "containers.ls"


@pytest.mark.parametrize(
    ("args", "names", "code"),
    [
        (["port", "-l"], ("c" * 64,), 0),
        (["port", "--latest", "80/tcp"], ("c" * 64,), 0),  # no port published: no word
        (["port", "-l", "-a"], None, 125),
        (["port", "-l", "other", "80"], None, 125),
    ],
)
def test_port_latest(args: list[str], names: tuple[str, ...] | None, code: int) -> None:
    from hutch.api.containers import ContainerSummary, PortReport

    fake = FakeEngine()
    fake.container_list = [
        ContainerSummary("c" * 64, "last", "img", "i" * 64, "sh", 0.0, "running", 0, 0.0, 0.0)
    ]
    fake.port_reports = [PortReport("c" * 64, "last", ())]
    assert _main(fake, *args) == code
    if names is not None:
        assert fake.calls[-1][0] == "containers.port"
        assert tuple(fake.calls[-1][1][0]) == names
