"""``hutch network create``: create a network and print its name.

``create_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def create_command(
    state: "AppState",
    *,
    name: "str | None",
    driver: str,
    subnet: "list[str] | None",
    gateway: "list[str] | None",
    ip_range: "list[str] | None",
    internal: bool,
    ipv6: bool,
    label: "list[str] | None",
    opt: "list[str] | None",
    disable_dns: bool,
    ignore: bool,
    ipam_driver: str,
    dns: "list[str] | None",
    interface_name: str,
    route: "list[str] | None",
) -> int:
    """Create a network and print its name."""
    from hutch.api.networks import NetworkCreateOptions

    options = NetworkCreateOptions(
        name=name,
        driver=driver,
        subnets=tuple(subnet or ()),
        gateways=tuple(gateway or ()),
        ip_ranges=tuple(ip_range or ()),
        internal=internal,
        ipv6=ipv6,
        labels=tuple(label or ()),
        options=tuple(opt or ()),
        disable_dns=disable_dns,
        ignore=ignore,
        ipam_driver=ipam_driver,
        dns_servers=tuple(dns or ()),
        interface_name=interface_name,
        routes=tuple(route or ()),
    )
    print(state.engine().networks.create(options).name)
    return 0


def register(network_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    @network_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str | None, typer.Argument(help="Network name (default: hutchN).")] = None,
        driver: Annotated[
            str, typer.Option("--driver", "-d", help="Network driver (only bridge).")
        ] = "bridge",
        subnet: Annotated[
            list[str] | None,
            typer.Option("--subnet", help="Subnet in CIDR form (one IPv4, one IPv6)."),
        ] = None,
        gateway: Annotated[
            list[str] | None, typer.Option("--gateway", help="Gateway address of the subnet.")
        ] = None,
        ip_range: Annotated[
            list[str] | None,
            typer.Option("--ip-range", help="Allocate container addresses from this CIDR."),
        ] = None,
        internal: Annotated[
            bool, typer.Option("--internal", help="No route out of the network.")
        ] = False,
        ipv6: Annotated[
            bool,
            typer.Option("--ipv6", help="Dual stack: an IPv6 subnet too (a ULA /64 by default)."),
        ] = False,
        label: Annotated[
            list[str] | None, typer.Option("--label", help="Set a label (KEY=VALUE).")
        ] = None,
        opt: Annotated[
            list[str] | None, typer.Option("--opt", "-o", help="Driver option: mtu=N.")
        ] = None,
        disable_dns: Annotated[
            bool, typer.Option("--disable-dns", help="No name server on the network.")
        ] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", help="Do nothing if the network already exists.")
        ] = False,
        ipam_driver: Annotated[
            str,
            typer.Option(
                "--ipam-driver",
                help="Address management: host-local (default) or none (no addresses).",
            ),
        ] = "",
        dns: Annotated[
            list[str] | None,
            typer.Option("--dns", help="Name server for names that are not containers."),
        ] = None,
        interface_name: Annotated[
            str,
            typer.Option("--interface-name", help="Name of the network's bridge interface."),
        ] = "",
        route: Annotated[
            list[str] | None,
            typer.Option("--route", help="Static route in the containers: DEST,GATEWAY[,METRIC]."),
        ] = None,
    ) -> None:
        """Create a network and print its name."""
        raise typer.Exit(
            create_command(
                state_of(ctx),
                name=name,
                driver=driver,
                subnet=subnet,
                gateway=gateway,
                ip_range=ip_range,
                internal=internal,
                ipv6=ipv6,
                label=label,
                opt=opt,
                disable_dns=disable_dns,
                ignore=ignore,
                ipam_driver=ipam_driver,
                dns=dns,
                interface_name=interface_name,
                route=route,
            )
        )
