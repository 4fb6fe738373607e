"""``--network NAME:OPTIONS``: a user-defined network with the container's own settings on it.

podman-run(1) takes, after the name of a bridge network, comma-separated options
for the container on that network: ``alias=NAME`` (repeatable), ``ip=IPv4``,
``ip6=IPv6``, ``mac=MAC`` and ``interface_name=NAME``; several ``--network``
flags attach several networks, each with its own. hutch also takes several
networks in one value (``NET,NET``), so a value holds a list: a comma starts a
new network unless what follows is ``KEY=VALUE`` of the network before it
(``a:ip=10.89.0.5,mac=...,b`` is ``a`` with two options, then ``b``).

Refused in podman's words (Debian's podman 4.3.1: ``invalid option for network
NAME: unknown bridge network option: foo``). Pure: checked before anything is
created and read again when the addresses are taken, both see the same.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hutch.api.errors import InvalidArgument

KEYS = ("alias", "ip", "ip6", "mac", "interface_name")
IFNAMSIZ = 16  # the kernel's limit, with the terminating NUL
# compiled at the first MAC address checked (re caches it): ps imports this module
MAC = r"[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}"


def is_mac(text: str) -> bool:
    """A MAC address as podman takes one: six hex pairs, all ``:`` or all ``-``."""
    return re.fullmatch(MAC, text) is not None


@dataclass(frozen=True)
class NetworkChoice:
    """One network of ``--network`` and the container's settings on it (None, "":
    not given: the global flags or the network's defaults apply)."""

    name: str
    aliases: tuple[str, ...] = ()
    ip: str | None = None
    ip6: str | None = None
    mac: str | None = None  # as the kernel prints it: lower case, colons
    interface: str = ""


def _is_option(chunk: str) -> bool:
    """KEY=VALUE of the network before (a MAC's colons come after the '=')."""
    key, sep, _ = chunk.partition("=")
    return bool(sep) and ":" not in key


def split(value: str) -> list[tuple[str, list[str]]]:
    """Each network's name and its option words, in order."""
    out: list[tuple[str, list[str]]] = []
    for chunk in value.split(","):
        if out and out[-1][1] and _is_option(chunk):
            out[-1][1].append(chunk)
            continue
        if not chunk:
            continue
        name, sep, first = chunk.partition(":")
        # "NAME:" (no option yet) takes the options that follow all the same
        out.append((name, [first] if sep else []))
    return [(name, [w for w in words if w]) for name, words in out]


def names(value: str) -> list[str]:
    return [name for name, _ in split(value)]


def parse(value: str) -> tuple[NetworkChoice, ...]:
    return tuple(_choice(name, words) for name, words in split(value))


def _choice(name: str, words: list[str]) -> NetworkChoice:
    fields: dict[str, str] = {}
    aliases: list[str] = []
    for word in words:
        key, sep, val = word.partition("=")
        if not sep and key in KEYS:
            raise _refuse(name, f"{word}: use KEY=VALUE ({', '.join(KEYS)})")
        if key not in KEYS:  # a bare word is a key to podman too
            raise _refuse(name, f"unknown bridge network option: {key}")  # podman's words
        if key == "alias":
            if not val:
                raise _refuse(name, "alias= needs a name")
            aliases.append(val)
            continue
        if key in fields:
            raise _refuse(name, f"{key}= is given twice (one per network)")
        fields[key] = _checked(name, key, val)
    return NetworkChoice(
        name=name,
        aliases=tuple(aliases),
        ip=fields.get("ip"),
        ip6=fields.get("ip6"),
        mac=fields.get("mac"),
        interface=fields.get("interface_name", ""),
    )


def _refuse(name: str, why: str) -> InvalidArgument:
    return InvalidArgument(f"invalid option for network {name}: {why}")


def _checked(name: str, key: str, val: str) -> str:
    """The option's value in its normal form."""
    if key in ("ip", "ip6"):
        import ipaddress  # here: ps imports this module, and loads no ipaddress else

        try:
            address = ipaddress.ip_address(val)
        except ValueError:
            raise _refuse(name, f'invalid ip address "{val}"') from None  # podman's words
        want = 4 if key == "ip" else 6
        if address.version != want:
            raise _refuse(name, f"{key}={val} is not an IPv{want} address")
        return str(address)
    if key == "mac":
        if not is_mac(val):
            raise _refuse(name, f"address {val}: invalid MAC address")  # podman's words
        return val.lower().replace("-", ":")
    return _interface(name, val)


def _interface(name: str, val: str) -> str:
    """A name the kernel takes for a link inside the container."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", val) or len(val) >= IFNAMSIZ or val in (".", ".."):
        raise _refuse(
            name,
            f"interface_name={val}: a link name of at most {IFNAMSIZ - 1} letters, "
            "digits, '_', '.' or '-'",
        )
    if val == "lo":
        raise _refuse(name, "interface_name=lo: the container's loopback has that name")
    return val


def interfaces(choices: tuple[NetworkChoice, ...]) -> list[str]:
    """The container's link on each network of a new container: its interface_name,
    else the first eth<N> no other link has (podman's: ``a:interface_name=wan0,b``
    gives wan0 and eth0); refused when two interface_name are one."""
    named = [c.interface for c in choices if c.interface]
    for i, name in enumerate(named):
        if name in named[:i]:
            raise InvalidArgument(f"invalid --network: the interface {name} is named twice")
    out: list[str] = []
    for c in choices:
        out.append(c.interface or free_interface([*named, *out]))
    return out


def free_interface(taken: list[str]) -> str:
    """The first eth<N> not in ``taken``."""
    n = 0
    while f"eth{n}" in taken:
        n += 1
    return f"eth{n}"


def static_addresses(mode: str) -> list[str]:
    """The ip= and ip6= of every network of ``mode`` (a stored container's: checked
    at its create), for the locks of a start (engine/address_claim.py)."""
    if ":" not in mode or mode.partition(":")[0] in _OWN_COLON:
        return []
    return [a for c in parse(mode) for a in (c.ip, c.ip6) if a]


# modes whose text after the colon is not per-network options
_OWN_COLON = ("container", "ns", "slirp4netns", "pasta")


def shown(mode: str) -> str:
    """``--network`` as inspect and ps show it: user networks without their options
    (``NAME:ip=...`` is the container's, the network is NAME). Pure text: ps
    loads no network code."""
    if ":" not in mode or mode.partition(":")[0] in _OWN_COLON:
        return mode
    return ",".join(names(mode))
