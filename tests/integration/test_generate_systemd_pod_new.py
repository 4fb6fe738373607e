"""``generate systemd --new`` of a pod: beside Debian's podman 4.3.1 on a pod made
alike (the same unit names, ties and commands after each tool's own binary and
globals), through ``systemd-analyze verify``, and its Exec lines run by hand in
systemd's order (the host has no systemd user session) make the pod and its
member anew."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture
from ports import free_port

from hutch.systemd.unitfile import parse, split_words

PORT = free_port()  # free now; a fixed one collided when two lanes ran this file
POD = ["--name", "gn", "-p", f"{PORT}:80", "--label", "a=b"]
MEMBER = ["--pod", "gn", "--name", "gnm", "-e", "FOO=bar", "base", "sleep", "100"]
ARGS = ("generate", "systemd", "--new", "--name", "--no-header", "--format", "json", "gn")


@pytest.fixture
def pods(hutch: Hutch, podman: Run, base_image: str) -> Iterator[None]:
    for tool in (hutch, podman):
        assert tool("pod", "create", *POD).returncode == 0
        assert tool("create", *MEMBER).returncode == 0
    yield None
    for tool in (hutch, podman):
        tool("pod", "rm", "-f", "gn")


def after(word: str, argv: list[str]) -> list[str]:
    """The words from the verb on (without the tool's binary and global options)."""
    return argv[argv.index(word) :]


def service_words(text: str, key: str) -> list[list[str]]:
    return [split_words(v) for v in parse(text, "u").values("Service", key)]


def test_pod_new_units_as_podmans(hutch: Hutch, podman: Run, pods: object) -> None:
    ours = json.loads(hutch(*ARGS).stdout)
    done = podman(*ARGS)
    assert done.returncode == 0, done
    theirs = json.loads(done.stdout)
    assert sorted(ours) == sorted(theirs) == ["container-gnm", "pod-gn"]
    for key in ("Wants", "Before", "After", "BindsTo"):
        for name in ours:
            assert parse(ours[name], "o").values("Unit", key) == parse(theirs[name], "t").values(
                "Unit", key
            ), (name, key)
    pod_ours, pod_theirs = ours["pod-gn"], theirs["pod-gn"]
    rm_ours, create_ours = service_words(pod_ours, "ExecStartPre")
    rm_theirs, create_theirs = service_words(pod_theirs, "ExecStartPre")
    assert rm_ours == rm_theirs == ["/bin/rm", "-f", "%t/pod-gn.pid", "%t/pod-gn.pod-id"]
    assert after("pod", create_ours) == after("pod", create_theirs)
    assert after("pod", create_ours)[-7:] == [*POD, "--replace"]
    for key in ("ExecStart", "ExecStop", "ExecStopPost"):
        (mine,), (peer,) = service_words(pod_ours, key), service_words(pod_theirs, key)
        assert after("pod", mine) == after("pod", peer), key
    (run_ours,) = service_words(ours["container-gnm"], "ExecStart")
    (run_theirs,) = service_words(theirs["container-gnm"], "ExecStart")
    # hutch run --name=gnm --replace --rm --pod-id-file F --sdnotify=conmon | podman run
    # --cidfile=F --cgroups=no-conmon --rm --pod-id-file F --sdnotify=conmon -d --replace
    # --name gnm
    pod_id = ["--pod-id-file", "%t/pod-gn.pod-id"]
    assert after("--pod-id-file", run_ours)[:2] == after("--pod-id-file", run_theirs)[:2] == pod_id
    assert after("--sdnotify=conmon", run_ours)[1:] == after("gnm", run_theirs)[1:] == MEMBER[4:]


def test_pod_new_units_verify_and_run_by_hand(hutch: Hutch, pods: object, tmp_path: Path) -> None:
    # --stop-timeout 1: the member's ExecStop below stops sleep (pid 1, ignores SIGTERM)
    # in 1 s rather than the default 10 (the test above compares that default)
    units = json.loads(hutch(*ARGS[:2], "--stop-timeout", "1", *ARGS[2:]).stdout)
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze (Debian's systemd) not found"
    for name, text in units.items():
        (tmp_path / f"{name}.service").write_text(text)
    verified = subprocess.run(
        # --man=no: hutch's man pages are not installed where man(1) looks here
        [analyze, "verify", "--man=no", "pod-gn.service", "container-gnm.service"],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (verified.returncode, verified.stdout + verified.stderr) == (0, ""), verified
    old = hutch("pod", "inspect", "--format", "{{.Id}}", "gn").stdout.strip()

    runtime = str(hutch.env.runtime_dir)  # systemd's %t of a user service

    def argv(words: list[str]) -> list[str]:
        return [w.replace("%t", runtime) for w in words]

    def run(words: list[str]) -> None:
        done = subprocess.run(
            argv(words), env=hutch.env.environ(), capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, (words, done)

    pod_unit, member_unit = units["pod-gn"], units["container-gnm"]
    for words in [*service_words(pod_unit, "ExecStartPre"), *service_words(pod_unit, "ExecStart")]:
        run(words)
    new = (hutch.env.runtime_dir / "pod-gn.pod-id").read_text().strip()
    assert new != old and hutch("pod", "inspect", "--format", "{{.Id}}", "gn").stdout.strip() == new
    assert (hutch.env.runtime_dir / "pod-gn.pid").read_text().strip().isdigit()
    ((start,),) = (service_words(member_unit, "ExecStart"),)
    attached = subprocess.Popen(
        argv(start), env=hutch.env.environ(), stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        for _ in range(100):
            state = hutch("inspect", "--format", "{{.State.Status}} {{.Pod}}", "gnm", check=False)
            if state.stdout.split()[:1] == ["running"]:
                break
            time.sleep(0.2)
        assert state.stdout.split() == ["running", new], (state, attached.poll())
        env = hutch("exec", "gnm", "sh", "-c", "echo $FOO").stdout
        assert env == "bar\n"
        ports = hutch("pod", "inspect", "gn")
        assert str(PORT) in ports.stdout
        for key in ("ExecStop", "ExecStopPost"):
            (words,) = service_words(member_unit, key)
            run(words)
        assert attached.wait(timeout=60) is not None
    finally:
        if attached.poll() is None:
            attached.kill()
            attached.wait()
    for key in ("ExecStop", "ExecStopPost"):
        (words,) = service_words(pod_unit, key)
        run(words)
    assert hutch("pod", "exists", "gn", check=False).returncode == 1
    # stopping what is gone is no error (--ignore), as systemd's ExecStopPost after a failure
    for key in ("ExecStop", "ExecStopPost"):
        (words,) = service_words(pod_unit, key)
        run(words)
