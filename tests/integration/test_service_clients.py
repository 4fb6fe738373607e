"""Real Docker clients against ``hutch system service``: docker-py 7 (its high-level
API, ``version='auto'``), docker-compose 1.29 (Debian's, on docker-py 5) and
Testcontainers for Python. One service for the module; a loopback registry
for pull and push."""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import docker
import pytest
from ports import free_port
from registry_helpers import PASSWORD, USER, Registry, running_registry
from service_helpers import Service, database_fds, running_service, which


@pytest.fixture(scope="module")
def service(
    require_rootless: None, rootfs_tar: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Service]:
    with running_service(tmp_path_factory.mktemp("svc-clients"), rootfs_tar, "--time", "0") as svc:
        yield svc


@pytest.fixture(scope="module")
def registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Registry]:
    with running_registry(tmp_path_factory.mktemp("clients-registry"), "plain") as found:
        yield found


@pytest.fixture
def client(service: Service) -> Iterator[docker.DockerClient]:
    found = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
    yield found
    found.close()


def test_docker_py_images_push_pull_build(
    client: docker.DockerClient, registry: Registry, tmp_path: Path
) -> None:
    assert client.version()["ApiVersion"] == "1.41"
    base = client.images.get("base")
    assert base.id.startswith("sha256:")
    ref = registry.ref("py/base")
    assert base.tag(ref, "1")
    pushed = client.images.push(ref, tag="1")
    assert '"error"' not in pushed and "digest: sha256:" in pushed
    client.images.remove(f"{ref}:1")
    pulled = client.images.pull(ref, tag="1")
    assert f"{ref}:1" in pulled.tags and pulled.id == base.id
    assert any(f"{ref}:1" in image.tags for image in client.images.list())
    found = client.images.search(f"{registry.host}/py")  # the registry's catalog
    assert [r["name"] for r in found] == [ref] and found[0]["is_official"] is False
    (tmp_path / "Dockerfile").write_text(
        'FROM base\nARG WHO=nobody\nRUN echo "built by $WHO" > /built\nCMD ["cat", "/built"]\n'
    )
    image, logs = client.images.build(path=str(tmp_path), tag="pybuilt", buildargs={"WHO": "py"})
    lines = "".join(item.get("stream", "") for item in logs)
    # hutch names an unqualified tag localhost/NAME, as podman (and its API) do
    assert "Successfully built" in lines and image.tags == ["localhost/pybuilt:latest"]
    assert client.containers.run("pybuilt", remove=True) == b"built by py\n"
    # container_limits: hutch build's --memory, --memory-swap, --cpu-shares,
    # --cpuset-cpus for each RUN step; refused on this host, which delegates
    # no cgroup v2 controllers, before any step runs
    limits = {"memory": 64 << 20, "memswap": -1, "cpushares": 512, "cpusetcpus": "0"}
    with pytest.raises(docker.errors.BuildError) as refused:
        client.images.build(path=str(tmp_path), tag="pylimited", container_limits=limits)
    assert "--memory cannot be enforced" in refused.value.msg
    assert not any("STEP" in item.get("stream", "").upper() for item in refused.value.build_log)
    assert not client.images.list(name="pylimited")


def test_docker_py_save_load_import_history_prune(
    client: docker.DockerClient, rootfs_tar: Path
) -> None:
    base = client.images.get("base")
    archive = b"".join(base.save(named=True))
    with tarfile.open(fileobj=io.BytesIO(archive)) as saved:
        assert saved.getmember("manifest.json").isfile()
    base.tag("saved/copy", "1")
    client.images.remove("saved/copy:1")
    loaded = client.images.load(archive)
    assert [image.id for image in loaded] == [base.id]
    out = client.api.import_image(src=rootfs_tar.read_bytes(), repository="imported", tag="2")
    imported_id = json.loads(out.splitlines()[-1])["status"]
    imported = client.images.get("imported:2")
    assert imported.id == imported_id and "localhost/imported:2" in imported.tags
    # its one layer is base's too: history names the oldest image that ends at a
    # layer, as podman's (libimage's layer tree) does
    assert imported.history()[0]["Id"] == base.id
    client.images.remove("imported:2")
    with pytest.raises(docker.errors.ImageNotFound):
        client.images.get("imported:2")
    assert client.images.prune(filters={"dangling": True})["SpaceReclaimed"] >= 0


