"""Pods without a store: --share, the checks of pod create, the status rule, filters."""

from __future__ import annotations

import io
import tarfile
from dataclasses import replace

import pytest

from hutch.api.container_config import ResourceOptions, RunOptions, SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.api.pods import PodCreateOptions, PodMember, PodSummary
from hutch.engine import netopts, pod_infra, pod_record
from hutch.engine.pod_filters import matcher
from hutch.engine.pod_list import pod_status
from hutch.engine.pod_member import (
    Membership,
    has_userns,
    member_spec,
    members_userns,
    pod_userns,
    refuse_own_userns,
)
from hutch.engine.pods import parse_share, plan_pod
from hutch.runtime import pidshare
from hutch.runtime.spec import NAMESPACES, PodHosts, Process, Rootfs, Spec
from hutch.store.containers import ContainerDirs


@pytest.mark.parametrize(
    ("text", "shared"),
    [
        (None, ("ipc", "net", "uts")),
        ("", ()),
        ("none", ()),
        ("net", ("net",)),
        ("+cgroup", ("cgroup", "ipc", "net", "uts")),
        ("uts,net", ("net", "uts")),
        ("+pid", ("ipc", "net", "pid", "uts")),
        ("pid", ("pid",)),
    ],
)
def test_share_is_the_default_a_list_or_an_addition(
    text: str | None, shared: tuple[str, ...]
) -> None:
    assert parse_share(text) == shared


def test_share_refuses_an_unknown_namespace_by_name() -> None:
    with pytest.raises(InvalidArgument, match="invalid kernel namespace to share: mnt"):
        parse_share("net,mnt")


def test_plan_names_the_pod_and_defaults_its_hostname() -> None:
    plan = plan_pod(PodCreateOptions(name="web", labels=("a=b", "c")))
    assert plan.name == "web" and plan.infra
    assert plan.config.hostname == "web"
    assert plan.config.shared == ("ipc", "net", "uts")
    assert plan.config.labels == (("a", "b"), ("c", ""))
    assert plan_pod(PodCreateOptions(name="web", hostname="h")).config.hostname == "h"


def test_plan_without_sharing_makes_no_infra_unless_asked() -> None:
    assert not plan_pod(PodCreateOptions(share="none")).infra
    assert plan_pod(PodCreateOptions(share="none", infra=True)).infra
    no_infra = plan_pod(PodCreateOptions(infra=False))
    assert not no_infra.infra and no_infra.config.shared == ()


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (PodCreateOptions(name="bad name"), "running pod create option: names must match"),
        (
            PodCreateOptions(exit_policy="later"),
            '^running pod create option: invalid pod exit policy: "later"$',
        ),
        (PodCreateOptions(restart="sometimes"), "sometimes"),
        (
            PodCreateOptions(infra=False, publish=("80",)),
            "you must have an infra container to publish port bindings to the host",
        ),
        (PodCreateOptions(infra=False, infra_command="/x"), "--infra-command needs an infra"),
        (PodCreateOptions(userns="keep-id", infra=False), "--userns on a pod needs an infra"),
        (PodCreateOptions(userns="bogus"), "unrecognized namespace mode bogus passed"),
        (PodCreateOptions(uidmap=("0:1:10",), infra=False), "--uidmap on a pod needs an infra"),
        (PodCreateOptions(subgidname="me", infra=False), "--subgidname on a pod needs an infra"),
        (PodCreateOptions(uidmap=("0:1",)), "invalid --uidmap '0:1': expected CONTAINER:HOST:SIZE"),
        (
            PodCreateOptions(userns="keep-id", gidmap=("0:1:10",)),
            "--userns cannot be combined with --uidmap/--gidmap",
        ),
        (
            PodCreateOptions(subuidname="me", uidmap=("0:1:10",)),
            "--subuidname/--subgidname cannot be combined with --userns or maps",
        ),
        (PodCreateOptions(shm_size="lots"), "unable to translate --shm-size: invalid size: 'lots'"),
        (PodCreateOptions(mac_address="zz"), "address zz: invalid MAC address"),
        (
            PodCreateOptions(infra=False, mac_address="02:11:22:33:44:55"),
            "cannot set --mac without infra container: invalid argument",
        ),
        (
            PodCreateOptions(share="ipc", mac_address="02:11:22:33:44:55"),
            "networks and static ip/mac address can only be used with Bridge mode networking",
        ),
        (
            PodCreateOptions(network="pn1:foo=1"),
            "invalid option for network pn1: unknown bridge network option: foo",
        ),
        (
            PodCreateOptions(network="pn1,pn2:ip=10.93.0.500"),
            'invalid option for network pn2: invalid ip address "10.93.0.500"',
        ),
        (PodCreateOptions(shm_size="1m", infra=False), "--shm-size on a pod needs an infra"),
        (
            PodCreateOptions(infra=False, ip="10.0.0.5"),
            "--ip, --ip6 and --network-alias of a pod need an infra container",
        ),
        (
            PodCreateOptions(share="ipc", network_aliases=("shop",)),
            "need it to share its network",
        ),
    ],
)
def test_plan_refuses_bad_options_before_anything_exists(
    options: PodCreateOptions, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=message.replace("(", r"\(")):
        plan_pod(options)


