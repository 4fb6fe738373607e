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


def test_what_create_resolved_as_podmans_keys() -> None:
    from hutch.engine.container_record import ContainerConfig, MountRecord
    from hutch.engine.spec_resolved import Resolved

    options = RunOptions(
        "localhost/base:latest",
        command=("sleep", "100"),
        env=("A=1",),
        workdir="/tmp",
        volumes=VolumeOptions(
            volumes=("/h:/data:ro", "named1:/n", "/anon"),
            mounts=("type=bind,src=/h,dst=/m",),
            tmpfs=("/t:size=1m",),
        ),
        net=NetworkOptions(publish=("18124:80",)),
    )
    config = ContainerConfig(
        options,
        env=("PATH=/bin", "A=1", "container=hutch", "HOSTNAME=abc"),
        hostname="abc",
        workdir="/tmp",
        user="1000",
        mounts=(
            MountRecord("bind", "/data", "/h", readonly=True),
            MountRecord("volume", "/n", "/v/named1/_data", name="named1"),
            MountRecord("volume", "/anon", "/v/x/_data", name="x" * 64, options=("nodev",)),
            MountRecord("bind", "/m", "/h", options=("rbind",)),
            MountRecord("tmpfs", "/t", "", options=("size=1m",)),
            MountRecord("image", "/img", "base", readonly=True, subpath="etc"),
        ),
    )
    resolved = Resolved("i" * 64, config, frozenset({"x" * 64}))
    doc = container_spec(options, resolved)
    assert doc["image"] == "i" * 64
    assert doc["raw_image_name"] == "localhost/base:latest"
    # the runtime's HOSTNAME is this container's, not the spec's
    assert doc["env"] == {"PATH": "/bin", "A": "1", "container": "hutch"}
    assert (doc["work_dir"], doc["user"]) == ("/tmp", "1000")
    assert doc["mounts"] == [
        {"destination": "/data", "type": "bind", "source": "/h", "options": ["ro"]},
        {"destination": "/m", "type": "bind", "source": "/h", "options": ["rbind"]},
        {"destination": "/t", "type": "tmpfs", "source": "tmpfs", "options": ["size=1m"]},
    ]
    assert doc["volumes"] == [
        {"Name": "named1", "Dest": "/n", "Options": [], "IsAnonymous": False},
        {"Name": "x" * 64, "Dest": "/anon", "Options": ["nodev"], "IsAnonymous": True},
    ]
    assert doc["image_volumes"] == [
        {"Source": "base", "Destination": "/img", "ReadWrite": False, "SubPath": "etc"}
    ]
    assert doc["portmappings"][0]["host_port"] == 18124
    assert "hutch" not in doc  # -v, --mount and --tmpfs are said by mounts and volumes
    json.dumps(doc)


def test_a_rootfs_container_names_its_directory() -> None:
    from hutch.engine.container_record import ContainerConfig
    from hutch.engine.spec_resolved import Resolved

    for given, path, overlay in (("/r", "/r", None), ("/r:O", "/r", True)):
        options = RunOptions(given, rootfs=True)
        doc = container_spec(options, Resolved("", ContainerConfig(options, workdir="")))
        assert (doc["rootfs"], doc.get("rootfs_overlay")) == (path, overlay)
        assert "image" not in doc and "raw_image_name" not in doc and "hutch" not in doc


def test_more_options_with_podman_keys() -> None:
    from hutch.api.container_config import KernelOptions

    options = RunOptions(
        "img",
        unsetenv=("TERM",),
        env_host=True,
        net=NetworkOptions(expose=("80", "53/udp", "53/tcp", "9000-9001")),
        volumes=VolumeOptions(volumes_from=("other:ro",), image_volume="tmpfs"),
        security=SecurityOptions(device=("/dev/fuse",), ulimit=("nofile=1024:2048",)),
        lifecycle=LifecycleOptions(timeout=30),
        kernel=KernelOptions(personality="LINUX32"),
    )
    doc = container_spec(options)
    assert doc["expose"] == {"80": "tcp", "53": "udp,tcp", "9000": "tcp", "9001": "tcp"}
    assert doc["volumes_from"] == ["other:ro"]
    assert doc["image_volume_mode"] == "tmpfs"
    assert doc["devices"] == [{"path": "/dev/fuse"}]
    assert doc["r_limits"] == [{"type": "RLIMIT_NOFILE", "hard": 2048, "soft": 1024}]
    assert (doc["timeout"], doc["personality"]) == (30, {"domain": "LINUX32"})
    assert (doc["unsetenv"], doc["env_host"]) == (["TERM"], True)
    assert "hutch" not in doc


def test_the_health_check_it_runs() -> None:
    from hutch.api.container_config import HealthOptions
    from hutch.engine.container_record import ContainerConfig
    from hutch.engine.spec_resolved import Resolved

    def spec(health: HealthOptions) -> dict[str, object]:
        options = RunOptions("img", lifecycle=LifecycleOptions(health=health))
        return container_spec(options, Resolved("i", ContainerConfig(options, workdir="")))

    # the Test as podman records it (a shell command as CMD-SHELL), durations in
    # nanoseconds; what Schema2HealthConfig has no key for stays hutch's
    doc = spec(HealthOptions(cmd="curl -f x", interval="5s", retries=2, on_failure="kill"))
    assert doc["healthconfig"] == {
        "Test": ["CMD-SHELL", "curl -f x"],
        "Interval": 5_000_000_000,
        "Timeout": 30_000_000_000,
        "Retries": 2,
    }
    assert doc["hutch"] == {"lifecycle": {"health": {"on_failure": "kill"}}}
    assert spec(HealthOptions(cmd='["/bin/true", "-x"]'))["healthconfig"]["Test"] == [
        "CMD", "/bin/true", "-x"
    ]  # fmt: skip
    assert spec(HealthOptions(disabled=True))["healthconfig"] == {"Test": ["NONE"]}
    assert "healthconfig" not in spec(HealthOptions())


def test_secrets_as_podmans_keys_by_name_only() -> None:
    """--secret as SpecGenerator's secrets (Go's field names) and secret_env; none is
    left under "hutch", and a secret's data is never there to write."""
    secrets = (
        "db",
        "tls,target=rel,uid=5,gid=6,mode=0400",
        "tok,type=env,target=TOKEN",
        "k,type=env",
    )
    doc = container_spec(RunOptions("base", secrets=secrets))
    assert doc["secrets"] == [
        {"Source": "db", "Target": "", "UID": 0, "GID": 0, "Mode": 0o444},
        {"Source": "tls", "Target": "rel", "UID": 5, "GID": 6, "Mode": 0o400},
    ]
    assert doc["secret_env"] == {"TOKEN": "tok", "k": "k"}
    assert "hutch" not in doc
    only_env = container_spec(RunOptions("base", secrets=("tok,type=env",)))
    assert "secrets" not in only_env and only_env["secret_env"] == {"tok": "tok"}
