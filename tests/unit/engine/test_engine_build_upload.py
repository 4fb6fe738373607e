"""An uploaded build context (a tar archive, as the Docker API sends it): its relative
Containerfile is one of its files, never one beside the service; --logfile takes RUN's output."""

from __future__ import annotations

import os
import re
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.build.stepstate import Progress
from hutch.config.settings import Settings
from hutch.engine.build import _read_containerfile


def test_a_relative_containerfile_of_an_upload_is_read_inside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    context = tmp_path / "context"
    (context / "sub").mkdir(parents=True)
    (context / "sub" / "Dockerfile").write_text("FROM scratch\n")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Dockerfile").write_text("FROM beside\n")  # the caller's, not the upload's
    cf = _read_containerfile("sub/Dockerfile", context, None, uploaded=True)
    assert "scratch" in repr(cf)
    assert "beside" in repr(_read_containerfile("sub/Dockerfile", context, None))  # the CLI's rule
    for outside in ("../x", "/etc/passwd"):
        with pytest.raises(InvalidArgument, match="not inside the build context"):
            _read_containerfile(outside, context, None, uploaded=True)


def test_a_log_file_takes_the_steps_and_runs_output(tmp_path: Path) -> None:
    with (tmp_path / "log").open("a") as log:
        progress = Progress(False, log, log.fileno())
        progress.say("STEP 1/1: RUN true")
        assert progress.run_fds == (log.fileno(), log.fileno())
        os.write(log.fileno(), b"run output\n")
    assert (tmp_path / "log").read_text() == "STEP 1/1: RUN true\nrun output\n"
    assert Progress(True).run_fds == (2, 2) and Progress(False).run_fds == (1, 2)


def test_add_host_lines_reach_runs_etc_hosts(tmp_path: Path) -> None:
    from hutch.build.runstep import write_etc_files
    from hutch.build.stepstate import RunSettings
    from hutch.engine.build import _hosts
    from hutch.runtime.spec_network import NetworkSpec

    host = RunSettings(network="host")
    hosts = _hosts(("db:10.0.0.5", "gw:host-gateway", "v6:[::1]"), host)
    assert hosts == (("db", "10.0.0.5"), ("gw", "127.0.0.1"), ("v6", "::1"))
    files = dict(write_etc_files(tmp_path, "step", "ns:/run/netns/x", hosts))
    text = Path(files["/etc/hosts"]).read_text()
    # podman's order: the --add-host names first
    assert text.startswith("10.0.0.5\tdb\n127.0.0.1\tgw\n::1\tv6\n127.0.0.1\tlocalhost")
    assert text.endswith("127.0.1.1\tstep\n")
    with pytest.raises(InvalidArgument, match='bad format for add-host: "db"'):
        _hosts(("db",), host)
    # on the private network the host is its gateway, where the helper's options put it
    assert _hosts(("gw:host-gateway",), RunSettings(network="private")) == (("gw", "10.0.2.2"),)
    moved = RunSettings(network="private", private=NetworkSpec(mode="private", gateway="10.9.0.2"))
    assert _hosts(("gw:host-gateway",), moved) == (("gw", "10.9.0.2"),)


def test_ignorefile_replaces_the_ignore_file_found(tmp_path: Path) -> None:
    from hutch.engine.build import _ignore

    (tmp_path / ".dockerignore").write_text("a.txt\n")
    (tmp_path / "other").write_text("b.txt\n")
    found = _ignore(tmp_path, None)
    given = _ignore(tmp_path, None, str(tmp_path / "other"))
    assert found is not None and given is not None
    assert found.matches("a.txt") and not found.matches("b.txt")
    assert given.matches("b.txt") and not given.matches("a.txt")
    with pytest.raises(InvalidArgument, match=r"--ignorefile .*missing: No such file"):
        _ignore(tmp_path, None, str(tmp_path / "missing"))


def test_a_bad_cache_ttl_is_refused_before_anything_runs() -> None:
    from hutch.api.build import BuildOptions
    from hutch.engine.build import _duration, _validate

    with pytest.raises(InvalidArgument, match="invalid --cache-ttl 'soon'"):
        _validate(BuildOptions(context=".", cache_ttl="soon"), Settings())
    assert _duration("1h30m", "--cache-ttl") == 5400.0
    assert _duration(None, "--cache-ttl") is None


