"""Run options + settings -> the container's network: mode, backend, ports, /etc files."""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

from hutch.api.container_config import RunOptions
from hutch.api.errors import HostNotReady, HutchError, InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import helper_options, hostsfile, netopts, ns_words, ports
from hutch.engine.etctext import host_address as host_address
from hutch.engine.etctext import hosts_text as hosts_text
from hutch.engine.etctext import own_entries as own_entries
from hutch.engine.etctext import parse_add_host as parse_add_host
from hutch.engine.etctext import resolv_text as resolv_text
from hutch.engine.hostsfile import HostsConf
from hutch.engine.netkind import MODES as MODES
from hutch.engine.netkind import PRIVATE_HELPERS as PRIVATE_HELPERS
from hutch.engine.netkind import helper_of as helper_of
from hutch.engine.netkind import kind as kind
from hutch.engine.netkind import user_networks as user_networks
from hutch.net.backend import choose_backend, pasta_loses_loopback_udp
from hutch.oci.image import ImageConfig
from hutch.runtime import etcfiles
from hutch.runtime.etcfiles import host_file
from hutch.runtime.spec import Rootfs
from hutch.runtime.spec_network import NetworkSpec, PortMapping, holds_host_ports
from hutch.util.ids import valid_name

# podman's name for its default network, which rootless is hutch's private one
DEFAULT_ALIASES = ("bridge",)


def resolve_mode(options: RunOptions, settings: Settings) -> RunOptions:
    """Fill in the default network (the ``[network] default`` setting); podman's
    ``--network bridge`` is that default network too, as it is for rootless podman,
    and ``bridge:OPTIONS`` that network with the options."""
    name, sep, rest = options.network.partition(":")
    if options.network and name not in DEFAULT_ALIASES:
        return options
    default = settings.default_network or "private"
    if sep and kind(default) != "bridge":
        # the private network has one fixed layout: no address or MAC of one's own
        raise InvalidArgument(
            "invalid config provided: networks and static ip/mac address can only be used "
            "with Bridge mode networking",
            hint=f"--network {name} is the private network (pasta or slirp4netns) here; "
            "per-network options need a user-defined network (hutch network create)",
        )
    return replace(options, network=f"{default}{sep}{rest}")


def looks_up_records(mode: str) -> bool:
    """Whether a new container on ``mode`` needs other records (a user network's, or
    those of the container it joins): engine/networks.py's ``prepare`` and
    ``allocate`` leave every other mode's spec as planned, so create loads that
    module (the network verbs, their classes and store) only for these (issue 16)."""
    return kind(mode) in ("join", "bridge")


# podman's modes that hutch does not have (a network cannot be named so either)
UNSUPPORTED = ("bridge", "slirp4netns", "pasta", "default")


def check_mode(mode: str) -> None:
    """The form of ``--network``; user networks are looked up later by the engine."""
    what = kind(mode)
    helper = helper_of(mode)
    if helper and mode != helper:
        helper_options.parse(mode)
    if what == "join" and not mode.partition(":")[2]:
        raise ns_words.requires_value(mode)
    if what == "bridge":
        names = user_networks(mode)
        if mode.partition(":")[0] in MODES:
            raise InvalidArgument(
                f"invalid --network {mode!r}: options are for user-defined networks only"
            )
        if not names or any(not valid_name(n) or n in (*UNSUPPORTED, *MODES) for n in names):
            raise InvalidArgument(
                f"invalid --network {mode!r}: use {', '.join(MODES)}, container:NAME, ns:PATH "
                "or the names of networks (hutch network create)"
            )
        if len(set(names)) != len(names):
            raise InvalidArgument(f"invalid --network {mode!r}: a network is named twice")
        netopts.interfaces(netopts.parse(mode))  # the options, and one name per link


def check_dns_flags(options: RunOptions) -> None:
    """podman's refusal of --dns, --dns-search or --dns-option on a container without a
    network of its own (containers.conf's servers are not flags: they do not count)."""
    net = options.net
    mode = options.network
    shown = "none" if mode == "none" else "container" if mode.startswith("container:") else ""
    if shown and (net.dns or net.dns_search or net.dns_options):
        raise InvalidArgument(f"conflicting options: dns and the network mode: {shown}")


