"""A service of the model -> RunOptions; keys hutch does not implement are named."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from hutch.api.compose import ComposeProjectOptions
from hutch.api.container_config import RunOptions
from hutch.compose.project import Project, load_project
from hutch.compose.secrets import bind_volumes, secret_files, secret_flags, tar_of
from hutch.compose.swarm import swarm_only_warnings
from hutch.compose.translate import (
    REASONS,
    duration_seconds,
    key_reason,
    restart_policy,
    run_options,
    unsupported_keys,
)

COMPOSE = """\
name: shop
services:
  web:
    image: busybox
    command: httpd -f
    entrypoint: ["/bin/sh", "-c"]
    environment: {A: "1", UNSET: null}
    ports: ["127.0.0.1:8080:80", "[::1]:53:53/udp", "9000"]
    volumes: [data:/data:ro, ./site:/site, /anon, {type: tmpfs, target: /t, tmpfs: {size: 1m}}]
    networks:
      front: {aliases: [shopfront], ipv4_address: 10.5.0.9}
    extra_hosts: ["db.local:10.0.0.2"]
    healthcheck: {test: ["CMD", "true", "x"], interval: 2s, retries: 4}
    stop_grace_period: 1m30s
    ulimits: {nofile: {soft: 10, hard: 20}, nproc: 5}
    deploy: {resources: {limits: {memory: 64m, cpus: "0.5"}}}
    restart: on-failure
    read_only: true
    cgroup_parent: /shop.slice
    cpu_period: 100000
    cpu_quota: 50000
    blkio_config:
      weight: 300
      weight_device: [{path: /dev/sda, weight: 400}]
      device_read_bps: [{path: /dev/sda, rate: 12mb}]
      device_write_iops: [{path: /dev/sda, rate: 40}]
    shm_size: 256m
    pid: host
    ipc: service:db
    uts: host
    cgroup: host
    oom_score_adj: 200
    mac_address: 02:42:ac:11:00:02
    domainname: example.org
  db:
    image: busybox
networks:
  front: {}
volumes:
  data: {}
