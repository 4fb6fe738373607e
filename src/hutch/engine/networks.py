"""User-defined networks: ``hutch network ...``, and the network part of a container's
create/start/remove (``--network NET[,NET]``, ``container:NAME``, ``ns:PATH``).

The bridges live in the rootless network namespace (``hutch.net.rootlessd``),
which the engine starts on demand before a container on a user network
starts; the monitor's attach helper (``hutch.net.attach``) connects each run.
Addresses come from the database (``store/networks.py``) and stay with the
container until it is removed, as in podman. The name server reads
``RUNDIR/dns.json``, rewritten here after every change.
"""

from __future__ import annotations

import dataclasses
import fcntl
import ipaddress
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace

from hutch.api.common import PruneReport
from hutch.api.container_actions import ActionReport
from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import Conflict, HostNotReady, HutchError, InvalidArgument, NoSuchObject
from hutch.api.network_compat import BRIDGE_OPTIONS
from hutch.api.network_records import NetworkSubnet, NetworkSummary
from hutch.engine import address_claim, default_network, netconfig, netopts, network_flags, ns_words
from hutch.engine import container_state as cs
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.engine.netquery import network_of
from hutch.engine.netrun import rundir, serves_names
from hutch.engine.network_list import (
    _FILTER_KEYS,
    NetworkQuery,
    _match,
    _store_with_default,
    find,
    store,
    summary,
)
from hutch.engine.network_record import decode, encode, pools, subnet_of
from hutch.linux.ifaddrs import Subnet, host_subnets
from hutch.net import rootless
from hutch.runtime.spec_io import spec_from_json, spec_to_json
from hutch.runtime.spec_network import Attachment, NetworkSpec
from hutch.store.networks import AttachmentRecord, NetworkRow
from hutch.util.ids import new_id, valid_name
from hutch.util.tools import find_tool

TYPE_CHECKING = False  # mypy reads it alike
if TYPE_CHECKING:  # the verbs' options: annotations only (api/network_records.py says why)
    from hutch.api.networks import (
        NetworkConnectOptions,
        NetworkCreateOptions,
        NetworkDisconnectOptions,
        NetworkReloadOptions,
        NetworkRemoveOptions,
        NetworkUpdateOptions,
    )

# slirp4netns's own network inside the rootless namespace: a user network there
# would shadow the way out
RESERVED = ipaddress.ip_network("10.0.2.0/24")
DEFAULT_POOL = ipaddress.ip_network("10.89.0.0/16")
OPTIONS = BRIDGE_OPTIONS
# what names the default network (podman's "podman", Docker's "bridge", hutch's
# private network and its helpers): no row, and no name server of hutch's
DEFAULT_NAMES = ("podman", *netconfig.DEFAULT_ALIASES, "private", "default",
                 *netconfig.PRIVATE_HELPERS)  # fmt: skip


# -- the container's side ------------------------------------------------------------


def prepare(ctx: EngineContext, options: RunOptions, net: NetworkSpec) -> NetworkSpec:
    """Before the container exists: resolve container:NAME, check networks and --ip."""
    mode = options.network
    what = netconfig.kind(mode)
    if what == "join":
        target = mode.partition(":")[2]
        if mode.startswith("ns:"):
            if not os.path.exists(target):
                raise InvalidArgument(f"invalid --network {mode!r}: {target} does not exist")
            return replace(net, join=target)
        try:
            record = cs.find(ctx, target)
        except NoSuchObject as exc:
            raise ns_words.no_container("net", exc) from exc
        return replace(net, join_container=record.id)
    if what != "bridge":
        return net
    records = [_find(ctx, name) for name in netconfig.user_networks(mode)]
    if options.net.ip is not None:
        _check_address(records[0], options.net.ip, 4)
    if options.net.ip6 is not None:
        _check_address(records[0], options.net.ip6, 6)
    for network, choice in zip(records, netopts.parse(mode), strict=True):
        # NAME:ip=...,ip6=...: that network's own, checked as --ip is
        if choice.ip is not None:
            _check_address(network, choice.ip, 4, "requested static ip")
        if choice.ip6 is not None:
            _check_address(network, choice.ip6, 6, "requested static ip")
    return replace(net, runtime_dir=str(rundir(ctx)))


