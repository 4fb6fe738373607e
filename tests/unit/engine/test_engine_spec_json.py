"""generate spec's document: podman's SpecGenerator keys where a create option has
one, the rest under "hutch", empty values left out (Go's omitempty)."""

from __future__ import annotations

import json

from hutch.api.container_config import (
    HealthOptions,
    LifecycleOptions,
    NamespaceOptions,
    NetworkOptions,
    ResourceOptions,
    RunOptions,
    SecurityOptions,
    VolumeOptions,
)
from hutch.api.pods import PodCreateOptions
from hutch.engine.spec_json import container_spec, pod_spec


def test_a_container_as_podmans_keys() -> None:
    options = RunOptions(
        "localhost/base:latest",
        command=("sleep", "100"),
        name="web-clone",
        env=("A=1", "FROM_HOST"),
        labels=("k=v",),
        workdir="/tmp",
        restart="on-failure:3",
        tty=True,
        create_command=("create", "--name", "web", "base"),
        resources=ResourceOptions(memory="64m", pids_limit=100, cpus="0.5"),
        namespaces=NamespaceOptions(pid="host"),
        security=SecurityOptions(cap_add=("NET_ADMIN",), userns="container:other"),
        net=NetworkOptions(dns=("1.1.1.1",)),
        volumes=VolumeOptions(volumes=("/a:/b",)),
        network="none",
    )
    doc = container_spec(options)
    assert doc == {
        "name": "web-clone",
        "command": ["sleep", "100"],
        "env": {"A": "1"},
        "labels": {"k": "v"},
        "image": "localhost/base:latest",
        "work_dir": "/tmp",
        "terminal": True,
        "restart_policy": "on-failure",
        "restart_tries": 3,
        "containerCreateCommand": ["create", "--name", "web", "base"],
        "netns": {"nsmode": "none"},
        "pidns": {"nsmode": "host"},
        "userns": {"nsmode": "container", "value": "other"},
        "cap_add": ["NET_ADMIN"],
        "dns_server": ["1.1.1.1"],
        "resource_limits": {
            "memory": {"limit": 64 * 1024 * 1024},
            "pids": {"limit": 100},
            "cpu": {"quota": 50000},
        },
        # no podman key: hutch's own name and value, never under a podman key
        "hutch": {"volumes": {"volumes": ["/a:/b"]}},
    }
    json.dumps(doc)  # a JSON document throughout


def test_the_health_check_as_podmans_healthconfig() -> None:
    """--health-cmd as podman records it (["CMD-SHELL", ...] for a plain command),
    the durations in nanoseconds; what podman's Schema2HealthConfig has no key for
    stays hutch's."""
    health = HealthOptions(cmd="curl -f x", interval="1m", retries=4, on_failure="kill")
    doc = container_spec(RunOptions("img", lifecycle=LifecycleOptions(health=health)))
    assert doc["healthconfig"] == {
        "Test": ["CMD-SHELL", "curl -f x"],
        "Interval": 60_000_000_000,
        "Retries": 4,
    }
    assert doc["hutch"] == {"lifecycle": {"health": {"on_failure": "kill"}}}


def test_defaults_say_nothing() -> None:
    assert container_spec(RunOptions("img")) == {"image": "img"}
    assert pod_spec(PodCreateOptions()) == {}


def test_a_pod_as_podmans_keys() -> None:
    options = PodCreateOptions(
        name="p-clone",
        labels=("a=b",),
        share="ipc,net",
        infra=False,
        publish=("8080:80",),
        create_command=("pod", "create", "p"),
    )
    assert pod_spec(options) == {
        "name": "p-clone",
        "labels": {"a": "b"},
        "no_infra": True,
        "shared_namespaces": ["ipc", "net"],
        "pod_create_command": ["pod", "create", "p"],
        "portmappings": [
            {"host_ip": "", "container_port": 80, "host_port": 8080, "range": 1, "protocol": "tcp"}
        ],
    }
