"""Authentication and TLS against a real registry: htpasswd Basic, token auth, certs.d."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from registry_helpers import PASSWORD, USER, Registry, install_ca, running_registry


@pytest.fixture
def tls_registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "tls") as reg:
        yield reg


@pytest.fixture
def basic_registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "htpasswd") as reg:
        yield reg


@pytest.fixture
def token_registry(tmp_path: Path) -> Iterator[Registry]:
    with running_registry(tmp_path / "registry", "token") as reg:
        yield reg


def one_line_error(result: object) -> str:
    stderr = result.stderr  # type: ignore[attr-defined]
    errors = [line for line in stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, stderr
    assert result.returncode == 125, stderr  # type: ignore[attr-defined]
    return errors[0]


def test_tls_unknown_ca_is_refused(hutch: Hutch, base_image: str, tls_registry: Registry) -> None:
    result = hutch("push", base_image, tls_registry.ref("t/base:1"), check=False)
    assert "x509: certificate signed by unknown authority" in one_line_error(result)


def test_tls_ca_in_certs_d_is_trusted(
    hutch: Hutch, base_image: str, tls_registry: Registry
) -> None:
    install_ca(hutch.env.config_home, tls_registry)
    ref = tls_registry.ref("t/base:1")
    hutch("push", "-q", base_image, ref)
    hutch("rmi", base_image)
    assert len(hutch("pull", "-q", ref).stdout.strip()) == 64


def test_tls_cert_dir_flag(hutch: Hutch, base_image: str, tls_registry: Registry) -> None:
    assert tls_registry.ca is not None
    hutch("push", "-q", "--cert-dir", str(tls_registry.ca.parent), base_image,
          tls_registry.ref("t/base:1"))  # fmt: skip


def test_tls_verify_false_accepts_an_unknown_ca(
    hutch: Hutch, base_image: str, tls_registry: Registry
) -> None:
    ref = tls_registry.ref("t/base:1")
    hutch("push", "-q", "--tls-verify=false", base_image, ref)
    # run and create pull with the same flags (issue 15)
    refused = hutch("create", "--pull=always", ref, "true", check=False)
    assert "x509: certificate signed by unknown authority" in one_line_error(refused)
    hutch("run", "--rm", "-q", "--pull=always", "--tls-verify=false", ref, "true")


def test_plain_http_needs_tls_verify_false(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    with running_registry(tmp_path / "plain", "plain") as reg:
        result = hutch("push", base_image, reg.ref("p/base:1"), check=False)
        assert "server gave HTTP response to HTTPS client" in one_line_error(result)


def test_basic_auth_login_push_pull_logout(
    hutch: Hutch, base_image: str, basic_registry: Registry
) -> None:
    install_ca(hutch.env.config_home, basic_registry)
    ref = basic_registry.ref("secret/base:1")
    denied = hutch("push", base_image, ref, check=False)
    assert "authentication required" in one_line_error(denied)
    wrong = hutch("login", "-u", USER, "--password-stdin", basic_registry.host,
                  input="wrong\n", check=False)  # fmt: skip
    # podman's words
    host = basic_registry.host
    assert one_line_error(wrong) == f'Error: logging into "{host}": invalid username/password'
    ok = hutch("login", "-u", USER, "--password-stdin", basic_registry.host,
               input=PASSWORD + "\n")  # fmt: skip
    assert ok.stdout.strip() == "Login Succeeded!"
    authfile = hutch.env.runtime_dir / "containers" / "auth.json"
    assert basic_registry.host in json.loads(authfile.read_text())["auths"]
    assert hutch("login", "--get-login", basic_registry.host).stdout.strip() == USER
    hutch("push", "-q", base_image, ref)
    hutch("rmi", base_image)
    hutch("pull", "-q", ref)
    hutch("logout", basic_registry.host)
    assert basic_registry.host not in json.loads(authfile.read_text())["auths"]
    hutch("rmi", ref)
    again = hutch("pull", ref, check=False)
    assert "authentication required" in one_line_error(again)


def test_basic_auth_creds_flag_and_wrong_creds(
    hutch: Hutch, base_image: str, basic_registry: Registry
) -> None:
    install_ca(hutch.env.config_home, basic_registry)
    ref = basic_registry.ref("secret/base:2")
    hutch("push", "-q", "--creds", f"{USER}:{PASSWORD}", base_image, ref)
    hutch("run", "--rm", "-q", "--pull=always", "--creds", f"{USER}:{PASSWORD}", ref, "true")
    bad = hutch("pull", "--creds", f"{USER}:nope", ref, check=False)
    assert "credentials were refused" in one_line_error(bad)


def test_docker_config_json_is_read(
    hutch: Hutch, base_image: str, basic_registry: Registry
) -> None:
    import base64

    install_ca(hutch.env.config_home, basic_registry)
    docker = hutch.env.home / ".docker"
    docker.mkdir()
    auth = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
    (docker / "config.json").write_text(
        json.dumps({"auths": {f"https://{basic_registry.host}": {"auth": auth}}})
    )
    hutch("push", "-q", base_image, basic_registry.ref("dc/base:1"))


def test_token_auth(hutch: Hutch, base_image: str, token_registry: Registry) -> None:
    ref = token_registry.ref("tok/base:1")
    denied = hutch("push", "--tls-verify=false", base_image, ref, check=False)
    assert denied.returncode == 125
    wrong = hutch("login", "--tls-verify=false", "-u", USER, "--password-stdin",
                  token_registry.host, input="bad\n", check=False)  # fmt: skip
    # podman's words
    host = token_registry.host
    assert one_line_error(wrong) == f'Error: logging into "{host}": invalid username/password'
    hutch("login", "--tls-verify=false", "-u", USER, "--password-stdin",
          token_registry.host, input=PASSWORD + "\n")  # fmt: skip
    hutch("push", "-q", "--tls-verify=false", base_image, ref)
    assert token_registry.issuer is not None
    scopes = " ".join(token_registry.issuer.requests)
    assert "pull%2Cpush" in scopes or "pull,push" in scopes
    hutch("rmi", base_image)
    hutch("pull", "-q", "--tls-verify=false", ref)
    # Another repository: a cross-repository mount asks for both scopes in one token.
    hutch("push", "--tls-verify=false", ref, token_registry.ref("tok/other:1"))
    assert any("tok%2Fbase%3Apull" in r or "tok/base:pull" in r
               for r in token_registry.issuer.requests)  # fmt: skip
