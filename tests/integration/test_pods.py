"""Pods for real (issue 18): members talk over localhost, ports are published on the
pod, pod stop/start/rm -f act on every member, --exit-policy stop, and pod inspect
in the shape of Debian's podman 4.3.1 (the peer, rootless with its own store).

One hutch environment and one pod serve the module (the CI budget): the tests run
in file order, each leaving the pod as the next one expects it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch
from module_hutch import module_hutch
from ports import free_port

Completed = subprocess.CompletedProcess[str]
HTTPD = "echo member-says-hi > /tmp/index.html && exec httpd -f -p 80 -h /tmp"


def _get(url: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=3) as r:
                return str(r.read().decode())
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def hutch(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Hutch]:
    yield from module_hutch(tmp_path_factory, "pods", rootfs_tar)


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def pod(hutch: Hutch, port: int) -> str:
    """Pod "web" publishing PORT:80, with member "srv" (busybox httpd on port 80)."""
    hutch("pod", "create", "--name", "web", "-p", f"{port}:80", "--label", "app=web")
    hutch("run", "-d", "--pod", "web", "--name", "srv", "base", "sh", "-c", HTTPD)
    return "web"


def _states(hutch: Hutch, pod: str) -> dict[str, str]:
    out = hutch(
        "pod", "inspect", "--format", "{{range .Containers}}{{.Name}}={{.State}} {{end}}", pod
    )
    return dict(item.split("=") for item in out.stdout.split())


def test_members_talk_over_localhost_and_share_the_pod(hutch: Hutch, pod: str) -> None:
    got = hutch("run", "--rm", "--pod", pod, "base", "wget", "-qO-", "http://localhost:80/")
    assert got.stdout == "member-says-hi\n"
    # uts and ipc are the pod's too: the host name is the pod's, the ipc namespace one
    assert hutch("run", "--rm", "--pod", pod, "base", "hostname").stdout == "web\n"
    ipc = "readlink /proc/self/ns/ipc"
    theirs = hutch("exec", "srv", "sh", "-c", ipc).stdout
    ours = hutch("run", "--rm", "--pod", pod, "base", "sh", "-c", ipc).stdout
    assert ours == theirs and ours.startswith("ipc:[")
    alone = hutch("run", "--rm", "base", "sh", "-c", ipc).stdout
    assert alone != ours


def test_members_reach_each_other_by_name(hutch: Hutch, pod: str) -> None:
    # as podman 4.3.1: the pod's /etc/hosts lists each running member as 127.0.0.1
    script = "wget -qO- http://srv:80/ && grep -cx '127.0.0.1.peer' /etc/hosts"
    got = hutch("run", "--rm", "--pod", pod, "--name", "peer", "base", "sh", "-c", script)
    assert got.stdout == "member-says-hi\n1\n"
    # and takes a member out when it exits (its monitor does, after run has returned)
    deadline = time.monotonic() + 30
    while "127.0.0.1\tpeer" in (hosts := hutch("exec", "srv", "cat", "/etc/hosts").stdout):
        assert time.monotonic() < deadline, hosts
        time.sleep(0.1)
    assert "127.0.0.1\tsrv" in hosts.splitlines()


def test_the_pods_published_port_reaches_the_member_that_listens(port: int, pod: str) -> None:
    assert _get(f"http://127.0.0.1:{port}/") == "member-says-hi\n"


def test_ps_top_logs_and_pause_see_the_pods_members(hutch: Hutch, pod: str) -> None:
    fmt = "{{.Names}} {{.PodName}} {{.IsInfra}}"
    rows = hutch("ps", "--pod", "--filter", f"pod={pod}", "--format", fmt).stdout.splitlines()
    assert sorted(rows)[-1] == "srv web false" and any(r.endswith("web true") for r in rows)
    top = hutch("pod", "top", pod, "args").stdout.splitlines()
    assert top[0].split() == ["COMMAND"]
    assert {"/catatonit -P", "httpd -f -p 80 -h /tmp"} <= {line.strip() for line in top[1:]}
    srv = hutch("inspect", "--format", "{{.Id}}", "srv").stdout.strip()
    # container inspect's pod fields as podman's: the pod, the infra as a dependency
    pod_id, infra = hutch(
        "pod", "inspect", "--format", "{{.Id}} {{.InfraContainerID}}", pod
    ).stdout.split()
    fmt = "{{.Pod}} {{json .Dependencies}} {{.IsInfra}}"
    assert hutch("inspect", "--format", fmt, "srv", infra).stdout.splitlines() == [
        f'{pod_id} ["{infra}"] false',
        f"{pod_id} [] true",
    ]
    hutch("exec", "srv", "sh", "-c", "echo to-the-log > /proc/1/fd/1")
    assert f"{srv[:12]} to-the-log" in hutch("pod", "logs", pod).stdout.splitlines()
    assert "srv to-the-log" in hutch("pod", "logs", "--names", pod).stdout.splitlines()
    hutch("pod", "pause", pod)
    assert set(_states(hutch, pod).values()) == {"paused"}
    hutch("pod", "unpause", pod)
    assert set(_states(hutch, pod).values()) == {"running"}


def test_a_member_cannot_publish_nor_the_infra_go_alone(hutch: Hutch, pod: str) -> None:
    before = hutch("ps", "-aq").stdout
    bad = hutch("run", "--pod", pod, "-p", "9999:80", "base", "true", check=False)
    assert bad.returncode == 125
    assert bad.stderr == (
        "Error: invalid config provided: published or exposed ports must be defined when "
        "the pod is created: network cannot be configured when it is shared with a pod\n"
    )
    assert hutch("ps", "-aq").stdout == before  # nothing half-created
    infra = hutch("pod", "inspect", "--format", "{{.InfraContainerID}}", pod).stdout.strip()
    refused = hutch("rm", "-f", infra, check=False)
    assert refused.returncode == 125
    pod_id = hutch("pod", "inspect", "--format", "{{.Id}}", pod).stdout.strip()
    assert f"{infra} is the infra container of pod {pod_id}" in refused.stderr
    taken = hutch("pod", "create", "--name", "srv", check=False)
    assert (taken.returncode, taken.stderr) == (
        125,
        'Error: adding pod to state: name "srv" is in use: container already exists\n',
    )
    assert hutch("pod", "ps", "-q").stdout.count("\n") == 1


def test_pod_stop_and_start_act_on_every_member(hutch: Hutch, port: int, pod: str) -> None:
    pod_id = hutch("pod", "stop", "-t", "0", pod).stdout.strip()
    assert len(pod_id) == 64
    assert set(_states(hutch, pod).values()) == {"exited"}
    assert hutch("pod", "ps", "--format", "{{.Status}}").stdout == "Exited\n"
    assert hutch("pod", "start", pod).stdout.strip() == pod_id
    assert set(_states(hutch, pod).values()) == {"running"}
    assert _get(f"http://127.0.0.1:{port}/") == "member-says-hi\n"


def test_exit_policy_stop_stops_the_pod_after_its_last_member(hutch: Hutch) -> None:
    hutch("pod", "create", "--name", "job", "--exit-policy", "stop")
    hutch("run", "-d", "--pod", "job", "--name", "short", "base", "sleep", "1")
    hutch("run", "-d", "--pod", "job", "--name", "long", "base", "sleep", "300")
    deadline = time.monotonic() + 20
    while _states(hutch, "job")["short"] != "exited" and time.monotonic() < deadline:
        time.sleep(0.2)
    states = _states(hutch, "job")
    assert states["short"] == "exited" and states["long"] == "running"
    assert hutch("pod", "inspect", "--format", "{{.State}}", "job").stdout == "Degraded\n"
    hutch("kill", "long")  # the last member: the pod stops
    deadline = time.monotonic() + 30
    while hutch("pod", "inspect", "--format", "{{.State}}", "job").stdout != "Exited\n":
        assert time.monotonic() < deadline, _states(hutch, "job")
        time.sleep(0.2)
    assert hutch("pod", "rm", "job").returncode == 0  # nothing runs: no -f needed


def test_a_pod_on_the_hosts_network_runs_its_members(hutch: Hutch) -> None:
    # the member asks for the host's network itself: it cannot join it through the infra
    hutch("pod", "create", "--name", "onhost", "--network", "host")
    args = ("run", "--rm", "--pod", "onhost", "--name", "on-host", "base", "cat", "/etc/hosts")
    got = hutch(*args, check=False)
    assert got.returncode == 0, got.stderr
    assert "on-host" not in got.stdout  # podman lists no member on the host's network
    hutch("pod", "rm", "-f", "-t", "0", "onhost")


def test_a_pod_has_the_address_and_alias_it_was_given(hutch: Hutch) -> None:
    # pod create --ip/--network-alias (Quadlet's IP=, NetworkAlias=): the infra's,
    # which the members share
    hutch("network", "create", "--subnet", "10.89.55.0/24", "podnet")
    hutch("pod", "create", "--name", "addr", "--network", "podnet", "--ip", "10.89.55.7",
          "--network-alias", "shop")  # fmt: skip
    mine = hutch("run", "--rm", "--pod", "addr", "base", "ip", "-4", "-o", "addr", "show")
    assert "10.89.55.7/24" in mine.stdout, mine.stdout
    seen = hutch("run", "--rm", "--network", "podnet", "base", "nslookup", "shop").stdout
    assert "Address: 10.89.55.7" in seen, seen
    hutch("pod", "rm", "-f", "-t", "0", "addr")
    hutch("network", "rm", "podnet")


def _commands(hutch: Hutch, member: str) -> dict[str, int]:
    """The processes ``ps`` shows in a member: command line -> pid."""
    lines = hutch("exec", member, "ps", "-o", "pid,args").stdout.splitlines()[1:]
    return {line.split(None, 1)[1]: int(line.split()[0]) for line in lines}


def test_a_pod_sharing_pid_shows_each_member_the_others(hutch: Hutch) -> None:
    hutch("pod", "create", "--name", "pids", "--share", "+pid")
    hutch("run", "-d", "--pod", "pids", "--name", "one", "base", "sleep", "1001")
    hutch("run", "-d", "--pod", "pids", "--name", "two", "base", "sleep", "1002")
    hutch("exec", "-d", "one", "sleep", "1003")  # exec'd: one's too
    seen = _commands(hutch, "two")
    # the infra's catatonit is PID 1 of the pod (podman 4.3.1 shows the same)
    assert seen["/catatonit -P"] == 1
    assert {"sleep 1001", "sleep 1002", "sleep 1003"} <= set(seen)
    # stop ends one's processes, exec'd ones included (its pid namespace does not
    # take them along: its monitor kills them); the other member runs on
    hutch("stop", "-t", "0", "one")
    seen = _commands(hutch, "two")
    assert "sleep 1002" in seen and not {"sleep 1001", "sleep 1003"} & set(seen)
    hutch("pod", "stop", "-t", "0", "pids")
    hutch("pod", "rm", "pids")  # no -f: nothing runs any more


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def _wait_gone(pid: int, what: str) -> None:
    deadline = time.monotonic() + 30
    while _running(pid):
        assert time.monotonic() < deadline, f"{what} (pid {pid}) is still there"
        time.sleep(0.02)


def test_what_a_killed_members_monitor_left_goes_at_pod_stop(hutch: Hutch) -> None:
    # in a pod sharing pid a member has no pid namespace to end with its monitor:
    # its init dies with the monitor, what it started is found by its mount
    # namespace's id and killed by the next stop
    hutch("pod", "create", "--name", "orphans", "--share", "+pid")
    script = "sleep 1005 & exec sleep 1006"
    hutch("run", "-d", "--pod", "orphans", "--name", "parent", "base", "sh", "-c", script)
    state = json.loads(hutch("inspect", "parent").stdout)[0]["State"]
    init, monitor = state["Pid"], state["ConmonPid"]
    mnt = os.readlink(f"/proc/{init}/ns/mnt")
    children = [
        int(entry.name)
        for entry in Path("/proc").iterdir()
        if entry.name.isdigit()
        and _read(entry / "cmdline") == b"sleep\x001005\x00"
        and _link(entry / "ns" / "mnt") == mnt
    ]
    assert len(children) == 1, children
    os.kill(monitor, signal.SIGKILL)
    _wait_gone(init, "the init of a member whose monitor was killed")
    assert _running(children[0])  # left behind in the pod, until:
    hutch("pod", "stop", "-t", "0", "orphans")
    _wait_gone(children[0], "what the init had started")
    hutch("pod", "rm", "orphans")


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def _link(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:
        return ""


def test_a_pod_with_a_user_namespace_has_its_members_share_it(hutch: Hutch) -> None:
    # --userns keep-id on the pod: the infra makes it, each member joins it (podman:
    # the members run as the user, in one namespace)
    hutch("pod", "create", "--name", "mine", "--userns", "keep-id")
    hutch("run", "-d", "--pod", "mine", "--name", "keeper", "base", "sleep", "1004")
    script = "id -u; readlink /proc/self/ns/user"
    theirs = hutch("exec", "keeper", "sh", "-c", script).stdout.split()
    ours = hutch("run", "--rm", "--pod", "mine", "base", "sh", "-c", script).stdout.split()
    assert ours == theirs and ours[0] == str(os.getuid()) and ours[1].startswith("user:[")
    hutch("pod", "rm", "-f", "-t", "0", "mine")


def test_a_pod_with_a_uid_map_has_its_members_see_the_map(hutch: Hutch) -> None:
    # pod create --uidmap/--gidmap (podman's): the infra's user namespace with these
    # maps, which each member joins; its ids are the session's (0 the user, 1.. the range)
    hutch("pod", "create", "--name", "mapped", "--uidmap", "0:1:2000", "--gidmap", "0:1:3000")
    hutch("run", "-d", "--pod", "mapped", "--name", "holder", "base", "sleep", "1006")
    script = "cat /proc/self/uid_map /proc/self/gid_map; id -u; readlink /proc/self/ns/user"
    theirs = hutch("exec", "holder", "sh", "-c", script).stdout.split()
    ours = hutch("run", "--rm", "--pod", "mapped", "base", "sh", "-c", script).stdout.split()
    assert ours == theirs, (ours, theirs)
    assert ours[:7] == ["0", "1", "2000", "0", "1", "3000", "0"] and ours[7].startswith("user:[")
    # the pod's /etc/hosts, which lists its members, though the user is not mapped
    hosts = hutch("run", "--rm", "--pod", "mapped", "base", "cat", "/etc/hosts").stdout
    assert "holder" in hosts.split(), hosts
    infra = hutch("pod", "inspect", "--format", "{{.InfraContainerID}}", "mapped").stdout.strip()
    assert hutch("inspect", "--format", "{{.State.Pid}}", infra).stdout.strip() != "0"
    # shown as podman 4.3.1 shows them: "user" shared, the maps in the infra's HostConfig
    pod = json.loads(hutch("pod", "inspect", "mapped").stdout)
    assert pod["SharedNamespaces"][0] == "user" and pod["InfraConfig"]["userns"] == "private"
    host = json.loads(hutch("inspect", infra).stdout)[0]["HostConfig"]
    assert host["UsernsMode"] == "private"
    assert host["IDMappings"] == {"UidMap": ["0:1:2000"], "GidMap": ["0:1:3000"]}
    # a clone keeps the maps; or takes its own
    hutch("pod", "clone", "--start", "mapped")
    kept = hutch("run", "--rm", "--pod", "mapped-clone", "base", "cat", "/proc/self/uid_map")
    assert kept.stdout.split() == ["0", "1", "2000"], kept.stdout
    assert hutch("exec", "holder-clone", "cat", "/proc/self/gid_map").stdout.split() == [
        "0",
        "1",
        "3000",
    ]
    hutch("pod", "clone", "--name", "remapped", "--uidmap", "0:1:500", "mapped-clone")
    own = hutch("run", "--rm", "--pod", "remapped", "base", "cat", "/proc/self/uid_map")
    assert own.stdout.split() == ["0", "1", "500"], own.stdout
    bad = hutch("pod", "clone", "--destroy", "--uidmap", "0:x", "mapped", check=False)
    assert bad.returncode == 125 and hutch("pod", "exists", "mapped").returncode == 0
    hutch("pod", "rm", "-f", "-t", "0", "mapped", "mapped-clone", "remapped")
    # a map the session does not have is refused before anything exists
    bad = hutch("pod", "create", "--name", "toowide", "--uidmap", "0:1:99999999", check=False)
    assert bad.returncode == 125 and "impossible --uidmap 0:1:99999999" in bad.stderr
    assert hutch("pod", "exists", "toowide", check=False).returncode == 1
    # a member with maps of its own is refused in it
    hutch("pod", "create", "--name", "mapped", "--uidmap", "0:1:2000")
    own = hutch("run", "--rm", "--pod", "mapped", "--uidmap", "0:1:10", "base", "true", check=False)
    assert own.returncode == 125 and "--userns and --pod cannot be set together" in own.stderr
    hutch("pod", "rm", "-f", "-t", "0", "mapped")


def test_a_nomap_pod_gives_its_members_the_pods_hosts_file(hutch: Hutch) -> None:
    # --userns nomap leaves the user unmapped too: the members reach the pod's
    # /etc/hosts through links in their own directories (the infra's is the user's)
    hutch("pod", "create", "--name", "nomap", "--userns", "nomap")
    hutch("run", "-d", "--pod", "nomap", "--name", "first", "base", "sleep", "1007")
    script = "cat /etc/hosts; cat /proc/self/uid_map"
    out = hutch("run", "--rm", "--pod", "nomap", "base", "sh", "-c", script).stdout.split()
    assert "first" in out and out[-3:-1] == ["0", "1"], out
    hutch("pod", "rm", "-f", "-t", "0", "nomap")


@pytest.mark.parametrize("userns", ["host", "keep-id"])
def test_members_share_the_pods_dev_shm_of_its_size(hutch: Hutch, userns: str) -> None:
    # podman's: members sharing the pod's ipc namespace mount the infra's /dev/shm,
    # which pod create --shm-size sizes (with a user namespace too: the clone of
    # the infra's mount is made from inside the pod's user namespace)
    hutch("pod", "create", "--name", "shm", "--shm-size", "2m", "--userns", userns)
    hutch("run", "-d", "--pod", "shm", "--name", "writer", "base",
          "sh", "-c", "echo shared > /dev/shm/note; exec sleep 1005")  # fmt: skip
    script = "cat /dev/shm/note; df -k /dev/shm | tail -1"
    seen = hutch("run", "--rm", "--pod", "shm", "base", "sh", "-c", script).stdout.split()
    assert (seen[0], seen[2]) == ("shared", "2048"), seen  # the note, 1K-blocks
    hutch("pod", "rm", "-f", "-t", "0", "shm")
    # a pod that does not share ipc: each member has a /dev/shm of its own
    hutch("pod", "create", "--name", "shm", "--share", "net")
    hutch("run", "-d", "--pod", "shm", "--name", "writer", "base",
          "sh", "-c", "echo shared > /dev/shm/note; exec sleep 1005")  # fmt: skip
    alone = hutch("run", "--rm", "--pod", "shm", "base", "ls", "/dev/shm").stdout
    assert alone.split() == []
    hutch("pod", "rm", "-f", "-t", "0", "shm")


def test_pod_rm_refuses_running_members_then_force_removes_them_all(hutch: Hutch, pod: str) -> None:
    refused = hutch("pod", "rm", pod, check=False)
    assert refused.returncode == 2 and "cannot be removed without force" in refused.stderr
    assert len(hutch("ps", "-aq").stdout.split()) == 2
    hutch("pod", "rm", "-f", "-t", "0", pod)
    assert hutch("ps", "-aq").stdout == "" and hutch("pod", "ps", "-q").stdout == ""
    missing = hutch("pod", "rm", pod, check=False)
    assert (missing.returncode, missing.stderr) == (
        1,
        "Error: no pod with name or ID web found: no such pod\n",
    )
    assert hutch("pod", "exists", pod, check=False).returncode == 1


def test_a_failed_pod_create_leaves_nothing(hutch: Hutch) -> None:
    bad = hutch("pod", "create", "--name", "broken", "-p", "notaport", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: ")
    assert len(bad.stderr.splitlines()) <= 2
    assert hutch("pod", "ps", "-q").stdout == "" and hutch("ps", "-aq").stdout == ""
    # pod limits: refused with the reason run gives on a host without delegated cgroups
    limited = hutch("pod", "create", "--name", "limited", "--memory", "64m", check=False)
    ran = hutch("run", "--rm", "--memory", "64m", "base", "true", check=False)
    assert limited.returncode == 125 and limited.stderr == ran.stderr
    assert hutch("pod", "ps", "-q").stdout == "" and hutch("ps", "-aq").stdout == ""


def _members(hutch: Hutch, pod: str) -> dict[str, str]:
    """Name -> "ID STATE" of each member of ``pod`` but its infra."""
    fmt = "{{range .Containers}}{{.Name}}={{.Id}}:{{.State}} {{end}}"
    out = hutch("pod", "inspect", "--format", fmt, pod).stdout.split()
    members = dict(item.split("=") for item in out)
    return {k: v for k, v in members.items() if not k.endswith("-infra")}


def test_pod_clone_destroy_makes_the_clone_before_it_removes_the_original(
    hutch: Hutch, tmp_path: Path
) -> None:
    port = free_port()
    env_file = tmp_path / "site.env"
    env_file.write_text("GREETING=clone-says-hi\n")
    site = "echo $GREETING > /tmp/index.html && exec httpd -f -p 80 -h /tmp"
    hutch("pod", "create", "--name", "orig", "-p", f"{port}:80")
    given = ("--env-file", str(env_file))
    # --stop-timeout 1: --destroy stops them (httpd and sleep, pid 1, ignore SIGTERM)
    # in 1 s, not 10
    quick = ("--stop-timeout", "1")
    hutch("run", "-d", "--pod", "orig", "--name", "site", *given, *quick, "base", "sh", "-c", site)
    hutch("run", "-d", "--pod", "orig", "--name", "idle", *quick, "base", "sleep", "1007")
    assert _get(f"http://127.0.0.1:{port}/") == "clone-says-hi\n"
    before = _members(hutch, "orig")
    assert before["site"].endswith(":running") and before["idle"].endswith(":running")
    pod_id = hutch("pod", "inspect", "--format", "{{.Id}}", "orig").stdout
    # A clone that fails once the new pod exists (site's --env-file, read again for
    # its copy, is gone) is removed again, and the original is left as it was:
    # removing the original first, as before, lost it here.
    env_file.unlink()
    bad = hutch("pod", "clone", "--destroy", "orig", check=False)
    assert bad.returncode == 125 and str(env_file) in bad.stderr, bad.stderr
    assert hutch("pod", "inspect", "--format", "{{.Id}}", "orig").stdout == pod_id
    assert _members(hutch, "orig") == before
    assert hutch("pod", "exists", "orig-clone", check=False).returncode == 1
    names = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert names.count("site") == 1 and not [n for n in names if "clone" in n], names
    # The clone is made while the original runs and holds the pod's host port, then
    # the original goes; podman's names: POD-clone, CONTAINER-clone.
    env_file.write_text("GREETING=clone-says-hi\n")
    hutch("pod", "clone", "--destroy", "--start", "orig")
    assert hutch("pod", "exists", "orig", check=False).returncode == 1
    assert sorted(_members(hutch, "orig-clone")) == ["idle-clone", "site-clone"]
    assert _get(f"http://127.0.0.1:{port}/") == "clone-says-hi\n"
    # a clone of the clone counts on, as podman's names do (without --destroy the
    # host port is refused while a running pod holds it: stopped first)
    hutch("pod", "stop", "-t", "0", "orig-clone")
    hutch("pod", "clone", "orig-clone")
    assert sorted(_members(hutch, "orig-clone1")) == ["idle-clone1", "site-clone1"]
    hutch("pod", "rm", "-f", "-t", "0", "orig-clone", "orig-clone1")


def test_pod_clone_takes_the_flags_of_pod_create(hutch: Hutch, tmp_path: Path) -> None:
    # podman's pod clone flags that pod create has (one declaration for both)
    data = tmp_path / "data"
    data.mkdir()
    (data / "f").write_text("for-the-clone\n")
    hutch("pod", "create", "--name", "src", "--shm-size", "2m", "-v", f"{tmp_path}:/data")
    hutch("run", "-d", "--pod", "src", "--name", "keep", "base", "sleep", "1008")
    before = _members(hutch, "src")
    # limits are refused in pod create's words here (no delegated cgroup v2), and the
    # refused clone leaves nothing behind
    created = hutch("pod", "create", "--name", "limited", "--memory", "64m", check=False)
    cloned = hutch("pod", "clone", "--memory", "64m", "src", check=False)
    assert cloned.returncode == created.returncode == 125, cloned.stderr
    assert cloned.stderr == created.stderr
    assert hutch("pod", "exists", "src-clone", check=False).returncode == 1
    assert _members(hutch, "src") == before
    # the clone's name as podman's second argument; its infra's name, /dev/shm size
    # and a volume at the original's path, which it replaces
    flags = ("--infra-name", "copy-infra", "--shm-size", "4m", "-v", f"{data}:/data:ro")
    hutch("pod", "clone", "--start", *flags, "src", "copy")
    fmt = "{{range .Containers}}{{.Name}} {{end}}"
    assert sorted(hutch("pod", "inspect", "--format", fmt, "copy").stdout.split()) == [
        "copy-infra",
        "keep-clone",
    ]
    script = "cat /data/f; df -k /dev/shm | tail -1"
    seen = hutch("exec", "keep-clone", "sh", "-c", script).stdout.split()
    assert (seen[0], seen[2]) == ("for-the-clone", "4096"), seen
    hutch("pod", "rm", "-f", "-t", "0", "src", "copy")


# ---- pod inspect next to podman 4.3.1 ------------------------------------------------


@pytest.fixture(scope="module")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Completed]]:
    binary = shutil.which("podman")
    assert binary is not None, "podman not found (contrib/setup-host.sh installs it)"
    home = tmp_path_factory.mktemp("podman-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "LC_ALL": "C.UTF-8",
    }

    def run(*args: str) -> Completed:
        return subprocess.run(
            [binary, *args], capture_output=True, text=True, timeout=120, env=env, check=True
        )

    yield run
    with contextlib.suppress(subprocess.CalledProcessError, subprocess.TimeoutExpired):
        run("pod", "rm", "-af")
    pause = runtime / "libpod" / "tmp" / "pause.pid"
    if pause.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pause.read_text().strip()), signal.SIGKILL)
    subprocess.run(["chmod", "-R", "u+rwX", str(home)], check=False)


def _shape(value: Any) -> Any:
    """Keys and JSON types, recursively (values differ between the tools)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(value[0])] if value else []
    return type(value).__name__


