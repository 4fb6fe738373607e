"""run --preserve-fds and systemd socket activation (LISTEN_FDS), --conmon-pidfile,
--pod-id-file, --seccomp-policy and the flags only a root user's cgroup v1 applies
(issue 15): the descriptors reach the container's command under their numbers, and
the errors are podman's words, compared with Debian's podman 4.3.1 where it has them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def _with_fd3(
    hutch: Hutch, fd3: int, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """hutch ARGS with ``fd3`` as its descriptor 3 (as systemd or a shell passes one)."""
    environ = hutch.env.environ()
    environ.update(env or {})

    def place() -> None:
        os.dup2(fd3, 3)  # dup2 leaves the copy inheritable

    return subprocess.run(
        [str(hutch.binary), *args],
        env=environ,
        cwd=hutch.env.home,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=place,
        close_fds=False,
    )


def test_preserve_fds_passes_a_file_under_its_number(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    path = tmp_path / "given"
    path.write_text("through descriptor 3\n")
    with open(path) as f:
        result = _with_fd3(
            hutch, f.fileno(), "run", "--rm", "--preserve-fds", "1", base_image,
            "sh", "-c", "cat <&3; ls /proc/self/fd",
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "through descriptor 3"
    # stdio, the one passed, and ls's own directory: no other of hutch's or the monitor's
    assert sorted(int(n) for n in lines[1:]) == [0, 1, 2, 3, 4]
    # without the flag the command gets none of them
    with open(path) as f:
        plain = _with_fd3(hutch, f.fileno(), "run", "--rm", base_image, "ls", "/proc/self/fd")
    assert sorted(int(n) for n in plain.stdout.split()) == [0, 1, 2, 3]


def test_socket_activation_passes_the_listening_socket(hutch: Hutch, base_image: str) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        inode = os.fstat(listener.fileno()).st_ino
        script = 'echo "$LISTEN_FDS $LISTEN_FDNAMES $LISTEN_PID $$"; readlink /proc/self/fd/3'
        env = {"LISTEN_FDS": "1", "LISTEN_FDNAMES": "web"}
        for init in ((), ("--init",)):
            result = _with_fd3(
                hutch, listener.fileno(), "run", "--rm", *init, base_image, "sh", "-c", script,
                env=env,
            )  # fmt: skip
            assert result.returncode == 0, result.stderr
            variables, link = result.stdout.splitlines()
            fds, names, pid, own = variables.split()
            assert (fds, names) == ("1", "web")
            assert pid == own  # sd_listen_fds(3) checks it: the command's own pid
            assert (pid == "1") == (not init)
            assert link == f"socket:[{inode}]"
        # LISTEN_PID names another process: the variables are not meant for hutch
        other = _with_fd3(
            hutch, listener.fileno(), "run", "--rm", base_image, "sh", "-c",
            'echo "[$LISTEN_FDS]"; ls /proc/self/fd',
            env={**env, "LISTEN_PID": "1"},
        )  # fmt: skip
        assert other.returncode == 0, other.stderr
        assert other.stdout.splitlines()[0] == "[]"
        assert "3" not in other.stdout.split()[1:-1]  # 0 1 2 and ls's own


def test_preserve_fds_wins_over_listen_fds_with_podmans_warning(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    path = tmp_path / "given"
    path.write_text("x")
    with open(path) as f:
        result = _with_fd3(
            hutch, f.fileno(), "run", "--rm", "--preserve-fds", "1", base_image,
            "sh", "-c", 'echo "[$LISTEN_FDS]"',
            env={"LISTEN_FDS": "1"},
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"
    assert "Ignoring LISTEN_FDS to preserve custom user-specified FDs" in result.stderr


def test_conmon_pidfile_holds_the_monitors_pid(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    path = tmp_path / "conmon.pid"
    hutch("run", "-d", "--name", "cpf", "--conmon-pidfile", str(path), base_image, "sleep", "60")
    try:
        fmt = "{{.ConmonPidFile}} {{.State.ConmonPid}}"
        shown, pid = hutch("inspect", "--format", fmt, "cpf").stdout.split()
        assert shown == str(path)
        assert path.read_text() == pid != "0"
        assert "hutch.runtime" in Path(f"/proc/{pid}/cmdline").read_text()
    finally:
        hutch("rm", "-f", "-t", "0", "cpf")


def test_pod_id_file_names_the_pod(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    path = tmp_path / "pod.id"
    hutch("pod", "create", "--pod-id-file", str(path), "--name", "idpod")
    try:
        hutch("create", "--pod-id-file", str(path), "--name", "inpod", base_image, "true")
        pod = hutch("inspect", "--format", "{{.Pod}}", "inpod").stdout.strip()
        assert pod == path.read_text().strip()
    finally:
        hutch("pod", "rm", "-f", "idpod")


def test_seccomp_policy_image_uses_the_images_label(hutch: Hutch, base_image: str) -> None:
    profile = {
        "defaultAction": "SCMP_ACT_ALLOW",
        "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}],
    }
    # single quotes: LABEL's words keep the JSON's double quotes then (as Docker's)
    label = f"io.containers.seccomp.profile='{json.dumps(profile)}'"
    hutch("commit", "--change", f"LABEL {label}", *_committed(hutch, base_image))
    try:
        denied = hutch(
            "run", "--rm", "--seccomp-policy", "image", "labelled", "mkdir", "/tmp/x", check=False
        )
        assert denied.returncode != 0
        assert "Operation not permitted" in denied.stderr + denied.stdout
        # the default policy ignores the label
        hutch("run", "--rm", "labelled", "mkdir", "/tmp/x")
        # the label stands over --security-opt seccomp=unconfined, as in podman
        again = hutch(
            "run", "--rm", "--seccomp-policy", "image", "--security-opt", "seccomp=unconfined",
            "labelled", "mkdir", "/tmp/x", check=False,
        )  # fmt: skip
        assert again.returncode != 0
    finally:
        hutch("rmi", "-f", "labelled")


def _committed(hutch: Hutch, base_image: str) -> tuple[str, str]:
    hutch("create", "--name", "tolabel", base_image, "true")
    return "tolabel", "labelled"


@pytest.mark.parametrize(
    "flags",
    [
        ("--seccomp-policy", "bogus"),
        ("--seccomp-policy", "image"),
        ("--pod-id-file", "/nonexistent/pod.id"),
        ("--pod", "x", "--pod-id-file", "/nonexistent/pod.id"),
        ("--preserve-fds", "2"),
        ("--preserve-fds", "-1"),
        ("--cpu-rt-period", "abc"),
    ],
    ids=str,
)
def test_refusals_in_podmans_words(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    code, out, err = _both_run(hutch, podman, base_image, flags)
    assert code == 125 and out == "" and err.startswith("Error: ")


def _both_run(
    hutch: Hutch, podman: Run, base_image: str, flags: tuple[str, ...]
) -> tuple[int, str, str]:
    ours = hutch("run", "--rm", *flags, base_image, "true", check=False)
    theirs = podman("run", "--rm", *flags, "base", "true")
    # the first line: podman adds "See 'podman run --help'" after a flag's parse error
    assert (ours.returncode, ours.stdout, ours.stderr.splitlines()[:1]) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr.splitlines()[:1],
    ), (ours, theirs)
    return ours.returncode, ours.stdout, ours.stderr


def test_cgroup_v1_only_limits_are_ignored_with_a_warning(hutch: Hutch, base_image: str) -> None:
    result = hutch(
        "run", "--rm", "--cpu-rt-period", "1000", "--cpu-rt-runtime", "100",
        "--memory-swappiness", "10", "--oom-kill-disable", "--disable-content-trust",
        base_image, "true",
    )  # fmt: skip
    assert "Realtime period not supported on cgroups V2 systems" in result.stderr
    assert "Realtime runtime not supported on cgroups V2 systems" in result.stderr
    assert "--memory-swappiness is ignored" in result.stderr
    assert "--oom-kill-disable is ignored" in result.stderr
    bad = hutch("run", "--rm", "--memory-swappiness", "101", base_image, "true", check=False)
    assert (bad.returncode, bad.stderr) == (
        125,
        "Error: invalid value: 101, valid memory swappiness range is 0-100\n",
    )
