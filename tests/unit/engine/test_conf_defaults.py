"""containers.conf's defaults in a new container's options: they fill what the flags
left unset, and the flags win (engine/conf_defaults.py, issue 15)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.api.container_config import (
    KernelOptions,
    LifecycleOptions,
    LogOptions,
    NamespaceOptions,
    NetworkOptions,
    RunOptions,
    SecurityOptions,
    VolumeOptions,
)
from hutch.api.errors import InvalidArgument
from hutch.cgroups.host import CgroupHost
from hutch.cgroups.manager import DEFAULT_PIDS_LIMIT
from hutch.config.container_defaults import ContainerDefaults
from hutch.config.settings import Settings
from hutch.engine import conf_defaults, specbuild
from hutch.engine import resources as r
from hutch.engine.create_plan import parse_create
from hutch.linux.caps import DEFAULT_CAPABILITIES
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.capsets import compute

FULL = ContainerDefaults(
    env=("A=conf", "PATH=/conf"),
    dns_servers=("9.9.9.9",),
    dns_searches=("example.org",),
    dns_options=("ndots:2",),
    capabilities=("CHOWN", "NET_RAW"),
    sysctls=("net.ipv4.ip_forward=1", "kernel.msgmax=4096"),
    ulimits=("nofile=100:200", "nproc=50:50"),
    annotations=("a=conf", "b=conf"),
    volumes=("/srv/a:/a", "/b"),
    init=True,
    init_path="/usr/bin/tini",
    log_driver="json-file",
    log_size_max=1048576,
    pids_limit=100,
    shm_size="128m",
    tz="UTC",
    umask="0077",
    userns="keep-id",
    no_hosts=True,
    read_only=True,
    stop_timeout=3,
)


def _switches(options: RunOptions) -> tuple[bool | None, ...]:
    return (
        options.env_host,
        options.lifecycle.init,
        options.net.no_hosts,
        options.security.read_only,
    )


@pytest.mark.parametrize("defaults", [None, ContainerDefaults()])
def test_no_defaults_leave_the_switches_off(defaults: ContainerDefaults | None) -> None:
    options = RunOptions("img", network="private")
    got = conf_defaults.apply(options, defaults)
    assert _switches(got) == (False,) * 4
    assert (
        replace(
            got,
            env_host=None,
            net=replace(got.net, no_hosts=None),
            security=replace(got.security, read_only=None),
            lifecycle=replace(got.lifecycle, init=None),
        )
        == options
    )


SWITCHES_ON = ContainerDefaults(env_host=True, init=True, no_hosts=True, read_only=True)


@pytest.mark.parametrize("flag", [True, False])
def test_a_switch_flag_wins_both_ways(flag: bool) -> None:
    """podman's precedence: ``--read-only=false`` turns a file's true off, and a flag's
    true stands over a file's false."""
    options = RunOptions(
        "img",
        network="private",
        env_host=flag,
        net=NetworkOptions(no_hosts=flag),
        security=SecurityOptions(read_only=flag),
        lifecycle=LifecycleOptions(init=flag),
    )
    assert _switches(conf_defaults.apply(options, SWITCHES_ON)) == (flag,) * 4
    assert _switches(conf_defaults.apply(options, ContainerDefaults())) == (flag,) * 4


def test_a_switch_no_flag_gives_takes_the_files_value() -> None:
    options = RunOptions("img", network="private")
    assert _switches(conf_defaults.apply(options, SWITCHES_ON)) == (True,) * 4
    one = ContainerDefaults(read_only=True, tz="UTC")
    assert _switches(conf_defaults.apply(options, one)) == (False, False, False, True)


def test_defaults_fill_unset_options() -> None:
    got = conf_defaults.apply(RunOptions("img", network="private"), FULL)
    assert got.env_defaults == FULL.env
    assert (got.net.dns, got.net.dns_search, got.net.dns_options) == (
        ("9.9.9.9",),
        ("example.org",),
        ("ndots:2",),
    )
    assert got.net.no_hosts and got.security.read_only and got.lifecycle.init
    assert got.security.default_capabilities == ("CHOWN", "NET_RAW")
    assert got.security.sysctl == FULL.sysctls
    assert got.security.ulimit == FULL.ulimits
    assert got.security.userns == "keep-id"
    assert got.lifecycle.init_path == "/usr/bin/tini"
    assert got.log == LogOptions("json-file", ("max-size=1048576",))
    assert got.kernel.shm_size == "128000000"  # decimal, as podman reads the file
    assert (got.timezone, got.umask, got.stop_timeout) == ("UTC", "0077", 3)
    assert got.annotations == FULL.annotations
    assert got.volumes.volumes == FULL.volumes


def test_flags_win() -> None:
    options = RunOptions(
        "img",
        network="private",
        env=("A=flag",),
        annotations=("a=flag",),
        timezone="Europe/Paris",
        umask="0022",
        stop_timeout=20,
        net=NetworkOptions(dns=("1.1.1.1",)),
        security=SecurityOptions(
            sysctl=("net.ipv4.ip_forward=0",),
            ulimit=("nofile=10:20",),
            userns="",
            default_capabilities=("KILL",),
        ),
        lifecycle=LifecycleOptions(init_path="/my/init"),
        log=LogOptions("k8s-file", ("max-size=10k",)),
        kernel=KernelOptions(shm_size="64m"),
        volumes=VolumeOptions(volumes=("/mine:/a",)),
    )
    got = conf_defaults.apply(options, FULL)
    assert got.env == ("A=flag",)  # -e stays above env_defaults (specbuild's order)
    assert got.annotations == ("b=conf", "a=flag")
    assert (got.timezone, got.umask, got.stop_timeout) == ("Europe/Paris", "0022", 20)
    assert got.net.dns == ("1.1.1.1",)
    assert got.security.sysctl == ("kernel.msgmax=4096", "net.ipv4.ip_forward=0")
    assert got.security.ulimit == ("nproc=50:50", "nofile=10:20")
    assert got.security.userns == ""  # --userns="" is given, not unset
    assert got.security.default_capabilities == ("KILL",)
    assert got.lifecycle.init_path == "/my/init"
    assert got.log == LogOptions("k8s-file", ("max-size=10k",))
    assert got.kernel.shm_size == "64m"
    assert got.volumes.volumes == ("/b", "/mine:/a")  # /a is the flag's


