"""The container's own cgroup at /sys/fs/cgroup: when it is mounted, and how."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.cgroups.limits import ResourceSpec
from hutch.cgroups.v2 import inner_mount_options
from hutch.runtime.mounts import Step, base_plan
from hutch.runtime.spec import NAMESPACES, Process, Rootfs, Spec
from hutch.runtime.spec_security import SecuritySpec

V2 = ResourceSpec(backend="cgroupfs", parent="/sys/fs/cgroup/user-1000/hutch", memory_max=1 << 26)


def spec(
    resources: ResourceSpec, *, privileged: bool = False, namespaces: tuple[str, ...] = NAMESPACES
) -> Spec:
    return Spec(
        id="c" * 64,
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="bind", target="/nonexistent"),
        namespaces=namespaces,
        resources=resources,
        security=SecuritySpec(privileged=privileged),
    )


def cgroup_steps(s: Spec) -> list[Step]:
    return [
        step
        for step in base_plan(s, gid5_mapped=True)
        if isinstance(step, Step) and step.destination == "/sys/fs/cgroup"
    ]


def test_pure_v2_container_with_a_cgroup_gets_cgroup2_read_only_after_sys() -> None:
    plan = base_plan(spec(V2), gid5_mapped=True)
    dests = [s.destination for s in plan]
    assert dests.index("/sys/fs/cgroup") == dests.index("/sys") + 1
    (step,) = cgroup_steps(spec(V2))
    assert step.kind == "cgroup2"
    assert step.options == ("ro", "nosuid", "nodev", "noexec")


def test_privileged_gets_it_writable() -> None:
    (step,) = cgroup_steps(spec(V2, privileged=True))
    assert step.options[0] == "rw"


def test_systemd_scope_parent_counts_as_v2() -> None:
    scope = "/sys/fs/cgroup/user.slice/user-1000.slice/user@1000.service/app.slice/hutch-x.scope"
    res = ResourceSpec(backend="systemd", parent=scope)
    assert inner_mount_options(res, True, False) is not None


@pytest.mark.parametrize(
    "res",
    [
        ResourceSpec(),  # no cgroup: --cgroups=disabled, or a host without delegation
        replace(V2, parent="/sys/fs/cgroup/unified/user-1000/hutch"),  # hybrid layout
        replace(V2, backend="systemd", parent=""),  # the scope is not known yet
    ],
    ids=["no-cgroup", "hybrid", "no-parent"],
)
def test_nothing_is_mounted_without_a_v2_cgroup_of_its_own(res: ResourceSpec) -> None:
    assert cgroup_steps(spec(res)) == []


def test_nothing_without_a_cgroup_namespace() -> None:
    namespaces = tuple(ns for ns in NAMESPACES if ns != "cgroup")
    assert cgroup_steps(spec(V2, namespaces=namespaces)) == []


def test_under_the_hosts_bound_sys_a_refused_mount_keeps_the_hosts_view() -> None:
    import errno

    own_net = cgroup_steps(spec(V2))
    host_net = cgroup_steps(spec(V2, namespaces=tuple(n for n in NAMESPACES if n != "net")))
    assert [s.keep_on for s in own_net] == [()]
    assert [s.keep_on for s in host_net] == [(errno.EBUSY, errno.EPERM)]