def _find(ctx: EngineContext, name: str) -> NetworkSummary:
    try:
        return find(ctx, name)
    except NoSuchObject as exc:
        raise InvalidArgument(str(exc)) from exc


def _check_address(record: NetworkSummary, ip: str, version: int, flag: str = "") -> None:
    """``--ip`` (4) or ``--ip6`` (6): a host address of the network's subnet of
    that family, not its network, broadcast or gateway address. ``flag``: what
    the messages call it, when not that flag."""
    flag = flag or ("--ip" if version == 4 else "--ip6")
    if not record.subnets:
        raise InvalidArgument(
            f"{flag} {ip}: network {record.name} assigns no addresses (--ipam-driver none)"
        )
    subnet = subnet_of(record, version) or (record.subnets[0] if version == 4 else None)
    if subnet is None:
        raise InvalidArgument(
            f"{flag} {ip}: network {record.name} has no IPv6 subnet (create it with --ipv6)"
        )
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        address = None
    if address is None or address.version != version:
        raise InvalidArgument(f"invalid {flag} {ip!r}: not an IPv{version} address")
    net = ipaddress.ip_network(subnet.subnet)
    ends = (net.network_address, net.broadcast_address) if version == 4 else (net.network_address,)
    if address not in net or address in ends:
        raise InvalidArgument(f"{flag} {ip} is not a host address of {record.name} ({net})")
    if address == ipaddress.ip_address(subnet.gateway):
        raise InvalidArgument(f"{flag} {ip} is the gateway of {record.name}")


def _removable(ctx: EngineContext, name: str, default: str) -> NetworkSummary:
    """The network ``network rm NAME`` may remove: not the default one, by any of its
    names, nor a user network the ``[network] default`` setting makes the default
    (podman's words, exit 125, as for its ``default_network``)."""
    try:
        record = find(ctx, name)
    except NoSuchObject:
        if name in DEFAULT_NAMES:
            raise InvalidArgument(f"default network {name} cannot be removed") from None
        raise
    if record.name == default or default_network.is_builtin(record):
        raise InvalidArgument(f"default network {record.name} cannot be removed")
    return record


def _default_network(
    options: NetworkConnectOptions, container: cs.Container, net: NetworkSpec, default: str
) -> NetworkConnectOptions:
    """``bridge`` (Docker's and hutch's name of the default network, as ``run --network
    bridge`` takes it) is the ``[network] default`` setting: a user network is
    connected as itself; the private network is a container's own namespace behind
    pasta or slirp4netns, made with the container, so a container on it is already
    connected (as podman's API answers) and one on user networks cannot join it."""
    if options.network not in netconfig.DEFAULT_ALIASES:
        return options
    target = default or "private"
    if netconfig.kind(target) == "bridge":
        return replace(options, network=target)
    if net.mode == target:
        raise Conflict(
            f"container {container.record.id} is already connected to network "
            f'"{options.network}": network is already connected'
        )
    if net.mode == "bridge" and target == "private":
        raise InvalidArgument(
            f"container {container.record.name} is on user-defined networks: the default "
            f'network "{options.network}" cannot be added to it',
            hint="the default network is each container's own network namespace behind "
            "pasta or slirp4netns, chosen when the container is created (--network bridge)",
        )
    return options


def _attachment(
    record: NetworkSummary, a: AttachmentRecord, default_route: bool, interface: str = ""
) -> Attachment:
    """The container's side of one network; on one without IPAM (``--ipam-driver none``)
    only the link: no address, gateway, default route or firewall table. ``interface``:
    the link's name in the container (``NAME:interface_name=``, or the first eth<N>
    free), else eth<position>."""
    subnet, subnet6 = pools(record)
    return Attachment(
        network=record.name,
        bridge=record.bridge,
        interface=interface or f"eth{a.position}",
        position=a.position,
        address=a.address,
        prefix=ipaddress.ip_network(subnet.subnet).prefixlen if subnet else 0,
        gateway=subnet.gateway if subnet else "",
        subnet=subnet.subnet if subnet else "",
        mac=a.mac,
        internal=record.internal,
        default_route=default_route and subnet is not None,
        aliases=a.aliases,
        mtu=int(dict(record.options).get("mtu", "0") or 0),
        address6=a.address6,
        prefix6=ipaddress.ip_network(subnet6.subnet).prefixlen if subnet6 else 0,
        gateway6=subnet6.gateway if subnet6 else "",
        routes=tuple((r.destination, r.gateway, r.metric or 0) for r in record.routes),
        direct_dns=() if record.dns else record.dns_servers,
    )


