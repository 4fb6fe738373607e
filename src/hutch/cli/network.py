"""``hutch network ...``: user-defined networks (create, ls, inspect, rm, prune,
connect, disconnect, exists, reload)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import render
from hutch.cli.confirm import confirmed
from hutch.cli.reports import print_reports
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.networks import NetworkSummary

CONTEXT = {"help_option_names": ["--help"]}
HEADERS = {"ID": "NETWORK ID", "Name": "NAME", "Driver": "DRIVER"}


def json_of(net: NetworkSummary) -> dict[str, Any]:
    """podman's ``network inspect`` keys (netavark's lower-case ones)."""
    return {
        "name": net.name,
        "id": net.id,
        "driver": net.driver,
        "network_interface": net.bridge,
        "created": datetime.fromtimestamp(net.created, timezone.utc).astimezone().isoformat(),
        "subnets": [
            {"subnet": s.subnet, "gateway": s.gateway}
            | ({"lease_range": {"start_ip": s.ip_range}} if s.ip_range else {})
            for s in net.subnets
        ],
        "ipv6_enabled": net.ipv6,
        "internal": net.internal,
        "dns_enabled": net.dns,
        "labels": dict(net.labels),
        "options": dict(net.options),
        "ipam_options": {"driver": "host-local"},
        "containers": {
            m.container_id: {
                "name": m.name,
                "interfaces": {
                    m.interface: {
                        "subnets": [{"ipnet": m.address, "gateway": net.subnets[0].gateway}]
                        + [
                            {"ipnet": m.address6, "gateway": s.gateway}
                            for s in net.subnets[1:]
                            if m.address6
                        ],
                        "mac_address": m.mac,
                    }
                },
                "aliases": list(m.aliases),
            }
            for m in net.members
        },
    }


def _row(net: NetworkSummary) -> dict[str, Any]:
    """The fields a ``ls --format`` template sees (podman's names)."""
    return {
        "ID": net.id[:12],
        "Name": net.name,
        "Driver": net.driver,
        "Labels": dict(net.labels),
        "Internal": net.internal,
        "IPv6Enabled": net.ipv6,
        "DNSEnabled": net.dns,
        "NetworkInterface": net.bridge,
        "Subnets": ",".join(s.subnet for s in net.subnets),
        "Created": datetime.fromtimestamp(net.created, timezone.utc).astimezone().isoformat(),
    }


def register(app: typer.Typer) -> None:
    network_app = typer.Typer(
        help="Manage networks.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

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
    ) -> None:
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
        )
        print(state_of(ctx).engine().networks.create(options).name)

    def ls(
        ctx: typer.Context,
        filters: Annotated[
            list[str] | None,
            typer.Option("--filter", "-f", help="name=REGEX, id=, driver=, label=KEY[=VALUE]."),
        ] = None,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Name}}'."),
        ] = None,
        quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Print names only.")] = False,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Do not truncate network ids.")
        ] = False,
    ) -> None:
        """List networks."""
        found = state_of(ctx).engine().networks.ls(tuple(filters or ()))
        if fmt == "json":
            render.print_json([json_of(n) for n in found])
            return
        if quiet:
            print("".join(f"{n.name}\n" for n in found), end="")
            return
        if fmt:
            print(
                render.render_template(
                    fmt, [_row(n) for n in found], HEADERS, type_name="network.ListPrintReports"
                ),
                end="",
            )
            return
        rows = [[n.id if no_trunc else n.id[:12], n.name, n.driver] for n in found]
        out = render.table(["NETWORK ID", "NAME", "DRIVER"], rows)
        if noheading:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    network_app.command("ls")(ls)
    network_app.command("list", hidden=True)(ls)

    @network_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="A Go template, e.g. '{{.name}}'.")
        ] = None,
    ) -> None:
        """Show the details of networks as JSON."""
        rows = [json_of(n) for n in state_of(ctx).engine().networks.inspect(names)]
        if fmt and fmt != "json":
            print(render.render_template(fmt, rows, name="inspect"), end="")
        else:
            render.print_json(rows)

    def rm(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Networks.")],
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove the containers on the network too."),
        ] = False,
        time: Annotated[
            int | None,
            typer.Option("--time", "-t", help="Seconds to wait for a stop before SIGKILL."),
        ] = None,
    ) -> None:
        """Remove networks (a network in use only with --force)."""
        from hutch.api.networks import NetworkRemoveOptions

        options = NetworkRemoveOptions(force, time)
        reports = state_of(ctx).engine().networks.remove(names, options)
        raise typer.Exit(print_reports(reports))

    network_app.command("rm")(rm)
    network_app.command("remove", hidden=True)(rm)

    @network_app.command("prune")
    def prune(
        ctx: typer.Context,
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Do not ask for confirmation.")
        ] = False,
        filters: Annotated[
            list[str] | None, typer.Option("--filter", help="label=KEY[=VALUE], name=, driver=.")
        ] = None,
    ) -> None:
        """Remove every network that no container uses."""
        if not force and not confirmed(
            "This will remove all networks not used by at least one container."
        ):
            return
        for report in state_of(ctx).engine().networks.prune(tuple(filters or ())):
            print(report.id)

    @network_app.command("connect")
    def connect(
        ctx: typer.Context,
        network: Annotated[str, typer.Argument(help="Network.")],
        container: Annotated[str, typer.Argument(help="Container.")],
        ip: Annotated[str | None, typer.Option("--ip", help="IPv4 address on the network.")] = None,
        ip6: Annotated[
            str | None, typer.Option("--ip6", help="IPv6 address on a dual-stack network.")
        ] = None,
        alias: Annotated[
            list[str] | None, typer.Option("--alias", help="Another name on this network.")
        ] = None,
    ) -> None:
        """Connect a container to a network (a running one at once)."""
        from hutch.api.networks import NetworkConnectOptions

        options = NetworkConnectOptions(network, container, ip, tuple(alias or ()), ip6)
        state_of(ctx).engine().networks.connect(options)

    @network_app.command("disconnect")
    def disconnect(
        ctx: typer.Context,
        network: Annotated[str, typer.Argument(help="Network.")],
        container: Annotated[str, typer.Argument(help="Container.")],
        force: Annotated[
            bool, typer.Option("--force", "-f", help="Accepted for compatibility.")
        ] = False,
    ) -> None:
        """Disconnect a container from a network."""
        from hutch.api.networks import NetworkDisconnectOptions

        options = NetworkDisconnectOptions(container, force)
        state_of(ctx).engine().networks.disconnect(network, options)

    @network_app.command("exists")
    def exists(
        ctx: typer.Context, name: Annotated[str, typer.Argument(help="Network name or ID.")]
    ) -> None:
        """Exit 0 if the network exists, 1 if it does not."""
        raise typer.Exit(0 if state_of(ctx).engine().networks.exists(name) else 1)

    @network_app.command("reload")
    def reload(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Containers.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="All containers.")] = False,
    ) -> None:
        """Re-apply the firewall rules and name records of containers' networks."""
        if not names and not all_:
            raise InvalidArgument("give container names or --all")
        from hutch.api.networks import NetworkReloadOptions

        reports = state_of(ctx).engine().networks.reload(names or (), NetworkReloadOptions(all_))
        raise typer.Exit(print_reports(reports))

    app.add_typer(network_app, name="network")
