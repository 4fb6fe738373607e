"""``hutch run`` and ``hutch create``: a new container from an image."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.cli import flags_lifecycle as fl
from hutch.cli import flags_log as flog
from hutch.cli import flags_network as fn
from hutch.cli import flags_pull as fp
from hutch.cli import flags_resources as fr
from hutch.cli import flags_security as fs
from hutch.cli import flags_volumes as fv
from hutch.cli import run_flags as f
from hutch.cli.boolflags import BoolValueCommand
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.container_config import RunOptions

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


# The flag groups whose builders take keyword arguments named like the flags.
_GROUPS: dict[str, Callable[..., Any]] = {
    "volumes": fv.to_options,
    "lifecycle": fl.to_options,
    "net": fn.to_options,
    "security": fs.to_options,
    "pull": fp.to_options,
    "resources": fr.to_options,
    "log": flog.to_options,
}


def _pick(builder: Callable[..., Any], values: dict[str, Any]) -> dict[str, Any]:
    return {k: values[k] for k in inspect.signature(builder).parameters if k in values}


def build_options(values: dict[str, Any]) -> RunOptions:
    """RunOptions from the parsed flags of ``run`` or ``create`` (one place for both)."""
    options = f.run_options(**_pick(f.run_options, values))
    groups = {field: builder(**_pick(builder, values)) for field, builder in _GROUPS.items()}
    return replace(options, **groups)


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def run(
        ctx: typer.Context,
        image: f.Image,
        command: f.Command = None,
        rm: f.Rm = False,
        interactive: f.Interactive = False,
        tty: f.Tty = False,
        detach: Annotated[
            bool,
            typer.Option(
                "--detach", "-d", help="Run in the background and print the container id."
            ),
        ] = False,
        env: f.Env = None,
        env_file: f.EnvFile = None,
        workdir: f.Workdir = None,
        user: f.User = None,
        entrypoint: f.Entrypoint = None,
        hostname: f.Hostname = None,
        name: f.Name = None,
        network: f.Network = "",
        restart: f.Restart = "no",
        label: f.Label = None,
        stop_signal: f.StopSignal = None,
        stop_timeout: f.StopTimeout = None,
        cidfile: f.Cidfile = None,
        tz: f.Tz = None,
        replace: f.Replace = False,
        sdnotify: f.Sdnotify = "conmon",
        publish: fn.Publish = None,
        publish_all: fn.PublishAll = False,
        network_alias: fn.NetworkAlias = None,
        ip: fn.Ip = None,
        ip6: fn.Ip6 = None,
        add_host: fn.AddHost = None,
        dns: fn.Dns = None,
        dns_search: fn.DnsSearch = None,
        dns_option: fn.DnsOption = None,
        no_hosts: fn.NoHosts = False,
        cap_add: fs.CapAdd = None,
        cap_drop: fs.CapDrop = None,
        privileged: fs.Privileged = False,
        security_opt: fs.SecurityOpt = None,
        read_only: fs.ReadOnly = False,
        read_only_tmpfs: fs.ReadOnlyTmpfs = "true",
        sysctl: fs.Sysctl = None,
        ulimit: fs.Ulimit = None,
        device: fs.Device = None,
        group_add: fs.GroupAdd = None,
        userns: fs.Userns = None,
        uidmap: fs.Uidmap = None,
        gidmap: fs.Gidmap = None,
        subuidname: fs.Subuidname = None,
        subgidname: fs.Subgidname = None,
        init: fl.Init = False,
        health_cmd: fl.HealthCmd = None,
        health_interval: fl.HealthInterval = None,
        health_timeout: fl.HealthTimeout = None,
        health_retries: fl.HealthRetries = None,
        health_start_period: fl.HealthStartPeriod = None,
        no_healthcheck: fl.NoHealthcheck = False,
        detach_keys: fl.DetachKeys = None,
        sig_proxy: fl.SigProxy = True,
        volume: fv.Volume = None,
        mount: fv.MountFlag = None,
        tmpfs: fv.Tmpfs = None,
        volumes_from: fv.VolumesFrom = None,
        pull: fp.Pull = "missing",
        platform: fp.Platform = None,
        arch: fp.Arch = None,
        os_: fp.Os = None,
        variant: fp.Variant = None,
        quiet: fp.QuietPull = False,
        memory: fr.Memory = None,
        memory_reservation: fr.MemoryReservation = None,
        memory_swap: fr.MemorySwap = None,
        cpus: fr.Cpus = None,
        cpu_shares: fr.CpuShares = None,
        cpu_weight: fr.CpuWeight = None,
        cpu_quota: fr.CpuQuota = None,
        cpu_period: fr.CpuPeriod = None,
        cpuset_cpus: fr.CpusetCpus = None,
        cpuset_mems: fr.CpusetMems = None,
        pids_limit: fr.PidsLimit = None,
        blkio_weight: fr.BlkioWeight = None,
        device_read_bps: fr.DeviceReadBps = None,
        device_write_bps: fr.DeviceWriteBps = None,
        device_read_iops: fr.DeviceReadIops = None,
        device_write_iops: fr.DeviceWriteIops = None,
        cgroups: fr.Cgroups = None,
        cgroup_parent: fr.CgroupParent = None,
        log_driver: flog.LogDriver = None,
        log_opt: flog.LogOpt = None,
    ) -> None:
        """Run a command in a new container."""
        values = dict(locals())
        report = state_of(ctx).engine().run(build_options(values))
        if report.exit_code is None:
            print(report.id)
            return
        raise typer.Exit(report.exit_code)

    def create(ctx: typer.Context, **values: Any) -> None:
        """Create a container without starting it; print its id."""
        print(state_of(ctx).engine().create(build_options({**values, "detach": True})))

    # create takes every flag of run but --detach: one declaration serves both
    # (typer reads the signature and the annotations).
    signature = inspect.signature(run, eval_str=True)
    create.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[p for p in signature.parameters.values() if p.name != "detach"]
    )
    create.__annotations__ = {k: v for k, v in run.__annotations__.items() if k != "detach"}

    for target in (app, container_app):
        target.command("run", cls=BoolValueCommand, context_settings=RUN_CONTEXT)(run)
        target.command("create", cls=BoolValueCommand, context_settings=RUN_CONTEXT)(create)
