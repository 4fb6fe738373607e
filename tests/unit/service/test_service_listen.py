"""Listening: URIs, the unix socket's modes, socket activation."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.service import listen


def test_parse_uri() -> None:
    assert listen.parse_uri("unix:///run/x.sock") == listen.Endpoint("unix", path="/run/x.sock")
    assert listen.parse_uri("tcp://:2375") == listen.Endpoint("tcp", host="127.0.0.1", port=2375)
    assert listen.parse_uri("tcp://[::1]:80").host == "::1"
    assert str(listen.parse_uri("tcp://[::1]:80")) == "tcp://[::1]:80"
    for bad in ("unix://rel.sock", "tcp://host", "tcp://h:99999", "http://x", "fd://3"):
        with pytest.raises(InvalidArgument):
            listen.parse_uri(bad)


def test_loopback() -> None:
    assert listen.is_loopback("127.0.0.1") and listen.is_loopback("::1")
    assert listen.is_loopback("localhost") and not listen.is_loopback("0.0.0.0")


def test_default_uri_follows_the_runtime_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert listen.default_uri() == f"unix://{tmp_path}/hutch/hutch.sock"
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert listen.default_uri() == f"unix:///tmp/hutch-{os.getuid()}/hutch.sock"


def test_unix_socket_is_0600_in_a_0700_dir(tmp_path: Path) -> None:
    path = tmp_path / "run" / "hutch.sock"
    sock = listen.listen(listen.Endpoint("unix", path=str(path)))
    try:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
        with pytest.raises(InvalidArgument, match="in use"):
            listen.listen(listen.Endpoint("unix", path=str(path)))
    finally:
        sock.close()
    # A stale socket (nobody answers) is replaced.
    listen.listen(listen.Endpoint("unix", path=str(path))).close()


def test_a_directory_others_may_enter_is_refused(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    with pytest.raises(InvalidArgument, match="0700"):
        listen.listen(listen.Endpoint("unix", path=str(shared / "s.sock")))
    (tmp_path / "file").write_text("x")
    tmp_path.chmod(0o700)
    with pytest.raises(InvalidArgument, match="not a socket"):
        listen.listen(listen.Endpoint("unix", path=str(tmp_path / "file")))


def test_activation_only_for_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LISTEN_PID", str(os.getpid() + 1))
    monkeypatch.setenv("LISTEN_FDS", "1")
    assert listen.activated_sockets() == []
    assert "LISTEN_FDS" not in os.environ and "LISTEN_PID" not in os.environ


def test_activation_takes_fd_3(monkeypatch: pytest.MonkeyPatch) -> None:
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    saved = os.dup(3) if _open(3) else -1
    try:
        os.dup2(server.fileno(), 3)
        monkeypatch.setenv("LISTEN_PID", str(os.getpid()))
        monkeypatch.setenv("LISTEN_FDS", "1")
        found = listen.activated_sockets()
        assert [s.fileno() for s in found] == [3]
        assert not os.get_inheritable(3)
        found[0].detach()
    finally:
        server.close()
        if saved >= 0:
            os.dup2(saved, 3)
            os.close(saved)
        else:
            os.close(3)


def _open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True