def test_run_settings_from_the_flags(tmp_path: Path) -> None:
    from hutch.api.build import BuildOptions
    from hutch.engine.build import _run_settings

    options = BuildOptions(
        context=".",
        network="none",
        volumes=(f"{tmp_path}:/data:ro,z", f"{tmp_path}:/rw"),
        cap_add=("net_admin",),
        cap_drop=("CAP_CHOWN,mknod",),
        no_hostname=True,
    )
    settings = _run_settings(options, Settings())
    assert settings.network == "none" and settings.no_hostname
    assert settings.volumes == ((str(tmp_path), "/data", True), (str(tmp_path), "/rw", False))
    assert settings.capabilities is not None
    assert "CAP_NET_ADMIN" in settings.capabilities and "CAP_KILL" in settings.capabilities
    assert "CAP_CHOWN" not in settings.capabilities and "CAP_MKNOD" not in settings.capabilities
    default = _run_settings(BuildOptions(context="."), Settings())
    assert default.network == "host" and default.capabilities is None
    assert (
        _run_settings(BuildOptions(context=".", cap_drop=("all",)), Settings()).capabilities == ()
    )
    # podman: --cap-drop all keeps the added ones (the drop was applied last before)
    only = BuildOptions(context=".", cap_drop=("all",), cap_add=("net_raw",))
    assert _run_settings(only, Settings()).capabilities == ("CAP_NET_RAW",)
    both = BuildOptions(context=".", cap_drop=("chown",), cap_add=("chown",))
    assert "CAP_CHOWN" in (_run_settings(both, Settings()).capabilities or ())


def test_run_settings_take_containers_conf_defaults_under_the_flags() -> None:
    """RUN steps get containers.conf's dns, capabilities, ulimits and shm_size as
    buildah reads them (issue 15); the flags win."""
    from hutch.api.build import BuildOptions
    from hutch.config.container_defaults import ContainerDefaults
    from hutch.engine.build import _run_settings

    conf = ContainerDefaults(
        dns_servers=("9.9.9.9",),
        capabilities=("CHOWN", "NET_RAW"),
        ulimits=("nofile=100:200", "nproc=50:60"),
        shm_size="32m",
    )
    settings = _run_settings(BuildOptions(context="."), Settings(defaults=conf))
    assert settings.dns == ("9.9.9.9",)
    assert settings.capabilities == ("CAP_CHOWN", "CAP_NET_RAW")
    assert [(u.name, u.soft, u.hard) for u in settings.ulimits] == [
        ("nofile", 100, 200),
        ("nproc", 50, 60),
    ]
    assert settings.shm_size == 32_000_000
    flags = BuildOptions(
        context=".", dns=("1.1.1.1",), cap_add=("KILL",), ulimits=("nofile=10:20",), shm_size="1m"
    )
    settings = _run_settings(flags, Settings(defaults=conf))
    assert settings.dns == ("1.1.1.1",)
    assert settings.capabilities == ("CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW")
    assert [(u.name, u.soft) for u in settings.ulimits] == [("nproc", 50), ("nofile", 10)]
    assert settings.shm_size == 1 << 20


@pytest.mark.parametrize(
    ("options", "message"),
    [({"network": "mynet"}, "cannot use networks as rootless"),
     ({"network": "container:web"}, "--network container:web: a build's RUN steps take host"),
     ({"network": "pasta:--pid,x"}, "pasta: --pid: hutch sets it itself"),
     ({"network": "ns:/nonexistent-h10"}, "/nonexistent-h10: no such file or directory"),
     ({"volumes": ("/nonexistent-h15:/x",)}, "no such file or directory"),
     ({"volumes": ("/tmp",)}, "invalid --volume '/tmp': expected SRC:DST"),
     ({"volumes": ("/tmp:/x:exec",)}, "unknown option 'exec'"),
     ({"cap_add": ("CAP_NOPE",)}, "CAP_NOPE"),
     ({"network": "none", "dns": ("1.1.1.1",)},
      "the --dns option cannot be used with --network=none"),
     ({"network": "none", "dns_search": ("a.test",)},
      "the --dns-search option cannot be used with --network=none")],
)  # fmt: skip
def test_bad_run_settings_are_refused(options: dict[str, object], message: str) -> None:
    from hutch.api.build import BuildOptions
    from hutch.engine.build import _validate

    with pytest.raises(InvalidArgument, match=re.escape(message)):
        _validate(BuildOptions(context=".", **options), Settings())  # type: ignore[arg-type]