@pytest.mark.parametrize(
    ("states", "status"),
    [
        ((), "Created"),
        (("created", "created"), "Created"),
        (("running", "running"), "Running"),
        (("running", "exited"), "Degraded"),
        (("paused", "paused"), "Paused"),
        (("exited", "exited"), "Exited"),
        (("exited", "created"), "Stopped"),
    ],
)
def test_pod_status_follows_its_members(states: tuple[str, ...], status: str) -> None:
    assert pod_status(states) == status


def test_pod_record_round_trips() -> None:
    config = plan_pod(PodCreateOptions(name="web", publish=("8080:80",))).config
    assert pod_record.decode(pod_record.encode(config)) == config


def _summary(**changes: object) -> PodSummary:
    base = PodSummary(
        id="abc123",
        name="web",
        status="Running",
        created=1.0,
        infra_id="i" * 64,
        labels=(("app", "web"),),
        members=(PodMember("i" * 64, "abc-infra", "running"), PodMember("d" * 64, "db", "exited")),
    )
    return PodSummary(**{**base.__dict__, **changes})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("filters", "kept"),
    [
        (("name=^we",), True),
        (("name=db",), False),
        (("id=abc",), True),
        (("label=app=web",), True),
        (("label=app=db",), False),
        (("status=running",), True),
        (("ctr-names=db",), True),
        (("ctr-status=exited",), True),
        (("ctr-status=paused",), False),
        (("ctr-number=2",), True),
        (("name=nope", "name=web"), True),
        (("name=web", "status=exited"), False),
    ],
)
def test_filters_follow_podman_rules(filters: tuple[str, ...], kept: bool) -> None:
    assert matcher(filters)(_summary()) is kept


def test_a_bad_filter_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="colour is an invalid filter"):
        matcher(("colour=red",))
    with pytest.raises(InvalidArgument, match="is not a valid pod status"):
        matcher(("status=sleepy",))


@pytest.mark.parametrize(
    ("until", "kept"),
    [
        ("1h", False),  # a duration before now: an hour before 3600.5, before the pod
        ("-1h", True),  # a negative one is ahead of now
        ("1970-01-01T00:00:00Z", False),
        ("1970-01-01T00:00:02Z", True),
        ("2", True),  # unix seconds
        ("0", False),  # not a duration: the epoch
        ("bogus", False),  # podman takes a time that does not parse as no match
        ("1d", False),  # days are not Go's
    ],
)
def test_until_keeps_pods_created_before_the_time(until: str, kept: bool) -> None:
    assert matcher((f"until={until}",), now=3600.5)(_summary()) is kept


def test_two_untils_match_nothing_as_podmans() -> None:
    # podman's ComputeUntilTimestamp: "specify exactly one timestamp", dropped in the filter
    assert matcher(("until=-1h", "until=-2h"), now=7200.0)(_summary()) is False


def test_sort_words_and_podmans_refusal() -> None:
    from hutch.engine.pod_list import _sorted

    old = _summary(id="b1", name="zz", created=1.0)
    new = _summary(id="a2", name="aa", created=2.0, members=())
    assert [s.id for s in _sorted([old, new], "created")] == ["a2", "b1"]
    assert [s.id for s in _sorted([old, new], "id")] == ["a2", "b1"]
    assert [s.id for s in _sorted([old, new], "name")] == ["a2", "b1"]
    assert [s.id for s in _sorted([old, new], "number")] == ["a2", "b1"]
    words = "invalid option for --sort, options are: created, id, name, number, or status"
    with pytest.raises(InvalidArgument, match=words):
        _sorted([old], "names")


