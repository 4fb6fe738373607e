"""The fast path (cli/fast.py): what it takes, it takes exactly as typer would.

Its table (cli/fastspec.py) is derived from the typer app and must be current;
for a set of command lines, the values it calls a verb's body with are the
values typer calls it with; what it does not know it leaves to typer; and
``--version``/``--help`` print what typer prints. The import budget of these
commands (modules, not seconds) is checked in a fresh interpreter.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hutch.cli import app as cli_app
from hutch.cli import fast, fastgen, fastspec
from hutch.cli import main as cli_main
from unit.fakes import FakeEngine


def test_the_table_is_what_the_generator_writes() -> None:
    # stale: run contrib/gen-completions.py (it writes cli/fastspec.py too)
    assert Path(fastspec.__file__).read_text() == fastgen.render()


def _typer_values(verb: str, argv: list[str], monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The values typer calls the verb's body with (a group's under ``group``)."""
    module, function = fastgen.FAST_VERBS[verb]
    seen: list[dict[str, Any]] = []

    def record(state: object, *group: Any, **values: Any) -> int:
        seen.append({**values, "group": group[0]} if group else values)
        return 0

    monkeypatch.setattr(f"hutch.cli.{module}.{function}", record)
    with pytest.raises(SystemExit) as exc_info:
        cli_app.run_typer(argv, FakeEngine())
    assert exc_info.value.code == 0, argv
    assert len(seen) == 1
    return seen[0]


TAKEN = [
    ["ps"],
    ["ps", "-a"],
    ["ps", "-aq"],
    ["ps", "--all", "--quiet", "--no-trunc", "--noheading", "--size"],
    ["ps", "-n", "3"],
    ["ps", "-n3"],
    ["ps", "--last=-2"],
    ["ps", "--last", "4", "--last", "5"],
    ["ps", "-l"],
    ["ps", "--format", "{{.ID}}"],
    ["ps", "--format={{.Names}} x"],
    ["ps", "--format", "--all"],  # a value that looks like an option is still the value
    ["ps", "-f", "status=exited", "--filter", "name=a", "-fid=b"],
    ["ps", "--sort", "names"],
    ["ps", "--all=false", "-q"],
    ["ps", "--all=true"],
    ["ps", "--"],
    ["ps", "-af", "x=-y"],
    ["ps", "-s", "--all=0", "-a"],
    ["--root", "/r", "ps"],
    ["--root=/r", "--runroot", "/rr", "--log-level", "DEBUG", "--storage-driver", "vfs", "ps"],
    ["images"],
    ["images", "-qa", "--digests"],
    ["images", "-n", "--no-trunc", "--format", "json"],
    ["images", "--filter", "dangling=true", "-f", "label=x", "--sort", "size"],
    ["images", "--noheading=true", "--quiet=F"],
    ["run", "base"],
    ["run", "--rm", "base", "true"],
    ["run", "--rm", "--network", "none", "base", "true"],
    ["run", "-d", "--name", "x", "base", "sleep", "infinity"],
    ["run", "-it", "-e", "A=1", "--env=B=2", "-eC=3", "base", "sh", "-c", "echo $A"],
    ["run", "--rm", "base", "ls", "--all", "-l", "--", "-x"],  # the container's own flags
    ["run", "-h", "myhost", "-u", "1000:1000", "-w", "/tmp", "base", "id"],
    ["run", "--rm=false", "--init", "--read-only=true", "base"],
    ["run", "--rm", "--rm=false", "--sig-proxy=false", "base"],  # the last word wins
    ["run", "--sig-proxy=false", "--sig-proxy", "base"],
    ["run", "--", "base", "true"],
    ["run", "-p", "8080:80", "-p", "127.0.0.1:53:53/udp", "-v", "/a:/b:ro", "base"],
    ["--root", "/r", "run", "--pull", "never", "--stop-timeout", "3", "base"],
    ["create", "--name", "c", "base", "true"],
    ["create", "-e", "X=1", "base"],
    ["stop", "x"],
    ["stop", "-t", "0", "a", "b"],
    ["stop", "--time=5", "--ignore", "-a"],
    ["stop", "-f", "name=x", "--cidfile", "/tmp/c"],
    ["rm", "x"],
    ["rm", "-fv", "-t", "0", "a", "b"],
    ["rm", "--force=false", "--depend", "--filter", "status=exited"],
    ["rm", "-a", "-i"],
    ["exec", "c", "true"],
    ["exec", "-it", "c", "sh"],
    ["exec", "-e", "A=1", "--env=B", "-u", "0", "-w", "/tmp", "c", "ls", "-l", "--all"],
    ["exec", "-l", "echo", "hi"],
    ["exec", "-d", "--preserve-fds", "2", "--privileged", "c", "sleep", "9"],
    ["exec", "c", "--", "x"],
    ["pod", "create"],
    ["pod", "create", "--name", "p", "-p", "8080:80", "--no-infra", "--share", "+pid"],
    ["pod", "create", "-n", "p", "--infra", "--memory", "64m", "--cpus", "0.5", "--label", "a=b"],
    ["pod", "create", "--share-parent=false", "--exit-policy", "stop", "-v", "/a:/b"],
    ["pod", "create", "--share-parent=false", "--share-parent", "--infra=false"],
    ["pod", "create", "-p", "8080:80", "named"],  # podman's [NAME] argument
    ["pod", "rm", "p"],
    ["pod", "rm", "-f", "-t", "0", "p", "q"],
    ["pod", "rm", "-a", "--ignore"],
    ["system", "service"],
    ["system", "service", "--time", "0", "unix:///tmp/x.sock"],
    ["--log-level", "info", "system", "service", "-t", "3"],
    ["system", "service", "--cors", "*", "-t", "3"],
    ["system", "service", "--cors=https://example.com"],
    # a group's options before its command word (issue 17: compose ps)
    ["compose", "ps"],
    ["compose", "-f", "a.yaml", "--file=b.yaml", "-fc.yaml", "ps"],
    ["compose", "-p", "proj", "--project-directory", "/d", "ps", "-a"],
    ["compose", "--project-name=p", "--env-file", "e1", "--env-file=e2", "ps", "-aq"],
    ["compose", "--profile", "x", "--profile", "y", "--progress", "plain", "ps", "web", "db"],
    ["compose", "-f", "-", "ps", "--services"],
    ["compose", "-f", "--all", "ps"],  # a value that looks like an option is still the value
    ["compose", "ps", "--status", "running", "--status=exited", "--filter", "status=paused"],
    ["compose", "ps", "--format", "json", "--all=false", "web"],
    ["compose", "ps", "--format={{.Name}}", "-q", "-a"],
    ["compose", "ps", "web", "--all"],  # options after the services, as typer takes them
    ["--root", "/r", "compose", "-p", "p", "ps", "--quiet=true"],
    ["compose", "ls"],
    ["compose", "ls", "-aq"],
    ["compose", "-f", "x.yaml", "ls", "--all", "--format", "json"],
    ["compose", "--progress", "quiet", "ls", "--format=table", "--quiet=false"],
    ["compose", "config"],
    ["compose", "-f", "a.yaml", "config", "--services"],
    ["compose", "config", "--format", "json", "web", "db"],
    ["compose", "config", "-q", "--no-interpolate", "--volumes", "--profiles", "--images"],
    ["compose", "--profile", "p", "config", "web", "--format=yaml"],
    ["compose", "port", "web", "80"],
    ["compose", "-p", "p", "port", "--protocol", "udp", "--index=2", "web", "53"],
    ["compose", "port", "web", "080", "--index", "3"],  # click's int() reads 080 as 80
    ["compose", "top"],
    ["compose", "-f", "a.yaml", "top", "web", "db"],
    ["compose", "images"],
    ["compose", "images", "-q", "web"],
    ["compose", "--profile", "x", "images", "web", "--quiet=false"],
    ["build", "-q", "--build-arg", "BASE=x", "-f", "ctx/Containerfile", "ctx"],
    ["build", "--pull", "ctx"],  # bare: always, and ctx is the context (cli/build.py)
    ["build", "--pull=never", "-t", "a", "--tag", "b", "--tag=c", "."],
    ["build", "--pull-never", "--pull", "newer"],  # newer is the context
    ["build", "--layers=false", "--no-cache", "--retry", "3", "--squash", "-D"],
    ["build", "--tls-verify=false", "--jobs", "2", "-v", "/a:/b", "-m", "64m", "ctx"],
    ["build", "ctx", "--label", "a=b", "--layers"],  # options after the context
    ["build", "--", "-ctx"],
    ["--root", "/r", "build", "--iidfile", "/tmp/i", "--timestamp", "0", "-c", "5", "."],
    ["inspect", "c"],
    ["inspect", "-f", "{{.State.Pid}}", "c", "d"],
    ["inspect", "--format={{json .}}", "--type", "container", "-s", "c"],
    ["inspect", "-t", "image", "--format", "json", "base"],
    ["inspect", "-l", "--size"],
    ["inspect", "-ls"],
    ["inspect", "c", "--type=pod"],  # options after the names
    ["container", "inspect", "c"],
    ["container", "inspect", "-f", "{{.Id}}", "-l", "-s"],
    ["start", "c"],
    ["start", "-ai", "--detach-keys", "", "--no-sig-proxy", "c"],
    ["start", "--all", "--filter", "status=exited", "--filter=name=x"],
    ["container", "start", "-l", "--sig-proxy=false"],
    ["kill", "c", "d"],
    ["kill", "-s", "TERM", "--cidfile", "f", "--cidfile=g"],
    ["container", "kill", "--signal=9", "-a"],
    ["wait", "c"],
    ["wait", "--condition", "running", "--condition=healthy", "-i", "100ms", "c"],
    ["container", "wait", "--ignore", "-l"],
    ["logs", "c"],
    ["logs", "-f", "--tail", "3", "-t", "c", "d", "--names"],
    ["logs", "--tail=-1", "--since", "10m", "--until=2020-01-01", "--color", "c"],
    ["container", "logs", "-ln", "--details"],
    ["rmi", "a", "b"],
    ["rmi", "-fai", "--no-prune"],
    ["image", "rm", "--force", "a"],
    ["image", "inspect", "a", "--format", "{{.Id}}"],
    ["image", "exists", "a"],
    ["pod", "inspect", "p", "-f", "{{.Name}}"],
    ["pod", "inspect", "--latest"],
    ["pod", "exists", "p"],
    ["network", "inspect", "n", "m", "--format={{.Name}}"],
    ["network", "exists", "n"],
    ["volume", "inspect", "-a", "-f", "{{.Mountpoint}}"],
    ["volume", "inspect", "v"],
    ["volume", "exists", "v"],
    ["container", "exists", "c"],
    ["container", "exists", "--external", "c"],
    ["volume", "ls"],
    ["volume", "list", "-q", "--filter", "name=x", "-f", "dangling=true"],
    ["volume", "ls", "--format", "{{.Name}}", "--noheading"],
    ["network", "ls"],
    ["network", "list", "-q", "--no-trunc", "--filter=name=x"],
    ["network", "ls", "--format", "json", "-n"],
    ["port", "c"],
    ["port", "c", "80/tcp"],
    ["container", "port", "-a"],
    ["port", "-l", "80"],
    ["top", "c"],
    ["top", "c", "pid", "args"],
    ["container", "top", "-l", "user", "pid"],
    ["top", "c", "-eo", "pid,comm"],  # ps(1)'s options after the container are its words
    ["stats", "--no-stream"],
    ["stats", "-a", "--no-stream", "--format", "{{.MemUsage}}", "--no-trunc"],
    ["container", "stats", "-i", "0.5", "--no-reset", "c", "d"],
    ["stats", "--interval=2", "-l"],
    ["stats", "--interval", "1e-1", "c"],
    ["pod", "ps"],
    ["pod", "ps", "-q", "--no-trunc", "--filter", "name=x", "-f", "status=running"],
    ["pod", "ls", "--format", "{{.Name}}", "--ctr-names", "--ctr-ids", "--ctr-status", "--ns"],
    ["pod", "ps", "--sort=name", "-l", "--noheading"],
    ["import", "r.tar"],
    ["import", "-q", "-c", "CMD sh", "--change=ENV A=1", "-m", "msg", "r.tar", "base"],
    ["image", "import", "--arch", "arm64", "--os=linux", "--variant", "v8", "-", "x"],
    ["volume", "create"],
    ["volume", "create", "-d", "local", "-o", "type=tmpfs", "--opt=o=size=1m", "v"],
    ["volume", "create", "--label", "a=b", "-l", "c", "--ignore", "--uid", "1", "--gid=2", "v"],
    ["network", "create"],
    ["network", "create", "--subnet", "10.9.0.0/24", "--gateway=10.9.0.1", "--ip-range", "x", "n"],
    ["network", "create", "--internal", "--ipv6", "--disable-dns", "--ignore", "-d", "bridge"],
    ["network", "create", "--label", "a", "-o", "mtu=1400", "--dns", "1.1.1.1", "n"],
    ["network", "create", "--interface-name", "br9", "--route", "10.0.0.0/8,10.9.0.1", "n"],
]


