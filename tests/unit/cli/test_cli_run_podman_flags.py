"""Issue 15's run/create flags from the command line to RunOptions, on both the fast
path and typer's (they must give the same values)."""

from __future__ import annotations

from typing import Any

import pytest

from hutch.api.container_config import ImagePullOptions, PasswdOptions, RunOptions
from hutch.api.images import RegistryAccess
from hutch.cli import fast
from hutch.engine.pull_policy import access
from unit.cli.test_cli_fast import _typer_values
from unit.fakes import FakeEngine, run_cli


def options_of(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> RunOptions:
    fake = FakeEngine()
    result = run_cli(argv, fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    options = fake.only_call("containers.run" if argv[0] == "run" else "containers.create")
    assert isinstance(options, RunOptions)
    return options


BOTH_PATHS = [
    ["run", "--tls-verify", "base"],
    ["run", "--tls-verify=false", "base"],
    ["run", "--tls-verify=true", "--authfile", "/a.json", "--cert-dir=/certs", "base"],
    ["create", "--creds", "u:p", "--no-tls-verify", "base"],
    ["run", "--umask", "077", "--annotation", "a=b", "--label-file", "/l", "base"],
    ["run", "--env-host", "--unsetenv", "A", "--unsetenv-all", "--env-merge", "P=${P}", "base"],
    ["create", "--kernel-memory", "1g", "--device-cgroup-rule", "c 1:3 r", "base"],
    ["run", "-a", "stdout", "--attach=stderr", "-a", "STDIN", "base"],
    ["run", "--read-only", "--read-only-tmpfs=false", "base"],
    ["run", "--read-only-tmpfs", "base"],  # bare: a switch, the image is not its value
    ["run", "--passwd=false", "--passwd-entry", "$UID:x", "--group-entry", "g:x:$GID:", "base"],
    ["create", "--passwd", "--hostuser", "root", "--hostuser=0", "base"],
]


@pytest.mark.parametrize("argv", BOTH_PATHS, ids=[" ".join(a) for a in BOTH_PATHS])
def test_the_fast_path_takes_them_as_typer(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = fast.parse(argv)
    assert parsed is not None
    assert parsed.values == _typer_values(parsed.verb, argv, monkeypatch)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], None),
        (["--tls-verify"], True),
        (["--tls-verify=false"], False),
        (["--tls-verify=0"], False),
        (["--no-tls-verify"], False),
        (["--tls-verify=false", "--tls-verify"], True),
    ],
)
def test_tls_verify_has_three_states(
    argv: list[str],
    expected: bool | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for verb in ("run", "create"):
        options = options_of([verb, *argv, "base"], monkeypatch, capsys)
        assert options.pull.tls_verify is expected


def test_the_registry_flags_reach_the_pull(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["create", "--authfile", "/a.json", "--cert-dir", "/c", "--creds", "u:p", "base"]
    pull = options_of(argv, monkeypatch, capsys).pull
    assert access(pull) == RegistryAccess(
        tls_verify=None, creds="u:p", authfile="/a.json", cert_dir="/c"
    )
    assert access(ImagePullOptions()) == RegistryAccess()


def test_the_other_flags_fill_their_fields(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    argv: list[Any] = [
        "run",
        *("--umask", "077", "--annotation", "a=b", "--annotation", "c=d"),
        *("--label-file", "/l1", "--label-file", "/l2", "--kernel-memory", "1g"),
        *("--device-cgroup-rule", "c 1:3 r", "--env-host", "--unsetenv", "A"),
        *("--unsetenv-all", "--env-merge", "P=/x:${P}"),
        "base",
    ]
    options = options_of(argv, monkeypatch, capsys)
    assert options.umask == "077"
    assert options.annotations == ("a=b", "c=d")
    assert options.label_files == ("/l1", "/l2")
    assert options.kernel_memory == "1g"
    assert options.security.device_cgroup_rules == ("c 1:3 r",)
    assert (options.env_host, options.unsetenv, options.unsetenv_all) == (True, ("A",), True)
    assert options.env_merge == ("P=/x:${P}",)
    attach = options_of(["run", "-a", "stdout", "--attach=stderr", "base"], monkeypatch, capsys)
    assert attach.attach == ("stdout", "stderr")


def test_the_passwd_flags_fill_passwd_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # engine/specbuild.passwd_spec and runtime/passwd.py take them from here
    assert options_of(["run", "base"], monkeypatch, capsys).passwd == PasswdOptions()
    argv = [
        "create", "--passwd=false", "--passwd-entry", "$USERNAME:x:$UID:$GID::$HOME:/bin/ash",
        "--group-entry", "g$GROUPNAME:x:$GID:$USERLIST", "--hostuser", "root", "base",
    ]  # fmt: skip
    assert options_of(argv, monkeypatch, capsys).passwd == PasswdOptions(
        add=False,
        entry="$USERNAME:x:$UID:$GID::$HOME:/bin/ash",
        group_entry="g$GROUPNAME:x:$GID:$USERLIST",
        hostuser=("root",),
    )
    assert options_of(["run", "--passwd", "base"], monkeypatch, capsys).passwd.add is True


@pytest.mark.parametrize(
    ("flags", "want"),
    [([], True), (["--read-only-tmpfs=false"], False), (["--read-only-tmpfs", "-d"], True)],
)
def test_read_only_tmpfs_is_a_switch_on_by_default(
    flags: list[str],
    want: bool,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    options = options_of(["run", "--read-only", *flags, "base"], monkeypatch, capsys)
    assert options.image == "base" and options.security.read_only_tmpfs is want