def test_infra_layer_holds_mount_points_and_the_catatonit_target() -> None:
    raw = pod_infra.layer_tar()
    assert raw == pod_infra.layer_tar()  # the same bytes, so the same image everywhere
    with tarfile.open(fileobj=io.BytesIO(raw)) as tar:
        members = {m.name: m for m in tar.getmembers()}
    assert {"dev", "proc", "sys", "etc", "tmp", "catatonit"} == set(members)
    assert members["catatonit"].isfile() and members["catatonit"].size == 0
    config = pod_infra.image_config("sha256:" + "0" * 64)
    assert config.config.entrypoint == ("/catatonit", "-P")


def test_infra_options_carry_the_pods_network_and_catatonit() -> None:
    options = PodCreateOptions(publish=("8080:80",), dns=("1.1.1.1",), infra_command="/bin/x")
    run = pod_infra.infra_options(options, name="p-infra", hostname="p", network="", share_net=True)
    assert run.net.publish == ("8080:80",) and run.net.dns == ("1.1.1.1",)
    assert run.volumes.volumes == ("/usr/bin/catatonit:/catatonit:ro",)
    assert run.entrypoint == "/bin/x" and run.hostname == "p"
    alone = pod_infra.infra_options(
        options, name="p", hostname="p", network="none", share_net=False
    )
    assert alone.net.publish == ()


def test_the_pods_network_options_reach_its_infra_as_runs_do() -> None:
    # several --network flags are one NET,NET value, each with its own options (as run's)
    from hutch.api.pod_flags import FLAGS

    (flag,) = [f for f in FLAGS if f.name == "--network"]
    value = flag.value(["pn1:ip=10.93.0.50,mac=02:11:22:33:44:55", "pn2:ip=10.94.0.51"])
    assert value == "pn1:ip=10.93.0.50,mac=02:11:22:33:44:55,pn2:ip=10.94.0.51"
    with pytest.raises(InvalidArgument, match="without bridge network mode, selected mode host"):
        flag.value(["host", "pn1"])
    plan_pod(PodCreateOptions(network=str(value)))  # good options pass
    run = pod_infra.infra_options(
        PodCreateOptions(network=str(value)),
        name="p",
        hostname="p",
        network=str(value),
        share_net=True,
    )
    mac = pod_infra.infra_options(
        PodCreateOptions(mac_address="02:11:22:33:44:99"),
        name="p",
        hostname="p",
        network="pn1",
        share_net=True,
    )
    assert mac.net.mac_address == "02:11:22:33:44:99"  # the first network's, as run's
    choices = netopts.parse(run.network)
    assert [(c.name, c.ip, c.mac) for c in choices] == [
        ("pn1", "10.93.0.50", "02:11:22:33:44:55"),
        ("pn2", "10.94.0.51", None),
    ]


def test_infra_options_carry_the_pods_shm_size() -> None:
    run = pod_infra.infra_options(
        PodCreateOptions(shm_size="2m"), name="p-infra", hostname="p", network="", share_net=True
    )
    assert run.kernel.shm_size == "2m"
    default = pod_infra.infra_options(
        PodCreateOptions(), name="p-infra", hostname="p", network="", share_net=True
    )
    assert default.kernel.shm_size is None


def test_infra_options_carry_the_pods_address_and_aliases() -> None:
    options = PodCreateOptions(ip="10.89.0.5", ip6="fd00::5", network_aliases=("shop", "s"))
    run = pod_infra.infra_options(
        options, name="p-infra", hostname="p", network="net1", share_net=True
    )
    assert (run.net.ip, run.net.ip6, run.net.aliases) == ("10.89.0.5", "fd00::5", ("shop", "s"))


