"""The proxy a registry's connections go through, by the environment, as podman's.

podman talks to registries through Go's ``http.ProxyFromEnvironment``, so
``HTTPS_PROXY``/``HTTP_PROXY`` (or their lower-case spellings; the upper one
first) and ``NO_PROXY`` decide, and containers.conf's ``[engine] env`` is the
usual place to set them (engine/engine.py puts it in hutch's environment).
Go's rules, kept here: a registry on ``localhost`` or a loopback address is
never proxied; ``NO_PROXY`` is ``*`` or a comma-separated list of names (a
name matches itself and its subdomains, a leading dot only the subdomains),
addresses and CIDR ranges, each with an optional ``:PORT`` (``*.NAME`` is
``.NAME``); a proxy without a scheme is ``http://``.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping


def _variable(env: Mapping[str, str], name: str) -> str:
    return env.get(name.upper()) or env.get(name.lower()) or ""


def proxy_url(host: str, scheme: str, env: Mapping[str, str]) -> str | None:
    """The proxy for ``scheme://host`` (``host`` as in references: ``name[:port]``),
    None to connect directly."""
    proxy = _variable(env, f"{scheme}_proxy")
    if not proxy or _bypassed(host, "443" if scheme == "https" else "80", env):
        return None
    return proxy if "://" in proxy else f"http://{proxy}"


def _split(host: str) -> tuple[str, str]:
    """``name[:port]``, ``[v6]:port`` or a bare v6 address: (name, port or "")."""
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest.removeprefix(":")
    if host.count(":") == 1:
        name, _, port = host.partition(":")
        return name, port
    return host, ""


def _address(name: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(name)
    except ValueError:
        return None


def _bypassed(host: str, default_port: str, env: Mapping[str, str]) -> bool:
    name, port = _split(host.lower())
    port = port or default_port
    no_proxy = _variable(env, "no_proxy")
    address = _address(name)
    if name == "localhost" or (address is not None and address.is_loopback):
        return True
    for entry in (e.strip().lower() for e in no_proxy.split(",")):
        if entry == "*":
            return True
        if not entry:
            continue
        if "/" in entry:
            try:
                network = ipaddress.ip_network(entry, strict=False)
            except ValueError:
                continue
            if address is not None and address in network:
                return True
            continue
        entry_name, entry_port = _split(entry.removeprefix("*"))  # *.example.com
        if entry_port and entry_port != port:
            continue
        if entry_name.startswith("."):
            if name.endswith(entry_name):
                return True
        elif name == entry_name or name.endswith("." + entry_name):
            return True
    return False
