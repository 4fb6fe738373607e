"""Docker create bodies (as docker CLI 20.10 and docker-py 7 send them) -> RunOptions,
checked field by field and then by the engine's own flag checks (``parse_create``)."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import netopts
from hutch.engine.create_plan import parse_create
from hutch.service.docker.create_body import create_request, go_duration
from hutch.volumes.specs import parse_mount, parse_tmpfs, parse_volume
from unit.service.docker_bodies import (
    DOCKER_CLI_CREATE,
    DOCKER_CLI_CREATE_MINIMAL,
    DOCKER_PY_CREATE,
)

SETTINGS = Settings(default_network="none", cgroups="disabled")


def test_the_docker_cli_body_becomes_the_flags_it_was_typed_with() -> None:
    request = create_request(DOCKER_CLI_CREATE, name="web")
    o = request.options
    assert (o.image, o.name, o.command, o.entrypoint) == (
        "busybox",
        "web",
        ("-c", "echo hi"),
        "/bin/sh",
    )
    assert (o.user, o.workdir, o.env, o.labels) == ("1000", "/srv", ("A=1",), ("x=y",))
    assert (o.stop_signal, o.stop_timeout, o.restart) == ("SIGINT", 5, "on-failure:3")
    # an endpoint's aliases are that network's (run's --network NAME:alias=)
    assert o.network == "mynet:alias=w1" and o.net.aliases == ()
    assert set(o.net.publish) == {"8080:80/tcp", "127.0.0.1::53/udp"}
    assert o.volumes.volumes == ("/tmp:/host:ro", "data:/data", "/anon")
    assert o.volumes.tmpfs == ("/run:rw,size=64k",)
    assert o.volumes.mounts == ("type=tmpfs,target=/scratch,tmpfs-size=1048576",)
    assert (o.resources.memory, o.resources.cpus, o.resources.pids_limit) == (
        "67108864",
        "0.5",
        100,
    )
    assert o.security.cap_add == ("NET_ADMIN",) and o.security.cap_drop == ("ALL",)
    assert o.security.security_opt == ("no-new-privileges",) and o.security.read_only
    assert o.security.ulimit == ("nofile=1024:2048",)
    health = o.lifecycle.health
    assert (health.cmd, health.interval, health.timeout) == ("true", "5s", None)
    assert o.lifecycle.init
    assert (o.log.driver, o.log.opts) == ("json-file", ("max-size=1m",))
    assert o.pull.policy == "never"  # Docker answers 404; the client pulls
    assert request.warnings == ()


def test_every_translated_value_passes_the_engines_own_checks() -> None:
    for body in (DOCKER_CLI_CREATE, DOCKER_CLI_CREATE_MINIMAL, DOCKER_PY_CREATE):
        options = create_request(body).options
        parse_create(options, SETTINGS)  # raises on a value the CLI would refuse
        for text in options.volumes.volumes:
            parse_volume(text)
        for text in options.volumes.mounts:
            parse_mount(text)
        for text in options.volumes.tmpfs:
            parse_tmpfs(text)


def test_the_zero_values_of_a_bare_docker_create_mean_nothing_given() -> None:
    o = create_request(DOCKER_CLI_CREATE_MINIMAL).options
    assert o.network == ""  # NetworkMode "default": hutch's default network
    assert o.resources.pids_limit is None  # the CLI sends 0 for "not given"
    assert o.resources.memory is None and o.resources.cpus is None
    assert o.entrypoint is None and o.command == () and o.restart == "no"
    assert o.volumes.volumes == () and o.net.publish == ()
    assert o.lifecycle.health.cmd is None and not o.lifecycle.health.disabled
    assert o.log.driver == "json-file"  # Docker's default driver, not hutch's k8s-file


def test_a_body_without_restart_policy_gives_none_apart_from_an_explicit_no() -> None:
    # podman's compat API keeps "" (none given) apart from "no", as its CLI does
    assert create_request({"Image": "b"}).options.restart == ""
    explicit = {"Image": "b", "HostConfig": {"RestartPolicy": {"Name": "no"}}}
    assert create_request(explicit).options.restart == "no"


def test_docker_py_lists_its_bind_destinations_as_volumes_which_are_not_anonymous() -> None:
    o = create_request(DOCKER_PY_CREATE, name="py").options
    assert o.volumes.volumes == ("/tmp:/host:ro",)
    assert o.network == "mynet" and o.restart == "always"
    # the CMD form whole (--health-cmd keeps an array that starts with CMD as it is)
    assert o.lifecycle.health.cmd == '["CMD", "true"]' and o.lifecycle.health.interval == "5s"
    assert o.net.publish == ("8080:80/tcp",)
    # a mode other than ro or rw alone: docker-py's key is what follows the first colon
    body = {
        "Image": "base",
        "Volumes": {"/a:ro,Z": {}, "/anon": {}},
        "HostConfig": {"Binds": ["/srv:/a:ro,Z"]},
    }
    assert create_request(body).options.volumes.volumes == ("/srv:/a:ro,Z", "/anon")


def test_namespace_modes_shm_size_and_oom_score_adj_reach_run_options() -> None:
    host = {
        "PidMode": "host",
        "IpcMode": "container:abc",
        "UTSMode": "host",
        "CgroupnsMode": "private",
        "ShmSize": 1 << 30,
        "OomScoreAdj": 500,
    }
    o = create_request({"Image": "busybox", "HostConfig": host}).options
    assert (o.namespaces.pid, o.namespaces.ipc, o.namespaces.uts, o.namespaces.cgroupns) == (
        "host",
        "container:abc",
        "host",
        "private",
    )
    assert o.kernel.shm_size == str(1 << 30)
    assert o.kernel.oom_score_adj == 500


def test_go_zero_values_leave_the_defaults() -> None:
    host = {"PidMode": "", "IpcMode": "", "ShmSize": 0, "OomScoreAdj": 0}
    o = create_request({"Image": "busybox", "HostConfig": host}).options
    assert o.namespaces.pid == "" and o.namespaces.ipc == ""
    assert o.kernel.shm_size is None and o.kernel.oom_score_adj is None


@pytest.mark.parametrize(
    ("host", "message"),
    [
        ({"Links": ["db:db"]}, "HostConfig.Links: legacy links"),
        ({"OomKillDisable": True}, "HostConfig.OomKillDisable"),
        ({"DeviceRequests": [{"Driver": "nvidia"}]}, "HostConfig.DeviceRequests"),
        ({"VolumeDriver": "nfs"}, "HostConfig.VolumeDriver 'nfs'"),
        ({"ShmSize": -1}, "HostConfig.ShmSize: cannot be negative"),
        ({"Memory": "64m"}, "HostConfig.Memory: expected an integer, got a string"),
        ({"Binds": "x"}, None),  # a lone string is one item (Go's StrSlice)
        ({"Mounts": [{"Type": "npipe", "Target": "/x"}]}, "HostConfig.Mounts[0].Type 'npipe'"),
        ({"Mounts": [{"Type": "bind"}]}, "HostConfig.Mounts[0].Target"),
        ({"PortBindings": {"80/tcp": "8080"}}, "HostConfig.PortBindings.80/tcp: expected a list"),
        ({"NanoCpus": -1}, "HostConfig.NanoCpus: cannot be negative"),
        # the container's streams would be the service's own: podman's remote refusal
        (
            {"LogConfig": {"Type": "passthrough"}},
            "the '--log-driver passthrough' option is not supported in remote mode",
        ),
        (
            {"LogConfig": {"Type": "passthrough-tty"}},
            "the '--log-driver passthrough-tty' option is not supported in remote mode",
        ),
    ],
)
def test_what_hutch_cannot_do_is_refused_by_name(host: dict[str, Any], message: str | None) -> None:
    body = {"Image": "busybox", "HostConfig": host}
    if message is None:
        create_request(body)
        return
    with pytest.raises(InvalidArgument) as exc:
        create_request(body)
    assert str(exc.value).startswith(message)


def test_body_shapes_and_missing_image_are_refused() -> None:
    with pytest.raises(InvalidArgument, match="expected a JSON object, got a list"):
        create_request([])
    with pytest.raises(InvalidArgument, match=r"Config.Image: an image is required"):
        create_request({"Cmd": ["true"]})
    with pytest.raises(InvalidArgument, match=r"Healthcheck.Test"):
        create_request({"Image": "b", "Healthcheck": {"Test": ["BOGUS"]}})


def test_settings_without_effect_are_warnings() -> None:
    body = {"Image": "b", "HostConfig": {"KernelMemory": 1 << 20, "MemorySwappiness": 10}}
    warnings = create_request(body).warnings
    assert any(w.startswith("HostConfig.KernelMemory") for w in warnings)
    assert any(w.startswith("HostConfig.MemorySwappiness") for w in warnings)


def test_mounts_become_mount_flags_with_commas_quoted() -> None:
    body = {
        "Image": "b",
        "HostConfig": {
            "Mounts": [
                {
                    "Type": "bind",
                    "Source": "/srv/a,b",
                    "Target": "/a",
                    "ReadOnly": True,
                    "BindOptions": {"Propagation": "rslave", "NonRecursive": True},
                },
                {
                    "Type": "volume",
                    "Source": "v1",
                    "Target": "/v",
                    "VolumeOptions": {
                        "NoCopy": True,
                        "DriverConfig": {"Options": {"o": "x"}},
                        "Subpath": "a/b",
                    },
                },
                {"Type": "tmpfs", "Target": "/t", "TmpfsOptions": {"Mode": 0o1777}},
            ]
        },
    }
    mounts = create_request(body).options.volumes.mounts
    assert mounts[0] == 'type=bind,target=/a,"source=/srv/a,b",readonly=true,' + (
        "bind-propagation=rslave,bind-nonrecursive=true"
    )
    bind = parse_mount(mounts[0])
    assert (bind.kind, bind.source, bind.destination, bind.readonly) == (
        "bind", "/srv/a,b", "/a", True,
    )  # fmt: skip
    assert "rslave" in bind.options and "bind" in bind.options
    volume = parse_mount(mounts[1])
    assert (volume.source, volume.copy_up, volume.volume_options) == ("v1", False, ("o=x",))
    assert volume.subpath == "a/b"
    assert "mode=1777" in parse_mount(mounts[2]).options
    with pytest.raises(InvalidArgument, match=r"DriverConfig.Name 'nfs'"):
        create_request(
            {
                "Image": "b",
                "HostConfig": {
                    "Mounts": [{"Target": "/v", "VolumeOptions": {"DriverConfig": {"Name": "nfs"}}}]
                },
            }
        )


def test_networks_from_the_mode_and_the_endpoints_join_with_their_aliases_and_address() -> None:
    body = {
        "Image": "b",
        "HostConfig": {"NetworkMode": "front"},
        "NetworkingConfig": {
            "EndpointsConfig": {
                "front": {"Aliases": ["web"], "IPAMConfig": {"IPv4Address": "10.89.0.9"}},
                "back": {"Aliases": ["web", "api"]},
            }
        },
    }
    o = create_request(body).options
    assert o.network == "front:ip=10.89.0.9,alias=web,back:alias=web,alias=api"
    assert o.net.aliases == () and o.net.ip is None
    for mode in ("host", "none", "container:abc"):
        assert (
            create_request({"Image": "b", "HostConfig": {"NetworkMode": mode}}).options.network
            == mode
        )
        with pytest.raises(InvalidArgument, match="cannot join a network"):
            create_request({**body, "HostConfig": {"NetworkMode": mode}})
    disabled = create_request({"Image": "b", "NetworkDisabled": True}).options
    assert disabled.network == "none"
    linked = copy.deepcopy(body)
    linked["NetworkingConfig"]["EndpointsConfig"]["back"]["Links"] = ["db:db"]
    with pytest.raises(InvalidArgument, match=r"EndpointsConfig.back.Links"):
        create_request(linked)


def test_each_endpoints_address_and_mac_are_its_networks_options() -> None:
    # docker run --network front --ip 10.89.0.9 --mac-address ... (CLI 20.10 and 28)
    body = {
        "Image": "b",
        "MacAddress": "02:11:22:33:44:55",  # the container-wide field of API < 1.44
        "HostConfig": {"NetworkMode": "front"},
        "NetworkingConfig": {
            "EndpointsConfig": {
                "front": {"IPAMConfig": {"IPv4Address": "10.89.0.9", "IPv6Address": ""}},
                "back": {
                    "IPAMConfig": {"IPv4Address": "10.90.0.9", "IPv6Address": "fd00::9"},
                    "MacAddress": "02:11:22:33:44:66",
                },
            }
        },
    }
    o = create_request(body).options
    assert o.network == "front:ip=10.89.0.9,back:ip=10.90.0.9,ip6=fd00::9,mac=02:11:22:33:44:66"
    assert o.net.mac_address == "02:11:22:33:44:55"  # the first network's, as --mac-address
    parsed = [(c.name, c.ip, c.ip6, c.mac) for c in netopts.parse(o.network)]
    assert parsed == [
        ("front", "10.89.0.9", None, None),
        ("back", "10.90.0.9", "fd00::9", "02:11:22:33:44:66"),
    ]
    # on Docker's default network they are the global flags, which run checks itself
    plain = {
        "Image": "b",
        "NetworkingConfig": {
            "EndpointsConfig": {
                "bridge": {
                    "IPAMConfig": {"IPv4Address": "10.88.0.9"},
                    "MacAddress": "02:aa:bb:cc:dd:ee",
                }
            }
        },
    }
    o = create_request(plain).options
    assert (o.network, o.net.ip, o.net.mac_address) == ("", "10.88.0.9", "02:aa:bb:cc:dd:ee")
    bad = copy.deepcopy(body)
    bad["NetworkingConfig"]["EndpointsConfig"]["back"]["IPAMConfig"]["IPv4Address"] = "10.9"
    with pytest.raises(InvalidArgument, match=r'network back: invalid ip address "10\.9"'):
        parse_create(create_request(bad).options, SETTINGS)


def test_publish_all_adds_the_exposed_ports_not_bound() -> None:
    body = {
        "Image": "b",
        "ExposedPorts": {"80/tcp": {}, "53/udp": {}},
        "HostConfig": {
            "PublishAllPorts": True,
            "PortBindings": {"80/tcp": [{"HostIp": "::1", "HostPort": "8080"}]},
        },
    }
    o = create_request(body).options
    assert o.net.publish == ("[::1]:8080:80/tcp", "53/udp") and o.net.publish_all


@pytest.mark.parametrize(
    ("entrypoint", "expected"),
    [(None, None), ([], ""), ([""], ""), (["/bin/sh"], "/bin/sh"), (["sh", "-c"], '["sh", "-c"]')],
)
def test_entrypoint_forms(entrypoint: list[str] | None, expected: str | None) -> None:
    assert create_request({"Image": "b", "Entrypoint": entrypoint}).options.entrypoint == expected


def test_health_and_limits_in_docker_units() -> None:
    body = {
        "Image": "b",
        "Healthcheck": {"Test": ["NONE"]},
        "HostConfig": {
            "PidsLimit": -1,
            "MemorySwap": -1,
            "CpuQuota": 50000,
            "CpuPeriod": 100000,
            "BlkioDeviceReadBps": [{"Path": "/dev/sda", "Rate": 1024}],
            "RestartPolicy": {"Name": "on-failure"},
        },
    }
    o = create_request(body).options
    assert o.lifecycle.health.disabled
    assert (o.resources.pids_limit, o.resources.memory_swap) == (-1, "-1")
    assert (o.resources.cpu_quota, o.resources.cpu_period) == (50000, 100000)
    assert o.resources.device_read_bps == ("/dev/sda:1024",)
    assert o.restart == "on-failure"
    assert [go_duration(n) for n in (30 * 10**9, 1500 * 10**6, 7)] == ["30s", "1500ms", "7ns"]


def test_a_bare_environment_name_is_not_filled_from_the_servers_environment() -> None:
    o = create_request({"Image": "b", "Env": ["A=1", "HOME", "B="]}).options
    assert o.env == ("A=1", "B=")


def test_domainname_reaches_run_s_domainname() -> None:
    body = copy.deepcopy(DOCKER_CLI_CREATE_MINIMAL)
    body["Domainname"] = "example.org"
    assert create_request(body).options.domainname == "example.org"
    assert create_request(DOCKER_CLI_CREATE_MINIMAL).options.domainname is None


def test_readonly_rootfs_and_proxies_are_the_bodys_not_containers_confs() -> None:
    """podman's compat handler takes ReadonlyRootfs as sent (absent: false), so a file's
    read_only = true does not make a Docker client's container read-only, and passes
    none of the server's proxy variables (checked against podman 4.3.1's service)."""
    from hutch.config.container_defaults import ContainerDefaults
    from hutch.engine import conf_defaults

    conf = ContainerDefaults(read_only=True, http_proxy=True)
    for body, expected in ((DOCKER_CLI_CREATE_MINIMAL, False), (DOCKER_CLI_CREATE, True)):
        options = conf_defaults.apply(create_request(body).options, conf)
        assert options.security.read_only is expected
        assert options.http_proxy is False