def test_a_member_spec_joins_the_shared_namespaces(tmp_path: object) -> None:
    from pathlib import Path

    infra = ContainerDirs(Path(str(tmp_path)) / "infra")
    infra.userdata.mkdir(parents=True)
    (infra.userdata / "hosts").write_text("127.0.0.1 localhost\n")
    spec = Spec(
        id="m",
        hostname="web",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
        etc_files=(("/etc/hostname", "/m/hostname"), ("/etc/hosts", "/m/hosts")),
    )
    member = Membership("p", "i" * 64, ("cgroup", "ipc", "net", "uts"), lists_names=True)
    joined = member_spec(spec, member, infra, "web-1")
    assert joined.namespaces == tuple(ns for ns in NAMESPACES if ns not in ("cgroup", "ipc", "uts"))
    assert joined.joins == (("cgroup", ""), ("ipc", ""), ("uts", ""))
    assert joined.join_container == "i" * 64
    assert dict(joined.etc_files)["/etc/hosts"] == str(infra.userdata / "hosts")
    assert dict(joined.etc_files)["/etc/hostname"] == "/m/hostname"
    assert joined.pod_hosts == PodHosts(str(infra.userdata / "hosts"), "web-1")
    # a pod on the host's network lists no member (podman's hosts there are the host's)
    on_host = member_spec(spec, replace(member, lists_names=False), infra, "web-1")
    assert on_host.pod_hosts == PodHosts()


def test_a_member_shares_the_pods_dev_shm_only_with_its_ipc_namespace() -> None:
    spec = Spec(
        id="m",
        hostname="web",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
    )
    # "": the infra's, whose mount namespace before_start names at each start
    assert member_spec(spec, Membership("p", "i" * 64, ("ipc", "net")), None, "w").shm == ""
    alone = member_spec(spec, Membership("p", "i" * 64, ("net",)), None, "w")
    assert alone.shm == "private"


def test_a_member_of_a_pod_sharing_pid_joins_the_infras_pid_namespace() -> None:
    spec = Spec(
        id="m",
        hostname="web",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
    )
    member = Membership("p", "i" * 64, ("ipc", "net", "pid", "uts"))
    joined = member_spec(spec, member, None, "web-1")
    # no pid namespace of its own: its monitor forks the init into the joined one
    assert "pid" not in joined.namespaces and "mount" in joined.namespaces
    assert ("pid", "") in joined.joins and joined.join_container == "i" * 64
    assert pidshare.joined_pidns(joined.joins) == ""
    assert not pidshare.own_pidns(joined.namespaces)
    renewed = replace(joined, joins=tuple((ns, f"/proc/42/ns/{ns}") for ns, _ in joined.joins))
    assert pidshare.joined_pidns(renewed.joins) == "/proc/42/ns/pid"


@pytest.mark.parametrize(
    "security",
    [
        SecurityOptions(userns="keep-id"),
        SecurityOptions(userns="auto"),
        SecurityOptions(uidmap=("0:1:1000",)),
        SecurityOptions(subuidname="u"),
    ],
)
def test_a_member_with_its_own_userns_is_refused_where_the_pod_shares_pid(
    security: SecurityOptions,
) -> None:
    options = RunOptions(image="x", security=security)
    with pytest.raises(InvalidArgument, match="--userns and --pod cannot be set together"):
        refuse_own_userns(options, ("ipc", "net", "pid", "uts"), False)
    with pytest.raises(InvalidArgument, match="--userns and --pod cannot be set together"):
        refuse_own_userns(options, ("ipc", "net", "uts"), True)  # the pod has one
    refuse_own_userns(options, ("ipc", "net", "uts"), False)  # its own pid namespace: as before
    refuse_own_userns(RunOptions(image="x"), ("pid",), True)
    refuse_own_userns(
        RunOptions(image="x", security=SecurityOptions(userns="host")), ("pid",), True
    )


@pytest.mark.parametrize("userns", ["keep-id", "keep-id:uid=5", "auto", "nomap"])
def test_a_pod_with_a_user_namespace_has_its_infra_make_it(userns: str) -> None:
    plan = plan_pod(PodCreateOptions(userns=userns))
    assert plan.infra and pod_userns(userns)
    run = pod_infra.infra_options(
        plan.config.options, name="p-infra", hostname="p", network="", share_net=True
    )
    assert run.security.userns == userns
    assert not pod_userns("host") and not pod_userns(None) and not pod_userns("")


