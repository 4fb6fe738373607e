"""``hutch kube generate|play|down`` and their aliases ``generate kube``, ``play kube``.

The work is the Kubernetes front end's (``AppState.kube()``, layer 5); this
module parses the flags and prints what podman prints.
"""

from __future__ import annotations

import os
import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.api.kube import KubeDownOptions, KubeGenerateOptions, KubePlayOptions
from hutch.cli.state import state_of

CONTEXT = {"help_option_names": ["--help"]}


def _group(help_text: str) -> typer.Typer:
    return typer.Typer(
        help=help_text, no_args_is_help=True, context_settings=CONTEXT, rich_markup_mode=None
    )


def register(app: typer.Typer) -> None:
    kube_app = _group("Play, generate and remove Kubernetes YAML.")
    add_generate(kube_app, "generate")
    add_play(kube_app, "play")
    add_down(kube_app, "down")
    app.add_typer(kube_app, name="kube")
    play_app = _group("Play containers, pods or volumes from a structured file.")
    add_play(play_app, "kube")
    app.add_typer(play_app, name="play")


def add_generate(group: typer.Typer, name: str) -> None:
    @group.command(name)
    def generate(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Containers, pods or volumes.")],
        filename: Annotated[
            str | None,
            typer.Option("--filename", "-f", help="Write the YAML to FILE (it must not exist)."),
        ] = None,
        service: Annotated[
            bool,
            typer.Option("--service", "-s", help="Add a NodePort Service for published ports."),
        ] = False,
        kind: Annotated[
            str,
            typer.Option("--type", "-t", help="pod, deployment, daemonset or job."),
        ] = "pod",
        replicas: Annotated[
            int | None,
            typer.Option("--replicas", "-r", help="Replicas of a deployment (default 1)."),
        ] = None,
    ) -> None:
        """Generate Kubernetes YAML from containers, pods or volumes."""
        options = KubeGenerateOptions(
            names=tuple(names), type=kind, service=service, replicas=replicas
        )
        if filename is not None and os.path.lexists(filename):
            raise InvalidArgument(f"cannot write to {filename!r}: the file exists")
        report = state_of(ctx).kube().generate(options)
        for note in report.notes:
            sys.stderr.write(f"WARN: left out of the YAML: {note}\n")
        if filename is None:
            sys.stdout.write(report.text)
            return
        with open(filename, "x", encoding="utf-8") as out:
            out.write(report.text)
        print(filename)


def _progress(line: str) -> None:
    sys.stderr.write(line + "\n")


def _read_stdin() -> str:
    return sys.stdin.read()


