"""sd_notify without libsystemd: a path socket, an abstract one, none at all."""

from __future__ import annotations

import os
import socket
from pathlib import Path

from hutch.util.sdnotify import notify


def test_a_path_socket(tmp_path: Path) -> None:
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind(str(tmp_path / "n"))
        assert notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "n")})
        assert s.recv(100) == b"READY=1"


def test_an_abstract_socket() -> None:
    name = f"hutch-test-{os.getpid()}"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
        s.bind("\0" + name)
        assert notify("MAINPID=7\nREADY=1", {"NOTIFY_SOCKET": "@" + name})
        assert s.recv(100) == b"MAINPID=7\nREADY=1"


def test_no_manager_is_no_error(tmp_path: Path) -> None:
    assert not notify("READY=1", {})
    assert not notify("READY=1", {"NOTIFY_SOCKET": "relative"})
    assert not notify("READY=1", {"NOTIFY_SOCKET": str(tmp_path / "gone")})