def test_a_pod_with_id_maps_has_its_infra_make_the_namespace() -> None:
    options = PodCreateOptions(uidmap=("0:1:1000",), gidmap=("0:1:2000",), subuidname=None)
    plan = plan_pod(options)
    assert plan.infra and has_userns(options) and members_userns(options) == "private"
    run = pod_infra.infra_options(
        plan.config.options, name="p-infra", hostname="p", network="", share_net=True
    )
    assert (run.security.userns, run.security.uidmap, run.security.gidmap) == (
        None,
        ("0:1:1000",),
        ("0:1:2000",),
    )
    named = PodCreateOptions(subuidname="alice", subgidname="bob")
    assert pod_infra.security(named).subuidname == "alice" and has_userns(named)
    assert pod_infra.security(named).subgidname == "bob"
    # a mode stays what members get (keep-id's user); no namespace: nothing
    assert members_userns(PodCreateOptions(userns="keep-id")) == "keep-id"
    assert members_userns(PodCreateOptions()) == "" and not has_userns(PodCreateOptions())
    # the record keeps the maps (members made later read the pod's options)
    config = pod_record.decode(pod_record.encode(plan.config))
    assert config.options.uidmap == ("0:1:1000",) and config.options.gidmap == ("0:1:2000",)


def test_a_member_of_a_pod_with_a_user_namespace_joins_it_first() -> None:
    spec = Spec(
        id="m",
        hostname="web",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
    )
    member = Membership("p", "i" * 64, ("ipc", "net", "uts"), userns="keep-id")
    joined = member_spec(spec, member, None, "web-1")
    # the pod's other namespaces belong to its user namespace: that one first
    assert joined.joins[0] == ("user", "") and ("ipc", "") in joined.joins
    assert "user" not in joined.namespaces and "pid" in joined.namespaces


def test_inspect_shows_the_namespaces_a_member_joins_as_the_infras() -> None:
    from hutch.engine.inspect_extras import pod_joins

    spec = Spec(
        id="m",
        hostname="web",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
    )
    infra = "i" * 64
    member = Membership("p", infra, ("ipc", "net", "pid", "uts"), userns="keep-id")
    joined = pod_joins(member_spec(spec, member, None, "web-1"))
    # podman 4.3.1: container:INFRA for each (net is the network's own report)
    assert joined == {"userns": infra, "ipc": infra, "pid": infra, "uts": infra}
    assert pod_joins(spec) == {} and pod_joins(None) == {}


def test_pod_logs_merge_members_by_time() -> None:
    from collections.abc import Iterator

    from hutch.api.containers import LogLine, LogsOptions
    from hutch.api.pods import PodLogsOptions
    from hutch.engine.pod_logs import merged_logs

    lines = {
        "a": [LogLine("2026-01-01T00:00:01Z", "stdout", b"a1", False)],
        "b": [
            LogLine("2026-01-01T00:00:00Z", "stdout", b"b0", False),
            LogLine("2026-01-01T00:00:02Z", "stderr", b"b2", False),
        ],
    }

    def reader() -> object:
        def read(options: LogsOptions) -> Iterator[LogLine]:
            assert options.tail == 5
            return iter(lines[options.names[0]])

        return read

    got = merged_logs(reader, [("a", "web"), ("b", "db")], PodLogsOptions("p", tail=5))  # type: ignore[arg-type]
    assert [(e.container_name, e.line.text) for e in got] == [
        ("db", b"b0"),
        ("web", b"a1"),
        ("db", b"b2"),
    ]
    followed = merged_logs(
        reader, [("a", "web"), ("b", "db")], PodLogsOptions("p", follow=True, tail=5)
    )  # type: ignore[arg-type]
    assert sorted(e.line.text for e in followed) == [b"a1", b"b0", b"b2"]


def test_a_members_own_options_leave_out_what_the_pod_gave() -> None:
    from hutch.api.container_config import VolumeOptions
    from hutch.engine.pod_member import own_options

    config = plan_pod(PodCreateOptions(name="p", volumes=("/a:/a",))).config
    recorded = RunOptions(
        image="x",
        network="container:" + "i" * 64,
        hostname="p",
        volumes=VolumeOptions(volumes=("/a:/a", "/b:/b")),
    )
    own = own_options(recorded, config)
    assert own.network == "" and own.hostname is None
    assert own.volumes.volumes == ("/b:/b",)


