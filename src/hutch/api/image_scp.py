"""``image scp``: where an image comes from and goes to, parsed from podman's words.

A side is ``IMAGE`` (the local store) or ``[USER@]HOST[:PORT]::[IMAGE]`` (a
host reached with ssh, on which hutch runs). podman also reads ``HOST`` as the
name of a ``system connection``; hutch has no connections, so every ``HOST`` is
an ssh destination (an alias of ``~/.ssh/config`` included). The parsing is pure,
so the CLI can refuse bad input before anything runs.
"""

from __future__ import annotations

from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

# Defaults of ScpOptions: the ssh client and the command run on the remote side.
SSH_COMMAND = ("ssh",)
REMOTE_COMMAND = "hutch"


@dataclass(frozen=True)
class ScpHost:
    """An ssh destination: ``host`` as ssh takes it (no brackets round IPv6)."""

    host: str
    user: str = ""
    port: int | None = None

    def label(self) -> str:
        """The destination as the user wrote it, for messages."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        user = f"{self.user}@" if self.user else ""
        port = f":{self.port}" if self.port is not None else ""
        return f"{user}{host}{port}"


@dataclass(frozen=True)
class ScpSide:
    """One side of a transfer: the local store (``host`` None) or a remote one."""

    image: str = ""
    host: ScpHost | None = None


@dataclass(frozen=True)
class ScpTransfer:
    """What to copy where; ``new_name`` (the destination's image) is added after the load."""

    source: ScpSide
    destination: ScpSide
    new_name: str = ""


@dataclass(frozen=True)
class ScpOptions:
    transfer: ScpTransfer
    quiet: bool = False
    # The ssh client's argv (HUTCH_SCP_SSH, split as a shell would) and the command
    # line run on the remote side as shell text (HUTCH_SCP_REMOTE_COMMAND)
    ssh: tuple[str, ...] = SSH_COMMAND
    remote: str = REMOTE_COMMAND


@dataclass(frozen=True)
class ScpReport:
    """The names the load gave, local or remote (none with ``quiet`` on a remote)."""

    loaded: tuple[str, ...]


def parse_side(arg: str) -> ScpSide:
    """``IMAGE`` or ``[USER@]HOST[:PORT][/PATH]::[IMAGE]``.

    The last ``::`` separates the host from the image, since an image reference
    never holds ``::`` and a bracketed IPv6 address may. A ``/PATH`` after the
    host is podman's socket path of a connection: hutch runs a command over
    ssh and has no socket to reach, so the path is accepted and left unused.
    """
    if "::" not in arg:
        return ScpSide(image=arg)
    connection, _, image = arg.rpartition("::")
    return ScpSide(image=image, host=parse_host(connection, arg))


def parse_host(text: str, arg: str) -> ScpHost:
    user, at, rest = text.rpartition("@")
    if at and not user:
        raise InvalidArgument(f"{arg}: no user name before '@'")
    rest = rest.partition("/")[0]  # podman's socket path: see parse_side
    if rest.startswith("["):
        host, bracket, after = rest[1:].partition("]")
        if not bracket or (after and not after.startswith(":")):
            raise InvalidArgument(f"{arg}: expected [IPV6-ADDRESS] or [IPV6-ADDRESS]:PORT")
        colon, port = after[:1], after[1:]
    else:
        host, colon, port = rest.partition(":")
    if not host:
        raise InvalidArgument(f"{arg}: no host before '::'")
    if host.startswith("-"):
        # ssh would read it as an option
        raise InvalidArgument(f"{arg}: a host name cannot begin with '-'")
    return ScpHost(host=host, user=user, port=_port(port, arg) if colon else None)


def _port(text: str, arg: str) -> int:
    if not text.isdigit() or not 0 < int(text) < 65536:
        raise InvalidArgument(f"{arg}: invalid port {text!r}: expected a number from 1 to 65535")
    return int(text)


def plan(args: tuple[str, ...]) -> ScpTransfer:
    """The transfer ``SOURCE [DESTINATION]`` asks for, refused in podman's words."""
    if not 1 <= len(args) <= 2:
        raise InvalidArgument(f"accepts between 1 and 2 arg(s), received {len(args)}")
    source = parse_side(args[0])
    if len(args) == 1:
        if source.host is None:
            raise InvalidArgument("must specify a destination: invalid argument")
        if not source.image:
            raise InvalidArgument("no source image specified: invalid argument")
        return ScpTransfer(source, ScpSide())
    destination = parse_side(args[1])
    if not source.image:
        raise InvalidArgument("a source image must be specified: invalid argument")
    if source.host is None and destination.host is None:
        # podman copies between local users here (sudo/machinectl); hutch reaches
        # another user with ssh, which needs USER@localhost:: written out
        raise InvalidArgument(
            f"{args[1]}: both sides are in the local store: give the destination as "
            "[USER@]HOST[:PORT]::[IMAGE] (USER@localhost:: for another local user); "
            "hutch tag names an image again in this store"
        )
    return ScpTransfer(source, ScpSide(host=destination.host), destination.image)
