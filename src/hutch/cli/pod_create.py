"""``hutch pod create``: make a pod (its infra container holds the shared namespaces).

``pod_create_command`` does the work; the fast path (cli/fast.py) calls it
without typer, the typer command of ``register`` with the same values. So
that this module imports without typer, it has no ``from __future__ import
annotations``: register's parameter annotations are evaluated where they are
written, inside register, which imports typer.
"""

from typing import TYPE_CHECKING, Annotated

if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def pod_create_command(
    state: "AppState",
    *,
    name: str | None,
    publish: list[str] | None,
    network: str,
    share: str | None,
    share_parent: bool,
    infra: bool | None,
    infra_command: str | None,
    infra_name: str | None,
    hostname: str | None,
    add_host: list[str] | None,
    dns: list[str] | None,
    dns_search: list[str] | None,
    dns_option: list[str] | None,
    no_hosts: bool,
    label: list[str] | None,
    exit_policy: str,
    restart: str | None,
    volume: list[str] | None,
    userns: str | None,
    uidmap: list[str] | None,
    gidmap: list[str] | None,
    subuidname: str | None,
    subgidname: str | None,
    shm_size: str | None,
    memory: str | None,
    memory_swap: str | None,
    cpus: str | None,
    cpu_shares: int | None,
    cpuset_cpus: str | None,
    cpuset_mems: str | None,
    blkio_weight: int | None,
    blkio_weight_device: list[str] | None,
    device_read_bps: list[str] | None,
    device_write_bps: list[str] | None,
    ip: str | None,
    ip6: str | None,
    network_alias: list[str] | None,
    replace: bool,
    pod_id_file: str | None,
) -> int:
    """Create a pod; print its id."""
    from hutch.api.container_config import ResourceOptions
    from hutch.api.pods import PodCreateOptions

    options = PodCreateOptions(
        name=name,
        publish=tuple(publish or ()),
        network=network,
        share=share,
        share_parent=share_parent,
        infra=infra,
        infra_command=infra_command,
        infra_name=infra_name,
        hostname=hostname,
        add_hosts=tuple(add_host or ()),
        dns=tuple(dns or ()),
        dns_search=tuple(dns_search or ()),
        dns_options=tuple(dns_option or ()),
        no_hosts=no_hosts,
        ip=ip,
        ip6=ip6,
        network_aliases=tuple(network_alias or ()),
        labels=tuple(label or ()),
        exit_policy=exit_policy,
        restart=restart or "",
        volumes=tuple(volume or ()),
        userns=userns,
        uidmap=tuple(uidmap or ()),
        gidmap=tuple(gidmap or ()),
        subuidname=subuidname,
        subgidname=subgidname,
        shm_size=shm_size,
        resources=ResourceOptions(
            memory=memory,
            memory_swap=memory_swap,
            cpus=cpus,
            cpu_shares=cpu_shares,
            cpuset_cpus=cpuset_cpus,
            cpuset_mems=cpuset_mems,
            blkio_weight=blkio_weight,
            blkio_weight_device=tuple(blkio_weight_device or ()),
            device_read_bps=tuple(device_read_bps or ()),
            device_write_bps=tuple(device_write_bps or ()),
        ),
        create_command=state.argv,
        replace=replace,
    )
    pod_id = state.engine().pods.create(options)
    if pod_id_file:
        with open(pod_id_file, "w") as f:
            f.write(pod_id)
    print(pod_id)
    return 0