def test_a_members_anonymous_pod_volume_is_the_infras_and_left_out_for_a_clone() -> None:
    from hutch.api.container_config import VolumeOptions
    from hutch.engine.pod_member import named_anonymous, own_options

    given = ("/anon", "vv:/data:ro", "/srv:/b", "/later")
    infra = {"/anon": "a" * 64, "/data": "vv"}
    # only an anonymous one is renamed; one the infra lacks (an older infra) stays
    named = named_anonymous(given, infra)
    assert named == ("a" * 64 + ":/anon", "vv:/data:ro", "/srv:/b", "/later")
    config = plan_pod(PodCreateOptions(name="p", volumes=given)).config
    recorded = RunOptions(image="x", volumes=VolumeOptions(volumes=(*named, "/own")))
    assert own_options(recorded, config).volumes.volumes == ("/own",)


def test_the_infra_mounts_the_pods_volumes_after_its_catatonit() -> None:
    options = PodCreateOptions(volumes=("/anon", "vv:/data"), volumes_from=("c",))
    run = pod_infra.infra_options(options, name="i", hostname="", network="", share_net=True)
    assert run.volumes.volumes == (f"{pod_infra.CATATONIT}:/catatonit:ro", "/anon", "vv:/data")
    assert run.volumes.volumes_from == ("c",)


def test_ps_filter_pod_takes_a_name_or_an_id_prefix() -> None:
    from hutch.api.containers import ContainerSummary
    from hutch.engine.container_filters import parse_filters

    c = ContainerSummary("c1", "app", "img", "i", "sh", 0.0, "running", 0, 0.0, 0.0)
    member = ContainerSummary(
        "c2", "db", "img", "i", "sh", 0.0, "running", 0, 0.0, 0.0, pod="abc123", pod_name="web"
    )
    for value in ("web", "abc"):
        keep = parse_filters([f"pod={value}"])
        assert keep.match(member) and not keep.match(c)
    assert not parse_filters(["pod=other"]).match(member)


def test_logs_of_several_containers_read_each_with_the_same_options() -> None:
    from collections.abc import Iterator

    from hutch.api.containers import LogLine, LogsOptions
    from hutch.engine.pod_logs import merged

    asked: list[LogsOptions] = []

    def reader() -> object:
        def read(options: LogsOptions) -> Iterator[LogLine]:
            asked.append(options)
            stamp = f"2026-01-01T00:00:0{2 if options.names == ('a',) else 1}Z"
            return iter([LogLine(stamp, "stdout", options.names[0].encode(), False)])

        return read

    options = LogsOptions(("web", "db"), since="10m", timestamps=True)
    got = list(merged(reader, [("a", "web"), ("b", "db")], options))  # type: ignore[arg-type]
    assert [(e.container_id, e.container_name, e.line.text) for e in got] == [
        ("b", "db", b"b"),
        ("a", "web", b"a"),
    ]
    assert [o.names for o in asked] == [("a",), ("b",)]
    assert all(o.since == "10m" and o.timestamps for o in asked)


def test_inspect_shows_a_mapped_pods_user_namespace_as_podman_does() -> None:
    from hutch.api.containers import InspectIDMappings
    from hutch.engine.inspect_extras import id_mappings, userns_mode
    from hutch.engine.pods import inspect_namespace_order

    options = PodCreateOptions(uidmap=("0:1:1000",), gidmap=("0:1:2000",))
    run = pod_infra.infra_options(
        plan_pod(options).config.options, name="p-infra", hostname="p", network="", share_net=True
    )
    # the infra's .HostConfig: UsernsMode private and the maps as given (podman 4.3.1)
    assert userns_mode(run, "") == "private"
    assert id_mappings(run) == InspectIDMappings(("0:1:1000",), ("0:1:2000",))
    assert id_mappings(RunOptions("i")) is None and userns_mode(RunOptions("i"), "") == ""
    named = RunOptions("i", security=SecurityOptions(subuidname="alice"))
    assert userns_mode(named, "") == "private" and userns_mode(named, "host") == "host"
    # pod inspect's SharedNamespaces names "user" first when the pod has one
    shared = ("ipc", "net", "uts")
    assert inspect_namespace_order(shared, has_userns(options)) == ("user", "uts", "ipc", "net")
    assert inspect_namespace_order(shared) == ("uts", "ipc", "net")


