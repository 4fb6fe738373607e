"""``kube play --service-exit-code-propagation``: play as a ``.kube`` service's main
process (Quadlet's ``ExitCodePropagation=``), without systemd: its exit status after
the containers exit, the READY=1 it sends to ``$NOTIFY_SOCKET``, and SIGTERM."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from harness import Hutch

IMAGE = "localhost/base:latest"
# the .kube unit's ExecStart flags (podman's)
SERVICE = ("--replace", "--service-container=true")


def pod_yaml(name: str, *codes: int, sleep: int = 1) -> str:
    """A pod whose containers each exit with one of ``codes`` after ``sleep`` s."""
    containers = "".join(
        f"""\
  - name: c{i}
    image: {IMAGE}
    command: [/bin/sh, -c, "sleep {sleep}; exit {code}"]
"""
        for i, code in enumerate(codes)
    )
    return f"""\
apiVersion: v1
kind: Pod
metadata: {{name: {name}}}
spec:
  restartPolicy: Never
  terminationGracePeriodSeconds: 0
  containers:
{containers}"""


@contextmanager
def served(
    hutch: Hutch, yaml_file: Path, *flags: str
) -> Iterator[tuple[socket.socket, subprocess.Popen[str]]]:
    """``kube play FLAGS YAML`` as a service manager starts it: a notify socket of the
    test's own in $NOTIFY_SOCKET (timeout 90 s); play is killed if still there after."""
    sock_path = yaml_file.parent / "notify.sock"
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as manager:
        manager.bind(str(sock_path))
        manager.settimeout(90)
        environ = {**hutch.env.environ(), "NOTIFY_SOCKET": str(sock_path)}
        play = subprocess.Popen(
            [str(hutch.binary), "kube", "play", *flags, str(yaml_file)],
            env=environ, cwd=hutch.env.home, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            yield manager, play
        finally:
            if play.poll() is None:
                play.kill()
                play.wait()
            sock_path.unlink()


@pytest.mark.parametrize(
    ("policy", "codes", "status"),
    [
        ("any", (0, 3), 3),  # one failed: the first failed container's code
        ("all", (0, 3), 0),  # not all of them failed
        ("all", (4, 3), 4),  # every one failed
        ("none", (4, 3), 0),
        ("", (4, 3), 0),  # empty is none, as podman parses it
        ("any", (0, 0), 0),
    ],
)
def test_play_exits_as_its_containers_did(
    hutch: Hutch, base_image: str, tmp_path: Path, policy: str, codes: tuple[int, ...], status: int
) -> None:
    yaml_file = tmp_path / "svc.yaml"
    yaml_file.write_text(pod_yaml("svc", *codes))
    result = hutch(
        "kube", "play", f"--service-exit-code-propagation={policy}", str(yaml_file),
        check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == status, result.stderr
    assert result.stdout.startswith("Pod:\n"), result.stdout
    # it returned only once every container had exited, each with its own code
    states = hutch(
        "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}", "svc-c0", "svc-c1"
    ).stdout.splitlines()
    assert states == [f"exited {c}" for c in codes], states
    hutch("kube", "down", str(yaml_file))


def test_play_says_ready_to_the_service_manager_and_stops_on_sigterm(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    # a service manager's notify socket: play (the main process) says MAINPID and
    # READY=1 once the pods run; the containers it starts say nothing to it
    yaml_file = tmp_path / "long.yaml"
    yaml_file.write_text(pod_yaml("long", 0, 7, sleep=1000))
    with served(hutch, yaml_file, "--service-exit-code-propagation=any") as (manager, play):
        message = manager.recv(4096).decode()
        assert message == f"MAINPID={play.pid}\nREADY=1", message
        running = hutch("ps", "--format", "{{.Names}}").stdout.split()
        assert {"long-c0", "long-c1"} <= set(running), running
        assert play.poll() is None  # it stays while the containers run
        manager.settimeout(0.5)
        with pytest.raises(TimeoutError):
            manager.recv(4096)  # nothing from the containers' monitors
        play.send_signal(signal.SIGTERM)
        out, err = play.communicate(timeout=30)
    # a stop is no failure: 0, the pods left to kube down (ExecStopPost)
    assert play.returncode == 0, err
    assert "Traceback" not in err
    assert out.startswith("Pod:\n")
    assert "long" in hutch("pod", "ps", "--format", "{{.Name}}").stdout.split()
    hutch("kube", "down", str(yaml_file))


def test_bad_values_are_refused_before_anything_is_made(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    yaml_file = tmp_path / "svc.yaml"
    yaml_file.write_text(pod_yaml("svc", 0))
    bad = hutch("kube", "play", "--service-exit-code-propagation=some", str(yaml_file), check=False)
    assert bad.returncode == 125 and 'unsupported exit-code propagation "some"' in bad.stderr
    created = hutch(
        "kube", "play", "--service-exit-code-propagation=any", "--start=false", str(yaml_file),
        check=False,
    )  # fmt: skip
    assert created.returncode == 125 and "needs the pods started" in created.stderr
    assert hutch("pod", "ps", "-q").stdout == ""


def test_play_waits_for_a_container_its_restart_policy_brings_back(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    # exits 1 on its first 4 runs, then runs: between an exit and the restart (the
    # monitor's back-off: 0.1, 0.2, 0.4, 0.8 s) play must not take it for stopped
    # and exit (its wait polls every 0.25 s: it sees at least one of them)
    yaml_file = tmp_path / "again.yaml"
    script = "n=$(cat /n || echo 0); echo $((n+1)) >/n; [ $n -ge 4 ] && exec sleep 1000; exit 1"
    yaml_file.write_text(f"""\
apiVersion: v1
kind: Pod
metadata: {{name: again}}
spec:
  restartPolicy: OnFailure
  terminationGracePeriodSeconds: 0
  containers:
  - name: c0
    image: {IMAGE}
    command: [/bin/sh, -c, "{script}"]
""")
    play = subprocess.Popen(
        [str(hutch.binary), "kube", "play", "--service-exit-code-propagation=any",
         str(yaml_file)],
        env=hutch.env.environ(), cwd=hutch.env.home, stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        # The fifth run stays (about 3 s in): play must still be there then, and a
        # second later (four of its polls), rather than after a fixed 15 s.
        shown = "{{.State.Status}} {{.RestartCount}}"
        deadline = time.monotonic() + 30
        state: list[str] = []
        while play.poll() is None and time.monotonic() < deadline:
            state = hutch("inspect", "--format", shown, "again-c0", check=False).stdout.split()
            if state == ["running", "4"]:
                break
            time.sleep(0.1)
        with pytest.raises(subprocess.TimeoutExpired):
            play.wait(timeout=1)  # still there well after the first run failed
        state = hutch("inspect", "--format", shown, "again-c0").stdout.split()
        assert state == ["running", "4"], state
        play.send_signal(signal.SIGTERM)
        _, err = play.communicate(timeout=30)
    finally:
        if play.poll() is None:
            play.kill()
            play.wait()
    assert play.returncode == 0, err
    hutch("kube", "down", str(yaml_file))


def test_service_container_stays_until_the_containers_exit(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    # the .kube unit's ExecStart (podman's --service-container=true): READY=1 once the
    # pods run, then play stays as the main process until every container exited, and
    # exits 0 whatever they did (no ExitCodePropagation: none)
    yaml_file = tmp_path / "svc.yaml"
    yaml_file.write_text(pod_yaml("sc", 0, 5, sleep=4))
    with served(hutch, yaml_file, *SERVICE) as (manager, play):
        message = manager.recv(4096).decode()
        assert message == f"MAINPID={play.pid}\nREADY=1", message
        states = hutch("inspect", "--format", "{{.State.Status}}", "sc-c0", "sc-c1").stdout
        assert states.split() == ["running", "running"], states
        assert play.poll() is None  # there while they run
        out, err = play.communicate(timeout=60)
    assert play.returncode == 0, err
    assert out.startswith("Pod:\n"), out
    shown = "{{.State.Status}} {{.State.ExitCode}}"
    states = hutch("inspect", "--format", shown, "sc-c0", "sc-c1").stdout.splitlines()
    assert states == ["exited 0", "exited 5"], states  # it left only after both exited
    hutch("kube", "down", str(yaml_file))


def test_service_container_stop_ends_play_with_0(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    yaml_file = tmp_path / "long.yaml"
    yaml_file.write_text(pod_yaml("lsc", 3, sleep=1000))
    with served(hutch, yaml_file, *SERVICE) as (manager, play):
        assert manager.recv(4096).decode() == f"MAINPID={play.pid}\nREADY=1"
        with pytest.raises(subprocess.TimeoutExpired):
            play.wait(timeout=3)
        play.send_signal(signal.SIGTERM)  # systemd's stop (KillMode=mixed: play alone)
        _, err = play.communicate(timeout=30)
    assert play.returncode == 0, err
    assert "Traceback" not in err
    # then the unit's ExecStopPost: kube down removes the pod
    down = hutch("kube", "down", str(yaml_file))
    assert "lsc" not in hutch("pod", "ps", "--format", "{{.Name}}").stdout.split(), down.stdout
    refused = hutch(
        "kube", "play", "--service-container", "--start=false", str(yaml_file), check=False
    )
    assert refused.returncode == 125 and "needs the pods started" in refused.stderr


def test_the_kube_unit_is_podmans_shape_and_systemd_accepts_it(
    hutch: Hutch, tmp_path: Path
) -> None:
    """hutch-quadlet's .kube services (with and without ExitCodePropagation=) through
    ``systemd-analyze verify`` (offline: the host has no systemd running; it checks
    keys, values and the ExecStart binary)."""
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze (Debian's systemd) not found"
    units = tmp_path / "units"
    units.mkdir()
    (tmp_path / "web.yaml").write_text(pod_yaml("web", 0))
    (units / "web.kube").write_text(
        f"[Kube]\nYaml={tmp_path}/web.yaml\nExitCodePropagation=any\n\n"
        "[Install]\nWantedBy=default.target\n"
    )
    (units / "plain.kube").write_text(f"[Kube]\nYaml={tmp_path}/web.yaml\n")
    quadlet = hutch.binary.parent / "hutch-quadlet"
    dry = subprocess.run(
        [str(quadlet), "-dryrun", "-user"],
        env={**hutch.env.environ(), "QUADLET_UNIT_DIRS": str(units)},
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    out = tmp_path / "out"
    out.mkdir()
    texts: dict[str, str] = {}
    for part in ("\n" + dry.stdout).split("\n---")[1:]:
        name, _, text = part.partition("---\n")
        texts[name] = text
    assert sorted(texts) == ["plain.service", "web.service"], dry.stdout
    for name, text in texts.items():
        service = dict(
            line.split("=", 1)
            for line in text.split("[Service]\n")[1].split("\n\n")[0].splitlines()
        )
        assert (service["Type"], service["NotifyAccess"], service["KillMode"]) == (
            "notify", "all", "mixed"
        ), text  # fmt: skip
        assert " kube play --replace --service-container=true " in service["ExecStart"]
        assert service["ExecStopPost"].endswith(f" kube down {tmp_path}/web.yaml")
        assert "ExecStop" not in service
        (out / name).write_text(text)
    verified = subprocess.run(
        [analyze, "verify", "web.service", "plain.service"],
        cwd=out, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (verified.returncode, verified.stdout + verified.stderr) == (0, ""), verified
