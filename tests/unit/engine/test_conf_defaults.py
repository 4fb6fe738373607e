"""containers.conf's defaults in a new container's options: they fill what the flags
left unset, and the flags win (engine/conf_defaults.py, issue 15)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import (
    ImagePullOptions,
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
from hutch.engine.environment import PROXY_VARIABLES
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
    assert got.http_proxy is True  # podman's default: the caller's proxies go in
    assert got.pull.policy == "missing"
    assert (
        replace(
            got,
            env_host=None,
            http_proxy=None,
            pull=options.pull,
            net=replace(got.net, no_hosts=None),
            security=replace(got.security, read_only=None, privileged=None),
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
    words = 'default_capabilities: "CAP_NOPE": unknown capability'
    with pytest.raises(InvalidArgument, match=words):
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


IMAGE = ImageConfig("amd64", "linux", (), ContainerConfig(env=("http_proxy=image", "B=image")))
PROXIES = {"http_proxy": "http://p:3128", "NO_PROXY": "internal", "FTP_PROXY": "ftp://p"}


def _env(options: RunOptions) -> dict[str, str]:
    return dict(item.split("=", 1) for item in specbuild.environment(options, IMAGE, "h"))


@pytest.fixture
def proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name, value in PROXIES.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("OTHER", "host")


@pytest.mark.usefixtures("proxies")
def test_the_callers_proxies_go_over_the_image_and_under_the_flags() -> None:
    """podman's order (4.3.1 and current): the host's proxy variables over
    containers.conf's env and the image's, under env files and -e."""
    options = conf_defaults.apply(
        RunOptions("img", network="private", env_defaults=("NO_PROXY=conf",)), None
    )
    env = _env(options)
    assert {k: env[k] for k in PROXIES} == PROXIES
    assert "OTHER" not in env and env["B"] == "image"
    flagged = replace(options, env=("http_proxy=mine",))
    assert _env(flagged)["http_proxy"] == "mine"


@pytest.mark.usefixtures("proxies")
@pytest.mark.parametrize(
    ("flag", "conf", "passed"),
    [(None, False, False), (True, False, True), (False, True, False), (None, True, True)],
)
def test_http_proxy_flag_wins_over_the_file(flag: bool | None, conf: bool, passed: bool) -> None:
    options = RunOptions("img", network="private", http_proxy=flag)
    got = conf_defaults.apply(options, ContainerDefaults(http_proxy=conf))
    assert got.http_proxy is passed
    env = _env(got)
    assert ("FTP_PROXY" in env, env.get("http_proxy")) == (
        (True, PROXIES["http_proxy"]) if passed else (False, "image")
    )


def test_seccomp_profile_is_a_seccomp_option_unless_one_is_given(tmp_path: Path) -> None:
    profile = tmp_path / "seccomp.json"
    profile.write_text("{}")
    conf = ContainerDefaults(seccomp_profile=str(profile))
    got = conf_defaults.apply(RunOptions("img", network="private"), conf)
    assert got.security.security_opt == (f"seccomp={profile}",)
    given = SecurityOptions(security_opt=("seccomp=unconfined", "no-new-privileges"))
    got = conf_defaults.apply(RunOptions("img", network="private", security=given), conf)
    assert got.security.security_opt == given.security_opt
    unconfined = ContainerDefaults(seccomp_profile="unconfined")
    got = conf_defaults.apply(RunOptions("img", network="private"), unconfined)
    assert got.security.security_opt == ("seccomp=unconfined",)
    missing = ContainerDefaults(seccomp_profile=str(tmp_path / "none.json"))
    with pytest.raises(InvalidArgument, match=r"seccomp_profile .*none\.json: no such file"):
        conf_defaults.apply(RunOptions("img", network="private"), missing)


NS = ContainerDefaults(pidns="host", ipcns="private", utsns="private", cgroupns="host")


def test_namespace_modes_fill_what_the_flags_leave() -> None:
    got = conf_defaults.apply(RunOptions("img", network="private"), NS)
    # podman's private is hutch's default for pid, uts and cgroup; ipc keeps it (a
    # private ipc namespace cannot be joined, a shareable one can)
    assert got.namespaces == NamespaceOptions(pid="host", ipc="private", cgroupns="host")
    flags = NamespaceOptions(pid="private", uts="host")
    got = conf_defaults.apply(RunOptions("img", network="private", namespaces=flags), NS)
    assert got.namespaces == NamespaceOptions(
        pid="private", ipc="private", uts="host", cgroupns="host"
    )
    member = RunOptions("img", network="private", pod="p")
    assert conf_defaults.apply(member, NS).namespaces == NamespaceOptions()


def test_mounts_log_tag_and_oom_score_adj() -> None:
    conf = ContainerDefaults(
        mounts=("type=bind,source=/srv,destination=/srv,ro", "type=tmpfs,target=/scratch"),
        log_tag="{{.Name}}",
        oom_score_adj=100,
    )
    got = conf_defaults.apply(RunOptions("img", network="private"), conf)
    assert got.volumes.mounts == conf.mounts
    assert got.log.opts == ("tag={{.Name}}",)
    assert got.kernel.oom_score_adj == 100
    flags = RunOptions(
        "img",
        network="private",
        volumes=VolumeOptions(volumes=("/x:/scratch",), mounts=("type=tmpfs,dst=/srv",)),
        log=LogOptions(opts=("tag=mine",)),
        kernel=KernelOptions(oom_score_adj=0),
    )
    got = conf_defaults.apply(flags, conf)
    assert got.volumes.mounts == ("type=tmpfs,dst=/srv",)  # both destinations are the flags'
    assert got.log.opts == ("tag=mine",)
    assert got.kernel.oom_score_adj == 0


@pytest.mark.parametrize(
    ("given", "conf", "expected"),
    [("", "", "missing"), ("", "always", "always"), ("never", "always", "never")],
)
def test_pull_policy_fills_a_run_without_pull(given: str, conf: str, expected: str) -> None:
    options = RunOptions("img", network="private", pull=ImagePullOptions(policy=given))
    defaults = ContainerDefaults(pull_policy=conf) if conf else None
    assert conf_defaults.apply(options, defaults).pull.policy == expected


def test_pull_policy_is_read_from_engine_and_checked() -> None:
    from hutch.config.container_defaults import container_defaults

    got = container_defaults({}, {"pull_policy": "ifnewer"})
    assert got is not None and got.pull_policy == "ifnewer"
    options = RunOptions("img", network="private")
    assert conf_defaults.apply(options, got).pull.policy == "newer"  # podman's spelling
    with pytest.raises(InvalidArgument, match='unsupported pull policy "sometimes"'):
        conf_defaults.apply(options, ContainerDefaults(pull_policy="sometimes"))
    with pytest.raises(InvalidArgument, match="pull_policy must be a string"):
        container_defaults({}, {"pull_policy": 1})


def test_detach_keys_flag_then_files_then_built_in() -> None:
    from hutch.engine.run_flags import detach_keys

    assert detach_keys(None) == b"\x10\x11"
    assert detach_keys(None, "ctrl-a,d") == b"\x01d"
    assert detach_keys("ctrl-x", "ctrl-a,d") == b"\x18"
    assert detach_keys("", "ctrl-a,d") == b""  # the flag's "" turns them off
    with pytest.raises(InvalidArgument, match=r"^containers.conf: \[engine\] detach_keys: "):
        detach_keys(None, "ctrl-1")
    with pytest.raises(InvalidArgument, match=r"^--detach-keys: "):
        detach_keys("ctrl-1", "ctrl-a")


@pytest.mark.parametrize(("flag", "conf", "expected"), [(None, True, True), (False, True, False)])
def test_privileged_is_a_switch_of_the_file(flag: bool | None, conf: bool, expected: bool) -> None:
    options = RunOptions("img", network="private", security=SecurityOptions(privileged=flag))
    got = conf_defaults.apply(options, ContainerDefaults(privileged=conf, devices=("/dev/fuse",)))
    assert got.security.privileged is expected
    # a privileged container has the host's devices: the file's are not added
    assert got.security.device == (() if expected else ("/dev/fuse",))


@pytest.mark.parametrize("driver", ["passthrough", "passthrough-tty"])
def test_a_passthrough_default_takes_effect(driver: str) -> None:
    got = conf_defaults.apply(RunOptions("img"), ContainerDefaults(log_driver=driver))
    assert got.log.driver == driver
    # a flag still wins over the file
    flagged = RunOptions("img", log=LogOptions("k8s-file"))
    assert conf_defaults.apply(flagged, ContainerDefaults(log_driver=driver)).log.driver == (
        "k8s-file"
    )


@pytest.mark.parametrize(
    ("conf", "flag", "expected"),
    [
        ("passthrough", "", True),  # the file's alone: create and run -d print no id
        ("passthrough-tty", "", True),
        ("passthrough", "k8s-file", False),  # the flag wins
        ("", "passthrough", True),
        ("json-file", "", False),
    ],
)
def test_the_engine_knows_whose_streams_a_container_gets(
    tmp_path: Path, conf: str, flag: str, expected: bool
) -> None:
    from hutch.config.paths import Paths
    from hutch.engine.containers import ContainerService
    from hutch.engine.context import EngineContext

    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")
    ctx = EngineContext(paths, Settings(defaults=ContainerDefaults(log_driver=conf)))
    options = RunOptions("img", log=LogOptions(flag))
    assert ContainerService(ctx).passes_streams(options) is expected


def test_parse_create_refuses_tty_with_the_files_passthrough() -> None:
    settings = Settings(defaults=ContainerDefaults(log_driver="passthrough"))
    with pytest.raises(InvalidArgument, match="cannot be used with --tty"):
        parse_create(RunOptions("img", tty=True), settings)
