"""contrib/systemd's hutch.socket and hutch.service: the socket the CLI's default
names, private, and a service that serves it and exits when idle."""

from __future__ import annotations

import configparser
from pathlib import Path

UNITS = Path(__file__).resolve().parents[3] / "contrib" / "systemd"


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string((UNITS / name).read_text())
    return parser


def test_socket_is_the_default_path_and_private() -> None:
    socket = _unit("hutch.socket")["Socket"]
    # %t is $XDG_RUNTIME_DIR for a user unit: listen.default_uri()'s path.
    assert socket["ListenStream"] == "%t/hutch/hutch.sock"
    assert socket["SocketMode"] == "0600" and socket["DirectoryMode"] == "0700"


def test_service_serves_and_idles_out() -> None:
    unit = _unit("hutch.service")
    assert unit["Unit"]["Requires"] == "hutch.socket"
    command = unit["Service"]["ExecStart"].split()
    assert command[0].endswith("/hutch") and command[1:3] == ["system", "service"]
    assert "--time" in command and int(command[command.index("--time") + 1]) > 0
    # the containers' monitors are their own: stopping the service leaves them running
    assert unit["Service"]["KillMode"] == "process"
