"""The real docker client (20.10, API 1.41) against ``hutch system service``.

One service for the module; each test names its own containers and removes
them. What docker prints comes from the service's answers, so each check is
on the client's own output.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import run_in_pty
from registry_helpers import Registry, get_manifest, running_registry
from service_helpers import Service, running_service

DOCKER_28 = Path("/usr/local/bin/docker")  # a newer client: it negotiates down to 1.41


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-cli"), rootfs_tar, "--time", "0") as svc:
        yield svc


def test_version_and_info(service: Service) -> None:
    out = service.docker("version", "--format", "{{.Server.APIVersion}} {{.Server.Os}}").stdout
    assert out.strip() == "1.41 linux"
    info = json.loads(service.docker("info", "--format", "{{json .}}").stdout)
    assert info["Images"] == 1 and info["OSType"] == "linux"
    if DOCKER_28.exists():
        newer = subprocess.run(
            [str(DOCKER_28), "version", "--format", "{{.Client.APIVersion}}"],
            env=service.env.environ(),
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        )
        assert newer.stdout.strip() == "1.41"  # negotiated down through /_ping


def test_run_rm_output_streams_and_exit_code(service: Service) -> None:
    assert service.docker("run", "--rm", "base", "echo", "hi").stdout == "hi\n"
    done = service.docker(
        "run", "--rm", "base", "sh", "-c", "echo out; echo err >&2; exit 3", check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (3, "out\n", "err\n")
    assert service.docker("ps", "-aq").stdout == ""  # --rm removed both


def test_detached_ps_logs_inspect_stop_rm(service: Service) -> None:
    docker = service.docker
    script = "echo one; echo two; sleep 1; echo three"
    cid = docker(
        "run", "-d", "--name", "web", "-p", "127.0.0.1:18431:80", "base", "sh", "-c", script
    )
    cid_text = cid.stdout.strip()
    assert len(cid_text) == 64
    ps = docker("ps", "--format", "{{.Names}} {{.Ports}}").stdout
    assert "web 127.0.0.1:18431->80/tcp" in ps
    # -f follows until the container ends: all three lines, in order.
    assert docker("logs", "-f", "web", timeout=30).stdout == "one\ntwo\nthree\n"
    state = docker("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Name}}", "web")
    assert state.stdout.strip() == "exited 0 /web"
    docker("rm", "web")
    gone = docker("inspect", "web", check=False)
    assert gone.returncode != 0 and "No such" in gone.stderr + gone.stdout


def test_exec_tty_attach_stop(service: Service) -> None:
    docker = service.docker
    docker("run", "-d", "--name", "box", "base", "sleep", "300")
    try:
        assert docker("exec", "box", "sh", "-c", "echo in-$((6*7))").stdout == "in-42\n"
        assert docker("exec", "box", "sh", "-c", "exit 7", check=False).returncode == 7
        code, out = run_in_pty(
            service.docker,
            ["exec", "-it", "box", "sh"],
            # The client sends its size just after the start: give it a moment.
            steps=(
                (
                    b"#",
                    b'for i in 1 2 3 4 5 6; do [ "$(stty size)" = "30 100" ] && break; '
                    b"sleep 0.5; done; tty; stty size; echo x-$((2+3)); exit 5\n",
                ),
            ),
            rows=30,
            cols=100,
        )
        assert code == 5, out
        assert "x-5" in out and "/dev/pts/" in out
        assert "30 100" in out  # the client's window size reached the terminal
        started = time.monotonic()
        docker("stop", "-t", "1", "box")
        assert time.monotonic() - started < 15
        assert docker("inspect", "-f", "{{.State.Running}}", "box").stdout.strip() == "false"
    finally:
        docker("rm", "-f", "box", check=False)


def test_attach_to_a_running_container(service: Service) -> None:
    docker = service.docker
    docker("run", "-d", "--name", "talker", "base", "sh", "-c", "sleep 2; echo late; exit 4")
    try:
        attached = docker("attach", "talker", check=False, timeout=30)
        assert attached.stdout == "late\n"
        assert attached.returncode == 4
    finally:
        docker("rm", "-f", "talker", check=False)


def test_update_restart_changes_the_policy(service: Service) -> None:
    """docker update --restart: the policy in the record (inspect and the next exit)."""
    docker = service.docker
    docker("create", "--name", "upd", "base", "true")
    try:
        docker("update", "--restart", "on-failure:3", "upd")
        policy = json.loads(docker("inspect", "upd").stdout)[0]["HostConfig"]["RestartPolicy"]
        assert (policy["Name"], policy["MaximumRetryCount"]) == ("on-failure", 3)
        docker("update", "--restart", "always", "upd")
        policy = json.loads(docker("inspect", "upd").stdout)[0]["HostConfig"]["RestartPolicy"]
        assert policy["Name"] == "always"
    finally:
        docker("rm", "-f", "upd", check=False)


def test_cp_both_ways(service: Service, tmp_path: Path) -> None:
    docker = service.docker
    docker("run", "-d", "--name", "files", "base", "sleep", "300")
    try:
        src = service.env.home / "in.txt"
        src.write_text("from the host\n")
        docker("cp", str(src), "files:/tmp/")
        assert docker("exec", "files", "cat", "/tmp/in.txt").stdout == "from the host\n"
        docker("exec", "files", "sh", "-c", "mkdir /tmp/d && echo deep > /tmp/d/f")
        out = service.env.home / "out"
        docker("cp", "files:/tmp/d", str(out))
        assert (out / "f").read_text() == "deep\n"
        missing = docker("cp", "files:/nope", str(out / "x"), check=False)
        assert missing.returncode != 0 and "/nope" in missing.stderr
    finally:
        docker("rm", "-f", "files", check=False)


def test_network_by_name_and_volume(service: Service) -> None:
    docker = service.docker
    docker("network", "create", "svcnet")
    docker("volume", "create", "svcvol")
    try:
        docker(
            "run",
            "-d",
            "--name",
            "srv",
            "--network",
            "svcnet",
            "base",
            "sh",
            "-c",
            "while true; do echo pong | nc -l -p 7000; done",
        )
        reply = docker(
            "run",
            "--rm",
            "--network",
            "svcnet",
            "base",
            "sh",
            "-c",
            "for i in 1 2 3 4 5; do nc srv 7000 </dev/null && break; sleep 1; done",
        )
        assert reply.stdout.strip() == "pong"
        # ps's network column comes from the same pass over the records as the rest
        ps = ("ps", "--filter", "name=srv", "--format", "{{.Names}} {{.Networks}}")
        assert docker(*ps).stdout == "srv svcnet\n"
        newer = subprocess.run(
            [str(DOCKER_28), *ps], env=service.env.environ(), capture_output=True, text=True,
            timeout=30, check=True,
        )  # fmt: skip
        assert newer.stdout == "srv svcnet\n"
        docker("run", "--rm", "-v", "svcvol:/data", "base", "sh", "-c", "echo kept > /data/f")
        assert (
            docker("run", "--rm", "-v", "svcvol:/data", "base", "cat", "/data/f").stdout == "kept\n"
        )
        # Docker's bridge is hutch's private default: srv (on svcnet) cannot add it,
        # and a container made on it is already connected
        added = docker("network", "connect", "bridge", "srv", check=False)
        assert added.returncode != 0
        assert 'the default network "bridge" cannot be added' in added.stderr
        docker("create", "--name", "lone", "base", "true")
        again = docker("network", "connect", "bridge", "lone", check=False)
        assert again.returncode != 0
        assert 'already connected to network "bridge"' in again.stderr
    finally:
        docker("rm", "-f", "srv", "lone", check=False)
        docker("network", "rm", "svcnet", check=False)
        docker("volume", "rm", "svcvol", check=False)


def test_run_ip_and_mac_address_on_a_user_network(service: Service) -> None:
    """docker run --network NET --ip ... --mac-address ...: the endpoint's IPAMConfig and
    API 1.41's container-wide MacAddress (docker 20.10); the container has them. docker
    28 sends a MAC per network only to API 1.44 (it refuses itself): --ip alone there."""
    docker = service.docker
    docker("network", "create", "--subnet", "10.89.71.0/24", "svcaddr")
    show = ("sh", "-c", "ip -o -4 addr show eth0; ip -o link show eth0")
    try:
        out = docker(
            "run", "--rm", "--network", "svcaddr", "--ip", "10.89.71.20",
            "--mac-address", "02:11:22:33:44:20", "base", *show,
        ).stdout  # fmt: skip
        assert "inet 10.89.71.20/24" in out, out
        assert "link/ether 02:11:22:33:44:20 " in out, out
        out = subprocess.run(
            [str(DOCKER_28), "run", "--rm", "--network", "svcaddr", "--ip", "10.89.71.28",
             "base", *show],
            env=service.env.environ(), capture_output=True, text=True, timeout=60, check=True,
        ).stdout  # fmt: skip
        assert "inet 10.89.71.28/24" in out, out
    finally:
        docker("network", "rm", "svcaddr", check=False)


def test_events_stats_df(service: Service) -> None:
    docker = service.docker
    env = service.env.environ()
    watcher = subprocess.Popen(
        [
            str(docker.binary),
            "events",
            "--format",
            "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1)
        docker("run", "--rm", "--name", "evt", "base", "true")
        docker("run", "-d", "--name", "measured", "base", "sleep", "300")
        # No cgroup on this host: the numbers of its processes in /proc, not zeros
        stats = docker(
            "stats", "--no-stream", "--format", "{{.Name}} {{.PIDs}} {{.MemUsage}}", "measured"
        )
        name, pids, used = stats.stdout.split()[:3]
        assert (name, pids) == ("measured", "1"), stats.stdout
        assert not used.startswith("0B"), stats.stdout
        df = docker("system", "df", "--format", "{{.Type}} {{.TotalCount}}").stdout
        assert "Images 1" in df and "Containers 1" in df
    finally:
        docker("rm", "-f", "measured", check=False)
        time.sleep(1)
        watcher.terminate()
        out, _ = watcher.communicate(timeout=10)
    lines = out.splitlines()
    for wanted in ("create evt", "start evt", "die evt", "destroy evt"):
        assert f"container {wanted}" in lines, out
    assert "image import" not in out  # no past events without --since


def test_build_and_run_the_result(service: Service) -> None:
    context = service.env.home / "ctx"
    context.mkdir()
    (context / "Dockerfile").write_text(
        "FROM base\nCOPY note /note\n"
        "RUN echo built >> /note && grep -w db /etc/hosts >> /note && ls /sys/class/net >> /note"
        " && df -k /dev/shm | awk 'NR==2 {print $2}' >> /note\n"
    )
    (context / "note").write_text("copied\n")
    # --add-host: the API's extrahosts, in RUN's /etc/hosts; --network none: networkmode;
    # --shm-size: shmsize, RUN's /dev/shm
    out = service.docker(
        "build", "--add-host", "db:10.1.2.3", "--network", "none", "--shm-size", "128m",
        "-t", "svcbuilt", str(context), timeout=120,
    )  # fmt: skip
    assert "Successfully tagged" in out.stdout + out.stderr
    ran = service.docker("run", "--rm", "svcbuilt", "cat", "/note")
    assert ran.stdout == "copied\nbuilt\n10.1.2.3\tdb\nlo\n131072\n"
    listed = service.docker("images", "--format", "{{.Repository}}:{{.Tag}}").stdout.split()
    assert {"localhost/base:latest", "localhost/svcbuilt:latest"} <= set(listed), listed
    service.docker("rmi", "svcbuilt")
    # --memory is hutch build's: each RUN's cgroup, refused here (no v2 controllers
    # delegated) in Docker's error line, before any step runs
    limited = service.docker("build", "--memory", "64m", str(context), check=False, timeout=120)
    assert limited.returncode != 0
    assert "--memory cannot be enforced" in limited.stderr
    assert "or build without the limit flags" in limited.stderr


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with running_registry(tmp_path_factory.mktemp("cli-registry"), "plain") as found:
        yield found


# Last in the module: it removes the base image for a while (its layer must be
# fetched again for the pull to show one), and tags it back.
def test_push_and_pull_show_each_layer(
    service: Service, registry: Registry, rootfs_tar: Path
) -> None:
    docker = service.docker
    ref = registry.ref("cli/base:1")
    docker("tag", "base", ref)
    try:
        pushed = docker("push", ref, timeout=120).stdout
        layers = re.findall(r"^([0-9a-f]{12}): Pushed$", pushed, re.M)
        assert len(layers) == 1, pushed
        assert f"The push refers to repository [{registry.host}/cli/base]" in pushed
        assert re.search(r"^1: digest: sha256:[0-9a-f]{64}", pushed, re.M), pushed
        # Docker's ids: a push names a layer by its diff id (the plain layer, gzipped
        # as it goes), a pull by the blob it fetches (the gzip)
        diff_id = service.hutch("image", "inspect", "--format", "{{index .RootFS.Layers 0}}", ref)
        assert layers[0] == diff_id.stdout.strip().removeprefix("sha256:")[:12]
        manifest = json.loads(get_manifest(registry, "cli/base", "1"))
        blob = str(manifest["layers"][0]["digest"]).removeprefix("sha256:")[:12]
        docker("rmi", ref, "base")  # the layer goes with the last image that has it
        pulled = docker("pull", ref, timeout=120).stdout
        assert f"{blob}: Pull complete" in pulled.splitlines(), pulled
        assert f"Status: Downloaded newer image for {ref}" in pulled
        again = docker("push", ref, timeout=120).stdout  # the pulled image, as it came
        assert f"{blob}: Layer already exists" in again.splitlines(), again
    finally:
        if docker("tag", ref, "base", check=False).returncode != 0:
            service.hutch("import", str(rootfs_tar), "base")
        docker("rmi", ref, check=False)