"""


def test_run_options(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    options = run_options(
        "shop",
        "web",
        project.services["web"],
        project.model,
        name="shop-web-1",
        image="busybox",
        labels={"com.docker.compose.service": "web"},
    )
    assert options.command == ("httpd", "-f")
    assert options.entrypoint == '["/bin/sh", "-c"]'
    assert options.env == ("A=1",)
    assert options.net.publish == ("127.0.0.1:8080:80/tcp", "[::1]:53:53/udp", "9000/tcp")
    assert options.volumes.volumes == ("shop_data:/data:ro", f"{tmp_path}/site:/site", "/anon")
    assert options.volumes.tmpfs == ("/t:size=1m",)
    assert options.network == "shop_front"
    assert options.net.aliases == ("web", "shopfront")
    assert options.net.ip == "10.5.0.9"
    assert options.net.add_hosts == ("db.local:10.0.0.2",)
    # the CMD form whole (--health-cmd keeps an array that starts with CMD)
    assert options.lifecycle.health.cmd == '["CMD", "true", "x"]'
    assert options.lifecycle.health.retries == 4
    assert options.stop_timeout == 90
    assert options.security.ulimit == ("nofile=10:20", "nproc=5")
    assert options.security.read_only is True
    assert (options.resources.memory, options.resources.cpus) == ("64m", "0.5")
    assert options.restart == "on-failure"
    assert options.resources.cgroup_parent == "/shop.slice"
    assert (options.resources.cpu_period, options.resources.cpu_quota) == (100000, 50000)
    assert options.resources.blkio_weight == 300
    assert options.resources.blkio_weight_device == ("/dev/sda:400",)
    assert options.resources.device_read_bps == ("/dev/sda:12mb",)
    assert options.resources.device_write_iops == ("/dev/sda:40",)
    assert options.resources.device_write_bps == ()
    assert (options.kernel.shm_size, options.kernel.oom_score_adj) in (
        ("256m", 200),
        (str(256 << 20), 200),
    )
    assert options.namespaces.pid == "host"
    assert options.net.mac_address == "02:42:ac:11:00:02"
    assert options.domainname == "example.org"
    assert options.namespaces.ipc == "container:shop-db-1"  # service:db, its first container
    assert (options.namespaces.uts, options.namespaces.cgroupns) == ("host", "host")
    assert "com.docker.compose.service=web" in options.labels


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ({"image": "x", "command": "a"}, []),
        ({"image": "x", "build": {"context": "."}}, []),
        ({"image": "x", "shm_size": "1g", "x-mine": 1}, []),
        ({"image": "x", "cgroup_parent": "/a", "pid": "host", "ipc": "host"}, []),
        (
            {"image": "x", "mac_address": "02:42:ac:11:00:02", "domainname": "d"},
            [],
        ),
        (
            {"image": "x", "blkio_config": {"weight": 10, "weight_device": [], "other": 1}},
            ["blkio_config.other"],
        ),
        ({"image": "x", "deploy": {"replicas": 2, "placement": {}}}, []),  # swarm only
        (
            {"image": "x", "links": ["a"], "volumes_from": ["a"], "attach": False},
            [],
        ),
        (
            {"image": "x", "oom_kill_disable": True, "mem_swappiness": 1},
            [
                "oom_kill_disable",
                "mem_swappiness",
            ],
        ),
    ],
)
def test_unsupported_keys_are_named(service: dict[str, object], expected: list[str]) -> None:
    assert unsupported_keys(service) == expected


SPEC_KEYS = json.loads(
    (Path(__file__).parents[3] / "src/hutch/compose/compose-spec.json").read_text()
)["definitions"]["service"]["properties"]


@pytest.mark.parametrize("key", sorted(SPEC_KEYS))
def test_every_spec_key_is_implemented_or_refused_with_a_reason(key: str) -> None:
    """No service key of the spec is refused by its name alone."""
    if key in ("env_file", "label_file"):
        return  # read into environment and labels by finalise
    refused = unsupported_keys({key: None})
    assert refused in ([], [key])
    if refused:
        assert key_reason(key, {key: None}), key


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        ({"isolation": "default", "use_api_socket": False, "oom_kill_disable": False}, []),
        ({"gpus": [], "storage_opt": {}}, []),
        ({"isolation": "process", "use_api_socket": True}, ["isolation", "use_api_socket"]),
        ({"storage_opt": {"size": "1G"}, "cpu_rt_runtime": 400}, ["storage_opt", "cpu_rt_runtime"]),
        ({"runtime": "runc", "gpus": "all"}, ["runtime", "gpus"]),
        ({"deploy": {"mode": "global", "restart_policy": {"condition": "any"}}}, []),
        ({"deploy": {"mode": "swarm"}}, ["deploy.mode"]),
        (
            {"deploy": {"restart_policy": {"delay": "5s", "window": "1m", "condition": "x"}}},
            ["deploy.restart_policy.condition"],
        ),
        (
            {
                "deploy": {
                    "update_config": {},
                    "resources": {
                        "limits": {"cpus": 1, "memory": "1m", "pids": 3},
                        "reservations": {"memory": "1m", "cpus": 1, "devices": []},
                    },
                }
            },
            ["deploy.resources.reservations.devices"],
        ),
    ],
)
def test_keys_mapped_or_refused_by_value(service: dict[str, object], expected: list[str]) -> None:
    assert unsupported_keys(service) == expected
    for key in expected:
        assert key_reason(key, service)


def test_swarm_only_keys_are_ignored_with_a_warning_each() -> None:
    """docker compose without a swarm runs a stack file and ignores these keys."""
    service = {
        "deploy": {
            "placement": {"constraints": ["node.role == manager"]},
            "update_config": {"parallelism": 2},
            "rollback_config": {},
            "endpoint_mode": "dnsrr",
            "restart_policy": {"condition": "on-failure", "delay": "5s", "window": "1m"},
            "resources": {"reservations": {"cpus": "0.5", "generic_resources": []}},
        }
    }
    assert unsupported_keys(service) == []
    warnings = swarm_only_warnings("web", service)
    assert [w.split(" is ignored: ")[0] for w in warnings] == [
        f"service 'web': deploy.{key}"
        for key in (
            "placement",
            "endpoint_mode",
            "update_config",
            "rollback_config",
            "restart_policy.delay",
            "restart_policy.window",
            "resources.reservations.cpus",
            "resources.reservations.generic_resources",
        )
    ]
    assert all(w.split(" is ignored: ")[1] for w in warnings)
    assert swarm_only_warnings("web", {"deploy": {"replicas": 2}}) == []
    assert restart_policy(service) == "on-failure"


def test_reasons_name_the_value_or_the_missing_flag() -> None:
    assert "hutch run has no --storage-opt" in REASONS["storage_opt"]
    assert "cgroup v2 has no real-time CPU budget" in REASONS["cpu_rt_period"]
    service = {"deploy": {"mode": "swarm", "restart_policy": {"condition": "sometimes"}}}
    assert key_reason("deploy.mode", service).startswith("unknown mode 'swarm'")
    assert key_reason("deploy.restart_policy.condition", service) == (
        "unknown condition 'sometimes': use none, on-failure or any"
    )


@pytest.mark.parametrize(
    ("service", "flag"),
    [
        ({}, "no"),
        ({"restart": "unless-stopped"}, "unless-stopped"),
        ({"restart": "always", "deploy": {"restart_policy": {"condition": "none"}}}, "no"),
        ({"deploy": {"restart_policy": {}}}, "always"),  # the spec's default: any
        ({"deploy": {"restart_policy": {"condition": "on-failure"}}}, "on-failure"),
        (
            {"deploy": {"restart_policy": {"condition": "on-failure", "max_attempts": 3}}},
            "on-failure:3",
        ),
    ],
)
def test_deploy_restart_policy_is_run_restart(service: dict[str, object], flag: str) -> None:
    assert restart_policy(service) == flag


@pytest.mark.parametrize(("text", "seconds"), [("10s", 10), ("1m30s", 90), ("1h", 3600)])
def test_durations(text: str, seconds: int) -> None:
    assert duration_seconds(text) == seconds


def test_bad_duration() -> None:
    with pytest.raises(ValueError, match="invalid duration"):
        duration_seconds("10 parsecs")


LINKED = """\
name: shop
services:
  db:
    image: busybox
    annotations: {team: data}
    device_cgroup_rules: ["c 1:3 mr"]
    secrets: [token, {source: cert, mode: 0400}]
    configs: [site, {source: motd, target: etc/motd, uid: "7", mode: 0440}]
  web:
    image: busybox
    links: ["db:database", "db"]
    volumes_from: ["db:ro", "container:other:rw"]
  side:
    image: busybox
    network_mode: "service:web"
    ipc: "service:db"