def test_pod_inspect_has_podmans_shape(
    hutch: Hutch, podman: Callable[..., Completed], tmp_path: Path
) -> None:
    args = ("pod", "create", "--name", "shape", "-p", "8089:80", "--label", "a=b")
    hutch(*args)
    podman(*args)
    ours = json.loads(hutch("pod", "inspect", "shape").stdout)
    theirs = json.loads(podman("pod", "inspect", "shape").stdout)
    # podman fills its cgroup parent; hutch has no pod cgroup on this host (empty strings)
    assert list(ours) == list(theirs)
    assert _shape(ours) == _shape(theirs)
    for key in ("Name", "ExitPolicy", "State", "Hostname", "Labels"):
        assert ours[key] == theirs[key], key
    # podman lists them in Go's map order, which changes from run to run
    assert sorted(ours["SharedNamespaces"]) == sorted(theirs["SharedNamespaces"])
    assert ours["InfraConfig"]["PortBindings"] == theirs["InfraConfig"]["PortBindings"]
    assert [c["Name"] for c in ours["Containers"]] == [f"{ours['Id'][:12]}-infra"]
    ps_keys = json.loads(hutch("pod", "ps", "--format", "json").stdout)[0].keys()
    assert list(ps_keys) == list(json.loads(podman("pod", "ps", "--format", "json").stdout)[0])
    hutch("pod", "rm", "shape")