def image_resolv(options: RunOptions) -> bool:
    """``--dns none``: the container keeps the image's /etc/resolv.conf."""
    return options.net.dns == ("none",)


def validate(options: RunOptions) -> None:
    """Everything about the network flags that can be checked before creating anything."""
    mode = options.network
    what = kind(mode)
    check_mode(mode)
    net = options.net
    # podman's order (its NetFlagsToNetOptions) and words for a value that does not parse
    for item in net.add_hosts:
        parse_add_host(item)
    for server in net.dns:
        if server == "none":  # no resolv.conf of hutch's: the image's stays
            if len(net.dns) > 1:
                raise InvalidArgument(
                    "none is not allowed to be specified with other DNS ip addresses"
                )
            break
        try:
            ipaddress.ip_address(server)
        except ValueError:
            raise InvalidArgument(f"{server} is not an ip address") from None
    if net.mac_address is not None and not netopts.is_mac(net.mac_address):
        raise InvalidArgument(f"address {net.mac_address}: invalid MAC address")
    for spec in net.publish:
        ports.parse_publish(spec)
    for address, version in ((net.ip, 4), (net.ip6, 6)):
        _check_ip(address, version)
    if (net.publish or net.publish_all) and what not in ("private", "bridge"):
        raise InvalidArgument(f"ports cannot be published with --network {mode}")
    if net.ip is not None or net.ip6 is not None:
        _check_static(what, "--ip needs a user-defined network (hutch network create)")
    if net.mac_address is not None:
        check_mac(net.mac_address, what)
    if net.aliases and what != "bridge":
        raise InvalidArgument("--network-alias needs a user-defined network")
    chrootdirs(options)


def _check_ip(address: str | None, version: int) -> None:
    if address is None:
        return
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        raise InvalidArgument(f'"{address}" is not an ip address') from None
    if parsed.version != version:
        raise InvalidArgument(f"{address} is not an IPv{version} address")


def _check_static(what: str, elsewhere: str) -> None:
    """--ip, --ip6 and --mac-address need a user-defined network: podman's words on the
    default one, ``elsewhere`` on another mode."""
    if what == "private":
        raise InvalidArgument(
            "invalid config provided: networks and static ip/mac address can only be used "
            "with Bridge mode networking"
        )
    if what != "bridge":
        raise InvalidArgument(elsewhere)


def check_mac(mac: str, what: str) -> None:
    """--mac-address, refused as podman 4.3.1 does: only on a user-defined network
    (a bridge; pasta and slirp4netns have their own fixed layout)."""
    _check_static(
        what, "--mac-address can only be set when the network mode is bridge: invalid argument"
    )
    if not netopts.is_mac(mac):
        raise InvalidArgument(f"address {mac}: invalid MAC address")


def normal_mac(mac: str) -> str:
    """A MAC address as the kernel prints it: lower case, colons."""
    return mac.lower().replace("-", ":")


def network_spec(
    options: RunOptions,
    image: ImageConfig,
    settings: Settings,
    released: ports.Released = frozenset(),
) -> NetworkSpec:
    """The network the monitor attaches; ports get their host port and are checked free
    (but for ``released`` ones)."""
    what = kind(options.network)
    if what == "join":
        return NetworkSpec(mode="join")
    if what not in ("private", "bridge"):
        return NetworkSpec(mode=options.network)
    if what == "bridge":
        return NetworkSpec(mode="bridge", ports=ports.allocate(_mappings(options, image), released))
    return _private(options, settings, ports.allocate(_mappings(options, image), released))


