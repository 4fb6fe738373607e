"""--pid/--ipc/--uts/--cgroupns, --shm-size, --personality, --oom-score-adj,
--no-hostname: checked at create in podman's words, and turned into the spec."""

from __future__ import annotations

import socket
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import (
    KernelOptions,
    NamespaceOptions,
    NetworkOptions,
    RunOptions,
    SecurityOptions,
)
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import nsmodes, specbuild
from hutch.engine.create_plan import parse_create
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.mounts import Step, base_plan
from hutch.runtime.spec import NAMESPACES, Rootfs, Spec
from hutch.store.containers import ContainerDirs

SETTINGS = Settings(default_network="none", cgroups="disabled")
CID = "0123456789ab" + "c" * 52
OTHER = "f" * 64


def ns(**modes: str) -> RunOptions:
    return RunOptions("b", namespaces=NamespaceOptions(**modes))


def kernel(**values: object) -> RunOptions:
    return RunOptions("b", kernel=KernelOptions(**values))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (ns(pid="foo"), "unrecognized namespace mode foo passed"),
        (ns(uts="none"), "unrecognized namespace mode none passed"),  # none is --ipc's only
        (ns(cgroupns="host:x"), "unrecognized namespace mode host:x passed"),
        (
            ns(ipc="container:"),
            "invalid config provided: namespace mode container requires a value",
        ),
        (ns(pid="ns:"), "invalid config provided: namespace mode path requires a value"),
        (
            replace(ns(pid="host"), security=SecurityOptions(userns="keep-id")),
            "--pid host cannot be used with a user namespace of the container's own",
        ),
        (
            ns(uts="ns:/nonexistent"),
            "cannot find specified UTS namespace path: stat /nonexistent: "
            "no such file or directory",
        ),
        (
            replace(ns(ipc="host"), kernel=KernelOptions(shm_size="10m")),
            "invalid config provided: cannot set shmsize when running in the {host } IPC Namespace",
        ),
        (
            replace(ns(ipc="none"), kernel=KernelOptions(shm_size="10m")),
            "cannot set shmsize when running in the {none } IPC Namespace",
        ),
        (
            replace(ns(uts="host"), hostname="box"),
            "invalid config provided: cannot set hostname when running in the host UTS "
            "namespace: invalid configuration",
        ),
        (
            replace(ns(uts="host"), domainname="example.org"),
            "invalid config provided: cannot set domainname when running in the host UTS "
            "namespace: invalid configuration",
        ),
        (
            replace(ns(uts="container:db"), domainname="example.org"),
            "cannot set domainname when running in the joined UTS namespace",
        ),
        (kernel(shm_size="abc"), "unable to translate --shm-size: invalid size: 'abc'"),
        (
            RunOptions("b", network="private", net=NetworkOptions(mac_address="92:d0:c6:0a:29:33")),
            "invalid config provided: networks and static ip/mac address can only be used "
            "with Bridge mode networking",
        ),
        (
            RunOptions("b", network="host", net=NetworkOptions(mac_address="92:d0:c6:0a:29:33")),
            "--mac-address can only be set when the network mode is bridge: invalid argument",
        ),
        (
            RunOptions("b", network="front", net=NetworkOptions(mac_address="zz")),
            "address zz: invalid MAC address",
        ),
        (kernel(shm_size_systemd="abc"), "invalid --shm-size-systemd 'abc'"),
        (kernel(personality="LINUX64"), "invalid --personality 'LINUX64': expected LINUX or"),
        (kernel(oom_score_adj=1001), "invalid --oom-score-adj 1001: it must be between -1000"),
        (kernel(oom_score_adj=-1001), "invalid --oom-score-adj -1001"),
    ],
)
def test_bad_modes_and_values_are_refused_at_create(options: RunOptions, message: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_create(options, SETTINGS)
    assert message in str(exc.value)


@pytest.mark.parametrize(
    "options",
    [
        ns(pid="private", ipc="shareable", uts="private", cgroupns="private"),
        ns(ipc="none", uts="host", cgroupns="host", pid="host"),
        ns(pid="container:db"),
        ns(ipc="ns:/proc/self/ns/ipc", uts="container:web"),
        kernel(shm_size="0", personality="LINUX32", oom_score_adj=-1000),
    ],
)
def test_good_modes_and_values_pass(options: RunOptions) -> None:
    parse_create(options, SETTINGS)


def build(tmp_path: Path, options: RunOptions, joined: nsmodes.Joined | None = None) -> Spec:
    joined = joined or nsmodes.Joined()
    spec = specbuild.build_spec(
        container_id=CID,
        name="web",
        options=replace(options, hostname=options.hostname or nsmodes.hostname(options, joined)),
        image=ImageConfig("amd64", "linux", (), ContainerConfig(cmd=("sh",))),
        rootfs=Rootfs(kind="bind", target=str(tmp_path / "merged")),
        dirs=ContainerDirs(tmp_path / "c"),
    )
    return nsmodes.apply(spec, options, joined)


def test_the_default_makes_every_namespace_and_a_64m_shm(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("b"))
    assert spec.namespaces == NAMESPACES
    assert (spec.joins, spec.join_ids, spec.shm) == ((), (), "private")
    shm = _step(spec, "/dev/shm")
    assert (shm.kind, shm.options[-1]) == ("tmpfs", "size=65536k")
    assert spec.process.personality == "" and spec.process.oom_score_adj is None


def test_host_modes_make_no_namespace_and_take_the_hosts_name(tmp_path: Path) -> None:
    spec = build(tmp_path, ns(uts="host", cgroupns="host", ipc="host"))
    assert "uts" not in spec.namespaces and "cgroup" not in spec.namespaces
    assert "ipc" not in spec.namespaces and spec.joins == ()
    assert spec.hostname == socket.gethostname()
    assert (tmp_path / "c" / "userdata" / "hostname").read_text() == socket.gethostname() + "\n"
    shm = _step(spec, "/dev/shm")
    assert (shm.kind, shm.source) == ("bind", "/dev/shm")  # the host's, no mqueue mount
    kinds = [s.kind for s in base_plan(spec, gid5_mapped=True) if isinstance(s, Step)]
    assert "mqueue" not in kinds


def test_ns_paths_are_joined_and_container_modes_wait_for_their_pid(tmp_path: Path) -> None:
    joined = nsmodes.Joined((("ipc", OTHER), ("uts", OTHER)), hostname="other-host")
    spec = build(
        tmp_path,
        ns(cgroupns="ns:/run/ns/cg", ipc=f"container:{OTHER[:12]}", uts="container:o"),
        joined,
    )
    assert not {"ipc", "uts", "cgroup"} & set(spec.namespaces)
    assert spec.joins == (("ipc", ""), ("uts", ""), ("cgroup", "/run/ns/cg"))
    assert spec.join_ids == (("ipc", OTHER), ("uts", OTHER), ("cgroup", ""))
    assert spec.hostname == "other-host"
    assert spec.shm == ""  # its /dev/shm: set with the joins before each start
    with_path = replace(spec, shm="/proc/7/ns/mnt", joins=(("ipc", "/proc/7/ns/ipc"),))
    shm = _step(with_path, "/dev/shm")
    assert (shm.kind, shm.source) == ("borrow", "/proc/7/ns/mnt")
    assert "/dev/mqueue" in [s.destination for s in base_plan(with_path, gid5_mapped=True)]


def test_pid_host_binds_the_hosts_proc_and_a_joined_pid_namespace_mounts_its_own(
    tmp_path: Path,
) -> None:
    host = build(tmp_path, ns(pid="host"))
    assert "pid" not in host.namespaces and host.joins == ()
    proc = _step(host, "/proc")
    assert (proc.kind, proc.source, proc.options[0]) == ("bind", "/proc", "rbind")
    joined = build(tmp_path, ns(pid="container:db"), nsmodes.Joined((("pid", OTHER),)))
    assert "pid" not in joined.namespaces
    assert (joined.joins, joined.join_ids) == ((("pid", ""),), (("pid", OTHER),))
    assert _step(joined, "/proc").kind == "proc"
    assert _step(build(tmp_path, RunOptions("b")), "/proc").kind == "proc"


def test_ipc_none_has_no_shm_and_shm_size_sets_its_size(tmp_path: Path) -> None:
    spec = build(tmp_path, ns(ipc="none"))
    assert "ipc" in spec.namespaces and spec.shm == "none"
    assert "/dev/shm" not in [s.destination for s in base_plan(spec, gid5_mapped=True)]
    sized = build(tmp_path, kernel(shm_size="10m"))
    assert _step(sized, "/dev/shm").options[-1] == "size=10240k"
    unlimited = build(tmp_path, kernel(shm_size="0"))
    assert not any(o.startswith("size=") for o in _step(unlimited, "/dev/shm").options)


def test_personality_and_oom_score_reach_the_process(tmp_path: Path) -> None:
    spec = build(tmp_path, kernel(personality="LINUX32", oom_score_adj=200))
    assert (spec.process.personality, spec.process.oom_score_adj) == ("LINUX32", 200)


def test_no_hostname_writes_no_etc_hostname(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("b", net=NetworkOptions(no_hostname=True)))
    assert "/etc/hostname" not in dict(spec.etc_files)
    assert "/etc/hosts" in dict(spec.etc_files)
    assert spec.hostname == CID[:12]  # the name itself is still set


def test_chrootdirs_get_hosts_and_resolv_conf_too(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("b", net=NetworkOptions(chrootdirs=("/srv/ch/,/other",))))
    files = dict(spec.etc_files)
    assert files["/srv/ch/etc/hosts"] == files["/etc/hosts"]
    assert files["/other/etc/resolv.conf"] == files["/etc/resolv.conf"]
    assert "/srv/ch/etc/hostname" not in files  # as podman 4.3.1
    with pytest.raises(InvalidArgument) as exc:
        parse_create(RunOptions("b", net=NetworkOptions(chrootdirs=("rel",))), SETTINGS)
    assert str(exc.value) == "invalid --chrootdirs 'rel': it must be an absolute path"


def test_inspect_shows_podmans_mode_words() -> None:
    assert nsmodes.inspect_mode("", default="shareable") == "shareable"
    assert nsmodes.inspect_mode("host") == "host"
    assert nsmodes.inspect_mode("private") == "private"
    assert nsmodes.inspect_mode("container:web", OTHER) == f"container:{OTHER}"


def _step(spec: Spec, destination: str) -> Step:
    found = [
        s
        for s in base_plan(spec, gid5_mapped=True)
        if isinstance(s, Step) and s.destination == destination
    ]
    assert len(found) == 1
    return found[0]


def test_domainname_reaches_the_spec_with_its_own_uts_namespace(tmp_path: Path) -> None:
    spec = build(tmp_path, RunOptions("b", domainname="example.org"))
    assert spec.domainname == "example.org" and "uts" in spec.namespaces
    assert build(tmp_path, RunOptions("b")).domainname == ""
    parse_create(replace(ns(uts="private"), domainname="example.org"), SETTINGS)
