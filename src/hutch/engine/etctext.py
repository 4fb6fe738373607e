"""A container's /etc/hosts and /etc/resolv.conf as text, from its flags and network.

Apart from netconfig (which lays out the network itself, and imports the helpers'
and the ports' code) so that a start, which writes both files anew (etc_refresh.py),
loads only this.
"""

from __future__ import annotations

import ipaddress

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import hostsfile
from hutch.engine.hostsfile import HostsConf
from hutch.runtime import etcfiles
from hutch.runtime.spec_network import PRIVATE_ADDRESS, NetworkSpec


def parse_add_host(item: str) -> tuple[str, str]:
    """--add-host NAME[;NAME...]:IP (the address may be IPv6, in brackets or not, or
    host-gateway): the names as given and the address."""
    name, sep, ip = item.partition(":")
    if not sep or not name or any(not n for n in name.split(";")):
        raise InvalidArgument(f'bad format for add-host: "{item}"')  # podman's words
    if ip == "host-gateway":
        return name, ip
    try:
        ipaddress.ip_address(ip.strip("[]"))
    except ValueError as exc:
        raise InvalidArgument(f'invalid IP address in add-host: "{ip}"') from exc
    return name, ip.strip("[]")


def hosts_text(
    options: RunOptions,
    net: NetworkSpec,
    hostname: str,
    name: str,
    base: str = "",
    conf: HostsConf | None = None,
) -> str:
    """The container's /etc/hosts as podman writes it (engine/hostsfile.py): the
    --add-host lines first (the first match wins, so they stand over the rest), the
    base file's (``base``, its text), then localhost, the host's names and the
    container's own where no line above names them."""
    internal = host_address(net, (conf or HostsConf()).host_containers_internal_ip)
    user: list[hostsfile.Entry] = []
    for item in options.net.add_hosts:
        names, ip = parse_add_host(item)
        if ip == "host-gateway":
            if not internal:
                # podman's words
                raise InvalidArgument(
                    f'unable to replace "host-gateway" of host entry "{item}": host '
                    "containers internal IP address is empty"
                )
            ip = internal
        user.append(hostsfile.Entry(ip, tuple(names.split(";"))))
    user += hostsfile.parse(base)
    return hostsfile.compose(
        user, hostsfile.engine_entries(internal, own_entries(net, hostname, name))
    )


def host_address(net: NetworkSpec, conf: str) -> str:
    """host.containers.internal's address (and host-gateway's): containers.conf's
    host_containers_internal_ip, "" for its none; else the host's own address, on
    every network (podman's pick, rootless: 4.3.1 and current).

    Not the private network's gateway, though 10.0.2.2 leads to the host's loopback
    with both helpers: podman's helpers do not (slirp4netns runs with
    allow_host_loopback=false, pasta with --no-map-gw), so the name reaches what the
    host serves on its own address, and a service bound to 127.0.0.1 stays out of
    its containers' reach under that name. Current podman names pasta's
    --map-guest-addr address (169.254.1.2) instead when its pasta has the flag: that
    address leads to the host's own address too, which pasta's layout of podman's
    copies into the container; hutch's layout (slirp4netns's, 10.0.2.100) does not,
    so the host's address itself works with either helper. The container's own
    addresses are left out, as podman leaves out pasta's (a host without another
    address gets no such line, and host-gateway is refused)."""
    if hostsfile.check_internal_ip(conf):
        return "" if conf == "none" else conf
    from hutch.linux.ifaddrs import local_ip  # (socket, netlink) only when asked

    if net.mode == "private":
        return local_ip(exclude=(net.address,))
    if net.mode == "bridge":
        # the rootless namespace's own address (slirp4netns's) leads nowhere either
        return local_ip(exclude=(PRIVATE_ADDRESS,))
    return local_ip()


def own_entries(net: NetworkSpec, hostname: str, name: str) -> list[hostsfile.Entry]:
    """The container's hostname and name at its address, as podman adds them: the
    private network's address, each user network's addresses, one line each (podman
    4.3.1 and current; --ipam-driver none gives none), 127.0.0.1 without a network;
    none on the host's network or another namespace's (their names are the host's or
    that namespace's)."""
    names = (hostname, name)
    if net.mode == "private":
        return [hostsfile.Entry(net.address, names)]
    if net.mode == "bridge":
        return [
            hostsfile.Entry(ip, names)
            for a in net.attachments
            for ip in (a.address, a.address6)
            if ip
        ]
    if net.mode == "none":
        return [hostsfile.Entry("127.0.0.1", names)]
    return []


def _bridge_servers(net: NetworkSpec) -> list[str]:
    """Per network: its name server (rootlessd, on the gateway: it answers names and
    forwards the rest); for one without a name server, its ``--dns`` servers if it has
    any. None at all (only networks without IPAM): the host's servers stay."""
    out: list[str] = []
    for a in net.attachments:
        out += a.direct_dns or ([a.gateway] if a.gateway else [])
    return out


def resolv_text(options: RunOptions, net: NetworkSpec, host_resolv: str) -> str:
    """Nameservers: --dns, else the private network's forwarder and the host's
    servers it can reach (etcfiles.private_resolv), a user network's name server, or
    else the host's."""
    servers: list[str] = []
    search: list[str] = []
    opts: list[str] = []
    if net.mode == "private":
        host_resolv = etcfiles.private_resolv(host_resolv, net.dns)
    for line in host_resolv.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith(("#", ";")):
            continue
        if fields[0] == "nameserver" and len(fields) > 1:
            servers.append(fields[1])
        elif fields[0] in ("search", "domain"):
            search = fields[1:]
        elif fields[0] == "options":
            opts += fields[1:]
    if net.mode == "bridge" and _bridge_servers(net):
        # the network's own name server (rootlessd) answers names and forwards the rest,
        # or a network without one gives its --dns servers; the host's servers are not
        # added after them (current podman with aardvark-dns, where 4.3.1 added them)
        servers = _bridge_servers(net)[:3]  # the resolver reads three at most
        if any(a.gateway and not a.direct_dns for a in net.attachments):
            # podman's search domain of its networks' names (rootlessd answers
            # NAME.dns.podman as NAME), before the host's (current podman keeps them)
            search = ["dns.podman", *(d for d in search if d != "dns.podman")]
    if options.net.dns:
        servers = list(options.net.dns)
    if options.net.dns_search:
        search = [] if options.net.dns_search == (".",) else list(options.net.dns_search)
    if options.net.dns_options:
        opts = list(options.net.dns_options)
    # podman's order: the search line, the servers, the options
    out = ["search " + " ".join(search)] if search else []
    out += [f"nameserver {s}" for s in servers]
    if opts:
        out.append("options " + " ".join(opts))
    return "\n".join(out) + "\n" if out else ""
