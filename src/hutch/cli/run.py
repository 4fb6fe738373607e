"""``hutch run`` and ``hutch create``: a new container from an image."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated

import typer

from hutch.cli import flags_lifecycle as fl
from hutch.cli import flags_network as fn
from hutch.cli import flags_pull as fp
from hutch.cli import flags_security as fs
from hutch.cli import flags_volumes as fv
from hutch.cli import run_flags as f
from hutch.cli.state import state_of

RUN_CONTEXT = {"allow_interspersed_args": False, "help_option_names": ["--help"]}


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
        publish: fn.Publish = None,
        publish_all: fn.PublishAll = False,
        network_alias: fn.NetworkAlias = None,
        ip: fn.Ip = None,
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
    ) -> None:
        """Run a command in a new container."""
        options = f.run_options(
            image=image,
            command=command,
            rm=rm,
            interactive=interactive,
            tty=tty,
            env=env,
            env_file=env_file,
            workdir=workdir,
            user=user,
            entrypoint=entrypoint,
            hostname=hostname,
            name=name,
            network=network,
            restart=restart,
            label=label,
            stop_signal=stop_signal,
            stop_timeout=stop_timeout,
            cidfile=cidfile,
            detach=detach,
        )
        options = replace(
            options,
            volumes=fv.to_options(
                volume=volume, mount=mount, tmpfs=tmpfs, volumes_from=volumes_from
            ),
            lifecycle=fl.to_options(
                init=init,
                health_cmd=health_cmd,
                health_interval=health_interval,
                health_timeout=health_timeout,
                health_retries=health_retries,
                health_start_period=health_start_period,
                no_healthcheck=no_healthcheck,
                detach_keys=detach_keys,
                sig_proxy=sig_proxy,
            ),
            net=fn.to_options(
                publish=publish,
                publish_all=publish_all,
                network_alias=network_alias,
                ip=ip,
                add_host=add_host,
                dns=dns,
                dns_search=dns_search,
                dns_option=dns_option,
                no_hosts=no_hosts,
            ),
            security=fs.to_options(
                cap_add=cap_add,
                cap_drop=cap_drop,
                privileged=privileged,
                security_opt=security_opt,
                read_only=read_only,
                read_only_tmpfs=read_only_tmpfs,
                sysctl=sysctl,
                ulimit=ulimit,
                device=device,
                group_add=group_add,
                userns=userns,
                uidmap=uidmap,
                gidmap=gidmap,
                subuidname=subuidname,
                subgidname=subgidname,
            ),
        )
        options = replace(
            options,
            pull=fp.to_options(
                pull=pull, platform=platform, arch=arch, os_=os_, variant=variant, quiet=quiet
            ),
        )
        report = state_of(ctx).engine().run(options)
        if report.exit_code is None:
            print(report.id)
            return
        raise typer.Exit(report.exit_code)

    def create(
        ctx: typer.Context,
        image: f.Image,
        command: f.Command = None,
        rm: f.Rm = False,
        interactive: f.Interactive = False,
        tty: f.Tty = False,
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
        publish: fn.Publish = None,
        publish_all: fn.PublishAll = False,
        network_alias: fn.NetworkAlias = None,
        ip: fn.Ip = None,
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
    ) -> None:
        """Create a container without starting it; print its id."""
        options = f.run_options(
            image=image,
            command=command,
            rm=rm,
            interactive=interactive,
            tty=tty,
            env=env,
            env_file=env_file,
            workdir=workdir,
            user=user,
            entrypoint=entrypoint,
            hostname=hostname,
            name=name,
            network=network,
            restart=restart,
            label=label,
            stop_signal=stop_signal,
            stop_timeout=stop_timeout,
            cidfile=cidfile,
            detach=True,
        )
        options = replace(
            options,
            volumes=fv.to_options(
                volume=volume, mount=mount, tmpfs=tmpfs, volumes_from=volumes_from
            ),
            lifecycle=fl.to_options(
                init=init,
                health_cmd=health_cmd,
                health_interval=health_interval,
                health_timeout=health_timeout,
                health_retries=health_retries,
                health_start_period=health_start_period,
                no_healthcheck=no_healthcheck,
                detach_keys=detach_keys,
                sig_proxy=sig_proxy,
            ),
            net=fn.to_options(
                publish=publish,
                publish_all=publish_all,
                network_alias=network_alias,
                ip=ip,
                add_host=add_host,
                dns=dns,
                dns_search=dns_search,
                dns_option=dns_option,
                no_hosts=no_hosts,
            ),
            security=fs.to_options(
                cap_add=cap_add,
                cap_drop=cap_drop,
                privileged=privileged,
                security_opt=security_opt,
                read_only=read_only,
                read_only_tmpfs=read_only_tmpfs,
                sysctl=sysctl,
                ulimit=ulimit,
                device=device,
                group_add=group_add,
                userns=userns,
                uidmap=uidmap,
                gidmap=gidmap,
                subuidname=subuidname,
                subgidname=subgidname,
            ),
        )
        options = replace(
            options,
            pull=fp.to_options(
                pull=pull, platform=platform, arch=arch, os_=os_, variant=variant, quiet=quiet
            ),
        )
        print(state_of(ctx).engine().create(options))

    for target in (app, container_app):
        target.command("run", context_settings=RUN_CONTEXT)(run)
        target.command("create", context_settings=RUN_CONTEXT)(create)