def allocate(
    ctx: EngineContext,
    container_id: str,
    options: RunOptions,
    net: NetworkSpec,
    *,
    shared: bool = False,
) -> NetworkSpec:
    """After the record exists: an address on every network (IPAM), in the spec.
    ``shared``: a pod clone's infra, whose static address another may hold for now
    (``NetworkStore.attach``, engine/pod_addresses.py)."""
    if net.mode != "bridge":
        return net
    attachments: list[Attachment] = []
    routed = False
    choices = netopts.parse(options.network) if netconfig.kind(options.network) == "bridge" else ()
    records = [_find(ctx, choice.name) for choice in choices]
    defaults = ctx.settings.defaults
    if defaults is not None and defaults.interface_name == "device":
        # containers.conf's interface_name = "device": a link without interface_name=
        # is named after its network's bridge (podman's network_interface)
        choices = tuple(
            c if c.interface else replace(c, interface=r.bridge)
            for c, r in zip(choices, records, strict=True)
        )
    links = netopts.interfaces(choices)
    for i, choice in enumerate(choices):
        record = records[i]
        # the network's own options win; the global flags are the first network's
        first = options.net if i == 0 else NetworkOptions()
        mac = choice.mac or (first.mac_address and netconfig.normal_mac(first.mac_address))
        a = store(ctx).attach(
            container_id,
            record.name,
            pools(record),
            address=choice.ip or first.ip,
            aliases=tuple(dict.fromkeys((*options.net.aliases, *choice.aliases))),
            address6=choice.ip6 or first.ip6,
            mac=mac or None,
            shared=shared and i == 0,
        )
        route = not routed and not record.internal and bool(record.subnets)
        routed = routed or route
        attachments.append(_attachment(record, a, route, links[i]))
    publish_dns(ctx)
    return replace(net, attachments=tuple(attachments), container_id=container_id)


def before_start(ctx: EngineContext, container: cs.Container, net: NetworkSpec) -> None:
    """Each start: the namespace to join (its pid changes), the rootless namespace.
    ``net``: the container's (``netquery.network_of``); called only where
    ``netquery.start_needs_networks`` says there is something to do."""
    if net.mode == "join" and net.join_container:
        try:
            other = cs.get(ctx, net.join_container)
        except NoSuchObject as exc:
            raise Conflict("the container whose network this one joins is gone") from exc
        if not other.running:
            raise Conflict(
                f"cannot join the network of container {other.record.name}: it is not running"
            )
        _rewrite_network(container, replace(net, join=f"/proc/{other.state.pid}/ns/net"))
    elif net.mode == "bridge":
        # an address it was made without holding (a pod clone's infra) is taken now
        took = address_claim.claim(ctx, container.record.id, net)
        _ensure_rootless(ctx)
        # The names were published by whatever changed them (create, connect, rm,
        # rename): again only when this start took an address back, or when none
        # are on record (the runtime directory emptied: a reboot, system migrate).
        if took or not serves_names(ctx):
            publish_dns(ctx)
    elif net.mode == "private" and net.port_proxy:
        _ensure_rootless(ctx)  # its holder proxies the published TCP ports


def _ensure_rootless(ctx: EngineContext) -> None:
    try:
        rootless.ensure(rundir(ctx))
    except (rootless.RootlessNetError, OSError) as exc:
        raise HostNotReady(str(exc)) from exc


def _rewrite_network(container: cs.Container, net: NetworkSpec) -> None:
    """The spec's networks after a connect or disconnect, and the container's own
    lines of its /etc/hosts (one per network address, as podman updates them)."""
    path = container.dirs.userdata / "config.json"
    spec = spec_from_json(path.read_bytes())
    tmp = path.with_name(".config.json.net")
    tmp.write_bytes(spec_to_json(replace(spec, network=net)))
    os.replace(tmp, path)
    hosts = os.fspath(container.dirs.userdata / "hosts")
    if ("/etc/hosts", hosts) not in spec.etc_files:
        return  # --no-hosts, or a pod's shared file
    from hutch.engine import hostsfile
    from hutch.runtime.etcfiles import STARTED_SUFFIX, edit_in_place

    name = container.record.name
    old = netconfig.own_entries(spec.network, spec.hostname, name)
    new = netconfig.own_entries(net, spec.hostname, name)

    def change(text: str) -> str:
        return hostsfile.replace_own(text, old, new)

    edit_in_place(hosts, change)
    edit_in_place(hosts + STARTED_SUFFIX, change)  # the copy a restart of the policy's takes