def test_a_clone_keeps_the_pods_user_namespace_unless_it_names_one() -> None:
    from hutch.engine.pod_clone import clone_userns

    mapped = PodCreateOptions(uidmap=("0:1:1000",), gidmap=("0:1:2000",))
    assert clone_userns(mapped, PodCreateOptions(hostname="h")) == mapped
    # new maps replace all of the old namespace (a kept --userns would be refused)
    keep = PodCreateOptions(userns="keep-id")
    cloned = clone_userns(keep, PodCreateOptions(uidmap=("0:1:500",)))
    assert (cloned.userns, cloned.uidmap, cloned.gidmap) == (None, ("0:1:500",), ())
    named = clone_userns(mapped, PodCreateOptions(subuidname="alice", subgidname="alice"))
    assert (named.uidmap, named.subuidname, named.subgidname) == ((), "alice", "alice")
    assert clone_userns(mapped, PodCreateOptions(userns="host")).uidmap == ()
    # the new maps are checked as pod create checks them
    with pytest.raises(InvalidArgument):
        plan_pod(clone_userns(mapped, PodCreateOptions(uidmap=("0:x",))))


def test_a_clone_releases_the_fixed_host_ports_of_the_original() -> None:
    from hutch.engine.pod_clone import published_ports

    given = PodCreateOptions(publish=("8080:80", "127.0.0.1:53:53/udp", "9000-9001:90-91", "81"))
    assert published_ports(given) == {(8080, "tcp"), (53, "udp"), (9000, "tcp"), (9001, "tcp")}
    assert published_ports(PodCreateOptions()) == frozenset()


def test_each_flag_pod_clone_takes_changes_the_clones_options() -> None:
    # a flag added to pod clone in api/pod_flags.py that clone_options left out
    # would be taken and then dropped: each one given must show in the clone
    from hutch.api.pod_flags import flags_of
    from hutch.engine.pod_clone import clone_options

    original = PodCreateOptions(
        labels=("a=1",),
        volumes=("/srv:/data", "cache:/cache"),
        hostname="orig",
        infra_command="/catatonit -P",
        infra_name="orig-infra",
        shm_size="64m",
        resources=ResourceOptions(memory="64m", cpus="1", blkio_weight_device=("/dev/sda:100",)),
    )
    values: dict[str, object] = {"str": "7", "int": 7, "list": ("/x:/y",)}
    for flag in flags_of("pod clone"):
        if "pod create" not in flag.commands or flag.field == "name":  # name: engine/pods.py
            continue
        group, _, leaf = flag.field.rpartition(".")
        given = values[flag.kind]
        if group:
            changes = PodCreateOptions(resources=ResourceOptions(**{leaf: given}))
        else:
            changes = PodCreateOptions(**{leaf: given})
        cloned = clone_options(original, changes)
        after = getattr(cloned.resources, leaf) if group else getattr(cloned, leaf)
        if flag.kind == "list":
            assert isinstance(after, tuple) and set(given) <= set(after), flag.name  # type: ignore[arg-type]
        else:
            assert after == given, flag.name


def test_a_clone_lays_its_changes_over_the_original() -> None:
    from hutch.engine.pod_clone import clone_options

    original = PodCreateOptions(
        name="web",
        labels=("a=1",),
        volumes=("/srv:/data", "cache:/cache:ro"),
        infra_name="web-infra",
        infra_command='["/catatonit", "-P"]',
        shm_size="64m",
        resources=ResourceOptions(memory="64m", cpus="1"),
        replace=True,
    )
    same = clone_options(original, PodCreateOptions())
    # the original's options but its infra's name (in use) and --replace
    assert same == replace(original, infra_name=None, replace=False)
    changes = PodCreateOptions(
        labels=("b=2",),
        volumes=("/other:/data:ro", "/logs:/logs"),
        infra_name="new-infra",
        resources=ResourceOptions(cpus="2"),
    )
    cloned = clone_options(original, changes)
    assert cloned.labels == ("a=1", "b=2")
    assert cloned.volumes == ("cache:/cache:ro", "/other:/data:ro", "/logs:/logs")
    assert cloned.infra_name == "new-infra"
    assert cloned.infra_command == original.infra_command and cloned.shm_size == "64m"
    # each limit on its own: --cpus leaves the original's --memory
    assert (cloned.resources.memory, cloned.resources.cpus) == ("64m", "2")
    with pytest.raises(InvalidArgument, match="incorrect volume format"):
        clone_options(original, PodCreateOptions(volumes=("a:b:c:d",)))
