"""``system service --cors ORIGIN`` over the real socket, beside podman 4.3.1's service
given the same origin: the same three CORS headers on answers (errors too), none
without the flag, and a preflight (OPTIONS) refused as podman's refuses it."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from service_helpers import Service, connect, parse_response, running_service, stop, wait_for_socket

ORIGIN = "https://example.com"
CORS = (
    "access-control-allow-origin",
    "access-control-allow-headers",
    "access-control-allow-methods",
)


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    base = tmp_path_factory.mktemp("svc-cors")
    with running_service(base, rootfs_tar, "--cors", ORIGIN, "--time", "0") as svc:
        yield svc


@pytest.fixture(scope="module")
def podman_socket(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """podman's own service (a store of its own) with the same --cors."""
    binary = shutil.which("podman")
    assert binary is not None, "podman (the peer) not found: contrib/setup-host.sh installs it"
    root = tmp_path_factory.mktemp("podman-cors-storage")
    runroot = Path(tempfile.mkdtemp(prefix="hutch-it-podman-", dir="/tmp"))
    path = runroot / "podman.sock"
    argv = [binary, "--root", str(root), "--runroot", str(runroot), "system", "service",
            "--cors", ORIGIN, "--time", "0", f"unix://{path}"]  # fmt: skip
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        wait_for_socket(path, process)  # type: ignore[arg-type]
        yield path
    finally:
        stop(process)  # type: ignore[arg-type]
        subprocess.run([binary, "--root", str(root), "--runroot", str(runroot),
                        "unshare", "rm", "-rf", str(root)], check=False)  # fmt: skip
        shutil.rmtree(runroot, ignore_errors=True)


def ask(path: Path, method: str, target: str) -> tuple[int, dict[str, str]]:
    with contextlib.closing(connect(path)) as sock:
        sock.sendall(
            f"{method} {target} HTTP/1.1\r\nHost: d\r\nConnection: close\r\n"
            "Origin: https://elsewhere.example\r\n"
            "Access-Control-Request-Method: DELETE\r\n\r\n".encode()
        )
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    status, headers, _ = parse_response(data)
    return status, headers


@pytest.mark.parametrize(
    "target",
    ["/_ping", "/v1.41/version", "/v1.41/containers/json", "/v1.41/containers/nosuch/json"],
)
def test_cors_headers_as_podman(service: Service, podman_socket: Path, target: str) -> None:
    ours_status, ours = ask(service.socket_path, "GET", target)
    theirs_status, theirs = ask(podman_socket, "GET", target)
    assert ours_status == theirs_status
    assert ours["access-control-allow-origin"] == ORIGIN
    assert {k: ours[k] for k in CORS} == {k: theirs[k] for k in CORS}


def test_a_preflight_is_refused_as_podman(service: Service, podman_socket: Path) -> None:
    # podman's API has no OPTIONS routes: 405 where the path is an endpoint
    assert ask(service.socket_path, "OPTIONS", "/v1.41/containers/json")[0] == 405
    assert ask(podman_socket, "OPTIONS", "/v1.41/containers/json")[0] == 405


def test_no_cors_headers_without_the_flag(
    require_rootless: None, rootfs_tar: Path, tmp_path: Path
) -> None:
    with running_service(tmp_path, rootfs_tar, "--time", "0") as plain:
        status, headers = ask(plain.socket_path, "GET", "/_ping")
    assert status == 200
    assert not set(CORS) & set(headers)