def add_play(group: typer.Typer, name: str) -> None:
    @group.command(name)
    def play(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="FILE, - (standard input) or an URL.")],
        configmap: Annotated[
            list[str] | None,
            typer.Option("--configmap", help="A YAML file of more ConfigMaps (repeatable)."),
        ] = None,
        network: Annotated[
            list[str] | None,
            typer.Option("--network", help="Connect the pods to this network or mode."),
        ] = None,
        publish: Annotated[
            list[str] | None,
            typer.Option("--publish", help="Publish a port of the pods: [IP:]HOST:CTR[/PROTO]."),
        ] = None,
        replace: Annotated[
            bool, typer.Option("--replace", help="Remove pods of the same names first.")
        ] = False,
        start: Annotated[
            bool,
            typer.Option("--start/--no-start", help="Start the pods (--start=false: create only)."),
        ] = True,
        build: Annotated[
            bool,
            typer.Option(
                "--build", help="Build images named after a directory with a Containerfile."
            ),
        ] = False,
        context_dir: Annotated[
            str | None,
            typer.Option("--context-dir", help="Where --build looks (default: the file's)."),
        ] = None,
        log_driver: Annotated[
            str | None, typer.Option("--log-driver", help="Log driver of the containers.")
        ] = None,
        log_opt: Annotated[
            list[str] | None, typer.Option("--log-opt", help="Log driver option KEY=VALUE.")
        ] = None,
        userns: Annotated[
            str | None, typer.Option("--userns", help="User namespace of the pods.")
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No pull progress.")] = False,
        tls_verify: Annotated[
            bool | None,
            typer.Option("--tls-verify", help="Pulling: require HTTPS and verified certificates."),
        ] = None,
        authfile: Annotated[
            str | None, typer.Option("--authfile", help="Pulling: the auth.json to use.")
        ] = None,
        cert_dir: Annotated[
            str | None,
            typer.Option("--cert-dir", help="Pulling: certificates (*.crt, *.cert, *.key)."),
        ] = None,
        creds: Annotated[
            str | None, typer.Option("--creds", help="Pulling: USER[:PASSWORD] for the registry.")
        ] = None,
        ip: Annotated[
            list[str] | None,
            typer.Option("--ip", help="A static IP address for each pod in turn (repeatable)."),
        ] = None,
        mac_address: Annotated[
            list[str] | None,
            typer.Option(
                "--mac-address", help="A static MAC address for each pod in turn (repeatable)."
            ),
        ] = None,
        no_hosts: Annotated[
            bool, typer.Option("--no-hosts", help="Do not write the pods' /etc/hosts.")
        ] = False,
        seccomp_profile_root: Annotated[
            str | None,
            typer.Option(
                "--seccomp-profile-root",
                help="Where the YAML's localhost/ seccomp profiles are "
                "(default /var/lib/kubelet/seccomp).",
            ),
        ] = None,
        annotation: Annotated[
            list[str] | None,
            typer.Option(
                "--annotation", help="Add KEY=VALUE to the pods' annotations (repeatable)."
            ),
        ] = None,
        service_exit_code_propagation: Annotated[
            str | None,
            typer.Option(
                "--service-exit-code-propagation",
                help="Stay until every container exited, then exit non-zero when all, any "
                "or none of them failed (a .kube service's ExitCodePropagation=).",
            ),
        ] = None,
        service_container: Annotated[
            bool,
            typer.Option(
                "--service-container",
                help="Stay as a service's main process: say READY=1 to $NOTIFY_SOCKET once "
                "the pods run, exit 0 when their containers have (or on SIGTERM).",
            ),
        ] = False,
    ) -> None:
        """Create pods, containers and volumes from Kubernetes YAML."""
        options = KubePlayOptions(
            source=source,
            configmaps=tuple(configmap or ()),
            networks=tuple(network or ()),
            publish=tuple(publish or ()),
            replace=replace,
            start=start,
            build=build,
            context_dir=context_dir,
            log_driver=log_driver,
            log_opts=tuple(log_opt or ()),
            userns=userns,
            quiet=quiet,
            read_stdin=_read_stdin,
            annotations=tuple(annotation or ()),
            # as run does: a .kube service's containers name their unit (auto-update)
            systemd_unit=os.environ.get("PODMAN_SYSTEMD_UNIT", ""),
            service_exit_code_propagation=service_exit_code_propagation,
            service_container=service_container,
            tls_verify=tls_verify,
            authfile=authfile,
            cert_dir=cert_dir,
            creds=creds,
            ips=tuple(ip or ()),
            macs=tuple(mac_address or ()),
            no_hosts=no_hosts,
            seccomp_profile_root=seccomp_profile_root,
        )
        # Serving, this process is the service's main process and says READY=1
        # itself: the containers it starts must not hand the service to their
        # monitors (MAINPID=), so they do not see the socket.
        serving = service_container or service_exit_code_propagation is not None
        notify_socket = os.environ.pop("NOTIFY_SOCKET", None) if serving else None
        kube = state_of(ctx).kube()
        report = kube.play(options, _progress)
        lines: list[str] = []
        if report.volumes:
            lines += ["Volumes:", *report.volumes]
        for pod in report.pods:
            lines += ["Pod:", pod.id]
            if not pod.containers:
                continue  # podman 4.3.1's lines: no heading, no blank line
            heading = "Container:" if len(pod.containers) == 1 else "Containers:"
            lines += [heading, *pod.containers, ""]
        for job in report.jobs:
            lines.append(f"Job {job.name} (pod {job.pod}) exited with code {job.exit_code}")
        print("\n".join(lines), flush=True)
        if serving:
            raise typer.Exit(kube.serve(report, service_exit_code_propagation or "", notify_socket))
        failed = next((job.exit_code for job in report.jobs if job.exit_code), 0)
        if failed:
            raise typer.Exit(failed)


def add_down(group: typer.Typer, name: str) -> None:
    @group.command(name)
    def down(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="FILE, - (standard input) or an URL.")],
        force: Annotated[
            bool,
            typer.Option("--force", help="Also remove the volumes of PersistentVolumeClaims."),
        ] = False,
    ) -> None:
        """Remove the pods (and with --force the volumes) Kubernetes YAML made."""
        options = KubeDownOptions(source=source, force=force, read_stdin=_read_stdin)
        report = state_of(ctx).kube().down(options)
        lines: list[str] = []
        if report.stopped:
            lines += ["Pods stopped:", *report.stopped]
        if report.removed:
            lines += ["Pods removed:", *report.removed]
        if report.volumes:
            lines += ["Volumes removed:", *report.volumes]
        if lines:
            print("\n".join(lines))
        sys.stdout.flush()  # what went to stdout first comes first on a shared pipe
        for error in report.errors:
            sys.stderr.write(f"Error: {error}\n")
        if report.errors:
            raise typer.Exit(125)