secrets:
  token: {file: ./token.txt}
  cert: {environment: CERT}
configs:
  site: {file: ./site.conf}
  motd: {content: "hello $${USER}"}
"""


def _linked(tmp_path: Path) -> tuple[Project, dict[str, RunOptions]]:
    (tmp_path / "compose.yaml").write_text(LINKED)
    environ = {"CERT": "PEM"}
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ=environ))
    options = {
        name: run_options(
            "shop", name, body, project.model, name=f"shop-{name}-1", image="busybox",
            labels={}, environ=project.environment,
        )
        for name, body in project.services.items()
    }  # fmt: skip
    return project, options


def test_links_volumes_from_annotations_and_implied_dependencies(tmp_path: Path) -> None:
    project, options = _linked(tmp_path)
    # a link is an alias of the linked service; it and volumes_from start it first
    assert options["db"].net.aliases == ("db", "database")
    assert options["web"].volumes.volumes_from == ("shop-db-1:ro", "other:rw")
    assert project.services["web"]["depends_on"] == {
        "db": {"condition": "service_started", "required": True, "restart": True}
    }
    assert list(project.services["side"]["depends_on"]) == ["web", "db"]
    assert options["db"].annotations == ("team=data",)
    assert options["db"].security.device_cgroup_rules == ("c 1:3 mr",)


def test_secrets_and_configs(tmp_path: Path) -> None:
    project, options = _linked(tmp_path)
    assert options["db"].volumes.volumes == (
        f"{tmp_path}/token.txt:/run/secrets/token:ro",
        f"{tmp_path}/site.conf:/site:ro",
    )
    files = secret_files(project.services["db"], project.model, {"CERT": "PEM"})
    written = tar_of(files)
    assert written is not None
    with tarfile.open(fileobj=io.BytesIO(written)) as tar:
        members = {m.name: m for m in tar.getmembers()}
        assert list(members) == ["etc", "run", "run/secrets", "run/secrets/cert", "etc/motd"]
        cert, motd = members["run/secrets/cert"], members["etc/motd"]
        assert (cert.mode, cert.uid) == (0o400, 0)
        assert (motd.mode, motd.uid) == (0o440, 7)
        reader = tar.extractfile(motd)
        assert reader is not None and reader.read() == b"hello ${USER}"
    with pytest.raises(ValueError, match="environment variable CERT is not set"):
        secret_files(project.services["db"], project.model, {})
    model = {"configs": {"c": {"external": True}}}
    with pytest.raises(ValueError, match="external configs need a swarm"):
        secret_files({"configs": [{"source": "c"}]}, model, {})


def test_external_secrets_are_hutch_secrets() -> None:
    model = {"secrets": {"s": {"external": True}, "t": {"name": "prod-t"}, "f": {"file": "/x"}}}
    service = {
        "secrets": [
            {"source": "s"},
            {"source": "t", "target": "/etc/t.pem", "uid": "7", "mode": 0o400},
            {"source": "f"},
        ]
    }
    files = secret_files(service, model, {})
    assert secret_flags(files) == (
        "s,target=/run/secrets/s,uid=0,gid=0,mode=444",
        "prod-t,target=/etc/t.pem,uid=7,gid=0,mode=400",
    )
    assert tar_of(files) is None  # nothing written: the store's secrets are copied by create
    assert bind_volumes(files) == ("/x:/run/secrets/f:ro",)
    options = run_options("p", "svc", service, model, name="p-svc-1", image="img", labels={})
    assert options.secrets == secret_flags(files)


def test_a_volume_subpath_becomes_a_mount_flag(tmp_path: Path) -> None:
    """``-v`` has no subpath: a long-syntax volume with one is a ``--mount``."""
    from hutch.volumes.specs import parse_mount

    (tmp_path / "compose.yaml").write_text(
        "name: p\n"
        "services:\n"
        "  app:\n"
        "    image: busybox\n"
        "    volumes:\n"
        "      - {type: volume, source: data, target: /x, read_only: true,\n"
        "         volume: {subpath: 'a/b,c', nocopy: true}}\n"
        "      - {type: volume, source: data, target: /y}\n"
        "volumes:\n"
        "  data: {}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    service = project.services["app"]
    options = run_options("p", "app", service, project.model, name="p-app-1", image="b", labels={})
    (text,) = options.volumes.mounts
    request = parse_mount(text)
    assert (request.source, request.destination, request.subpath) == ("p_data", "/x", "a/b,c")
    assert request.readonly and not request.copy_up
    assert options.volumes.volumes == ("p_data:/y",)


def test_healthcheck_retries_zero_keeps_the_images_count() -> None:
    # Docker's API reads 0 as "inherit"; the --health-retries flag refuses it (podman)
    from hutch.compose.translate import _health

    assert _health({"test": ["CMD", "true"], "retries": 0}).retries is None
    assert _health({"test": ["CMD", "true"], "retries": 2}).retries == 2