def test_platform_flags_name_the_host_or_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    """--os, --arch and --variant override --platform's parts (podman's flags); only
    the host's platform passes, a refusal names the flags given."""
    from hutch.api.build import BuildOptions
    from hutch.engine import build as engine_build
    from hutch.oci.platform import host_platform

    monkeypatch.setattr(engine_build, "host_platform", lambda: host_platform("x86_64", "linux"))
    for ok in (
        {"arch": "amd64"},
        {"os": "linux", "arch": "x86_64"},
        {"platform": "linux/arm64", "arch": "amd64"},
        {"platform": "linux/amd64"},
    ):
        engine_build._check_platform(BuildOptions(context=".", **ok))  # type: ignore[arg-type]
    for bad, words in (
        ({"arch": "arm64"}, "--arch arm64: only the host's platform (linux/amd64) can be built"),
        ({"os": "windows"}, "--os windows: only the host's platform"),
        ({"variant": "v8"}, "--variant v8: only the host's platform"),
        ({"platform": "linux/amd64", "arch": "s390x"}, "--platform linux/amd64, --arch s390x:"),
    ):
        with pytest.raises(InvalidArgument, match=re.escape(words)):
            engine_build._check_platform(BuildOptions(context=".", **bad))  # type: ignore[arg-type]


def test_run_settings_reach_the_step_spec(tmp_path: Path) -> None:
    from hutch.build.runstep import build_spec, resolv_text
    from hutch.build.stepstate import RunSettings
    from unit.steprequest import step_request

    settings = RunSettings(
        dns=("192.0.2.1",),
        dns_search=("a.test", "b.test"),
        dns_options=("ndots:2",),
        capabilities=("CAP_KILL", "CAP_NET_ADMIN"),
        no_hostname=True,
    )
    request = step_request(tmp_path, settings)
    spec = build_spec(request, ("CAP_CHOWN", "CAP_KILL"))
    # without a network the image's own /etc/hosts and resolv.conf stay (buildah's)
    alone = dict(build_spec(replace(request, network="none"), ()).etc_files)
    assert "/etc/hosts" not in alone and "/etc/resolv.conf" not in alone
    named = dict(
        build_spec(replace(request, network="none", hosts=(("db", "10.0.0.5"),)), ()).etc_files
    )
    assert Path(named["/etc/hosts"]).read_text().startswith("10.0.0.5\tdb\n")
    assert "/etc/resolv.conf" not in named
    assert spec.process.capabilities == ("CAP_KILL", "CAP_NET_ADMIN")
    files = dict(spec.etc_files)
    assert "/etc/hostname" not in files
    assert (
        Path(files["/etc/resolv.conf"])
        .read_text()
        .endswith("nameserver 192.0.2.1\nsearch a.test b.test\noptions ndots:2\n")
    )
    host = "nameserver 10.0.0.1\nsearch x.test\noptions edns0\n"
    only_search = RunSettings(dns_search=("y.test",))
    assert resolv_text(host, only_search) == "nameserver 10.0.0.1\noptions edns0\nsearch y.test\n"
    assert resolv_text(host, RunSettings()) == host


def test_security_opts_and_ulimits_reach_the_step_spec(tmp_path: Path) -> None:
    from hutch.api.build import BuildOptions
    from hutch.build.runstep import RunRequest, build_spec
    from hutch.engine.build import _run_settings
    from hutch.runtime.spec import DEFAULT_MASKED_PATHS, Rootfs
    from hutch.runtime.spec_security import Ulimit

    options = BuildOptions(
        context=".",
        security_opts=("no-new-privileges", "mask=/opt/x", "unmask=/proc/kcore", "label=disable"),
        ulimits=("nofile=100:200",),
    )
    settings = _run_settings(options, Settings())
    assert settings.ulimits == (Ulimit("nofile", 100, 200),)
    request = RunRequest(
        step_id="cd" * 32,
        args=("true",),
        env=(),
        cwd="/",
        user="",
        network="host",
        rootfs=Rootfs("bind", str(tmp_path / "root")),
        mounts=(),
        workdir=tmp_path,
        settings=settings,
    )
    spec = build_spec(request, ())
    assert spec.process.no_new_privileges
    assert spec.security.ulimits == (Ulimit("nofile", 100, 200),)
    assert "/proc/kcore" not in spec.masked_paths and "/opt/x" in spec.masked_paths
    assert set(DEFAULT_MASKED_PATHS) - {"/proc/kcore"} <= set(spec.masked_paths)
    with pytest.raises(InvalidArgument, match="take no seccomp profile"):
        _run_settings(BuildOptions(context=".", security_opts=("seccomp=/p.json",)), Settings())
    with pytest.raises(InvalidArgument, match='invalid --security-opt 1: "bogus"'):
        _run_settings(BuildOptions(context=".", security_opts=("bogus",)), Settings())