def test_docker_py_login_checks_the_registry_and_stores_as_hutch_login(
    service: Service, client: docker.DockerClient, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """POST /auth: the credentials are tried against the registry (htpasswd behind
    TLS; a loopback registry is reached without verifying its certificate, as
    Docker's insecure range allows) and kept in hutch's auth file."""
    with running_registry(tmp_path_factory.mktemp("auth-registry"), "htpasswd") as registry:
        with pytest.raises(docker.errors.APIError) as refused:
            client.login(USER, "wrong", registry=registry.host, reauth=True)
        assert refused.value.status_code == 401
        unknown = service.hutch("login", "--get-login", registry.host, check=False)
        assert unknown.returncode == 125, unknown.stderr
        answer = client.login(USER, PASSWORD, registry=registry.host, reauth=True)
        assert answer["Status"] == "Login Succeeded"
        stored = service.hutch("login", "--get-login", registry.host).stdout
        assert stored == f"{USER}\n"
        service.hutch("logout", registry.host)


def test_prune_filters_through_docker_py(client: docker.DockerClient) -> None:
    kept = client.containers.create("base", ["true"], labels={"tier": "keep"})
    doomed = client.containers.create("base", ["true"], labels={"tier": "web"})
    client.volumes.create("prunevol", labels={"tier": "web"})
    client.networks.create("prunenet", labels={"tier": "web"})
    try:
        # until: only what was made before the time goes (all of this is newer)
        assert client.containers.prune(filters={"until": "1h"})["ContainersDeleted"] is None
        pruned = client.containers.prune(filters={"label": "tier=web"})
        assert pruned["ContainersDeleted"] == [doomed.id]
        assert [c.id for c in client.containers.list(all=True)] == [kept.id]
        assert client.networks.prune(filters={"label": ["tier=web"]})["NetworksDeleted"] == [
            "prunenet"
        ]
        assert client.volumes.prune(filters={"label": "tier=web"})["VolumesDeleted"] == ["prunevol"]
        with pytest.raises(docker.errors.APIError) as bad:
            client.images.prune(filters={"until": "not-a-time"})
        assert bad.value.status_code == 400
    finally:
        kept.remove(force=True)


def test_a_build_context_entry_outside_the_context_is_400(
    service: Service, client: docker.DockerClient
) -> None:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w") as archive:
        for name, data in (("Dockerfile", b"FROM base\n"), ("../../escaped", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    status, _, body = service.request(
        "POST", "/v1.41/build?t=evil", out.getvalue(), {"Content-Type": "application/x-tar"}
    )
    assert status == 400
    assert "outside the context" in json.loads(body)["message"]
    assert client.images.list(name="evil") == []


def test_docker_py_run_network_volume(client: docker.DockerClient) -> None:
    network = client.networks.create("pynet")
    volume = client.volumes.create("pyvol", labels={"by": "docker-py"})
    try:
        # HostConfig's ShmSize, OomScoreAdj and UTSMode reach run's --shm-size,
        # --oom-score-adj and --uts.
        probe = "df -k /dev/shm | awk 'NR==2 {print $2}'; cat /proc/self/oom_score_adj; hostname"
        out = client.containers.run(
            "base", ["sh", "-c", probe], shm_size="128m", oom_score_adj=200, uts_mode="host",
            remove=True,
        )  # fmt: skip
        assert out.decode().split() == ["131072", "200", socket.gethostname()]
        writer = client.containers.run(
            "base", ["sh", "-c", "echo kept > /v/f"], volumes={"pyvol": {"bind": "/v"}},
            network="pynet", name="pywriter", detach=True,
        )  # fmt: skip
        assert writer.wait(timeout=60)["StatusCode"] == 0
        writer.reload()
        assert writer.status == "exited" and writer.attrs["Config"]["Cmd"][-1].endswith("/v/f")
        assert "pynet" in writer.attrs["NetworkSettings"]["Networks"]
        # ?size=1 in both: the container's own files, and those with the image's (~2 MB)
        api = client.api
        url = api._url("/containers/{0}/json", "pywriter")
        sized = api._result(api._get(url, params={"size": 1}), True)
        assert sized["SizeRootFs"] > 1_000_000 and sized["SizeRootFs"] >= sized["SizeRw"] >= 0
        (listed,) = api.containers(all=True, size=True, filters={"name": "pywriter"})
        assert listed["SizeRootFs"] == sized["SizeRootFs"]
        assert listed.get("SizeRw", 0) == sized["SizeRw"]  # omitempty, as Docker's list
        # the list's network part is inspect's, read in the same pass as the summary
        assert listed["HostConfig"]["NetworkMode"] == sized["HostConfig"]["NetworkMode"]
        assert listed["NetworkSettings"]["Networks"]["pynet"]["NetworkID"] == "pynet"
        assert (
            listed["NetworkSettings"]["Networks"]["pynet"]["IPAddress"]
            == sized["NetworkSettings"]["Networks"]["pynet"]["IPAddress"]
        )
        (found,) = client.containers.list(all=True, filters={"name": "pywriter"})
        assert found.name == "pywriter" and found.status == "exited"
        # filters={"network": NAME}: ps's network filter (it was a 400)
        on_pynet = client.containers.list(all=True, filters={"network": "pynet"})
        assert [c.name for c in on_pynet] == ["pywriter"]
        assert client.containers.list(all=True, filters={"network": "nonet"}) == []
        out = client.containers.run(
            "base", ["cat", "/v/f"], volumes={"pyvol": {"bind": "/v", "mode": "ro"}}, remove=True
        )
        assert out == b"kept\n"
        writer.remove()
        assert client.volumes.get("pyvol").attrs["Labels"] == {"by": "docker-py"}
        assert [n.name for n in client.networks.list(names=["pynet"])] == ["pynet"]
    finally:
        volume.remove(force=True)
        network.remove()
    assert "pyvol" not in [v.name for v in client.volumes.list()]


def test_docker_py_mounts_mode_is_podmans(client: docker.DockerClient, tmp_path: Path) -> None:
    """Mounts[].Mode in inspect and in the list is current podman's (its compat API
    gives libpod's inspect mounts): the z or Z given, "" without; ro,Z (a mode that
    is not ro or rw alone) lists "/a:ro,Z" among Config.Volumes, no volume of its own.
    Named volumes come first, then bind mounts, as podman lists them."""
    host = tmp_path / "h"
    host.mkdir()
    host.chmod(0o777)
    binds = [f"{host}:/a:ro,Z", "pymv:/v:z", f"{host}:/plain", "pymw:/w:ro"]
    made = client.containers.create("base", "true", name="pymodes", volumes=binds)
    try:
        mounts = client.api.inspect_container("pymodes")["Mounts"]
        assert [(m["Type"], m["Destination"], m["Mode"], m["RW"]) for m in mounts] == [
            ("volume", "/v", "z", True),
            ("volume", "/w", "", False),
            ("bind", "/a", "Z", False),
            ("bind", "/plain", "", True),
        ]
        assert {m["Propagation"] for m in mounts} == {"rprivate"}
        (listed,) = client.api.containers(all=True, filters={"name": "pymodes"})
        assert listed["Mounts"] == mounts
    finally:
        made.remove(v=True)
        for name in ("pymv", "pymw"):
            client.volumes.get(name).remove()


def test_docker_py_network_ipam_and_bridge_options(
    service: Service, client: docker.DockerClient
) -> None:
    """IPAM.Driver, IPAM.Config and Docker's bridge options reach network create:
    the network hutch's own inspect shows, and Docker's IPAM shape back."""
    pool = docker.types.IPAMPool(
        subnet="10.98.0.0/24", iprange="10.98.0.64/26", gateway="10.98.0.1"
    )
    made = []
    try:
        made.append(
            client.networks.create(
                "pyipam", driver="bridge", internal=True, labels={"by": "docker-py"},
                ipam=docker.types.IPAMConfig(driver="default", pool_configs=[pool]),
                options={"com.docker.network.bridge.name": "br-pyipam",
                         "com.docker.network.driver.mtu": "1400"},
            )
        )  # fmt: skip
        attrs = client.networks.get("pyipam").attrs
        config = {"Subnet": "10.98.0.0/24", "Gateway": "10.98.0.1", "IPRange": "10.98.0.64/26"}
        assert attrs["IPAM"] == {"Driver": "default", "Options": {}, "Config": [config]}
        assert (attrs["Internal"], attrs["Labels"]) == (True, {"by": "docker-py"})
        assert attrs["Options"] == {"mtu": "1400"}  # podman's compat API shows it so too
        ours = json.loads(service.hutch("network", "inspect", "pyipam").stdout)[0]
        assert ours["network_interface"] == "br-pyipam"
        assert ours["ipam_options"] == {"driver": "host-local"}
        assert ours["subnets"][0]["lease_range"]["start_ip"] == "10.98.0.65"  # podman's
        made.append(client.networks.create("pynone", ipam=docker.types.IPAMConfig(driver="null")))
        bare = client.networks.get("pynone").attrs
        assert (bare["IPAM"]["Driver"], bare["IPAM"]["Config"]) == ("none", [])
        out = client.containers.run(
            "base", ["ip", "-o", "-4", "addr"], network="pynone", remove=True
        ).decode()
        assert [x.split()[1] for x in out.splitlines()] == ["lo"], out
        # bad values: 400 and Docker's {"message": ...}
        refusals = [
            ({"ipam": docker.types.IPAMConfig(driver="weave")}, "IPAM.Driver 'weave'"),
            ({"ipam": docker.types.IPAMConfig(driver="dhcp")}, "dhcp ipam driver is not"),
            ({"options": {"com.docker.network.driver.mtu": "9"}}, "invalid mtu '9'"),
            ({"options": {"com.docker.network.bridge.name": "a" * 16}}, "--interface-name"),
            ({"options": {"com.docker.network.bridge.name": "br-pyipam"}}, "already in use"),
        ]
        for i, (kwargs, message) in enumerate(refusals):
            with pytest.raises(docker.errors.APIError) as info:
                made.append(client.networks.create(f"pybad{i}", **kwargs))
            assert info.value.status_code == 400, (kwargs, info.value)
            assert message in str(info.value.explanation), (kwargs, info.value)
        status, body = service.json(
            "POST", "/v1.41/networks/create", {"Name": "pyraw", "IPAM": {"Driver": "weave"}}
        )
        assert status == 400 and list(body) == ["message"] and "weave" in body["message"]
        names = [n.name for n in client.networks.list()]
        assert not [n for n in names if n.startswith(("pybad", "pyraw"))], names
    finally:
        for network in made:
            network.remove()


# A shell as PID 1 ignores SIGTERM unless it traps it: stop would wait out its timeout.
IDLE = "trap 'exit 0' TERM; sleep 600 & wait"


def test_docker_py_container_workflow(client: docker.DockerClient) -> None:
    """exec, logs, stats (from /proc here: no cgroup), cp both ways, pause, stop,
    events and df through docker-py's high-level API."""
    started = int(time.time()) - 1
    box = client.containers.run(
        "base", ["sh", "-c", f"echo hello; {IDLE}"], name="pylife", detach=True
    )
    try:
        assert box.exec_run(["sh", "-c", "echo in-$((6*7))"]) == (0, b"in-42\n")
        assert box.exec_run(["sh", "-c", "exit 3"]).exit_code == 3
        assert b"hello\n" in box.logs()
        sample = box.stats(stream=False)
        assert sample["name"] == "/pylife"
        assert sample["pids_stats"]["current"] == 2  # sh and its sleep
        assert sample["memory_stats"]["usage"] > 0
        assert sample["cpu_stats"]["cpu_usage"]["total_usage"] >= 0
        packed = io.BytesIO()
        with tarfile.open(fileobj=packed, mode="w") as tar:
            data = b"from docker-py\n"
            info = tarfile.TarInfo("note")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        assert box.put_archive("/tmp", packed.getvalue())
        stream, stat = box.get_archive("/tmp/note")
        assert stat["name"] == "note" and stat["size"] == len(data)
        with tarfile.open(fileobj=io.BytesIO(b"".join(stream))) as tar:
            member = tar.extractfile("note")
            assert member is not None and member.read() == data
        box.pause()
        box.reload()
        assert box.status == "paused"
        box.unpause()
        box.stop(timeout=10)
        box.reload()
        assert box.status == "exited"
        usage = client.df()
        assert "pylife" in [c["Names"][0].lstrip("/") for c in usage["Containers"]]
        actions = [
            e["Action"]
            for e in client.events(
                since=started, until=int(time.time()) + 1, decode=True,
                filters={"container": "pylife"},
            )
        ]  # fmt: skip
        for wanted in ("create", "start", "pause", "unpause", "die"):
            assert wanted in actions, actions
    finally:
        box.remove(force=True)


@pytest.mark.parametrize(
    ("policy", "name"),
    [({"Name": "always"}, "pyrestart-always"),
     ({"Name": "on-failure", "MaximumRetryCount": 20}, "pyrestart-failure")],
)  # fmt: skip
def test_a_pending_restart_is_dockers_restarting(
    service: Service, client: docker.DockerClient, policy: dict[str, object], name: str
) -> None:
    """Between two runs of its restart policy (the monitor's back-off) a container is
    Docker's "restarting": inspect's State, the list's State and Status, the list
    without all (Docker counts it running), and the list's status filter (a 400 before)."""
    box = client.containers.run(
        "base", ["sh", "-c", "exit 1"], name=name, detach=True, restart_policy=policy
    )
    try:
        deadline = time.monotonic() + 60
        state: dict[str, object] = {}
        while time.monotonic() < deadline:
            box.reload()
            state = box.attrs["State"]
            if state["Restarting"]:
                break
            time.sleep(0.05)
        assert state["Restarting"] is True, state
        assert (state["Status"], state["Running"], state["ExitCode"]) == ("restarting", True, 1)
        # the list without all: running or restarting, never left out as exited
        seen: set[str] = set()
        listed: list[dict[str, object]] = []
        while time.monotonic() < deadline and "restarting" not in seen:
            listed = client.api.containers(filters={"name": name})
            seen |= {str(c["State"]) for c in listed} or {"left out"}
            time.sleep(0.05)
        assert seen <= {"running", "restarting"}, (seen, listed)
        assert [c["State"] for c in listed] == ["restarting"], listed
        assert str(listed[0]["Status"]).startswith("Restarting (1) "), listed
        # the status filter: docker ps's (each of Docker's states is valid), docker-py's
        ps = ["ps", "--filter", f"name={name}", "--format", "{{.Names}}"]
        shown = ""
        while time.monotonic() < deadline and not shown:
            shown = service.docker(*ps, "--filter", "status=restarting").stdout
        assert shown == f"{name}\n"
        for state in ("removing", "dead", "created", "paused"):
            assert service.docker(*ps, "--filter", f"status={state}").stdout == ""
        found: list[dict[str, object]] = []
        while time.monotonic() < deadline and not found:
            found = client.api.containers(filters={"name": name, "status": "restarting"})
        assert [c["State"] for c in found] == ["restarting"]
        refused = service.docker(*ps, "--filter", "status=stopping", check=False)
        assert refused.returncode != 0 and "invalid filter 'status=stopping'" in refused.stderr
    finally:
        box.remove(force=True)


COMPOSE = """\
version: "3.8"
services:
  db:
    image: base
    command: ["sh", "-c", "echo db-ready > /data/ready; IDLE"]
    volumes: [dbdata:/data]
  web:
    image: base
    command: ["sh", "-c", "IDLE"]
    depends_on: [db]
    ports: ["PORT:80"]
  worker:
    image: base
    command: ["sh", "-c", "IDLE"]
    depends_on: [db]
    environment: {ROLE: worker}
    networks: [default, back]
volumes:
  dbdata: {}
networks:
  back:
    driver_opts: {com.docker.network.bridge.name: br-trio}
    ipam:
      driver: default
      config: [{subnet: 10.99.0.0/24}]
"""


def test_docker_compose_brings_three_services_up_and_down(
    service: Service, client: docker.DockerClient, tmp_path: Path
) -> None:
    (tmp_path / "docker-compose.yml").write_text(
        COMPOSE.replace("IDLE", IDLE).replace("PORT", str(free_port()))
    )
    env = service.env.environ()
    compose = [which("docker-compose"), "-p", "trio", "--no-ansi"]

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([*compose, *args], cwd=tmp_path, env=env, capture_output=True,
                              text=True, timeout=120, check=False)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    run("up", "-d")
    try:
        running = client.containers.list(filters={"label": "com.docker.compose.project=trio"})
        assert sorted(c.labels["com.docker.compose.service"] for c in running) == [
            "db", "web", "worker",
        ]  # fmt: skip
        assert all(c.status == "running" for c in running)
        worker = next(c for c in running if c.labels["com.docker.compose.service"] == "worker")
        assert "ROLE=worker" in worker.attrs["Config"]["Env"]
        assert "trio_default" in worker.attrs["NetworkSettings"]["Networks"]
        back = worker.attrs["NetworkSettings"]["Networks"]["trio_back"]
        assert back["IPAddress"].startswith("10.99.0.")
        # the network docker-compose asked for: its IPAM and Docker's bridge name
        (made,) = json.loads(service.hutch("network", "inspect", "trio_back").stdout)
        assert made["network_interface"] == "br-trio"
        assert [s["subnet"] for s in made["subnets"]] == ["10.99.0.0/24"]
        assert client.networks.get("trio_back").attrs["IPAM"]["Driver"] == "default"
        assert "Up" in run("ps").stdout
    finally:
        run("down", "-v")
    assert (
        client.containers.list(all=True, filters={"label": "com.docker.compose.project=trio"}) == []
    )
    assert not {"trio_default", "trio_back"} & {n.name for n in client.networks.list()}


def test_testcontainers_generic_container_waited_for_by_log_line(
    service: Service, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DOCKER_HOST", f"unix://{service.socket_path}")
    monkeypatch.setenv("TESTCONTAINERS_RYUK_DISABLED", "true")  # its reaper image is not local
    from testcontainers.core.container import DockerContainer
    from testcontainers.core.wait_strategies import LogMessageWaitStrategy

    container = (
        DockerContainer("base")
        .with_command(["sh", "-c", f"echo starting; sleep 1; echo ready; {IDLE}"])
        .waiting_for(LogMessageWaitStrategy("ready").with_startup_timeout(60))
    )
    with container:  # started, and waited for until its log says "ready"
        assert b"ready" in container.get_logs()[0]
        wrapped = container.get_wrapped_container()
        wrapped.reload()
        assert wrapped.status == "running"
        name = wrapped.name
    docker_client = docker.DockerClient(base_url=os.environ["DOCKER_HOST"], version="auto")
    assert name not in [c.name for c in docker_client.containers.list(all=True)]
    docker_client.close()


def test_a_kept_database_connection_sees_what_other_hutch_processes_do(
    service: Service,
) -> None:
    """The service keeps its database connections between client connections
    (store/dbpool.py): each request must still see what another hutch process
    did just before it. Every step is a new connection of a new client (docker-py
    fresh, the docker CLI), so each request's engine takes a kept connection."""

    def fresh_names() -> list[str]:
        fresh = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
        try:
            return sorted(c.name for c in fresh.containers.list(all=True))
        finally:
            fresh.close()

    before = fresh_names()
    kept = database_fds(service)
    assert kept >= 1  # the connection that request used was kept
    for _ in range(5):  # each a new connection: it takes the kept one, opens none
        service.docker("ps", "-a")
    assert database_fds(service) <= kept
    service.hutch("create", "--name", "fromcli", "base", "true")
    try:
        assert fresh_names() == sorted([*before, "fromcli"])
        listed = service.docker("ps", "-a", "--filter", "name=fromcli", "--format", "{{.Names}}")
        assert listed.stdout == "fromcli\n"
        service.hutch("volume", "create", "clivol")
        fresh = docker.DockerClient(base_url=f"unix://{service.socket_path}", version="auto")
        try:
            assert "clivol" in [v.name for v in fresh.volumes.list()]
        finally:
            fresh.close()
        service.hutch("volume", "rm", "clivol")
        assert "clivol" not in service.docker("volume", "ls", "--format", "{{.Name}}").stdout
    finally:
        service.hutch("rm", "-f", "fromcli")
    assert fresh_names() == before
    assert service.docker("ps", "-aq", "--filter", "name=fromcli").stdout == ""
