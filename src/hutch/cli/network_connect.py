"""``hutch network connect``: connect a container to a network (a running one at once)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli.state import state_of


def register(network_app: typer.Typer) -> None:
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
        mac_address: Annotated[
            str | None, typer.Option("--mac-address", help="MAC address on the network.")
        ] = None,
    ) -> None:
        """Connect a container to a network (a running one at once)."""
        import ipaddress

        from hutch.api.errors import InvalidArgument
        from hutch.api.networks import NetworkConnectOptions

        for flag, value in (("--ip", ip), ("--ip6", ip6)):
            try:
                if value is not None:
                    ipaddress.ip_address(value)
            except ValueError:  # podman's words (pflag's IP flag), before anything else
                raise InvalidArgument(
                    f'invalid argument "{value}" for "{flag}" flag: failed to parse IP: "{value}"'
                ) from None
        options = NetworkConnectOptions(
            network, container, ip, tuple(alias or ()), ip6, mac_address
        )
        state_of(ctx).engine().networks.connect(options)