def test_shm_size_reaches_every_run_step(tmp_path: Path) -> None:
    from hutch.api.build import BuildOptions
    from hutch.build.runstep import RunRequest, build_spec
    from hutch.engine.build import _run_settings, _validate
    from hutch.runtime.spec import DEFAULT_SHM_SIZE, Rootfs

    def spec_of(options: BuildOptions) -> int:
        request = RunRequest(
            step_id="cd" * 32,
            args=("true",),
            env=(),
            cwd="/",
            user="",
            network="none",
            rootfs=Rootfs("bind", str(tmp_path / "root")),
            mounts=(),
            workdir=tmp_path,
            settings=_run_settings(options, Settings()),
        )
        return build_spec(request, ()).shm_size

    assert spec_of(BuildOptions(context=".")) == DEFAULT_SHM_SIZE
    assert spec_of(BuildOptions(context=".", shm_size="128m")) == 128 << 20
    assert spec_of(BuildOptions(context=".", shm_size="0")) == 0  # no limit, as run's
    assert spec_of(BuildOptions(context=".", shm_size="1048576")) == 1 << 20
    with pytest.raises(InvalidArgument, match="unable to translate --shm-size: invalid size"):
        _validate(BuildOptions(context=".", shm_size="lots"), Settings())


def test_build_limits_reach_each_run_steps_cgroup_as_runs_do(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """--memory, --cpu-shares, ...: placed by run's planner (here a cgroupfs host with
    every controller), in RUN's settings and so in each step's spec."""
    from hutch.api.build import BuildOptions
    from hutch.api.container_config import ResourceOptions
    from hutch.build.runstep import RunRequest, build_spec
    from hutch.cgroups.host import CgroupHost
    from hutch.engine import resources
    from hutch.engine.build import _validate
    from hutch.runtime.spec import Rootfs

    probed: list[str] = []

    def host(settings: Settings) -> CgroupHost:
        probed.append("probe")
        return CgroupHost("cgroupfs", "/sys/fs/cgroup/u", ("cpu", "cpuset", "memory"), "test")

    monkeypatch.setattr(resources, "cgroup_host", host)
    assert _validate(BuildOptions(context="."), Settings()).resources is None
    assert probed == []  # no limit asked: the host's cgroups are not even looked at
    limits = ResourceOptions(memory="64m", cpu_shares=512, cpu_quota=50000, cpuset_cpus="0")
    run = _validate(BuildOptions(context=".", resources=limits), Settings())
    spec = run.resources
    assert (spec.memory_max, spec.cpu_quota, spec.cpuset_cpus) == (64 << 20, 50000, "0")
    assert spec.cpu_weight > 0 and spec.backend == "cgroupfs"
    # build_spec writes the step's /etc files into its workdir: a directory of the test's
    request = RunRequest(
        step_id="s" * 64, args=("true",), env=(), cwd="/", user="", rootfs=Rootfs("bind", "/r"),
        mounts=(), network="host", workdir=tmp_path, settings=run,
    )  # fmt: skip
    assert build_spec(request, ()).resources == spec


def test_build_limits_a_host_cannot_enforce_are_refused_in_builds_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from hutch.api.build import BuildOptions
    from hutch.api.container_config import ResourceOptions
    from hutch.api.errors import HostNotReady
    from hutch.cgroups.host import CgroupHost
    from hutch.engine import resources
    from hutch.engine.build import _validate

    def host(settings: Settings) -> CgroupHost:
        return CgroupHost("disabled", "", (), "no cgroup v2 controllers are delegated")

    monkeypatch.setattr(resources, "cgroup_host", host)
    options = BuildOptions(context=".", resources=ResourceOptions(memory="64m"))
    with pytest.raises(HostNotReady) as exc:
        _validate(options, Settings())
    assert exc.value.message.startswith("--memory cannot be enforced: no cgroup v2 controllers")
    assert exc.value.message.endswith("or build without the limit flags")
    # [containers] cgroups = "disabled": the limit is only a warning, as for run
    assert _validate(options, Settings(cgroups="disabled")).resources.memory_max == 0
