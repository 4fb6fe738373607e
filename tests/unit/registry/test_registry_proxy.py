"""The proxy of a registry's connections, by Go's rules as podman reads the
environment (registry/proxy.py; [engine] env sets it, issue 15)."""

from __future__ import annotations

import pytest
import urllib3

from hutch.registry.client import Endpoint, RegistryClient
from hutch.registry.interrupt import Pools, ProxyPools
from hutch.registry.proxy import proxy_url

PROXY = {"HTTPS_PROXY": "http://proxy:3128", "http_proxy": "proxy:80"}


@pytest.mark.parametrize(
    ("host", "scheme", "no_proxy", "expected"),
    [
        ("quay.io", "https", "", "http://proxy:3128"),
        ("quay.io", "http", "", "http://proxy:80"),  # no scheme: http://
        ("localhost:5000", "https", "", None),  # Go never proxies loopback
        ("127.0.0.1:5000", "https", "", None),
        ("[::1]:5000", "https", "", None),
        ("quay.io", "https", "*", None),
        ("quay.io", "https", "example.com, quay.io", None),
        ("cdn.quay.io", "https", "quay.io", None),  # a name and its subdomains
        ("quay.io", "https", ".quay.io", "http://proxy:3128"),  # a dot: subdomains only
        ("a.quay.io", "https", "*.quay.io", None),
        ("quay.io", "https", "quay.io:5000", "http://proxy:3128"),  # another port
        ("quay.io:5000", "https", "quay.io:5000", None),
        ("quay.io", "https", "quay.io:443", None),  # https's default port
        ("10.1.2.3:5000", "https", "10.0.0.0/8", None),
        ("10.1.2.3:5000", "https", "192.168.0.0/16", "http://proxy:3128"),
    ],
)
def test_proxy_url(host: str, scheme: str, no_proxy: str, expected: str | None) -> None:
    assert proxy_url(host, scheme, {**PROXY, "no_proxy": no_proxy}) == expected


def test_the_upper_case_spelling_wins() -> None:
    env = {"HTTPS_PROXY": "http://upper:1", "https_proxy": "http://lower:1"}
    assert proxy_url("quay.io", "https", env) == "http://upper:1"
    assert proxy_url("quay.io", "https", {}) is None


def test_a_client_goes_through_the_proxy_only_where_one_applies() -> None:
    proxied = RegistryClient(Endpoint("quay.io"), None, PROXY)
    assert isinstance(proxied._http, ProxyPools)
    assert proxied._http.proxy is not None and proxied._http.proxy.port == 3128
    direct = RegistryClient(Endpoint("localhost:5000"), None, PROXY)
    assert type(direct._http) is Pools
    # an insecure registry without an HTTPS proxy: HTTP's
    plain = RegistryClient(Endpoint("quay.io", insecure=True), None, {"http_proxy": "p:8"})
    assert isinstance(plain._http, urllib3.ProxyManager) and plain._http.proxy.port == 8  # type: ignore[union-attr]
    proxied._http.cut()  # the proxy's pools are cut as the direct ones
