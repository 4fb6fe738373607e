"""``build --ssh`` values and the agents they name (engine/build_ssh.py)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.engine.build_ssh import parse_ssh, ssh_agents


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ("default", ("default", ())),
        ("work", ("work", ())),
        ("default=/run/a.sock", ("default", ("/run/a.sock",))),
        ("git=/k/one,/k/two", ("git", ("/k/one", "/k/two"))),
    ],
)
def test_parse_ssh(item: str, expected: tuple[str, tuple[str, ...]]) -> None:
    assert parse_ssh(item) == expected


@pytest.mark.parametrize("item", ["", "=/a", "id=", "id=,", "a,b=/x"])
def test_parse_ssh_refuses_what_names_no_agent(item: str) -> None:
    with pytest.raises(InvalidArgument, match="expected default\\|ID"):
        parse_ssh(item)


def _listening(path: Path) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(path))
    sock.listen()
    return sock


def test_an_id_alone_is_the_callers_agent_and_a_socket_path_is_that_agent(
    tmp_path: Path,
) -> None:
    mine, other = tmp_path / "mine.sock", tmp_path / "other.sock"
    with _listening(mine), _listening(other), contextlib.ExitStack() as stack:
        agents = ssh_agents(["default", f"work={other}"], {"SSH_AUTH_SOCK": str(mine)}, stack)
    assert agents == {"default": mine, "work": other}


def test_without_an_agent_or_with_a_bad_path_the_message_says_what_to_give(
    tmp_path: Path,
) -> None:
    with contextlib.ExitStack() as stack:
        with pytest.raises(InvalidArgument, match=r"\$SSH_AUTH_SOCK is not set"):
            ssh_agents(["default"], {}, stack)
        with pytest.raises(InvalidArgument, match="is not an agent's socket"):
            ssh_agents(["default"], {"SSH_AUTH_SOCK": str(tmp_path)}, stack)
        with pytest.raises(InvalidArgument, match="neither a socket nor a key file"):
            ssh_agents([f"x={tmp_path / 'none'}"], {}, stack)
        with pytest.raises(InvalidArgument, match="given twice"):
            mine = tmp_path / "a.sock"
            with _listening(mine):
                ssh_agents(["a", "a"], {"SSH_AUTH_SOCK": str(mine)}, stack)


def test_key_files_start_an_agent_that_holds_them_and_stops_with_the_build(
    tmp_path: Path,
) -> None:
    key = tmp_path / "id"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "unit-key", "-f", str(key)],
        check=True,
    )
    with contextlib.ExitStack() as stack:
        agents = ssh_agents([f"default={key}"], {}, stack)
        sock = agents["default"]
        listed = subprocess.run(
            ["ssh-add", "-l"], env={"SSH_AUTH_SOCK": str(sock)}, capture_output=True, text=True
        )
        assert "unit-key (ED25519)" in listed.stdout
    gone = subprocess.run(
        ["ssh-add", "-l"], env={"SSH_AUTH_SOCK": str(sock)}, capture_output=True, text=True
    )
    assert gone.returncode == 2  # no agent answers any more


def test_a_bad_key_is_refused_with_ssh_adds_reason(tmp_path: Path) -> None:
    key = tmp_path / "id"
    key.write_text("not a key\n")
    key.chmod(0o600)
    with contextlib.ExitStack() as stack, pytest.raises(InvalidArgument, match="ssh-add"):
        ssh_agents([f"default={key}"], {}, stack)
