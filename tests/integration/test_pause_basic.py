"""``hutch pause`` / ``unpause``: every process of the container stops (state T) and resumes."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def _state(pid: str) -> str:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


def _fmt(hutch: Hutch, ctr: str, fmt: str) -> str:
    return hutch("inspect", "--format", fmt, ctr).stdout.strip()


def test_pause_stops_every_process_and_unpause_resumes(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "p", base_image, "sh", "-c", "sleep 300 & exec sleep 301")
    pid = _fmt(hutch, "p", "{{.State.Pid}}")
    hutch("pause", "p")
    assert _fmt(hutch, "p", "{{.State.Status}} {{.State.PauseMethod}}") == "paused signal"
    assert _fmt(hutch, "p", "{{json .State.Paused}}") == "true"
    assert _state(pid) == "T"
    host_pids = hutch("top", "p", "hpid").stdout.split()[1:]
    assert len(host_pids) == 2
    assert {_state(p) for p in host_pids} == {"T"}
    assert "Paused" in hutch("ps", "--format", "{{.Status}}").stdout.splitlines()  # podman's
    hutch("unpause", "p")
    assert _fmt(hutch, "p", "{{.State.Status}} {{json .State.Paused}}") == "running false"
    assert {_state(p) for p in host_pids} == {"S"}


def test_pause_and_unpause_errors(hutch: Hutch, base_image: str) -> None:
    cid = hutch("run", "-d", "--name", "r", base_image, "sleep", "300").stdout.strip()
    again = hutch("unpause", "r", check=False)
    # podman's words (podman 4.3.1 on a cgroup v1 host refuses unpause before that)
    assert (again.returncode, again.stderr) == (
        125,
        f'Error: "{cid}" is not paused, can\'t unpause: container state improper\n',
    )
    hutch("create", "--name", "idle", base_image, "true")
    stopped = hutch("pause", "idle", check=False)
    assert stopped.returncode == 125 and "not running" in stopped.stderr
    assert stopped.stderr.count("\n") == 1
    hutch("pause", "r")
    twice = hutch("pause", "r", check=False)
    assert (twice.returncode, twice.stderr) == (
        125,
        f'Error: "{cid}" is already paused: container state improper\n',
    )
    exec_paused = hutch("exec", "r", "true", check=False)
    assert exec_paused.returncode == 125
    assert "can only create exec sessions on running containers" in exec_paused.stderr
    hutch("unpause", "r")


def test_a_paused_container_can_be_removed(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "k", base_image, "sleep", "300")
    hutch("pause", "k")
    hutch("rm", "-f", "-t", "1", "k")
    assert hutch("ps", "-a", "-q").stdout == ""
