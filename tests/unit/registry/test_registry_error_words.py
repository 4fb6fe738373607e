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


def test_a_tls_failure_hints_the_flag_and_registries_conf() -> None:
    # issue 15: the registries.conf way too, and every command that takes the flag
    reg = client.RegistryClient(client.Endpoint("reg.example:5000"), None, {})
    failure = reg._transport_error(
        SSLError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
        "GET",
        "https://reg.example:5000/v2/",
    )
    assert isinstance(failure, TLSFailure)
    assert str(failure).startswith('Get "https://reg.example:5000/v2/": ')
    assert failure.hint is not None
    assert "--tls-verify=false (pull, push, run, create, build, login, search)" in failure.hint
    assert failure.hint.endswith(
        'registries.conf: [[registry]] location = "reg.example:5000" insecure = true'
    )


def test_under_keeps_the_class_and_the_hint() -> None:
    wrapped = TLSFailure("Get x: y", hint="trust it").under("pinging container registry h")
    assert isinstance(wrapped, TLSFailure) and isinstance(wrapped, RegistryError)
    assert (str(wrapped), wrapped.hint) == ("pinging container registry h: Get x: y", "trust it")


def test_the_registrys_errors_as_gos_errcode_prints_them() -> None:
    one = b'{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}'
    two = (
        b'{"errors":[{"code":"DENIED","message":"requested access to the resource is denied"},'
        b'{"code":"UNAUTHORIZED","message":"authentication required"}]}'
    )
    assert client.errcode_text(one, go=True) == client.UNAUTHORIZED
    assert client.errcode_text(two, go=True) == (
        "errors:\ndenied: requested access to the resource is denied\n"
        "unauthorized: authentication required\n"
    )
    assert client.errcode_text(two) == (
        "denied: requested access to the resource is denied; unauthorized: authentication required"
    )
    assert client.errcode_text(b"not json", go=True) == ""


def test_a_search_refused_with_401_in_podmans_words() -> None:
    from hutch.engine.distribution import _search_words
    from hutch.registry.errors import AuthError

    refused = AuthError("registry h: authentication required (401 Unauthorized)")
    assert _search_words(refused) == str(refused)  # not known to be a 401
    refused.unauthorized = True
    assert _search_words(refused) == (
        "unable to retrieve auth token: invalid username/password: "
        "unauthorized: authentication required"
    )
    refused.registry_says = "errors:\ndenied: no\n"
    assert _search_words(refused).endswith("password: errors:\ndenied: no\n")
    assert _search_words(RegistryError("pinging container registry h: x")) == (
        "pinging container registry h: x"
    )
