"""What a ``--network`` value is: none, host, private, a join or user networks.

The kind of a mode, alone: ``pod ps`` shows a pod's networks (its infra's user
networks) and would otherwise load engine/netconfig.py, which imports the run
options, the spec and the network set-up (about 2 ms, issue 16). netconfig
re-exports these names.
"""

from __future__ import annotations

from hutch.engine import netopts

MODES = ("none", "host", "private")


# podman's --network slirp4netns and --network pasta: the private network through
# that helper, whatever the [network] backend setting or the default would pick
PRIVATE_HELPERS = ("slirp4netns", "pasta")


def helper_of(mode: str) -> str:
    """slirp4netns or pasta when ``mode`` names one (with or without options), else ""."""
    name = mode.partition(":")[0]
    return name if name in PRIVATE_HELPERS else ""


def kind(mode: str) -> str:
    """none, host, private, join (container:NAME, ns:PATH) or bridge (user networks)."""
    if mode in MODES:
        return mode
    if helper_of(mode):
        return "private"
    if mode.startswith(("container:", "ns:")):
        return "join"
    return "bridge"


def user_networks(mode: str) -> list[str]:
    """The names of the user-defined networks of ``mode`` (without their options)."""
    return netopts.names(mode) if kind(mode) == "bridge" else []
