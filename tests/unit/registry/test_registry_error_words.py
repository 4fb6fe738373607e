"""A request that failed before an answer, in Go's net/http words (podman's)."""

import ssl

from urllib3.exceptions import NewConnectionError, SSLError

from hutch.registry import client
from hutch.registry.errors import RegistryError, TLSFailure


def test_a_refused_connection_names_the_address_dialled() -> None:
    refused = NewConnectionError(
        None, "Failed to establish a new connection: [Errno 111] Connection refused"
    )  # type: ignore[arg-type]
    assert client._go_reason(refused, "http://127.0.0.1:1/v2/") == (
        "dial tcp 127.0.0.1:1: connect: connection refused"
    )
    assert client._go_reason(refused, "https://reg.example/v2/") == (
        "dial tcp reg.example:443: connect: connection refused"
    )


def test_tls_failures() -> None:
    plain = SSLError(ssl.SSLError(1, "[SSL: WRONG_VERSION_NUMBER] wrong version number"))
    assert client._go_reason(plain, "https://h/v2/") == (
        "http: server gave HTTP response to HTTPS client"
    )
    unknown = SSLError(
        "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local "
        "issuer certificate"
    )
    assert client._go_reason(unknown, "https://h/v2/") == (
        "x509: certificate signed by unknown authority"
    )


def test_under_keeps_the_class_and_the_hint() -> None:
    wrapped = TLSFailure("Get x: y", hint="trust it").under("pinging container registry h")
    assert isinstance(wrapped, TLSFailure) and isinstance(wrapped, RegistryError)
    assert (str(wrapped), wrapped.hint) == ("pinging container registry h: Get x: y", "trust it")
