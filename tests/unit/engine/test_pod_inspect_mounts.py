"""pod inspect's "mounts" (the infra's, as podman 4.3.1 prints them) and where it and
volumes_from / security_opt sit among the limit keys."""

from __future__ import annotations

from hutch.api.container_config import VolumeOptions
from hutch.api.containers import InspectDeviceRate
from hutch.api.podman_json import to_json
from hutch.api.pods import PodInspect, PodLimits
from hutch.engine.container_record import MountRecord
from hutch.engine.pod_infra import CATATONIT, pod_mounts

CATATONIT_MOUNT = MountRecord("bind", "/catatonit", CATATONIT, readonly=True, options=("rbind",))
BIND = MountRecord("bind", "/b", "/srv/b", readonly=True, options=("rbind",))
NAMED = MountRecord(
    "volume", "/data", "/vol/vv/_data", name="vv", options=("nosuid", "nodev", "rbind")
)
ANON = MountRecord("volume", "/anon", "/vol/0f/_data", name="0f" * 32, options=("rbind",))
NO_FLAGS = VolumeOptions()


def test_the_infras_catatonit_is_not_the_pods() -> None:
    assert pod_mounts([CATATONIT_MOUNT], NO_FLAGS) == ()


def test_volumes_come_before_binds_in_the_order_given() -> None:
    shown = to_json(pod_mounts([CATATONIT_MOUNT, BIND, NAMED, ANON], NO_FLAGS))
    assert [m["Destination"] for m in shown] == ["/data", "/anon", "/b"]
    assert shown[0] == {
        "Type": "volume",
        "Name": "vv",
        "Source": "/vol/vv/_data",
        "Destination": "/data",
        "Driver": "local",
        "Mode": "",
        "Options": ["nosuid", "nodev", "rbind"],
        "RW": True,
        "Propagation": "rprivate",
    }
    assert shown[2]["Driver"] == "" and shown[2]["RW"] is False
    assert "Name" not in shown[2]  # a bind has none: podman's omitempty leaves the key out


def test_modes_are_the_z_or_Z_the_pods_flags_gave() -> None:
    # podman 4.3.1: pod create -v /srv/b:/b:z -v vv:/data:Z,ro, then pod inspect
    flags = VolumeOptions(volumes=("/srv/b:/b:z", "vv:/data:Z,ro"))
    shown = pod_mounts([CATATONIT_MOUNT, BIND, NAMED, ANON], flags)
    assert [(m.destination, m.mode) for m in shown] == [("/data", "Z"), ("/anon", ""), ("/b", "z")]


def test_a_bind_mounted_elsewhere_from_catatonit_stays() -> None:
    other = MountRecord("bind", "/tools/catatonit", CATATONIT, readonly=True)
    assert [m.destination for m in pod_mounts([other], NO_FLAGS)] == ["/tools/catatonit"]


def test_keys_sit_where_podman_4_3_1_prints_them() -> None:
    # podman 4.3.1, pod create --volumes-from X --security-opt no-new-privileges
    # --memory 100m --cpus 1 --cpuset-mems 0 --device-read-bps /dev/null:1mb
    # --blkio-weight 300, then pod inspect: the keys after Containers
    limits = PodLimits(
        cpu_period=100000,
        cpu_quota=100000,
        cpuset_mems="0",
        mounts=pod_mounts([NAMED], NO_FLAGS),
        device_read_bps=(InspectDeviceRate("/dev/null", 1 << 20),),
        volumes_from=("src",),
        security_opt=("no-new-privileges",),
        memory_limit=100 << 20,
        memory_swap=200 << 20,
        blkio_weight=300,
    )
    pod = PodInspect(
        id="p" * 64,
        name="p",
        created="",
        create_command=(),
        exit_policy="continue",
        state="Created",
        hostname="",
        labels={},
        create_cgroup=True,
        cgroup_parent="",
        cgroup_path="",
        create_infra=True,
        infra_container_id="i" * 64,
        infra_config=None,
        shared_namespaces=(),
        num_containers=1,
        containers=(),
        limits=limits,
    )
    keys = list(to_json(pod))
    assert keys[keys.index("Containers") + 1 :] == [
        "cpu_period",
        "cpu_quota",
        "cpuset_mems",
        "mounts",
        "device_read_bps",
        "volumes_from",
        "security_opt",
        "memory_limit",
        "memory_swap",
        "blkio_weight",
    ]
    bare = list(to_json(PodInspect(**{**pod.__dict__, "limits": PodLimits()})))
    assert bare[-1] == "Containers"