def register(pod_app: "typer.Typer") -> None:
    import typer

    from hutch.cli.state import state_of

    @pod_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str | None, typer.Option("--name", "-n", help="Name of the pod.")] = None,
        publish: Annotated[
            list[str] | None,
            typer.Option(
                "--publish",
                "-p",
                help="Publish a port of the pod: [IP:][HOSTPORT:]CTRPORT.",
            ),
        ] = None,
        network: Annotated[
            str,
            typer.Option(
                "--network", "--net", help="The pod's network: private (default), none, host, NET."
            ),
        ] = "",
        share: Annotated[
            str | None,
            typer.Option(
                "--share",
                help="Namespaces the members share: cgroup, ipc, net, pid, uts (default "
                "ipc,net,uts; +NS adds to it; none).",
            ),
        ] = None,
        share_parent: Annotated[
            bool,
            typer.Option("--share-parent", help="Put the members' cgroups below the pod's."),
        ] = True,
        infra: Annotated[
            bool | None,
            typer.Option("--infra/--no-infra", help="Make an infra container (default: yes)."),
        ] = None,
        infra_command: Annotated[
            str | None,
            typer.Option("--infra-command", help="The infra's command (default: catatonit -P)."),
        ] = None,
        infra_name: Annotated[
            str | None, typer.Option("--infra-name", help="Name of the infra container.")
        ] = None,
        hostname: Annotated[
            str | None, typer.Option("--hostname", help="Host name of the pod (default: its name).")
        ] = None,
        add_host: Annotated[
            list[str] | None,
            typer.Option("--add-host", help="Add HOST:IP to /etc/hosts."),
        ] = None,
        dns: Annotated[list[str] | None, typer.Option("--dns", help="DNS server.")] = None,
        dns_search: Annotated[
            list[str] | None, typer.Option("--dns-search", help="DNS search domain of the pod.")
        ] = None,
        dns_option: Annotated[
            list[str] | None, typer.Option("--dns-option", help="Option for the pod's resolv.conf.")
        ] = None,
        no_hosts: Annotated[
            bool, typer.Option("--no-hosts", help="Do not write /etc/hosts for the pod.")
        ] = False,
        label: Annotated[
            list[str] | None, typer.Option("--label", "-l", help="Set a label (KEY=VALUE).")
        ] = None,
        exit_policy: Annotated[
            str,
            typer.Option(
                "--exit-policy", help="continue, or stop: the pod stops after its last member."
            ),
        ] = "continue",
        restart: Annotated[
            str | None,
            typer.Option("--restart", help="Restart policy of the members that name none."),
        ] = None,
        volume: Annotated[
            list[str] | None,
            typer.Option("--volume", "-v", help="Mount a volume in every member (as run -v)."),
        ] = None,
        userns: Annotated[
            str | None,
            typer.Option(
                "--userns",
                help="User namespace of the pod (keep-id, auto, nomap; host): the infra's, "
                "joined by every member.",
            ),
        ] = None,
        uidmap: Annotated[
            list[str] | None,
            typer.Option(
                "--uidmap",
                help="The pod's user namespace with this uid map, CONTAINER:HOST:SIZE "
                "(repeatable): every member joins it.",
            ),
        ] = None,
        gidmap: Annotated[
            list[str] | None,
            typer.Option(
                "--gidmap", help="The gid map of the pod's user namespace, CONTAINER:HOST:SIZE."
            ),
        ] = None,
        subuidname: Annotated[
            str | None,
            typer.Option("--subuidname", help="Map the pod's uids from this /etc/subuid entry."),
        ] = None,
        subgidname: Annotated[
            str | None,
            typer.Option("--subgidname", help="Map the pod's gids from this /etc/subgid entry."),
        ] = None,
        shm_size: Annotated[
            str | None,
            typer.Option(
                "--shm-size",
                help="Size of the pod's /dev/shm, which members sharing ipc share (default 64m).",
            ),
        ] = None,
        memory: Annotated[
            str | None, typer.Option("--memory", "-m", help="Memory limit of the whole pod.")
        ] = None,
        memory_swap: Annotated[
            str | None,
            typer.Option(
                "--memory-swap", help="Memory plus swap limit of the pod (-1: unlimited swap)."
            ),
        ] = None,
        cpus: Annotated[
            str | None, typer.Option("--cpus", help="CPUs of the whole pod (e.g. 1.5).")
        ] = None,
        cpu_shares: Annotated[
            int | None,
            typer.Option("--cpu-shares", "-c", help="CPU shares of the pod (relative weight)."),
        ] = None,
        cpuset_cpus: Annotated[
            str | None, typer.Option("--cpuset-cpus", help="CPUs the pod may run on (0-3,5).")
        ] = None,
        cpuset_mems: Annotated[
            str | None,
            typer.Option("--cpuset-mems", help="Memory nodes the pod may use (0-1)."),
        ] = None,
        blkio_weight: Annotated[
            int | None,
            typer.Option("--blkio-weight", help="Block I/O weight of the pod (10-1000)."),
        ] = None,
        blkio_weight_device: Annotated[
            list[str] | None,
            typer.Option(
                "--blkio-weight-device",
                help="Block I/O weight of the pod on one device (DEVICE:WEIGHT, 10-1000).",
            ),
        ] = None,
        device_read_bps: Annotated[
            list[str] | None,
            typer.Option(
                "--device-read-bps", help="Limit the pod's reads from a device (DEVICE:RATE)."
            ),
        ] = None,
        device_write_bps: Annotated[
            list[str] | None,
            typer.Option(
                "--device-write-bps", help="Limit the pod's writes to a device (DEVICE:RATE)."
            ),
        ] = None,
        ip: Annotated[
            str | None, typer.Option("--ip", help="The pod's IPv4 address on its network.")
        ] = None,
        ip6: Annotated[
            str | None, typer.Option("--ip6", help="The pod's IPv6 address on its network.")
        ] = None,
        network_alias: Annotated[
            list[str] | None,
            typer.Option("--network-alias", help="Another name of the pod on its network."),
        ] = None,
        replace: Annotated[
            bool, typer.Option("--replace", help="Remove a pod of the same --name first.")
        ] = False,
        pod_id_file: Annotated[
            str | None, typer.Option("--pod-id-file", help="Write the pod id to this file.")
        ] = None,
    ) -> None:
        """Create a pod."""
        raise typer.Exit(
            pod_create_command(
                state_of(ctx),
                name=name,
                publish=publish,
                network=network,
                share=share,
                share_parent=share_parent,
                infra=infra,
                infra_command=infra_command,
                infra_name=infra_name,
                hostname=hostname,
                add_host=add_host,
                dns=dns,
                dns_search=dns_search,
                dns_option=dns_option,
                no_hosts=no_hosts,
                label=label,
                exit_policy=exit_policy,
                restart=restart,
                volume=volume,
                userns=userns,
                uidmap=uidmap,
                gidmap=gidmap,
                subuidname=subuidname,
                subgidname=subgidname,
                shm_size=shm_size,
                memory=memory,
                memory_swap=memory_swap,
                cpus=cpus,
                cpu_shares=cpu_shares,
                cpuset_cpus=cpuset_cpus,
                cpuset_mems=cpuset_mems,
                blkio_weight=blkio_weight,
                blkio_weight_device=blkio_weight_device,
                device_read_bps=device_read_bps,
                device_write_bps=device_write_bps,
                ip=ip,
                ip6=ip6,
                network_alias=network_alias,
                replace=replace,
                pod_id_file=pod_id_file,
            )
        )