def test_net_and_ipc_sysctls_are_left_out_where_the_namespace_is_the_hosts() -> None:
    options = RunOptions("img", network="host", namespaces=NamespaceOptions(ipc="host"))
    assert conf_defaults.apply(options, FULL).security.sysctl == ()
    options = RunOptions("img", network="private", namespaces=NamespaceOptions(ipc="host"))
    assert conf_defaults.apply(options, FULL).security.sysctl == ("net.ipv4.ip_forward=1",)


def test_podmans_built_in_values_change_nothing() -> None:
    # Debian's /usr/share/containers/containers.conf repeats podman's defaults
    from hutch.config.settings import PING_DEFAULT, PODMAN_CAPABILITIES, podman_tables

    assert {f"CAP_{c}" for c in PODMAN_CAPABILITIES} == set(DEFAULT_CAPABILITIES)
    debian = {
        "containers": {
            "default_capabilities": [
                *("CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "NET_BIND_SERVICE"),
                *("SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"),
            ],
            "default_sysctls": [PING_DEFAULT],
        }
    }
    assert podman_tables(debian) == {}
    other = {"containers": {"default_capabilities": ["CHOWN"], "default_sysctls": ["a.b=1"]}}
    assert podman_tables(other) == other
    # the engine's check too, for a set spelt another way (CAP_ names, any order)
    spelt = tuple(reversed(DEFAULT_CAPABILITIES))
    got = conf_defaults.apply(RunOptions("img"), ContainerDefaults(capabilities=spelt))
    assert got.security.default_capabilities is None


def test_a_driver_hutch_has_not_stays_the_default() -> None:
    got = conf_defaults.apply(RunOptions("img"), ContainerDefaults(log_driver="journald"))
    assert got.log.driver == ""
    none = ContainerDefaults(log_driver="none", log_size_max=100)
    assert conf_defaults.apply(RunOptions("img"), none).log == LogOptions("none")


def test_parse_create_applies_them_after_the_default_network() -> None:
    settings = Settings(
        default_network="host",
        cgroups="disabled",
        defaults=ContainerDefaults(sysctls=("net.ipv4.ip_forward=1",), tz="UTC"),
    )
    request = parse_create(RunOptions("img"), settings)
    assert request.options.network == "host"
    assert request.options.security.sysctl == ()  # host's network: left out, not refused
    assert request.options.timezone == "UTC"
    assert request.localtime  # the zone file is mounted, as for --tz
    bad = replace(settings, defaults=ContainerDefaults(capabilities=("NOPE",)))
    with pytest.raises(InvalidArgument, match="default_capabilities: unknown capability"):
        parse_create(RunOptions("img"), bad)


def test_the_env_is_under_the_images() -> None:
    img = ImageConfig("amd64", "linux", (), ContainerConfig(env=("PATH=/image", "B=image")))
    options = RunOptions("img", env=("B=flag",), env_defaults=("A=conf", "PATH=/conf"))
    env = dict(item.split("=", 1) for item in specbuild.environment(options, img, "h"))
    assert (env["A"], env["PATH"], env["B"]) == ("conf", "/image", "flag")


def test_default_capabilities_replace_the_built_in_set() -> None:
    sets = compute(
        cap_add=("SYS_ADMIN",),
        cap_drop=("CHOWN",),
        privileged=False,
        non_root=False,
        last_cap=40,
        defaults=("CHOWN", "NET_RAW"),
    )
    assert set(sets.bounding) == {"CAP_NET_RAW", "CAP_SYS_ADMIN"}


HOST = CgroupHost("cgroupfs", "/sys/fs/cgroup/u", ("pids",), "delegated", "/sys/fs/cgroup", "/s")


@pytest.mark.parametrize(
    ("default", "expected"), [(None, DEFAULT_PIDS_LIMIT), (100, 100), (0, 0), (-1, 0)]
)
def test_pids_limit_is_a_default_where_a_pids_controller_is(
    default: int | None, expected: int
) -> None:
    assert r.plan(r.ResourceOptions(), "", HOST, default).spec.pids_max == expected
    # the flag wins
    assert r.plan(r.ResourceOptions(pids_limit=7), "", HOST, default).spec.pids_max == 7


def test_devices_go_beside_the_flags_devices() -> None:
    """podman adds containers.conf's devices to every unprivileged container; a
    flag's device at the same container path is the flag's."""
    conf = ContainerDefaults(devices=("/dev/fuse", "/dev/null:/dev/zz:r"))
    got = conf_defaults.apply(RunOptions("img", network="private"), conf)
    assert got.security.device == ("/dev/fuse", "/dev/null:/dev/zz:r")
    flags = SecurityOptions(device=("/dev/zero:/dev/zz", "/dev/tty"))
    got = conf_defaults.apply(RunOptions("img", network="private", security=flags), conf)
    assert got.security.device == ("/dev/fuse", "/dev/zero:/dev/zz", "/dev/tty")
    privileged = SecurityOptions(privileged=True)
    got = conf_defaults.apply(RunOptions("img", network="private", security=privileged), conf)
    assert got.security.device == ()
