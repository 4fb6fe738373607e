"""The flag table of pod create and pod clone against the options and the CLI it makes.

One declaration per flag: a flag both commands take is one entry of
api/pod_flags.py, fills the same PodCreateOptions field (pod clone's under
``changes``), and shows the same help in both commands.
"""

from __future__ import annotations

from functools import reduce

import pytest
import typer

from hutch.api.flagoptions import leaf_fields, pod_clone_options, pod_create_options
from hutch.api.flags import Flag
from hutch.api.pod_flags import FLAGS, RECORDED_FIELDS, flags_of
from hutch.api.pods import PodCloneOptions, PodCreateOptions
from hutch.cli.app import build_app
from unit.fakes import FakeEngine, run_cli

COMMANDS = ("pod create", "pod clone")
CREATE_FIELDS = set(leaf_fields(PodCreateOptions))
CLONE_FIELDS = set(leaf_fields(PodCloneOptions))
# the options of the commands beside the table's
OWN = {"pod create": {"--pod-id-file"}, "pod clone": set()}


def _get(options: object, path: str) -> object:
    return reduce(getattr, path.split("."), options)


def _defaults(command: str) -> dict[str, object]:
    return {flag.key: flag.default for flag in flags_of(command)}


def _clone_path(flag: Flag) -> str:
    """Where pod clone puts the value of ``flag``."""
    return "changes." + flag.field if "pod create" in flag.commands else flag.field


@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.name)
def test_each_flag_fills_a_real_field(flag: Flag) -> None:
    assert flag.commands <= set(COMMANDS) and flag.commands
    if "pod create" in flag.commands:
        assert flag.field in CREATE_FIELDS, f"{flag.name}: PodCreateOptions lacks {flag.field}"
    else:
        assert flag.field in CLONE_FIELDS, f"{flag.name}: PodCloneOptions lacks {flag.field}"


def test_every_create_field_has_exactly_one_flag() -> None:
    # the pod-level limits are some of ResourceOptions' (those a pod's cgroup takes)
    fields = [flag.field for flag in flags_of("pod create")]
    assert len(fields) == len(set(fields))
    wanted = {f for f in CREATE_FIELDS if not f.startswith("resources.")}
    assert set(fields) - wanted <= CREATE_FIELDS
    assert wanted - set(fields) == set(RECORDED_FIELDS)


def test_clone_own_fields_are_its_flags() -> None:
    own = {f.field for f in flags_of("pod clone") if "pod create" not in f.commands}
    assert own == {path for path in CLONE_FIELDS if not path.startswith("changes.")}


@pytest.mark.parametrize("command", COMMANDS)
def test_names_and_keys_are_unique(command: str) -> None:
    names = [name for flag in flags_of(command) for name in flag.names]
    keys = [flag.key for flag in flags_of(command)]
    assert len(names) == len(set(names)) and len(keys) == len(set(keys))
    assert all(flag.name.startswith("--") for flag in flags_of(command))


def test_table_defaults_are_the_options_defaults() -> None:
    assert pod_create_options(_defaults("pod create")) == PodCreateOptions()
    assert pod_clone_options(_defaults("pod clone")) == PodCloneOptions()


def _argv_for(flag: Flag) -> list[str]:
    """Command-line words that give ``flag`` a value other than its default."""
    if flag.kind == "bool":  # pflag's =false clears a switch on by default (cli/pflag.py)
        return [flag.name + "=false"] if flag.default else [flag.name]
    return [flag.name, "7"]


@pytest.mark.parametrize("flag", flags_of("pod create"), ids=lambda f: f.name)
def test_each_create_flag_reaches_its_field(
    flag: Flag, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["pod", "create", *_argv_for(flag)], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    options = fake.only_call("pods.create")
    assert _get(options, flag.field) != _get(PodCreateOptions(), flag.field)


@pytest.mark.parametrize("flag", flags_of("pod clone"), ids=lambda f: f.name)
def test_each_clone_flag_reaches_its_field(
    flag: Flag, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["pod", "clone", *_argv_for(flag), "web"], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    name, options = fake.only_call("pods.clone")
    assert name == "web" and isinstance(options, PodCloneOptions)
    path = _clone_path(flag)
    assert _get(options, path) != _get(PodCloneOptions(), path)


def _options(command: str) -> list[typer.core.TyperOption]:
    click_command = typer.main.get_command(build_app(only=("pod_create", "pod_clone")))
    verb = click_command.commands["pod"].commands[command.split()[1]]  # type: ignore[attr-defined]
    return [p for p in verb.params if isinstance(p, typer.core.TyperOption)]


@pytest.mark.parametrize("command", COMMANDS)
def test_the_cli_has_exactly_the_table_flags(command: str) -> None:
    names = {name for p in _options(command) for name in (*p.opts, *p.secondary_opts)}
    assert names == {name for flag in flags_of(command) for name in flag.names} | OWN[command]


def test_a_flag_of_both_commands_has_one_help() -> None:
    helps = {c: {p.opts[0]: p.help for p in _options(c)} for c in COMMANDS}
    shared = [flag for flag in FLAGS if flag.commands == set(COMMANDS)]
    assert {f.name for f in shared} >= {"--userns", "--uidmap", "--gidmap", "--name"}
    for flag in shared:
        assert helps["pod create"][flag.name] == helps["pod clone"][flag.name] == flag.help


def test_quadlet_pod_units_write_only_flags_pod_create_takes() -> None:
    # The Quadlet generator spells pod create flags in argv; a renamed flag must fail here.
    from hutch.systemd.keys import POD

    names = {name for flag in flags_of("pod create") for name in flag.names}
    written = {key.flag.partition("=")[0] for key in POD.values()}
    assert written <= names, sorted(written - names)


def test_pod_clone_takes_podmans_name_argument(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # podman pod clone [options] POD NAME: the argument wins over --name
    fake = FakeEngine()
    argv = ["pod", "clone", "--name", "flag", "--cpus", "2", "-v", "/a:/b", "web", "arg"]
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    name, options = fake.only_call("pods.clone")
    assert name == "web" and options.changes.name == "arg"
    assert options.changes.resources.cpus == "2" and options.changes.volumes == ("/a:/b",)
