"""pod create --pid, --uts, --sysctl, --label-file and the infra-only flags: their
checks before anything exists, the infra's options, and what members take."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.container_config import NamespaceOptions, RunOptions, SecurityOptions, VolumeOptions
from hutch.api.errors import InvalidArgument
from hutch.api.pods import PodCreateOptions
from hutch.engine import pod_infra, pod_modes
from hutch.engine.pods import plan_pod


@pytest.mark.parametrize(
    ("options", "words"),
    [
        (PodCreateOptions(pid="host"), "--share +pid"),
        (PodCreateOptions(share="+pid", pid="bogus"), "unrecognized namespace mode bogus"),
        (PodCreateOptions(uts="bogus"), "unrecognized namespace mode bogus"),
        (PodCreateOptions(uts="host", hostname="x"), "cannot set hostname"),
        (PodCreateOptions(uts="ns:/nonexistent/ns"), "cannot find specified UTS namespace"),
        (PodCreateOptions(share="net", sysctl=("kernel.msgmax=4096",)), "share its ipc"),
        (PodCreateOptions(share="ipc", sysctl=("net.ipv4.ip_forward=1",)), "share its net"),
        (PodCreateOptions(sysctl=("vm.swappiness=1",)), "'vm.swappiness' is not allowed"),
        (
            PodCreateOptions(sysctl=("kernel.msgmax",)),
            "kernel.msgmax is invalid, sysctl values must be in the form of KEY=VALUE",
        ),
        (PodCreateOptions(infra=False, uts="host"), "--uts on a pod needs an infra"),
        (PodCreateOptions(infra=False, sysctl=("net.x=1",)), "--sysctl on a pod needs"),
        (PodCreateOptions(infra=False, security_opt=("no-new-privileges",)), "--security-opt"),
        (PodCreateOptions(infra=False, infra_conmon_pidfile="/tmp/x"), "--infra-conmon-pidfile"),
    ],
)
def test_bad_pod_modes_are_refused_before_anything_exists(
    options: PodCreateOptions, words: str
) -> None:
    with pytest.raises(InvalidArgument, match=words.replace("+", r"\+")):
        plan_pod(options)


def test_good_modes_pass_and_the_host_uts_leaves_the_host_name() -> None:
    plan = plan_pod(
        PodCreateOptions(
            name="p",
            share="+pid",
            pid="host",
            uts="host",
            sysctl=("kernel.msgmax=4096", "net.ipv4.ping_group_range=0 5"),
        )
    )
    assert plan.config.hostname == ""  # the members keep the host's
    assert plan_pod(PodCreateOptions(name="p")).config.hostname == "p"
    # without infra, devices and --volumes-from still reach the members
    plan_pod(PodCreateOptions(infra=False, devices=("/dev/null",), volumes_from=("c",)))


def test_the_infra_gets_the_pods_kernel_and_security_settings() -> None:
    options = PodCreateOptions(
        pid="host",
        uts="host",
        sysctl=("kernel.msgmax=4096",),
        security_opt=("no-new-privileges",),
        devices=("/dev/fuse",),
        volumes_from=("data:ro",),
        userns="keep-id",
    )
    run = pod_infra.infra_options(
        options, name="i", hostname="", network="", share_net=True, cgroup_parent=None
    )
    assert run.hostname is None
    assert run.namespaces == NamespaceOptions(pid="host", uts="host")
    assert run.security.sysctl == ("kernel.msgmax=4096",)
    assert run.security.security_opt == ("no-new-privileges",)
    assert run.security.device == ("/dev/fuse",)
    assert run.security.userns == "keep-id"
    assert run.volumes.volumes_from == ("data:ro",)


def test_members_take_the_host_and_path_modes_and_join_the_rest() -> None:
    pod = PodCreateOptions(uts="host", pid="ns:/proc/1/ns/pid")
    shared = ("ipc", "net", "pid", "uts")
    member, joined = pod_modes.member_modes(RunOptions(image="x"), pod, shared)
    assert member.namespaces == NamespaceOptions(pid="ns:/proc/1/ns/pid", uts="host")
    assert joined == ("ipc", "net")
    # undone for pod clone; a private pod changes nothing
    assert pod_modes.without_modes(member, pod, shared).namespaces == NamespaceOptions()
    same, joined = pod_modes.member_modes(RunOptions(image="x"), PodCreateOptions(), shared)
    assert same == RunOptions(image="x") and joined == shared
    # not shared: the mode is the infra's alone
    member, joined = pod_modes.member_modes(RunOptions(image="x"), pod, ("net",))
    assert member.namespaces == NamespaceOptions() and joined == ("net",)


def test_label_files_are_read_under_the_labels_and_the_pidfile_made_absolute(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    labels = tmp_path / "labels"
    labels.write_text("a=1\n# comment\n\nb=two words\nc=file\n")
    monkeypatch.chdir(tmp_path)
    options = pod_modes.read_files(
        PodCreateOptions(
            labels=("c=flag",), label_files=(str(labels),), infra_conmon_pidfile="infra.pid"
        )
    )
    assert options.labels == ("a=1", "b=two words", "c=file", "c=flag")
    assert options.label_files == ()
    assert options.infra_conmon_pidfile == os.path.join(tmp_path, "infra.pid")
    with pytest.raises(InvalidArgument, match="unable to process labels"):
        pod_modes.read_files(PodCreateOptions(label_files=(str(tmp_path / "none"),)))


def test_members_get_the_pods_devices_and_volumes_from_before_their_own() -> None:
    from hutch.engine.pod_member import own_options
    from hutch.engine.pod_record import PodConfig

    pod = PodCreateOptions(devices=("/dev/fuse",), volumes_from=("data",), uts="host")
    config = PodConfig(pod, "", ("ipc", "net", "uts"))
    member = RunOptions(
        image="x",
        security=SecurityOptions(device=("/dev/fuse", "/dev/null")),
        volumes=VolumeOptions(volumes_from=("data", "other")),
        namespaces=NamespaceOptions(uts="host"),
    )
    own = own_options(member, config)
    assert own.security.device == ("/dev/null",)
    assert own.volumes.volumes_from == ("other",)
    assert own.namespaces.uts == ""


def test_a_members_own_path_joins_stay_beside_the_pods() -> None:
    # a pod's --uts ns:PATH (or a member's own --ipc ns:PATH) is a join of the
    # member's own: joining the pod's namespaces must not drop it
    from hutch.engine.pod_member import Membership, member_spec
    from hutch.runtime.spec import Process, Rootfs, Spec

    spec = Spec(
        id="m",
        hostname="",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
        namespaces=("mount", "net", "pid"),
        joins=(("uts", "/proc/7/ns/uts"),),
        join_ids=(("uts", ""),),
    )
    joined = member_spec(spec, Membership("p", "i" * 64, ("ipc", "net")), None, "w")
    assert joined.joins == (("ipc", ""), ("uts", "/proc/7/ns/uts"))
    assert joined.join_ids == (("uts", ""),)