def after_remove(ctx: EngineContext) -> None:
    """A container went: its addresses went with it (cascade); refresh the names."""
    if serves_names(ctx):
        publish_dns(ctx)


def publish_dns(ctx: EngineContext) -> None:
    """Rewrite the name server's records from the store. Under a lock: two creates
    at once (two commands, or the API service's threads, as compose sends them)
    must not rename an older list over a newer one."""
    directory = rundir(ctx)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(directory / "dns.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        rootless.write_dns(directory, _dns_records(ctx))


def _dns_records(ctx: EngineContext) -> list[dict[str, object]]:
    names = {r.id: r.name for r in ctx.containers.all()}
    networks: list[dict[str, object]] = []
    for record in (decode(r) for r in store(ctx).all()):
        if not record.subnets:
            continue  # no addresses (--ipam-driver none): nothing to answer on or for
        entries: dict[str, list[str]] = {}
        members: dict[str, str] = {}
        for a in store(ctx).attachments(network=record.name):
            addresses = [x for x in (a.address, a.address6) if x]
            if not addresses:
                continue  # a pod clone's infra whose static address its original holds
            for x in addresses:
                members[x] = a.container_id
            for key in (names.get(a.container_id, ""), a.container_id[:12], *a.aliases):
                if key:
                    entries.setdefault(key.lower(), []).extend(addresses)
        networks.append(
            {
                "name": record.name,
                "gateway": (subnet_of(record, 4) or record.subnets[0]).gateway,
                "internal": record.internal,
                "dns": record.dns,
                # --dns: where questions that are not container names go (else the host's)
                "servers": list(record.dns_servers),
                "records": entries,
                "members": members,
            }
        )
    return networks


def _helper(action: str, request: dict[str, object]) -> None:
    import subprocess

    proc = subprocess.run(
        [sys.executable, "-m", "hutch.net.attach", action, json.dumps(request)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        lines = proc.stderr.strip().splitlines()
        raise HutchError(lines[-1] if lines else f"network {action} failed")


# -- hutch network ... -----------------------------------------------------------------


def _pairs(items: Sequence[str], flag: str) -> tuple[tuple[str, str], ...]:
    out = []
    for item in items:
        key, sep, value = item.partition("=")
        if not key:
            raise InvalidArgument(f"invalid {flag} {item!r}: use KEY=VALUE")
        out.append((key, value if sep else ""))
    return tuple(out)


def _subnets(
    options: NetworkCreateOptions, used: list[str], host: Sequence[Subnet] = ()
) -> tuple[NetworkSubnet, ...]:
    """The IPv4 subnet (given or the first free /24 of the pool) and, with ``--ipv6`` or
    an IPv6 ``--subnet``, the IPv6 one (given, or a random ULA /64): gateways and ranges
    pair with the ``--subnet`` of the same position. Neither may overlap the subnets of
    other networks (``used``) or of the host's addresses (``host``), as podman's."""
    # podman's words
    if not options.subnets and (options.gateways or options.ip_ranges):
        raise InvalidArgument("cannot set gateway or range without subnet")
    if len(options.gateways) > len(options.subnets):
        raise InvalidArgument("cannot set more gateways than subnets")
    if len(options.ip_ranges) > len(options.subnets):
        raise InvalidArgument("cannot set more ranges than subnets")
    taken = [ipaddress.ip_network(s) for s in used] + list(host)
    given: dict[int, NetworkSubnet] = {}
    for i, text in enumerate(options.subnets):
        gateway = options.gateways[i] if i < len(options.gateways) else ""
        ip_range = options.ip_ranges[i] if i < len(options.ip_ranges) else ""
        subnet = _given_subnet(text, gateway, ip_range, taken)
        version = ipaddress.ip_network(subnet.subnet).version
        if version in given:
            raise InvalidArgument(
                f"invalid subnet {text!r}: one IPv4 and one IPv6 --subnet per network at most"
            )
        given[version] = subnet
    out = [given[4] if 4 in given else _free_ipv4(taken)]
    if 6 in given:
        out.append(given[6])
    elif options.ipv6:
        out.append(_free_ula(taken))
    return tuple(out)


def _host() -> list[Subnet]:
    """The host's subnets, none where netlink cannot tell (then only networks count)."""
    try:
        return host_subnets()
    except OSError:
        return []


def _free_ipv4(taken: list[Subnet]) -> NetworkSubnet:
    for candidate in DEFAULT_POOL.subnets(new_prefix=24):
        if not any(candidate.overlaps(t) for t in taken if t.version == 4):
            return NetworkSubnet(str(candidate), str(next(candidate.hosts())))
    raise InvalidArgument("no free subnet left in 10.89.0.0/16: give --subnet")


def _free_ula(taken: list[Subnet]) -> NetworkSubnet:
    """A random unique local /64 (RFC 4193: fd00::/8 and a 40-bit global id)."""
    import secrets

    for _ in range(100):
        prefix = (0xFD << 120) | (secrets.randbits(40) << 80)
        candidate = ipaddress.IPv6Network((prefix, 64))
        if not any(candidate.overlaps(t) for t in taken if t.version == 6):
            return NetworkSubnet(str(candidate), str(candidate.network_address + 1))
    raise InvalidArgument("no free IPv6 subnet found: give --subnet")


def _given_subnet(text: str, gateway: str, ip_range: str, taken: list[Subnet]) -> NetworkSubnet:
    try:
        net = ipaddress.ip_network(text, strict=True)
    except ValueError as exc:
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError:  # no CIDR at all: Go's net.ParseCIDR's words, as podman's
            raise InvalidArgument(f"invalid CIDR address: {text}") from None
        raise InvalidArgument(f"invalid subnet {text!r}: {exc}") from exc
    if any(net.overlaps(t) for t in taken if t.version == net.version):
        # podman's words (before it looks at the gateway), for another network's subnet
        # (its default 10.88.0.0/16 too) as for one of the host's addresses
        raise InvalidArgument(f"subnet {net} is already used on the host or by another config")
    if net.version == 4:
        if net.prefixlen > 30:
            raise InvalidArgument(f"invalid subnet {text!r}: it must hold at least two hosts (/30)")
        if net.overlaps(RESERVED):
            raise InvalidArgument(
                f"subnet {net} overlaps {RESERVED}, which the rootless network namespace uses"
            )
    else:
        if net.prefixlen > 126:
            raise InvalidArgument(
                f"invalid subnet {text!r}: it must hold at least two hosts (/126)"
            )
        if net.is_link_local or net.is_multicast or net.is_loopback:
            raise InvalidArgument(f"invalid subnet {text!r}: not a unicast IPv6 subnet")
    if gateway:
        try:
            gw = ipaddress.ip_address(gateway)
        except ValueError as exc:
            raise InvalidArgument(  # podman's words (pflag's IP flag)
                f'invalid argument "{gateway}" for "--gateway" flag: '
                f"invalid string being converted to IP address: {gateway}"
            ) from exc
        if gw.version != net.version or gw not in net:
            raise InvalidArgument(f"gateway {gateway} not in subnet {net}")  # podman's words
        if gw == net.network_address or (net.version == 4 and gw == net.broadcast_address):
            raise InvalidArgument(f"gateway {gateway} is not a host address of subnet {net}")
    else:
        gateway = str(next(net.hosts()))
    if ip_range:
        try:
            pool = ipaddress.ip_network(ip_range, strict=True)
        except ValueError as exc:
            raise InvalidArgument(f"invalid --ip-range {ip_range!r}: {exc}") from exc
        if pool.version != net.version or not pool.subnet_of(net):  # type: ignore[arg-type]
            # podman's words: it checks the range's first host address
            start = pool.network_address + (1 if pool.num_addresses > 1 else 0)
            if pool.version != net.version or start not in net:
                raise InvalidArgument(f"lease range start ip {start} not in subnet {net}")
            end = pool[-1]
            raise InvalidArgument(f"lease range end ip {end} not in subnet {net}")
    return NetworkSubnet(str(net), gateway, ip_range)


def _check_mtu(value: str) -> None:
    """podman's words for what is no number (Go's strconv.Atoi) or below zero; hutch's
    for what no link takes (podman passes it to netavark, which fails at start)."""
    try:
        mtu = int(value, 10) if value.lstrip("+-").isdigit() else int("x")
    except ValueError:
        raise InvalidArgument(f'strconv.Atoi: parsing "{value}": invalid syntax') from None
    if mtu < 0:
        raise InvalidArgument(f"mtu {mtu} is less than zero")
    if not 68 <= mtu <= 65520:
        raise InvalidArgument(f"invalid mtu '{value}': use 68 to 65520")


def _require_bridge(container: cs.Container, net: NetworkSpec) -> None:
    """podman checks the container's network mode before anything else of a connect
    or disconnect, in these words."""
    if net.mode == "bridge":
        return
    word = (net.backend or "private") if net.mode == "private" else net.mode
    if net.mode == "join":
        word = container.config.options.network
    raise InvalidArgument(
        f'"{word}" is not supported: invalid network mode',
        hint="only a container on user-defined networks (run --network NAME) "
        "can be connected to more",
    )


class NetworkService(NetworkQuery):
    """``engine.networks`` (``hutch.api.networks.Networks``)."""

    def __init__(
        self,
        ctx: EngineContext,
        remove_users: Callable[[Sequence[str], int | None], list[ActionReport]],
    ) -> None:
        self._ctx = ctx
        self._remove_users = remove_users

    def create(self, options: NetworkCreateOptions) -> NetworkSummary:
        ctx = self._ctx
        if options.driver not in ("bridge", ""):
            # podman's words (netavark's macvlan and ipvlan are not hutch's)
            raise InvalidArgument(f"unsupported driver {options.driver}: invalid argument")
        from hutch.engine.run_flags import check_labels

        check_labels(options.labels, "failed to parse labels")  # podman's words
        labels = _pairs(options.labels, "--label")
        opts = _pairs(options.options, "--opt")
        for key, value in opts:
            if key not in OPTIONS:
                raise InvalidArgument(f"unsupported bridge network option {key}")  # podman's
            if key == "mtu":
                _check_mtu(value)
        existing = {r.name for r in _store_with_default(ctx).all()}
        name = options.name
        if name is None:
            n = 1
            while f"hutch{n}" in existing:
                n += 1
            name = f"hutch{n}"
        if not valid_name(name):
            raise InvalidArgument(  # podman's words
                f"network name {name} invalid: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: "
                "invalid argument"
            )
        if name in existing and options.ignore:
            return summary(ctx, find(ctx, name))
        if name in netconfig.MODES or name in netconfig.UNSUPPORTED:
            raise InvalidArgument(  # podman's words
                f'cannot create network with name "{name}" because it conflicts with a valid '
                "network mode"
            )
        driver = network_flags.ipam_driver(options.ipam_driver, bool(options.subnets))
        taken = [r.bridge for r in store(ctx).all()]
        bridge = network_flags.interface_name(options.interface_name, taken)
        subnets = () if driver == "none" else _subnets(options, store(ctx).used_subnets(), _host())
        record = NetworkSummary(
            name=name,
            id=new_id(),
            driver="bridge",
            bridge=bridge,
            subnets=subnets,
            internal=options.internal,
            ipv6=any(":" in s.subnet for s in subnets),
            # no addresses, so no gateway to answer names on: podman turns DNS off too
            dns=not options.disable_dns and driver != "none",
            labels=labels,
            options=opts,
            created=time.time(),
            ipam_driver=driver,
            dns_servers=network_flags.dns_servers(options.dns_servers),
            routes=network_flags.routes(options.routes, subnets),
        )
        created = decode(store(ctx).create(encode(record), [s.subnet for s in subnets]))
        if (rundir(ctx) / "dns.json").exists():
            publish_dns(ctx)
        engine_events.network_lifecycle_event(ctx, "create", created.name, created.id, "bridge")
        return summary(ctx, created)

    def remove(self, names: Sequence[str], options: NetworkRemoveOptions) -> list[ActionReport]:
        reports = []
        default = self._ctx.settings.default_network
        for name in names:
            try:
                record = _removable(self._ctx, name, default)
                users = [a.container_id for a in store(self._ctx).attachments(network=record.name)]
                if users and not options.force:
                    # podman's words and exit code (2) for a network in use
                    reports.append(
                        ActionReport(
                            name,
                            error=f'"{record.name}" has associated containers with it. Use -f to '
                            "forcibly delete containers and pods: network is being used",
                            exit_code=2,
                        )
                    )
                    continue
                if users:
                    self._ctx.enter_session()
                    failed = [r for r in self._remove_users(users, options.timeout) if r.error]
                    if failed:
                        raise Conflict(
                            f"cannot remove container {failed[0].name}: {failed[0].error}"
                        )
                store(self._ctx).delete(record.name)
                self._teardown(record)
                engine_events.network_lifecycle_event(
                    self._ctx, "remove", record.name, record.id, record.driver
                )
                reports.append(ActionReport(name, record.name))
            except NoSuchObject as exc:  # podman network rm: 1 for a network that is not there
                reports.append(ActionReport(name, error=str(exc), exit_code=1))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        return reports

    def _teardown(self, record: NetworkSummary) -> None:
        """The bridge and the rules of a removed network go from the rootless namespace."""
        from hutch.net import nftrules

        directory = rundir(self._ctx)
        if rootless.holder_pid(directory) is None:
            return
        self._ctx.enter_session()
        rootless.run_in_netns(directory, ["ip", "link", "del", record.bridge])
        rootless.run_in_netns(
            directory,
            [find_tool("nft"), "-f", "-"],
            nftrules.delete_table(nftrules.network_table(record.bridge)),
        )
        publish_dns(self._ctx)

    def prune(self, filters: Sequence[str]) -> list[PruneReport]:
        for item in filters:  # podman's words, with no network to match too
            if item.partition("=")[0] not in _FILTER_KEYS:
                raise InvalidArgument(f'invalid filter "{item.partition("=")[0]}"')
        removed = []
        default = self._ctx.settings.default_network
        # by name: a stable order (podman's is its Go map's)
        records = sorted((decode(r) for r in store(self._ctx).all()), key=lambda r: r.name)
        for record in records:
            # podman's default network stays, as does the one [network] default names
            if default_network.is_builtin(record) or record.name == default:
                continue
            if not _match(record, filters):
                continue
            if store(self._ctx).attachments(network=record.name):
                continue
            try:
                store(self._ctx).delete(record.name)
            except Conflict:
                continue
            self._teardown(record)
            engine_events.network_lifecycle_event(
                self._ctx, "remove", record.name, record.id, record.driver
            )
            removed.append(PruneReport(record.name))
        return removed

    # -- connect / disconnect ------------------------------------------------------

    def connect(self, options: NetworkConnectOptions) -> None:
        ctx = self._ctx
        ctx.enter_session()
        container = cs.get(ctx, options.container)
        net = network_of(container)
        options = _default_network(options, container, net, ctx.settings.default_network)
        _require_bridge(container, net)
        record = find(ctx, options.network)
        if any(a.network == record.name for a in net.attachments):
            raise Conflict(
                f"container {container.record.name} is already connected to {record.name}"
            )
        for alias in options.aliases:
            if not valid_name(alias):
                raise InvalidArgument(f"invalid alias {alias!r}")
        if options.ip is not None:
            _check_address(record, options.ip, 4)
        if options.ip6 is not None:
            _check_address(record, options.ip6, 6)
        mac = options.mac_address
        if mac is not None:
            netconfig.check_mac(mac, "bridge")  # podman's words for a bad one
        a = store(ctx).attach(
            container.record.id,
            record.name,
            pools(record),
            address=options.ip,
            aliases=options.aliases,
            address6=options.ip6,
            mac=netconfig.normal_mac(mac) if mac else None,
        )
        route = (
            not any(x.default_route for x in net.attachments)
            and not record.internal
            and bool(record.subnets)
        )
        # the first eth<N> free: another network's interface_name may hold eth<position>
        taken = [x.interface for x in net.attachments]
        link = netopts.free_interface(taken)
        defaults = ctx.settings.defaults
        if defaults is not None and defaults.interface_name == "device":
            link = record.bridge if record.bridge not in taken else link  # as at create
        attachment = _attachment(record, a, route, link)
        try:
            if container.running:
                rootless.ensure(rundir(ctx))
                _helper(
                    "attach",
                    {
                        "rundir": str(rundir(ctx)),
                        "netns": f"/proc/{container.state.pid}/ns/net",
                        "container_id": container.record.id,
                        "attachments": [dataclasses.asdict(attachment)],
                        "ports": [],
                    },
                )
        except BaseException:
            store(ctx).detach(container.record.id, record.name)
            raise
        _rewrite_network(container, replace(net, attachments=(*net.attachments, attachment)))
        publish_dns(ctx)
        engine_events.network_event(ctx, "connect", record.name, container.record)

    def disconnect(self, network: str, options: NetworkDisconnectOptions) -> None:
        ctx = self._ctx
        ctx.enter_session()
        container = cs.get(ctx, options.container)
        net = network_of(container)
        _require_bridge(container, net)  # before the network's name, as podman
        record = find(ctx, network)
        mine = [a for a in net.attachments if a.network == record.name]
        if not mine:
            raise InvalidArgument(
                f"container {container.record.name} is not connected to network {record.name}"
            )
        if container.running:
            _helper(
                "disconnect",
                {"netns": f"/proc/{container.state.pid}/ns/net", "interface": mine[0].interface},
            )
        store(ctx).detach(container.record.id, record.name)
        rest = tuple(a for a in net.attachments if a.network != record.name)
        _rewrite_network(container, replace(net, attachments=rest))
        publish_dns(ctx)
        engine_events.network_event(ctx, "disconnect", record.name, container.record)

    def update(self, name: str, options: NetworkUpdateOptions) -> NetworkSummary:
        """``network update``: a new list of the servers the name server forwards the
        network's other names to. The name server re-reads ``dns.json`` on SIGHUP, so
        running containers use the new servers at once."""
        ctx = self._ctx
        default = ctx.settings.default_network or "private"
        if name in netconfig.DEFAULT_ALIASES and netconfig.kind(default) == "bridge":
            name = default  # as run --network bridge and connect take it
        try:
            record = find(ctx, name)
        except NoSuchObject:
            if name in DEFAULT_NAMES:
                raise InvalidArgument(
                    f"default network {name} cannot be updated",
                    hint="the default network is each container's own namespace behind "
                    "pasta or slirp4netns, whose name server forwards to the host's; give "
                    "run --dns, or a user network its own servers (network create --dns)",
                ) from None
            raise
        if default_network.is_builtin(record):
            raise InvalidArgument(
                f"default network {name} cannot be updated",
                hint="podman's default network has no name server: give run --dns, or a "
                "user network its own servers (network create --dns)",
            )
        if not record.dns:
            raise InvalidArgument(
                f"network {record.name} has DNS disabled: it has no name server to update",
                hint="its --dns servers are written into each container's resolv.conf "
                "when the container is created",
            )

        def change(row: NetworkRow) -> str:
            current = decode(row)
            servers = network_flags.updated_dns_servers(
                current.dns_servers, options.dns_add, options.dns_drop
            )
            return encode(replace(current, dns_servers=servers)).config

        updated = decode(store(ctx).rewrite_config(record.name, change))
        if (rundir(ctx) / "dns.json").exists():  # else no name server runs yet
            publish_dns(ctx)
        return summary(ctx, updated)

    def reload(self, names: Sequence[str], options: NetworkReloadOptions) -> list[ActionReport]:
        """Re-apply each network's firewall rules and the name server's records."""
        from hutch.net import nftrules

        ctx = self._ctx
        ctx.enter_session()
        if options.all:
            names = [r.id for r in ctx.containers.all()]
        reports = []
        directory = rundir(ctx)
        for name in names:
            try:
                container = cs.get(ctx, name)
                net = network_of(container)
                if container.running and net.mode == "bridge":
                    rootless.ensure(directory)
                    for a in (x for x in net.attachments if x.subnet):  # none: no table
                        done = rootless.run_in_netns(
                            directory,
                            [find_tool("nft"), "-f", "-"],
                            nftrules.network_rules(a.bridge, a.subnet, a.internal),
                        )
                        if done.returncode != 0:
                            raise HutchError(f"nft failed: {done.stderr.strip()}")
                reports.append(ActionReport(name, container.record.id))
            except HutchError as exc:
                reports.append(ActionReport(name, error=str(exc), exit_code=exc.exit_code))
        publish_dns(ctx)
        return reports
