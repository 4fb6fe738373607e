"""Pod verbs take --latest (the pod created last) and start/stop/rm --pod-id-file, with
podman's rules for combining them and its words, side by side with Debian's podman
4.3.1 (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.mark.parametrize(
    "argv",
    [
        ("pod", "start", "-l"),
        ("pod", "stop", "-l"),
        ("pod", "kill", "-l"),
        ("pod", "pause", "-l"),
        ("pod", "restart", "-l"),
        ("pod", "inspect", "-l"),
        ("pod", "logs", "-l"),
        ("pod", "start", "-a", "x"),
        ("pod", "start", "-l", "x"),
        ("pod", "stop", "-a", "-l"),
        ("pod", "rm", "-a", "x"),
        ("pod", "start", "--pod-id-file", "/nonexistent/id"),
        ("pod", "stop", "--pod-id-file", "/nonexistent/id", "x"),
        ("pod", "rm", "-l", "--pod-id-file", "/nonexistent/id"),
        ("pod", "inspect", "-l", "x"),
        ("pod", "inspect"),
        ("pod", "logs", "-l", "x"),
        ("pod", "logs"),
        ("pod", "top"),
        ("network", "reload"),
        ("network", "reload", "-a", "x"),
        ("network", "reload", "-l", "x"),
        ("network", "reload", "-a", "-l"),
    ],
    ids=" ".join,
)
def test_pod_selection_words_as_podman(hutch: Hutch, podman: Run, argv: tuple[str, ...]) -> None:
    code, out, err = both(hutch, podman, *argv)
    assert code == 125 and out == "" and err.startswith("Error: ")


def test_pod_ps_ns_and_latest_as_podman(hutch: Hutch, podman: Run) -> None:
    """pod ps --ns has podman's two more columns; -l of no pod lists none."""
    assert both(hutch, podman, "pod", "ps", "--ns")[1].split() == [
        "POD", "ID", "NAME", "STATUS", "CREATED", "INFRA", "ID", "CGROUP", "NAMESPACES",
        "#", "OF", "CONTAINERS",
    ]  # fmt: skip
    assert both(hutch, podman, "pod", "ps", "-l", "-q") == (125, "", "Error: no such pod\n")


def test_latest_and_pod_id_file_choose_the_pod(hutch: Hutch, tmp_path: Path) -> None:
    first, second = tmp_path / "first.id", tmp_path / "second.id"
    hutch("pod", "create", "--name", "older", "--pod-id-file", str(first))
    hutch("pod", "create", "--name", "newer", "--pod-id-file", str(second))
    newer = second.read_text().strip()
    try:
        shown = hutch("pod", "inspect", "-l", "--format", "{{.Name}}").stdout
        assert shown == "newer\n"
        assert hutch("pod", "start", "-l").stdout == newer + "\n"
        running = "{{.Name}} {{.State}}"
        assert hutch("pod", "inspect", "--format", running, "newer").stdout == "newer Running\n"
        top = hutch("pod", "top", "-l", "pid", "comm").stdout.splitlines()
        assert top[0].split() == ["PID", "COMMAND"] and len(top) >= 2
        assert hutch("pod", "stop", "--pod-id-file", str(second), "-t", "0").stdout == newer + "\n"
        # --pod-id-file more than once: each file's pod
        started = hutch("pod", "start", "--pod-id-file", str(first), "--pod-id-file", str(second))
        assert sorted(started.stdout.split()) == sorted([first.read_text().strip(), newer])
        assert hutch("pod", "rm", "-f", "-l", "-t", "0").stdout == newer + "\n"
        assert hutch("pod", "inspect", "-l", "--format", "{{.Name}}").stdout == "older\n"
        assert hutch("pod", "ps", "-l", "--format", "{{.Name}}").stdout == "older\n"
        hutch("pod", "rm", "-f", "-t", "0", "--pod-id-file", str(first))
        gone = hutch("pod", "rm", "-l", check=False)
        assert (gone.returncode, gone.stderr) != (0, "")
        assert "no such pod" in gone.stderr
    finally:
        hutch("pod", "rm", "-f", "-a", "-t", "0")


def test_a_no_hosts_pods_members_get_no_hosts_file(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    """pod create --no-hosts: the members share the infra's network, and none of them
    gets an /etc/hosts from the tool (the image here has none), as in podman."""
    for run in (hutch, podman):
        assert run("pod", "create", "--no-hosts", "--name", "nohosts").returncode == 0
    try:
        ours = hutch("run", "--rm", "--pod", "nohosts", base_image, "cat", "/etc/hosts",
                     check=False)  # fmt: skip
        theirs = podman("run", "--rm", "--pod", "nohosts", "base", "cat", "/etc/hosts")
        assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout) == (1, "")
    finally:
        hutch("pod", "rm", "-f", "nohosts")
        podman("pod", "rm", "-f", "nohosts")


def test_infra_image_runs_its_own_command(hutch: Hutch, base_image: str) -> None:
    """pod create --infra-image: the infra runs that image, its own command unless
    --infra-command gives one."""
    hutch("create", "--name", "pauser", base_image, "true")
    hutch("commit", "-q", "--change", 'CMD ["sleep", "600"]', "pauser", "localhost/mypause")
    try:
        hutch("pod", "create", "--name", "custom", "--infra-image", "localhost/mypause")
        hutch("pod", "start", "custom")
        fmt = "{{.Image}} {{.Command}} {{.State}}"
        shown = hutch("ps", "-a", "--filter", "pod=custom", "--format", fmt).stdout.split()
        assert shown[0] == "localhost/mypause:latest"
        assert "running" in shown  # .State is the state's name, as current podman's
        assert "sleep 600" in " ".join(shown)
    finally:
        hutch("pod", "rm", "-f", "-t", "0", "custom")
        hutch("rm", "-f", "pauser")
        hutch("rmi", "-f", "localhost/mypause")


def test_init_containers_run_always_or_once(hutch: Hutch, base_image: str) -> None:
    """create --init-ctr: pod start runs the init containers first; always at each
    start, once at the first only, then it is removed (podman's rule)."""
    hutch("pod", "create", "--name", "inits")
    try:
        for kind in ("always", "once"):
            hutch(
                "create", "--pod", "inits", "--init-ctr", kind, "--name", f"init-{kind}",
                "-v", "initlog:/data", base_image, "sh", "-c", f"echo {kind} >> /data/log",
            )  # fmt: skip
        hutch("create", "--pod", "inits", "--name", "app", "-v", "initlog:/data", base_image,
              "sleep", "600")  # fmt: skip
        hutch("pod", "start", "inits")
        hutch("pod", "stop", "-t", "0", "inits")
        hutch("pod", "start", "inits")
        log = hutch("exec", "app", "cat", "/data/log").stdout.split()
        assert sorted(log) == ["always", "always", "once"]
        assert hutch("container", "exists", "init-once", check=False).returncode == 1
        assert hutch("container", "exists", "init-always", check=False).returncode == 0
        refused = hutch("create", "--init-ctr", "once", base_image, "true", check=False)
        assert (refused.returncode, refused.stderr) == (
            125,
            "Error: must specify pod value with init-ctr\n",
        )
    finally:
        hutch("pod", "rm", "-f", "-t", "0", "inits")
        hutch("volume", "rm", "-f", "initlog", check=False)
