"""``hutch exec``: a process in the running container's namespaces and filesystem."""

from __future__ import annotations

import time

from harness import Hutch
from lifecycle_helpers import remove_containers, run_in_pty

__all__ = ["remove_containers"]  # the autouse fixture


def _start(hutch: Hutch, image: str, *command: str) -> str:
    name = f"c{time.monotonic_ns() % 10**9}"
    hutch("run", "-d", "--name", name, image, *command)
    return name


def test_exec_sees_the_containers_files_and_pid_namespace(hutch: Hutch, base_image: str) -> None:
    ctr = _start(hutch, base_image, "sh", "-c", "echo written > /tmp/mark; exec sleep 300")
    deadline = time.monotonic() + 10
    while hutch("exec", ctr, "cat", "/tmp/mark", check=False).stdout != "written\n":
        assert time.monotonic() < deadline, "the file written by the command never appeared"
        time.sleep(0.1)
    ps = hutch("exec", ctr, "ps", "-o", "pid,args").stdout.splitlines()
    first = [line.split(None, 1) for line in ps[1:]]
    assert ["1", "sleep 300"] in first, ps
    assert len(first) == 2, ps  # PID 1 and ps itself: nothing of the host
    assert (
        hutch("exec", ctr, "hostname").stdout.strip()
        == hutch("inspect", "--format", "{{.Config.Hostname}}", ctr).stdout.strip()
    )


def test_exec_environment_user_and_workdir(hutch: Hutch, base_image: str, tmp_path: object) -> None:
    ctr = f"e{time.monotonic_ns() % 10**9}"
    hutch(
        "run", "-d", "--name", ctr, "-e", "FROM_RUN=run", "-w", "/etc", base_image, "sleep", "300"
    )
    out = hutch("exec", ctr, "sh", "-c", "echo $FROM_RUN; pwd; id -u").stdout.split()
    assert out == ["run", "/etc", "0"]
    out = hutch(
        "exec",
        "-e",
        "EXTRA=x y",
        "-u",
        "1000:1000",
        "-w",
        "/tmp",
        ctr,
        "sh",
        "-c",
        'echo "$EXTRA"; pwd; id -u; id -g; echo $FROM_RUN',
    ).stdout.splitlines()
    assert out == ["x y", "/tmp", "1000", "1000", "run"]


def test_exec_exit_codes(hutch: Hutch, base_image: str) -> None:
    ctr = _start(hutch, base_image, "sleep", "300")
    assert hutch("exec", ctr, "true", check=False).returncode == 0
    assert hutch("exec", ctr, "sh", "-c", "exit 3", check=False).returncode == 3
    denied = hutch("exec", ctr, "/etc/passwd", check=False)
    assert denied.returncode == 126, denied.stderr
    missing = hutch("exec", ctr, "no-such-command", check=False)
    assert missing.returncode == 127
    # current podman's (crun's) words, without the runtime's name: scripts grep for them
    assert missing.stderr == (
        "Error: executable file `no-such-command` not found in $PATH: No such file or "
        "directory: OCI runtime attempted to invoke a command that was not found\n"
    )
    killed = hutch("exec", ctr, "sh", "-c", "kill -9 $$", check=False)
    assert killed.returncode == 137


def test_exec_into_a_stopped_container_is_an_error(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "idle", base_image, "true")
    result = hutch("exec", "idle", "true", check=False)
    assert result.returncode == 125
    assert result.stderr == (  # podman's words (4.3.1 exits 255; its man page says 125)
        "Error: can only create exec sessions on running containers: container state improper\n"
    )
    missing = hutch("exec", "nothing-here", "true", check=False)
    assert missing.returncode == 125


def test_exec_interactive_passes_piped_stdin(hutch: Hutch, base_image: str) -> None:
    ctr = _start(hutch, base_image, "sleep", "300")
    assert hutch("exec", "-i", ctr, "cat", input="one\ntwo\n").stdout == "one\ntwo\n"
    # without -i the command's stdin is empty
    assert hutch("exec", ctr, "sh", "-c", "cat; echo end", input="lost\n").stdout == "end\n"


def test_exec_tty_allocates_a_terminal_in_the_container(hutch: Hutch, base_image: str) -> None:
    ctr = _start(hutch, base_image, "sleep", "300")
    code, out = run_in_pty(hutch, ["exec", "-t", ctr, "sh", "-c", "tty; test -t 1 && echo isatty"])
    assert code == 0, out
    assert "/dev/pts/" in out and "isatty" in out
    code, out = run_in_pty(
        hutch,
        ["exec", "-it", ctr, "sh"],
        steps=((b"#", b"echo typed-$((40+2))\n"), (b"typed-42", b"exit 5\n")),
    )
    assert "typed-42" in out
    assert code == 5, out


def test_exec_detach_runs_in_the_background(hutch: Hutch, base_image: str) -> None:
    ctr = _start(hutch, base_image, "sleep", "300")
    started = time.monotonic()
    result = hutch("exec", "-d", ctr, "sh", "-c", "sleep 1; echo late > /tmp/bg")
    assert result.returncode == 0
    assert time.monotonic() - started < 5
    deadline = time.monotonic() + 10
    while hutch("exec", ctr, "cat", "/tmp/bg", check=False).stdout != "late\n":
        assert time.monotonic() < deadline
        time.sleep(0.2)
