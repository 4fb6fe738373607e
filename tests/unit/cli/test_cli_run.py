"""``hutch run`` option parsing into RunOptions, against a fake engine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.api.container_config import RunOptions
from unit.fakes import FakeEngine, run_cli


def run_options(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> RunOptions:
    fake = FakeEngine()
    result = run_cli(["run", *argv], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    options = fake.only_call("containers.run")
    assert isinstance(options, RunOptions)
    # The command line is recorded for ``generate systemd --new``.
    assert options.create_command == ("hutch", "run", *argv)  # podman's os.Args
    return replace(options, create_command=())


def test_defaults(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_options(["base"], monkeypatch, capsys) == RunOptions(image="base")


def test_combined_short_flags_it(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = run_options(["-it", "base", "sh"], monkeypatch, capsys)
    assert options.interactive and options.tty
    assert options.command == ("sh",)


def test_repeated_env_keeps_order(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["-e", "A=1", "--env", "B=two words", "-e", "C", "base"]
    options = run_options(argv, monkeypatch, capsys)
    assert options.env == ("A=1", "B=two words", "C")


def test_args_after_image_are_the_command_even_if_flags(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = run_options(["--rm", "base", "ls", "-la", "--rm", "-e", "X=1"], monkeypatch, capsys)
    assert options.image == "base"
    assert options.command == ("ls", "-la", "--rm", "-e", "X=1")
    assert options.remove is True
    assert options.env == ()


def test_double_dash_after_the_image_belongs_to_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # As in Docker (pflag without interspersed flags): parsing stopped at the image.
    options = run_options(["base", "--", "echo", "-n"], monkeypatch, capsys)
    assert options.command == ("--", "echo", "-n")


def test_double_dash_before_the_image_ends_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = run_options(["--", "base", "echo"], monkeypatch, capsys)
    assert (options.image, options.command) == ("base", ("echo",))


def test_every_option_reaches_run_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--rm",
        "--env-file",
        "a.env",
        "--env-file",
        "b.env",
        "-w",
        "/srv",
        "-u",
        "nobody:nogroup",
        "--entrypoint",
        '["/bin/sh", "-c"]',
        "-h",
        "box",
        "--name",
        "web",
        "--net",
        "host",
        "docker.io/library/busybox:1.36",
        "echo hi",
    ]
    assert run_options(argv, monkeypatch, capsys) == RunOptions(
        image="docker.io/library/busybox:1.36",
        command=("echo hi",),
        remove=True,
        env_files=("a.env", "b.env"),
        workdir="/srv",
        user="nobody:nogroup",
        entrypoint='["/bin/sh", "-c"]',
        hostname="box",
        name="web",
        network="host",
    )


def test_network_long_form(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_options(["--network", "none", "base"], monkeypatch, capsys).network == "none"


def test_container_status_is_the_exit_code(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(run_status=42)
    assert run_cli(["run", "base", "false"], fake, monkeypatch, capsys).code == 42


@pytest.mark.parametrize("flag", ["--detach", "-d"])
def test_detach_prints_the_id_and_exits_0(
    flag: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(container_id="ab" * 32, run_status=9)
    result = run_cli(["run", flag, "base", "sleep", "9"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "ab" * 32 + "\n")
    options = fake.only_call("containers.run")
    assert options.detach and options.command == ("sleep", "9")


def test_detach_after_the_image_is_part_of_the_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(run_status=4)
    result = run_cli(["run", "base", "-d"], fake, monkeypatch, capsys)
    assert result.code == 4
    assert fake.only_call("containers.run") == RunOptions(
        "base", command=("-d",), create_command=("hutch", "run", "base", "-d")
    )


def test_create_prints_the_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(container_id="cd" * 32)
    result = run_cli(
        ["create", "-e", "A=1", "--name", "c1", "base", "ls", "-l"], fake, monkeypatch, capsys
    )
    assert (result.code, result.out) == (0, "cd" * 32 + "\n")
    assert fake.only_call("containers.create") == RunOptions(
        "base",
        command=("ls", "-l"),
        env=("A=1",),
        name="c1",
        detach=True,
        create_command=("hutch", "create", "-e", "A=1", "--name", "c1", "base", "ls", "-l"),
    )


def test_missing_image_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["run"], fake, monkeypatch, capsys)
    assert result.code == 125
    assert result.err.startswith("Error: ")
    assert fake.calls == []


def test_unshare_passes_flags_through(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(unshare_status=3)
    result = run_cli(["unshare", "ls", "-l"], fake, monkeypatch, capsys)
    assert result.code == 3
    assert fake.only_call("system.unshare") == (("ls", "-l"), False)


def test_unshare_rootless_netns_is_its_own_flag(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    # before the command it is hutch's; after it, the command's
    run_cli(["unshare", "--rootless-netns", "ip", "--rootless-netns"], fake, monkeypatch, capsys)
    assert fake.only_call("system.unshare") == (("ip", "--rootless-netns"), True)