@pytest.mark.parametrize("argv", TAKEN, ids=[" ".join(a) for a in TAKEN])
def test_what_it_takes_it_takes_as_typer(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    parsed = fast.parse(argv)
    assert parsed is not None, "the fast path should take this"
    values = dict(parsed.values)
    if parsed.group is not None:
        values["group"] = parsed.group
    assert values == _typer_values(parsed.verb, argv, monkeypatch)


LEFT = [
    [],
    ["inspect", "--help"],
    ["inspect", "-x", "c"],
    ["logs", "--tail", "x", "c"],  # click's message for a bad int
    ["kill", "-s"],  # no value
    ["start", "--sig-proxy=maybe", "c"],
    ["container", "inspect", "--type", "image", "c"],  # inspect's option, not this one's
    ["image", "exists"],  # a required argument: click's message
    ["image", "exists", "a", "b"],
    ["network", "inspect"],  # NAMES... is required: click's message
    ["image", "inspect"],
    ["pod", "exists", "--help"],
    ["ps", "--help"],
    ["stats", "-i", "soon"],  # click's message for a bad float
    ["stats", "--interval"],
    ["ps", "-h"],
    ["ps", "--bogus"],
    ["ps", "-x"],
    ["ps", "-n", "x"],
    ["ps", "-n", "1_0"],
    ["ps", "-n"],
    ["ps", "extra"],
    ["ps", "--all=maybe"],
    ["ps", "-a=false"],
    ["ps", "-qa=1"],
    ["--tmpdir", "/t", "ps"],
    ["--log-level", "loud", "ps"],
    ["--root"],
    ["--noout", "images"],
    ["-v", "ps"],
    ["images", "busybox", "extra"],  # one image is a reference filter
    ["image", "ls"],
    ["container", "ps"],
    ["run", "--help"],
    ["run", "--rm"],  # no image: click's message
    ["run", "--memory", "--rm"],
    ["run", "--no-such-flag", "base"],
    ["create", "-h"],  # --hostname without its value
    ["pod", "top", "p"],  # a verb the table does not know (another helper's) goes to typer
    ["stop", "-t", "x", "a"],
    ["rm", "--bogus", "a"],
    ["rm", "-x", "a"],
    ["exec", "-h", "c", "true"],  # not help for exec: an unknown option, typer's message
    ["exec", "--help"],
    ["pod", "create", "one", "extra"],  # [NAME] takes one
    ["pod", "create", "--no-such"],
    ["pod", "rm", "--help"],
    ["exec"],
    ["system"],
    ["system", "df"],
    ["system", "service", "--help"],
    ["system", "service", "--time", "x"],
    ["compose"],
    ["compose", "-p", "p"],  # no command: typer's help
    ["compose", "--help", "ps"],
    ["compose", "-h", "ps"],  # the group has no -h: typer's message
    ["compose", "ps", "--help"],
    ["compose", "ps", "-h"],
    ["compose", "--bogus", "ps"],
    ["compose", "ps", "--bogus"],
    ["compose", "ps", "-x"],
    ["compose", "-f"],
    ["compose", "-f", "x", "-p"],
    ["compose", "up", "-d"],  # a command the table does not have
    ["compose", "-p", "p", "up"],
    ["compose", "config", "--hash", "*"],  # not an option of config (yet)
    ["compose", "config", "-h"],
    ["compose", "ps", "--all=maybe"],
    ["compose", "--project-name"],
    ["--tmpdir", "/t", "compose", "ps"],
    ["compose", "--", "ps", "-a"],  # click's group passes "--" on: typer's
    ["compose", "ps", "--", "web"],
    ["compose", "ls", "extra"],  # ls takes no argument: click's message
    ["compose", "ls", "--filter", "name=x"],  # not an option of ls (yet)
    ["compose", "ls", "--help"],
    ["compose", "port", "web"],  # the port is required: click's message
    ["compose", "port", "web", "80x"],  # not an int: click's message
    ["compose", "port", "web", "1_0"],  # click's int() takes it: typer's to say so
    ["compose", "port", "web", "80", "extra"],
    ["compose", "port", "web", "80", "--index", "x"],
    ["compose", "top", "--help"],
    ["compose", "top", "-a"],
    ["compose", "images", "--format", "json"],  # not an option of images (yet)
    ["build", "--help"],
    ["build", "-h"],
    ["build", "a", "b"],  # one context: click's message
    ["build", "--retry", "-1", "."],  # unsigned: typer's (pflag's) message
    ["build", "--retry", "+1", "."],
    ["build", "--bogus", "."],
    ["build", "--layers=maybe", "."],
    ["build", "-f"],
    ["image", "build", "."],  # build's other names stay typer's
    ["buildx", "build", "."],
]


@pytest.mark.parametrize("argv", LEFT, ids=[" ".join(a) or "(none)" for a in LEFT])
def test_what_it_does_not_know_is_left_to_typer(argv: list[str]) -> None:
    assert fast.parse(argv) is None


def _out(argv: list[str], *, typer_only: bool, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc_info:
        if typer_only:
            cli_app.run_typer(argv)
        else:
            cli_main.main(argv)
    assert exc_info.value.code == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--version"], ["-v"], ["--help"], ["-h"], ["help"]])
@pytest.mark.parametrize("columns", ["80", "200"])
def test_version_and_help_print_what_typer_prints(
    argv: list[str],
    columns: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    typer_args = cli_main.words.help_words(argv)
    expected = _out(typer_args, typer_only=True, capsys=capsys)
    assert fast.run(typer_args) == 0
    assert capsys.readouterr().out == expected
    assert _out(argv, typer_only=False, capsys=capsys) == expected


def test_a_narrow_terminal_gets_typer_s_help(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")  # click wraps to the width: not the stored text
    assert fast.run(["--help"]) is None


def test_errors_of_a_fast_verb_map_as_typer_s(capsys: pytest.CaptureFixture[str]) -> None:
    from hutch.api.errors import CommandNotFound

    for argv in (["ps"], ["images"]):
        assert fast.parse(argv) is not None
        assert fast.run(argv, FakeEngine(error=CommandNotFound("gone"))) == 127
        assert capsys.readouterr().err == "Error: gone\n"


INSPECTS = [
    ["inspect", "web"],
    ["inspect", "-f", "{{.State.Status}} {{.Id}}", "web"],
    ["inspect", "--format", "{{.Nope}}", "web"],
    ["inspect", "--type", "container", "--format=json", "web"],
    ["inspect", "--type", "bogus", "web"],
    ["inspect", "-t", "image", "-l"],
    ["inspect", "-t", "pod", "-s", "p"],
    ["inspect"],
    ["inspect", "-l", "web"],
    ["container", "inspect", "web", "-f", "{{.Name}}"],
    ["container", "inspect"],
    ["pod", "inspect", "p"],
    ["pod", "inspect", "-l", "p"],
    ["image", "inspect", "base", "-f", "{{.Id}}"],
    ["network", "inspect", "nosuch"],
    ["volume", "inspect"],
    ["volume", "inspect", "--all", "--format", "{{.Name}}"],
    ["image", "exists", "base"],
    ["pod", "exists", "p"],
    ["volume", "exists", "v"],
    ["network", "exists", "n"],
    ["rmi"],
    ["rmi", "-a", "base"],
    ["image", "rm", "base"],
]


@pytest.mark.parametrize("argv", INSPECTS, ids=[" ".join(a) for a in INSPECTS])
def test_inspect_prints_and_fails_as_typer_s(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from unit.service.test_docker_container_json import _inspect

    def engine() -> FakeEngine:
        return FakeEngine(container_inspects=[_inspect("running")])

    assert fast.parse(argv) is not None
    fast_said = (fast.run(argv, engine()), capsys.readouterr())
    with pytest.raises(SystemExit) as exc_info:
        cli_app.run_typer(argv, engine())
    assert fast_said == (exc_info.value.code, capsys.readouterr())


COMPOSE_FILE = """\
services:
  db: {image: busybox}
  web: {image: busybox, depends_on: [db]}
"""


@pytest.mark.parametrize(
    "argv",
    [
        ["compose", "--progress=fancy", "ps"],  # typer's group callback refuses it first
        ["compose", "-f", "missing.yaml", "ps"],
        ["compose", "-f", "bad.yaml", "ps"],
        ["compose", "ps", "nosuch"],
        ["compose", "ps", "--status", "sleeping"],
        ["compose", "ps", "--filter", "name=x"],
        ["compose", "-p", "Bad Name", "ps"],
        ["compose", "--progress", "fancy", "ls"],
        ["compose", "ls", "--format", "yaml"],
        ["compose", "-f", "bad.yaml", "config"],
        ["compose", "-f", "bad.yaml", "config", "--services"],
        ["compose", "config", "--format", "toml"],
        ["compose", "config", "nosuch"],
        ["compose", "port", "nosuch", "80"],
        ["compose", "port", "web", "80"],  # no container web-1
        ["compose", "--progress=fancy", "port", "web", "80"],
        ["compose", "top", "nosuch"],
        ["compose", "-f", "bad.yaml", "top"],
        ["compose", "images", "web", "nosuch"],
        ["compose", "-f", "missing.yaml", "images"],
    ],
)
def test_compose_ps_fails_as_typer_s(
    argv: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The errors of ``compose ps`` on the fast path: typer's code and message."""
    (tmp_path / "compose.yaml").write_text(COMPOSE_FILE)
    (tmp_path / "bad.yaml").write_text("services:\n  web: {image: busybox, bogus: 1}\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    assert fast.parse(argv) is not None
    code = fast.run(argv, FakeEngine())
    fast_err = capsys.readouterr().err
    with pytest.raises(SystemExit) as exc_info:
        cli_app.run_typer(argv, FakeEngine())
    assert (code, fast_err) == (exc_info.value.code, capsys.readouterr().err)
    assert code == 125 and fast_err.startswith("Error: ")


@pytest.mark.parametrize(
    "args",
    [
        ["config"],
        ["config", "--format", "json", "web"],
        ["config", "--services"],
        ["config", "--images", "--no-interpolate"],
        ["config", "-q"],
        ["--profile", "x", "config", "--profiles"],
    ],
)
def test_compose_config_prints_as_typer_s(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    job = "  job:\n    image: busybox\n    profiles: [x]\n    environment:\n      A: $${B}\n"
    (tmp_path / "compose.yaml").write_text(COMPOSE_FILE + job)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    argv = ["compose", *args]
    with pytest.raises(SystemExit) as exc_info:
        cli_app.run_typer(argv, FakeEngine())
    typer_said = (exc_info.value.code, capsys.readouterr())
    for _ in range(2):  # the second from the kept project
        assert fast.parse(argv) is not None
        assert (fast.run(argv, FakeEngine()), capsys.readouterr()) == typer_said
    assert typer_said[0] == 0


def test_compose_ls_prints_as_typer_s(capsys: pytest.CaptureFixture[str]) -> None:
    from hutch.api.container_list import ContainerSummary

    def one(project: str, status: str) -> ContainerSummary:
        labels = (("com.docker.compose.project", project),)
        labels += (("com.docker.compose.project.config_files", f"/{project}/compose.yaml"),)
        return ContainerSummary(
            "i" * 64, project + "-web-1", "img", "", "sh", 0.0, status, 0, 0.0, 0.0, labels=labels
        )

    engine = FakeEngine(container_list=[one("b", "running"), one("a", "exited")])
    for argv in (["compose", "ls"], ["compose", "ls", "-a", "--format", "json"]):
        assert fast.run(argv, engine) == 0
        fast_out = capsys.readouterr().out
        with pytest.raises(SystemExit):
            cli_app.run_typer(argv, engine)
        assert fast_out == capsys.readouterr().out
        assert "/b/compose.yaml" in fast_out


@pytest.mark.parametrize("args", [["images"], ["images", "-q"], ["images", "db"], ["top", "web"]])
def test_compose_views_print_as_typer_s(
    args: list[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from hutch.api.container_list import ContainerSummary

    def one(service: str, image: str, status: str) -> ContainerSummary:
        labels = (
            ("com.docker.compose.project", "p"),
            ("com.docker.compose.service", service),
            ("com.docker.compose.container-number", "1"),
        )
        name = f"p-{service}-1"
        return ContainerSummary(
            name * 4, name, image, "", "sh", 0.0, status, 0, 0.0, 0.0, labels=labels
        )

    (tmp_path / "compose.yaml").write_text(COMPOSE_FILE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    engine = FakeEngine(
        container_list=[one("web", "web:1", "running"), one("db", "db:2", "exited")]
    )
    argv = ["compose", "-p", "p", *args]
    with pytest.raises(SystemExit) as exc_info:
        cli_app.run_typer(argv, engine)
    typer_said = (exc_info.value.code, capsys.readouterr())
    assert typer_said[0] == 0 and typer_said[1].out
    for _ in range(2):  # the second from the kept project
        assert fast.parse(argv) is not None
        assert (fast.run(argv, engine), capsys.readouterr()) == typer_said


def test_every_fast_verb_has_its_body() -> None:
    import importlib
    import inspect

    for verb, (module, function) in fastgen.FAST_VERBS.items():
        body = getattr(importlib.import_module(f"hutch.cli.{module}"), function)
        params = inspect.signature(body).parameters
        names = [n for n, p in params.items() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        assert names[0] == "state"
        if verb.split()[0] in fastspec.GROUPS:  # the group's values come second
            assert names[1] == "group", verb
            names.pop(1)
        values = set(fastspec.VERBS[verb][2]["defaults"])
        if len(names) < len(params):  # **values: the flags of the table (cli/flagparams.py)
            assert set(names[1:]) <= values, verb
        else:
            assert set(names[1:]) == values, verb


# What the hot commands may import (modules, not seconds): typer and click never;
# --version and --help not even dataclasses, typing or the engine.
NEVER = ("typer", "click", "hutch.cli.app", "hutch.cli.lazy", "hutch.cli.pflag")
NOT_FOR_START = (
    *NEVER, "dataclasses", "typing", "sqlite3", "_sqlite3", "hutch.engine", "hutch.api.containers"
)  # fmt: skip


@pytest.fixture(autouse=True)
def _no_session_left(tmp_path: Path) -> Iterator[None]:
    """End the session holder a command of the test started in its own runtime
    directory (``_own_dirs``): it would outlive the directory, a ``sleep infinity``
    per test left on the machine."""
    yield
    try:
        pid, start, _ = (tmp_path / "run" / "hutch" / "session.pid").read_text().split()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (OSError, ValueError):
        return
    if stat.rsplit(")", 1)[-1].split()[19] == start:  # not a recycled pid
        with contextlib.suppress(OSError):
            os.kill(int(pid), signal.SIGKILL)


def _own_dirs(tmp_path: Path) -> dict[str, str]:
    """The environment with hutch's home and XDG directories under ``tmp_path``."""
    return {
        **os.environ,
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_RUNTIME_DIR": str(tmp_path / "run"),
    }


def _imported(argv: list[str], tmp_path: Path, expect: int = 0) -> list[str]:
    probe = (
        "import sys, json\n"
        "from hutch.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "print(json.dumps([code, sorted(sys.modules)]), file=sys.stderr)\n"
    )
    env = {**_own_dirs(tmp_path), "COLUMNS": "100"}
    (tmp_path / "run").mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60
    )
    code, modules = json.loads(done.stderr.strip().splitlines()[-1])
    assert code == expect, done.stderr
    return list(modules)


def _matching(modules: list[str], names: tuple[str, ...]) -> list[str]:
    return [m for m in modules if any(m == n or m.startswith(n + ".") for n in names)]


@pytest.mark.parametrize("argv", [["--version"], ["--help"]])
def test_start_up_imports_almost_nothing(argv: list[str], tmp_path: Path) -> None:
    modules = _imported(argv, tmp_path)
    assert _matching(modules, NOT_FOR_START) == []
    hutch = [m for m in modules if m.split(".")[0] == "hutch"]
    # the package, its hooks on the first import of dataclasses and of pathlib
    # (util/codecache.py, onimport.py, pathlib_quote.py), the CLI's entry and table
    assert len(hutch) <= 10, hutch
    assert not _matching(modules, ("pathlib", "urllib", "ipaddress"))  # (re: the probe's json)


# What a build loads before its first step (issue 16: a cached build is almost all
# start-up): no typer (build is a fast verb), no RUN machinery or parser of a flag not
# given (the runtime's spec, run's security, namespace and network code), no registry
# classes, no typing, OpenSSL, shutil, subprocess or csv. A step that runs loads them.
NOT_FOR_A_BUILD_START = (
    *NEVER,
    "typing",
    "hashlib",
    "_hashlib",
    "shutil",
    "subprocess",
    "csv",
    "hutch.api.images",
    "hutch.api.container_config",
    "hutch.api.container_flags",
    "hutch.runtime.spec",
    "hutch.engine.specbuild",
    "hutch.engine.security",
    "hutch.engine.nsmodes",
    "hutch.engine.netconfig",
    "hutch.engine.build_namespaces",
    "hutch.build.runstep",
    "hutch.build.host",
)


def test_a_build_starts_without_the_step_machinery(tmp_path: Path) -> None:
    probe = (
        "import sys\n"
        "from hutch.cli import fast\n"
        "argv = ['build', '-q', '--build-arg', 'A=1', '-f', 'x/Containerfile', 'x']\n"
        "assert fast.parse(argv).verb == 'build'\n"
        "import hutch.cli.build, hutch.engine.build, hutch.engine.images\n"
        "from hutch.api.build import BuildOptions\n"
        "from hutch.build.builder import with_path, step_line\n"
        "from hutch.build.cache import step_key\n"
        "from hutch.config.settings import Settings\n"
        "from hutch.engine.build import _validate\n"
        "_validate(BuildOptions(context='.'), Settings())\n"
        "step_key('p', 'RUN x', {'A': '1'}, 'd')\n"
        "print(' '.join(sorted(sys.modules)))\n"
    )
    env = _own_dirs(tmp_path)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert _matching(done.stdout.split(), NOT_FOR_A_BUILD_START) == []


def test_the_api_service_starts_without_typer() -> None:
    """Socket activation waits for the service's start-up: its body and the
    server load neither typer nor click."""
    probe = (
        "import sys\n"
        "from hutch.cli import fast\n"
        "assert fast.parse(['system', 'service', '--time', '0']).verb == 'system service'\n"
        "import hutch.cli.system_service, hutch.service.main\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'click')))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "argv",
    [
        ["ps"],
        ["ps", "-a", "--format", "{{.ID}}"],
        ["images"],
        ["stop", "--ignore", "nothing-of-that-name"],
        ["rm", "--ignore", "nothing-of-that-name"],
        ["pod", "ps"],
        ["volume", "inspect", "--all"],
    ],
)
def test_everyday_verbs_import_no_typer(argv: list[str], tmp_path: Path) -> None:
    modules = _imported(argv, tmp_path)
    assert _matching(modules, NEVER) == []
    assert "hutch.cli.fast" in modules


@pytest.mark.parametrize(
    "argv",
    [
        ["inspect", "-f", "{{.Id}}", "nothing"],
        ["container", "inspect", "--latest"],
        ["image", "inspect", "nothing"],
        ["pod", "inspect", "nothing"],
        ["logs", "nothing"],
        ["start", "nothing"],
    ],
)
def test_queries_fail_without_typer(argv: list[str], tmp_path: Path) -> None:
    """What scripts ask most (one field of an object, a container's output) runs on
    the fast path, its refusal too (125, as typer's: test_inspect_prints_and_fails_as_typer_s)."""
    modules = _imported(argv, tmp_path, expect=125)
    assert _matching(modules, NEVER) == []
    assert "hutch.cli.fast" in modules


def test_ps_parses_containers_conf_once(tmp_path: Path) -> None:
    """podman's containers.conf (Debian's podman installs one with live keys) is parsed
    by the first command only: the next finds its tables in the runtime dir's cache
    and imports no TOML reader (config/containers_conf.py, issue 15)."""
    conf = tmp_path / "config" / "containers" / "containers.conf"
    conf.parent.mkdir(parents=True)
    conf.write_text('# a comment\n[containers]\ntz = "UTC"\n')
    _imported(["ps"], tmp_path)
    assert (tmp_path / "run" / "hutch" / "containers-conf.cache").exists()
    assert _matching(_imported(["ps"], tmp_path), ("tomllib", "tomli")) == []


# What stop and rm leave out (issue 16): the run half of the engine (the create plan,
# the spec, the monitor's start and code, networks, volumes, health checks), which
# was about half of their start; nor api.containers' sixty classes (their options
# live in api.container_actions: 15 to 18 ms of CPU each).
NOT_FOR_STOP = (
    *NEVER,
    "hutch.api.containers",
    "hutch.engine.create_plan",
    "hutch.engine.specbuild",
    "hutch.engine.networks",
    "hutch.engine.volumes",
    "hutch.engine.health_notify",
    "hutch.engine.nsmodes",
    "hutch.runtime.container",
    "hutch.runtime.spawn",
    "hutch.runtime.monitor",
)


# Nor the record's codec and the run options' classes (engine/config_peek.py: about 8 ms
# of CPU each); a container's config is decoded only if its stop signal or timeout is read.
NOT_FOR_STOP_RECORD = ("hutch.engine.container_record", "hutch.api.container_config")


# Nor typing (annotations only, under TYPE_CHECKING: cli/rm.py, cli/stop.py, their
# target rules and reports, engine/container_select.py; 2026-12-06), once the parsed
# containers.conf is cached (the first command parses the TOML: tomllib imports typing).
NOT_FOR_STOP_TYPES = ("typing",)


@pytest.mark.parametrize("verb", ["stop", "rm"])
def test_stop_and_rm_load_no_run_half(verb: str, tmp_path: Path) -> None:
    _imported([verb, "--ignore", "nothing-of-that-name"], tmp_path)  # caches containers.conf
    modules = _imported([verb, "--ignore", "nothing-of-that-name"], tmp_path)
    assert "hutch.engine.containers" in modules
    assert _matching(modules, (*NOT_FOR_STOP, *NOT_FOR_STOP_RECORD, *NOT_FOR_STOP_TYPES)) == []


# What the removal of a container in no pod and with no volume leaves out (issue 16,
# run --rm's and rm's): the pod store (an infra is always in its pod: the record's pod
# says so), the volume store and code (no row of container_volumes says so), shutil
# and its bz2 and lzma (util/treeremove.py removes the tree: about 5 M instructions).
NOT_FOR_PLAIN_REMOVAL = (
    "typing",
    "shutil",
    "bz2",
    "lzma",
    "hutch.store.pods",
    "hutch.store.volumes",
    "hutch.engine.container_mounts",
)


def test_the_removal_of_a_plain_container_loads_no_pod_volume_or_shutil(tmp_path: Path) -> None:
    rootfs = tmp_path / "rootfs"
    rootfs.mkdir()
    for name in ("first", "plain"):  # the first fills the caches (code, containers.conf)
        _imported(["create", "--name", name, "--rootfs", str(rootfs), "true"], tmp_path)
    _imported(["rm", "-v", "first"], tmp_path)
    modules = _imported(["stop", "plain"], tmp_path)
    assert _matching(modules, NOT_FOR_PLAIN_REMOVAL) == []
    modules = _imported(["rm", "-v", "plain"], tmp_path)
    assert "hutch.util.treeremove" in modules
    assert _matching(modules, NOT_FOR_PLAIN_REMOVAL) == []
    assert not (tmp_path / "data" / "hutch" / "storage" / "containers").exists() or not any(
        (tmp_path / "data" / "hutch" / "storage" / "containers").iterdir()
    )


# What exec leaves out (issue 16): the other container verbs' slices and classes
# (api.containers), the process part's attach, top and pause code (engine.lifecycle),
# the record's run options (exec reads the spec), the security code of --privileged,
# and the init's set-up (mounts, cgroups, user namespaces): a third of its start.
NOT_FOR_EXEC = (
    *NOT_FOR_STOP,
    "hutch.api.containers",
    "hutch.api.container_config",
    "hutch.engine.lifecycle",
    "hutch.engine.container_record",
    "hutch.engine.security",
    "hutch.engine.top",
    "hutch.runtime.relay",
    "hutch.runtime.mounts",
    "hutch.runtime.userns",
    "hutch.runtime.pidshare",
    "hutch.runtime.tinyinit",
    "hutch.cgroups.v2",
    "hutch.api.flags",
)


def test_exec_loads_only_exec(tmp_path: Path) -> None:
    # no such container: the error comes from the lookup, after exec's imports; twice,
    # as NOT_FOR_LISTING's (a fresh home's first command parses containers.conf)
    _imported(["exec", "nothing-of-that-name", "true"], tmp_path, expect=125)
    modules = _imported(["exec", "nothing-of-that-name", "true"], tmp_path, expect=125)
    assert "typing" not in modules  # its verb module names Annotated in register only
    assert "hutch.cli.fast" in modules
    assert "hutch.engine.exec" in modules
    assert "hutch.runtime.exec" in modules
    assert _matching(modules, NOT_FOR_EXEC) == []


# What a container's inspect leaves out (issue 16): api.containers (the other verbs'
# options and reports, their protocols and with them ``typing``), api.images' classes
# (the report's GraphDriver is api.common's), the volume verbs, and ``inspect`` with
# ``ast`` and ``dis`` (the templates' evaluator needs it for an error message only).
# The modules that build and print the report, imported as the command imports them
# when the name is a container's (a name of no container goes on to the other nouns).
INSPECT_MODULES = (
    "hutch.cli.inspect",
    "hutch.cli.inspecting",
    "hutch.engine.container_query",
    "hutch.engine.inspect_extras",
    "hutch.engine.inspect_binds",
    "hutch.engine.inspect_env",
    "hutch.engine.netquery",
    "hutch.engine.resource_inspect",
    "hutch.engine.specbuild_lifecycle",
    "hutch.engine.secret_refs",
    "hutch.util.gotemplate.template",
    "hutch.util.gotemplate.execute",
)
NOT_FOR_INSPECT = (
    "typing",
    "hutch.api.containers",
    "hutch.api.container_actions",
    "hutch.api.images",
    "hutch.engine.volumes",
    # from 3.12 dataclasses itself reads more of inspect than the code cache's stand-in
    # answers (get_annotations): there every command with a dataclass loads it
    *(("inspect", "ast", "dis") if sys.version_info < (3, 12) else ()),
)


def test_a_container_s_inspect_loads_only_its_report() -> None:
    probe = (
        "import sys\n"
        f"for name in {INSPECT_MODULES!r}:\n"
        "    __import__(name)\n"
        "from hutch.engine.engine import QUERY_VERBS\n"
        "assert 'inspect' in QUERY_VERBS\n"  # the part is built without api.containers
        "print(' '.join(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert _matching(done.stdout.split(), NOT_FOR_INSPECT) == []


def test_logs_loads_neither_the_other_verbs_nor_typing(tmp_path: Path) -> None:
    # logs' two classes are api.container_logs' (twice: a fresh home's first command
    # parses containers.conf, and tomllib loads typing)
    _imported(["logs", "nothing-of-that-name"], tmp_path, expect=125)
    modules = _imported(["logs", "nothing-of-that-name"], tmp_path, expect=125)
    assert "hutch.engine.container_query" in modules
    assert _matching(modules, ("typing", "hutch.api.containers", "hutch.api.images")) == []


# What a template reading only a container's state leaves unloaded (issue 16): the
# whole report's module and classes, the bundle spec's, the network, image, volume
# and cgroup code (a third of inspect's start)
NOT_FOR_STATE = (
    "typing",
    "hutch.api.containers",
    "hutch.api.container_inspect",
    "hutch.engine.container_query",
    "hutch.runtime.spec",
    "hutch.store.images",
    "hutch.volumes",
    "hutch.cgroups",
    "hutch.net",
    "hutch.engine.netquery",
)


@pytest.mark.parametrize(
    "fmt", ["{{.State.Status}}", "{{.Id}} {{.Name}} {{json .State.Health}}", "table {{.Created}}"]
)
def test_inspect_of_the_state_loads_no_whole_report(fmt: str, tmp_path: Path) -> None:
    _imported(["container", "inspect", "-f", fmt, "nothing-of-that-name"], tmp_path, expect=125)
    argv = ["container", "inspect", "-f", fmt, "nothing-of-that-name"]
    modules = _imported(argv, tmp_path, expect=125)
    assert "hutch.engine.container_state_query" in modules
    assert _matching(modules, NOT_FOR_STATE) == []
    # a key of the whole report takes the whole report's path
    argv = ["container", "inspect", "-f", "{{.State.Status}} {{.Config.Env}}", "nothing"]
    assert "hutch.engine.container_query" in _imported(argv, tmp_path, expect=125)


@pytest.mark.parametrize(
    ("argv", "expect"),
    [
        (["container", "exists", "nothing-of-that-name"], 1),
        (["volume", "inspect", "nothing-of-that-name"], 125),
        (["volume", "exists", "nothing-of-that-name"], 1),
        (["volume", "ls", "-q"], 0),
        (["network", "ls", "-q"], 0),
        (["network", "ls"], 0),
        (["volume", "ls"], 0),
        (["ps"], 0),
        (["images"], 0),
        (["port", "nothing-of-that-name"], 125),
        (["top", "nothing-of-that-name"], 125),
        (["stats", "--no-stream", "nothing-of-that-name"], 125),
        (["stats", "--no-stream", "--format", "{{.ID}}"], 0),
        (["pod", "ps"], 0),
        (["pod", "exists", "nothing-of-that-name"], 1),
    ],
)
def test_script_queries_load_neither_typer_nor_the_container_verbs(
    argv: list[str], expect: int, tmp_path: Path
) -> None:
    # issue 16: a script's `container exists` before each run, and the volume queries,
    # went through typer or loaded api.containers and the container record's classes;
    # port, top and stats went through typer and loaded their whole slices' parts, pod
    # ps and pod exists every pod verb's code and the container service
    _imported(argv, tmp_path, expect=expect)
    modules = _imported(argv, tmp_path, expect=expect)
    assert _matching(modules, ("typer", "click", "hutch.api.containers")) == []
    # port, top and stats: not their parts' modules (inspect's report, attach, update)
    parts = ("hutch.engine.container_query", "hutch.engine.lifecycle", "hutch.engine.resource_ops")
    assert _matching(modules, parts) == []
    # a default table: not the template engine (its typed values, datetime), nor typing
    if argv in (["network", "ls"], ["volume", "ls"], ["ps"], ["images"], ["pod", "ps"]):
        assert _matching(modules, ("hutch.cli.templating", "datetime", "typing")) == []
    # images: not the image part (the resolver, the reference parser, the layers' code)
    assert _matching(modules, ("hutch.engine.images", "hutch.engine.resolve")) == []
    # network ls: not the network part (the run options', the spec's, the helpers')
    assert _matching(modules, ("hutch.engine.networks", "hutch.api.container_config")) == []
    # pod ps and pod exists: not the pod part, nor the container service it is built with
    pod_part = ("hutch.engine.pods", "hutch.api.pods", "hutch.engine.containers")
    assert _matching(modules, pod_part) == []
    # port reads the spec's ports from its JSON (engine/port_query.py), not its codec
    unwanted = ("hutch.runtime.spec", "hutch.engine.container_mounts")
    assert _matching(modules, unwanted) == []


# What run's CLI leaves to the monitor (issue 16): the container's init (runtime/
# container.py and exec.py, reached through the health checks' runner and
# lifecycle's exec and top), about 15 modules, loaded only by the monitor and exec;
# a pod's record and info's report, for a container in no pod; attach's code
# (engine/lifecycle.py: run needs only detach_keys, in engine/run_flags.py) and
# with it api.containers' classes; the volume verbs; the network verbs (loaded for
# user networks and joined containers only); the registry classes; the network store
# (a start's address claim, user networks only) and threading (--sdnotify=healthy's
# notifier, engine/health_notify.py); the name resolution of the verbs on existing
# containers (engine/container_select.py) and restart's lock; the health check's
# parsers (runtime/health_cmd.py, util/durations.py), for a container without one;
# socket.py (its enums, selectors, array: about 3 % of run --rm's instructions), as
# spawn talks to the monitor on _socket's sockets, and termios and tty, a terminal's;
# typing (about 7 % of run's and create's: annotations only, under TYPE_CHECKING).
RUN_HALF = (
    "hutch.engine.containers",
    "hutch.engine.pod_member",
    "hutch.engine.resources",
    "hutch.engine.userns_plan",
    "hutch.engine.create_plan",
    "hutch.engine.specbuild",
    "hutch.engine.specbuild_lifecycle",
    "hutch.engine.address_claim",
    "hutch.engine.run_flags",
    "hutch.engine.container_mounts",
    "hutch.engine.netquery",
    "hutch.engine.pull_policy",
    "hutch.engine.image_volumes",
    "hutch.runtime.relay",
    "hutch.runtime.signalproxy",
    "hutch.runtime.spawn",
)
NOT_FOR_RUN = (
    "threading",
    "typing",
    "socket",
    "selectors",
    "termios",
    "tty",
    "hutch.engine.health_notify",
    "hutch.store.networks",
    "hutch.runtime.container",
    "hutch.runtime.exec",
    "hutch.engine.exec",
    "hutch.engine.lifecycle",
    "hutch.engine.pod_record",
    "hutch.engine.volumes",
    "hutch.engine.networks",
    "hutch.api.containers",
    "hutch.api.images",
    "hutch.api.pods",
    "hutch.api.system",
    "hutch.engine.container_select",
    "hutch.engine.restart_lock",
    "hutch.runtime.health_cmd",
    "hutch.util.durations",
)


def test_run_s_modules_leave_the_container_init_to_the_monitor() -> None:
    probe = (
        "import importlib, sys\n"
        f"for name in {RUN_HALF!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = done.stdout
    assert "'hutch.engine.create_plan'" in modules
    assert [m for m in NOT_FOR_RUN if f"'{m}'" in modules] == []


# A run on a user network loads the network code (engine/networks.py) for its start:
# the network's record, the address claim, the rootless namespace's holder. Not the
# verbs' options nor the protocol (api/networks.py, with typing), OpenSSL for the
# default network's id, socket.py for a holder older than the port proxy, the
# filters' time parser: 49 -> 11 million instructions (callgrind, 2026-12-06).
NOT_FOR_A_USER_NETWORK = (
    "typing",
    "hashlib",
    "socket",
    "hutch.api.networks",
    "hutch.util.durations",
)


def test_a_run_on_a_user_network_loads_only_the_network_start() -> None:
    probe = (
        "import importlib, sys\n"
        f"for name in {RUN_HALF!r}:\n"
        "    importlib.import_module(name)\n"
        "import hutch.engine.networks\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    modules = done.stdout
    assert "'hutch.engine.networks'" in modules and "'hutch.net.rootless'" in modules
    assert [m for m in NOT_FOR_A_USER_NETWORK if f"'{m}'" in modules] == []


def test_the_attach_helper_adds_no_typing_to_the_monitor_s_modules() -> None:
    # forked from the monitor on a user network's run path (runtime/nethelper.py)
    probe = (
        "import sys, hutch.runtime.monitor, hutch.runtime.nethelper\n"
        "import hutch.net.attach\n"
        "print(sorted(sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "'hutch.net.portproxy'" in done.stdout
    assert "'typing'" not in done.stdout


# What create leaves out (issue 16): api.containers' sixty classes (its verbs' options
# and reports are in api/container_actions.py), the volume verbs and their copy-up
# (engine/container_mounts.py makes a new container's mounts), the network verbs on
# a network that reads no other record (the default, none, host), and, once the default
# seccomp program is cached, the profile's modules and OpenSSL (hashlib); and shutil
# (bz2, lzma), which it loaded for ``which`` (util/tools.py has its own); threading (the
# --sdnotify relay's) and the --filter code; socket (the monitor's spawn, a stop's wait,
# a published port's probe: the host's address in /etc/hosts is read on _socket's
# netlink socket, linux/ifaddrs.py), csv (--mount),
# base64 and resource (--ulimit), and the classes of the events it records but never
# reads (api/events.py); what only the verbs on existing containers need (their name
# resolution, engine/stopping.py and the monitor's protocol, restart's lock), and
# the health check's parsers for a container without one; typing (about 7 % of its
# instructions: annotations only, under TYPE_CHECKING; util/jsondata.py loads it to
# decode, which create does not).
NOT_FOR_CREATE = (
    *NEVER,
    "typing",
    "hutch.engine.container_select",
    "hutch.engine.stopping",
    "hutch.engine.restart_lock",
    "hutch.runtime.attachproto",
    "hutch.runtime.health_cmd",
    "hutch.util.durations",
    "hutch.api.events",
    "socket",
    "csv",
    "base64",
    "resource",
    "hutch.api.containers",
    "hutch.api.images",
    "hutch.api.volumes",
    "hutch.api.networks",
    "hutch.engine.networks",
    "hutch.engine.volumes",
    "hutch.engine.volume_copyup",
    "hutch.store.volumes",
    "hutch.runtime.seccomp.default",
    "hutch.runtime.seccomp.compiler",
    "hashlib",
    "shutil",
    "threading",
    "hutch.engine.container_filters",
    # the store takes sqlite3's objects from its C half (store/sqlite.py): no
    # sqlite3.dbapi2 and its datetime; the mount code (and its ctypes) is the
    # monitor's, not create's (runtime.spec holds the names create needs)
    "sqlite3",
    "datetime",
    "hutch.runtime.mounts",
    "hutch.runtime.tmpcopyup",
    # signal's three enums: the default stop signal is read from _signal's constants
    # (util/signames.py), the session's kills import it where they kill
    "signal",
    # pathlib's, for Path.as_uri (util/pathlib_quote.py)
    "urllib.parse",
    # the mount flags' parser, for a container with a mount (engine/container_mounts.py)
    "hutch.volumes.specs",
)


# hutch's own modules that create loads, at most (2026-12-06, issue 16; the standard
# library's count differs by Python version): one more on its path is a choice to
# write down here, with what it costs. 126: api/resource_options.py, split out of
# api/container_config.py so that build's options load no run options (a cached build
# 12 classes fewer; create one module more, about 0.1 ms). 127 (2026-12-07, from
# 124): the package's hooks, util/deferred_methods.py (a class's methods made at their first
# use: 4 ms less) and util/onimport.py with util/pathlib_quote.py (pathlib without
# urllib.parse and ipaddress: 1.4 ms less). 128: engine/netkind.py, the kinds of
# network mode out of engine/netconfig.py, which pod ps reads without the rest;
# 127: volumes/specs.py only for a container with a mount.
CREATE_OWN_MODULES = 127


def test_create_loads_only_the_create_half(tmp_path: Path) -> None:
    rootfs = tmp_path / "rootfs"
    rootfs.mkdir()
    argv = ["create", "--rootfs", str(rootfs), "true"]
    assert "hutch.runtime.seccomp.compiler" in _imported(argv, tmp_path)  # compiled, cached
    modules = _imported(argv, tmp_path)
    assert "hutch.cli.fast" in modules
    assert "hutch.engine.container_mounts" in modules
    assert "hutch.engine.specbuild" in modules
    assert _matching(modules, NOT_FOR_CREATE) == []
    own = [m for m in modules if m.split(".")[0] == "hutch"]
    assert len(own) <= CREATE_OWN_MODULES, own


def test_the_image_of_a_new_container_loads_no_registry_classes() -> None:
    # create and run of a local image: api.images (its pull options) only for a pull
    probe = (
        "import sys\nimport hutch.engine.pull_policy\nprint('hutch.api.images' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# What ``compose ps`` of an unchanged project leaves out (issue 17): typer, and the
# loading of the file (YAML, the schema, normalisation), whose result it reuses.
NOT_FOR_COMPOSE_PS = (
    *NEVER,
    "yaml",
    "jsonschema",
    "hutch.compose.load",
    "hutch.compose.project",
    "hutch.compose.planner",
    "hutch.api.containers",
    "hashlib",
)


@pytest.mark.parametrize(
    "verb", [["ps"], ["config", "--services"], ["images"], ["top"], ["images", "-q", "web"]]
)
def test_compose_ps_of_an_unchanged_project_loads_no_yaml(verb: list[str], tmp_path: Path) -> None:
    file = tmp_path / "compose.yaml"
    file.write_text(COMPOSE_FILE)
    argv = ["compose", "-f", str(file), *verb]
    first = _imported(argv, tmp_path)  # reads the file and keeps the project
    assert "yaml" in first
    modules = _imported(argv, tmp_path)
    assert "hutch.cli.fast" in modules
    assert _matching(modules, NOT_FOR_COMPOSE_PS) == []
    file.write_text(COMPOSE_FILE + "\n")  # changed: read again
    assert "yaml" in _imported(argv, tmp_path)


# What ``ps`` and ``images`` leave out (issue 16: each was about 10 ms of their start):
# the classes of the other container and image verbs (images' two are api.image_list's),
# the inspect code, OpenSSL, and ``typing`` (their verb modules name Annotated and Any
# in register and for the checker only: 3 to 5 ms of each start).
# Run twice: a fresh home's first command parses containers.conf (tomllib loads typing)
# and keeps what it read.
NOT_FOR_LISTING = {
    "ps": (
        "typing",
        "hutch.api.containers",
        "hutch.api.build",
        "hutch.engine.container_query",
        "hutch.runtime.spec",
        "hashlib",
    ),
    "images": (
        "typing",
        "hutch.api.images",
        "hutch.api.containers",
        "hutch.api.build",
        "hutch.api.container_config",
        "hashlib",
    ),
}


@pytest.mark.parametrize("verb", sorted(NOT_FOR_LISTING))
def test_listings_import_only_what_they_list(verb: str, tmp_path: Path) -> None:
    _imported([verb], tmp_path)
    modules = _imported([verb], tmp_path)
    assert "hutch.cli.fast" in modules  # the fast path ran it
    assert _matching(modules, NOT_FOR_LISTING[verb]) == []


@pytest.mark.parametrize(
    ("argv", "key", "want"),
    [
        (["pod", "create", "--share-parent=false"], "share_parent", False),
        (["pod", "create", "--share-parent=false", "--share-parent=1"], "share_parent", True),
        (["run", "--rm", "--rm=false", "base"], "rm", False),
        (["run", "--sig-proxy=f", "base"], "sig_proxy", False),
    ],
)
def test_false_clears_a_switch_on_both_paths(
    argv: list[str], key: str, want: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    parsed = fast.parse(argv)
    assert parsed is not None
    assert parsed.values[key] is want
    assert _typer_values(parsed.verb, argv, monkeypatch)[key] is want


def test_the_command_s_state_is_kept_for_the_caller_that_asks() -> None:
    engine = FakeEngine()
    kept: list[object] = []
    assert fast.run(["ps", "-a"], engine, kept) == 0
    assert [type(state).__name__ for state in kept] == ["AppState"]
    assert fast.run(["ps", "-a"], engine) == 0  # in-process callers: nothing kept


def test_the_images_table_of_an_image_loads_no_go_times(tmp_path: Path) -> None:
    # the empty store of the test above lists no image: each row made two Go times
    # (the template values and datetime, 0.9 ms) that the default table never shows
    from hutch.store import db
    from hutch.store.images import ImageStore

    storage = tmp_path / "data" / "hutch" / "storage"
    storage.mkdir(parents=True)
    conn = db.connect(storage / "hutch.db")
    ImageStore(conn).add("ab" * 32, b"{}", b"{}", "sha256:" + "a" * 64, [], ["localhost/one:1"])
    conn.close()
    _imported(["images"], tmp_path)  # the first command parses containers.conf (datetime)
    for argv in (["images"], ["images", "-q"]):
        modules = _imported(argv, tmp_path)
        assert "hutch.engine.image_list" in modules  # it listed the image
        unwanted = ("datetime", "hutch.util.gotemplate.values", "hutch.cli.templating")
        assert _matching(modules, unwanted) == [], argv
    assert "datetime" in _imported(["images", "--sort", "created"], tmp_path)


def test_pod_ps_reads_its_infra_s_networks_without_the_network_set_up() -> None:
    # engine/netconfig.py imports the run options, the spec and the network set-up
    # (26 modules, 6 ms of a pod ps with a pod): the light part asks engine/netkind.py
    import ast

    import hutch.engine.pod_list

    tree = ast.parse(Path(hutch.engine.pod_list.__file__).read_text())
    imported = {
        (node.module or "") + "".join(f".{a.name}" for a in node.names)
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
    }
    assert "hutch.engine.netkind.user_networks" in imported
    assert not [name for name in imported if "netconfig" in name]
    probe = (
        "import sys\n"
        "from hutch.engine.netkind import user_networks\n"
        "print(user_networks('a:ip=10.89.0.5,b'), user_networks('host'), "
        "'hutch.engine.netconfig' in sys.modules, 'hutch.api.container_config' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['a', 'b'] [] False False"


class _NoGoValues:
    """``gotemplate`` for a listing that is to use none of its typed values."""

    def __getattr__(self, name: str) -> Any:
        raise AssertionError(f"the default table made a gotemplate.{name}")


@pytest.mark.parametrize("argv", [["ps", "-a"], ["ps", "-a", "-q"], ["images"], ["images", "-q"]])
def test_a_default_table_makes_no_go_time_nor_struct(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # A Go time or struct per row loads the template values and datetime (0.9 ms):
    # only a --format (or ps --ns, images --sort) shows or uses them.
    from hutch.cli import images, ps
    from unit.cli.test_cli_podman_fields import CONTAINER, IMAGE

    engine = FakeEngine(container_list=[CONTAINER], image_list=[IMAGE])
    for module in (images, ps):
        monkeypatch.setattr(module, "gotemplate", _NoGoValues())
    assert fast.run(argv, engine) == 0
    assert ("web" if argv[0] == "ps" else "base") in capsys.readouterr().out or "-q" in argv
    # the check itself: a format's rows do make them (the error is the command's)
    assert fast.run([*argv[:2], "--format", "{{.CreatedAt}}"], engine) != 0
    assert "made a gotemplate" in capsys.readouterr().err


def test_the_console_script_exits_with_the_database_open(tmp_path: Path) -> None:
    # Closing the last connection would checkpoint the WAL into the database and
    # delete it (two fdatasyncs, and two more when the next command creates it anew):
    # the quick exit leaves that to SQLite's automatic checkpoint (issue 16).
    (tmp_path / "run").mkdir(mode=0o700)
    env = _own_dirs(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "hutch", "ps", "-a"], capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "data" / "hutch" / "storage" / "hutch.db-wal").exists()


def test_the_monitor_imports_no_typing_nor_health_checks() -> None:
    """run's monitor is the CLI forked at its session join (runtime/spawn.py), which
    has loaded no typing: the monitor's own imports come after the fork, on the way to
    its options (issue 16); typing was the largest of them, the health checks' exec
    code (for containers with a check only) the next."""
    probe = (
        "import sys\n"
        "import hutch.runtime.monitor, hutch.runtime.nethelper\n"
        "left = {'typing', 'hutch.runtime.health', 'hutch.runtime.exec'}\n"
        "print(sorted(left & set(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