def foreseen(options: RunOptions, settings: Settings) -> NetworkSpec | None:
    """The network of a container of ``options`` where the flags and the settings
    alone tell it before the container is created: ``--network none``, or the private
    network without a published port; in no pod, with no user namespace of its own.
    The prespawned monitor makes it meanwhile (runtime/nethelper.py ``EarlyNetwork``,
    which checks it against the container's spec). None otherwise, and where it would
    fail (create says why)."""
    security = options.security
    if (
        options.pod
        or options.net.publish
        or options.net.publish_all
        or security.userns
        or security.uidmap
        or security.gidmap
        or security.subuidname
        or security.subgidname
    ):
        return None
    try:
        options = resolve_mode(options, settings)
        what = kind(options.network)
        if what == "none":
            return NetworkSpec(mode="none")
        if what != "private":
            return None
        net = _private(options, settings, ())
    except HutchError:
        return None
    # not with a port of the host (pasta's own -t/-u): a container this run replaces
    # may hold it until create has removed that one
    return None if holds_host_ports(net) else net


def _private(
    options: RunOptions, settings: Settings, mappings: tuple[PortMapping, ...]
) -> NetworkSpec:
    """The private network (pasta or slirp4netns) with its ``mappings``."""
    chosen = helper_of(options.network) or settings.network_backend
    choice = choose_backend(chosen)
    if not choice.name:
        raise HostNotReady(
            f"the private network cannot be used: {choice.reason}",
            hint="or run with --network none or --network host",
        )
    backend = choice.name
    if (
        backend == "pasta"
        and not chosen
        and any(m.protocol == "udp" for m in mappings)
        and pasta_loses_loopback_udp()
    ):
        # Debian 12's pasta loses the replies to a UDP client on the host's loopback
        # (its spliced path answers from the wrong port); slirp4netns does not.
        fallback = choose_backend("slirp4netns")
        backend = fallback.name or backend
    # without options: the defaults
    spec = helper_options.parse(options.network).spec(backend, mappings)
    if backend == "pasta" and settings.pasta_options:
        # containers.conf's pasta_options go to every container pasta connects, before
        # its own pasta:OPTS, as podman puts them; either replaces a default of hutch's
        spec = replace(spec, helper_args=(*settings.pasta_options, *spec.helper_args))
    return spec


def _mappings(options: RunOptions, image: ImageConfig) -> list[PortMapping]:
    mappings = [m for spec in options.net.publish for m in ports.parse_publish(spec)]
    if options.net.publish_all:
        taken = {(m.container_port, m.protocol) for m in mappings}
        mappings += [
            m
            for m in ports.exposed(
                ports.exposed_keys(image.config.exposed_ports, options.net.expose)
            )
            if (m.container_port, m.protocol) not in taken
        ]
    return mappings


def write_etc_files(
    directory: Path,
    options: RunOptions,
    net: NetworkSpec,
    hostname: str,
    name: str,
    conf: HostsConf | None = None,
    rootfs: Rootfs | None = None,
) -> tuple[tuple[str, str], ...]:
    """hostname (unless --no-hostname), hosts (unless --no-hosts) and resolv.conf, as
    bind-mount sources; ``rootfs`` is where base_hosts_file = "image" reads."""
    hosts = None
    if not options.net.no_hosts:
        conf = conf or HostsConf()
        base = hostsfile.base_text(conf.base_hosts_file, rootfs)
        hosts = hosts_text(options, net, hostname, name, base, conf)
    resolv = (
        None if image_resolv(options) else resolv_text(options, net, host_file("/etc/resolv.conf"))
    )
    etc_hostname = None if options.net.no_hostname else hostname
    files = etcfiles.write_etc_files(directory, etc_hostname, hosts, resolv)
    return files + chroot_files(chrootdirs(options), files)


def chrootdirs(options: RunOptions) -> tuple[str, ...]:
    """--chrootdirs, comma-separated lists and repeated flags alike."""
    dirs = tuple(d for item in options.net.chrootdirs for d in item.split(",") if d)
    for d in dirs:
        if not d.startswith("/"):
            raise InvalidArgument(f"invalid --chrootdirs {d!r}: it must be an absolute path")
    return dirs


def chroot_files(
    dirs: tuple[str, ...], files: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """/etc/hosts and /etc/resolv.conf bound into each chroot directory too (as podman
    4.3.1 does; not /etc/hostname)."""
    return tuple(
        (d.rstrip("/") + dest, src)
        for d in dirs
        for dest, src in files
        if dest in ("/etc/hosts", "/etc/resolv.conf")
    )
