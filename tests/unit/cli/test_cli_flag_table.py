"""The flag table of run/create/update against the options it fills and the CLI it makes.

A flag renamed on one side only must fail here: every flag names a real
options field, every options field is some flag's (or an argument's), and
every flag typed on the command line arrives in its field.
"""

from __future__ import annotations

from functools import reduce

import pytest
import typer

from hutch.api.container_config import ResourceOptions, RunOptions
from hutch.api.container_flags import (
    ARGUMENT_FIELDS,
    CONFIG_FIELDS,
    FLAGS,
    FRONT_END_FIELDS,
    RECORDED_FIELDS,
    flags_of,
)
from hutch.api.errors import InvalidArgument
from hutch.api.flagoptions import build, leaf_fields, resource_options, run_options
from hutch.api.flags import Flag, repeated, switch, text
from hutch.cli.app import build_app
from hutch.cli.update import OWN_OPTIONS
from unit.fakes import FakeEngine, run_cli

COMMANDS = ("run", "create", "update")
RUN_FIELDS = set(leaf_fields(RunOptions))
# Fixed when the container is created: podman's update does not take them either.
NOT_UPDATED = {"resources.cgroups", "resources.cgroup_parent", "resources.cgroup_conf"}


def _get(options: object, path: str) -> object:
    return reduce(getattr, path.split("."), options)


def _defaults(command: str) -> dict[str, object]:
    return {flag.key: flag.default for flag in flags_of(command)}


@pytest.mark.parametrize("flag", FLAGS, ids=lambda f: f.name)
def test_each_flag_fills_a_real_field(flag: Flag) -> None:
    assert flag.field in RUN_FIELDS, f"{flag.name} fills {flag.field}, which RunOptions lacks"


@pytest.mark.parametrize("command", ["run", "create"])
def test_every_run_field_has_exactly_one_flag(command: str) -> None:
    fields = [flag.field for flag in flags_of(command)]
    assert len(fields) == len(set(fields))
    wanted = RUN_FIELDS - set(ARGUMENT_FIELDS) - set(RECORDED_FIELDS) - set(FRONT_END_FIELDS)
    wanted -= set(CONFIG_FIELDS)
    if command == "create":  # the fields of run's own flags: -d, --rmi
        wanted -= {flag.field for flag in flags_of("run") if "create" not in flag.commands}
        assert wanted >= {"remove", "interactive"} and "detach" not in wanted
    else:  # and create's own: --init-ctr
        wanted -= {flag.field for flag in flags_of("create") if "run" not in flag.commands}
        assert "init_ctr" not in wanted
    assert set(fields) == wanted


def test_update_takes_the_resource_limits() -> None:
    fields = {flag.field for flag in flags_of("update")}
    wanted = {"resources." + name for name in leaf_fields(ResourceOptions)} - NOT_UPDATED
    assert fields == wanted


@pytest.mark.parametrize("command", COMMANDS)
def test_names_and_keys_are_unique(command: str) -> None:
    names = [name for flag in flags_of(command) for name in flag.names]
    keys = [flag.key for flag in flags_of(command)]
    assert len(names) == len(set(names))
    assert len(keys) == len(set(keys))
    assert all(flag.name.startswith("--") for flag in flags_of(command))


def test_table_defaults_are_the_options_defaults() -> None:
    assert run_options("run", _defaults("run"), image="i") == RunOptions(image="i")
    assert resource_options(_defaults("update")) == ResourceOptions()


def _argv_for(flag: Flag) -> list[str]:
    """Command-line words that give ``flag`` a value other than its default."""
    if flag.kind == "bool":  # pflag's =false clears a switch on by default (cli/pflag.py)
        return [flag.name + "=false"] if flag.default else [flag.name]
    given = {"--pull": "always", "--log-driver": "none"}
    given["--systemd"] = "always"
    return [flag.name, given.get(flag.name, "7")]


@pytest.mark.parametrize("flag", flags_of("run"), ids=lambda f: f.name)
def test_each_run_flag_reaches_its_field(
    flag: Flag, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["run", *_argv_for(flag), "img"], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    options = fake.only_call("containers.run")
    assert _get(options, flag.field) != _get(RunOptions(image="img"), flag.field)


@pytest.mark.parametrize("flag", flags_of("update"), ids=lambda f: f.name)
def test_each_update_flag_reaches_its_field(
    flag: Flag, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["update", *_argv_for(flag), "c"], fake, monkeypatch, capsys)
    assert result.code == 0, result.err
    name, options, restart = fake.only_call("containers.update")
    assert name == "c" and restart is None  # a limit flag leaves the policy as it is
    field = flag.field.removeprefix("resources.")
    assert getattr(options, field) != getattr(ResourceOptions(), field)


@pytest.mark.parametrize("command", COMMANDS)
def test_the_cli_has_exactly_the_table_flags(command: str) -> None:
    click_command = typer.main.get_command(build_app(only=("run", "update")))
    params = click_command.commands[command].params  # type: ignore[attr-defined]
    options = [p for p in params if isinstance(p, typer.core.TyperOption)]
    names = {name for p in options for name in (*p.opts, *p.secondary_opts)}
    # update's --restart is its own (run's defaults to "no", update's to unchanged)
    own = OWN_OPTIONS if command == "update" else frozenset()
    assert names == {name for flag in flags_of(command) for name in flag.names} | own


def test_a_renamed_field_fails_loudly() -> None:
    renamed = (text("--hostname", "host_name", "Renamed on one side only."),)
    with pytest.raises(TypeError, match="host_name"):
        build(RunOptions, "", renamed, {"hostname": "h"}, {"image": "i"})
    nested = (repeated("--dns", "net.dns_servers", "Renamed in a group."),)
    with pytest.raises(TypeError, match="dns_servers"):
        build(RunOptions, "", nested, {"dns": ["1.1.1.1"]}, {"image": "i"})


def test_values_and_flags_must_match() -> None:
    flags = (switch("--rm", "remove", "Remove."),)
    with pytest.raises(TypeError, match="not declared"):
        build(RunOptions, "", flags, {"rm": True, "rn": True}, {"image": "i"})
    with pytest.raises(TypeError, match="no values"):
        build(RunOptions, "", flags, {}, {"image": "i"})
    with pytest.raises(ValueError, match="outside"):
        build(ResourceOptions, "resources.", flags, {"rm": True}, {})


def test_value_parsers() -> None:
    values = _defaults("run")
    parsed = run_options("run", {**values, "pull": "TRUE"}, image="i")
    assert parsed.pull.policy == "always"
    with pytest.raises(InvalidArgument, match='unsupported pull policy "sometimes"'):
        run_options("run", {**values, "pull": "sometimes"}, image="i")
    with pytest.raises(TypeError, match="--env takes a list"):
        run_options("run", {**values, "env": "A=1"}, image="i")


def test_quadlet_writes_only_flags_run_takes() -> None:
    # The Quadlet generator spells run flags in argv; a renamed flag must fail here.
    from hutch.systemd.keys import CONTAINER

    names = {name for flag in flags_of("run") for name in flag.names}
    written = {key.flag.partition("=")[0] for key in CONTAINER.values()}
    assert written <= names, sorted(written - names)
