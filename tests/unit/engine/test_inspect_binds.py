"""inspect's ``.HostConfig.Binds`` in podman 4.3.1's words (what it showed for each of
these flags on the same host)."""

from __future__ import annotations

from hutch.api.container_config import VolumeOptions
from hutch.engine.container_record import MountRecord
from hutch.engine.inspect_binds import binds

S = "/srv/s"


def test_the_words_given_then_podmans_defaults_volumes_first() -> None:
    given = VolumeOptions(
        volumes=(
            f"{S}:/src:ro",
            f"{S}:/s2",
            "nv:/nv",
            "nv2:/nv2:ro,z",
            "/data",
            f"{S}:/a:z",
            f"{S}:/b:U",
            f"{S}:/c:noexec,rshared",
            f"{S}:/d:bind",
            "nv3:/f:noexec,nocopy",
            f"{S}:/j:Z,ro",
        ),
        mounts=(f"type=bind,src={S},dst=/g,ro", "type=volume,src=nv4,dst=/h", "type=tmpfs,dst=/i"),
        tmpfs=("/k",),
    )
    anonymous = "7c" * 32
    records = (
        MountRecord("bind", "/src", S, readonly=True),
        MountRecord("bind", "/s2", S),
        MountRecord("volume", "/nv", "/v/nv", name="nv"),
        MountRecord("volume", "/nv2", "/v/nv2", name="nv2", readonly=True),
        MountRecord("volume", "/data", f"/v/{anonymous}", name=anonymous),
        *(MountRecord("bind", dest, S) for dest in ("/a", "/b", "/c", "/d")),
        MountRecord("volume", "/f", "/v/nv3", name="nv3"),
        MountRecord("bind", "/j", S, readonly=True),
        MountRecord("bind", "/g", S, readonly=True),
        MountRecord("volume", "/h", "/v/nv4", name="nv4"),
        MountRecord("tmpfs", "/i", ""),
        MountRecord("tmpfs", "/k", ""),
    )
    assert binds(given, records) == (
        "nv:/nv:rw,rprivate,nosuid,nodev,rbind",
        "nv2:/nv2:ro,z,rprivate,nosuid,nodev,rbind",
        f"{anonymous}:/data:rw,rprivate,nosuid,nodev,rbind",
        "nv3:/f:noexec,nocopy,rw,rprivate,nosuid,nodev,rbind",
        "nv4:/h:rw,rprivate,nosuid,nodev,rbind",
        f"{S}:/src:ro,rprivate,rbind",
        f"{S}:/s2:rw,rprivate,rbind",
        f"{S}:/a:z,rw,rprivate,rbind",
        f"{S}:/b:U,rw,rprivate,rbind",
        f"{S}:/c:noexec,rshared,rw,rbind",
        f"{S}:/d:bind,rw,rprivate",
        f"{S}:/j:Z,ro,rprivate,rbind",
        f"{S}:/g:ro,rprivate,rbind",
    )


def test_a_volume_given_suid_or_dev_keeps_it_and_a_mount_no_flag_gave() -> None:
    given = VolumeOptions(volumes=("nv:/nv:suid,nodev",))
    records = (
        MountRecord("volume", "/nv", "/v/nv", name="nv"),
        MountRecord("volume", "/img", "/v/x", name="x", readonly=True),  # --volumes-from
    )
    assert binds(given, records) == (
        "nv:/nv:suid,nodev,rw,rprivate,rbind",
        "x:/img:ro,rprivate,nosuid,nodev,rbind",
    )
    assert binds(VolumeOptions(), ()) == ()


def test_mode_is_the_z_or_z_given_and_tmpfs_has_podmans_defaults() -> None:
    """podman 4.3.1: .Mounts[].Mode is z/Z as given (relabel=shared: z), else "";
    .HostConfig.Tmpfs (--tmpfs and --mount type=tmpfs): the words given, then rw,
    rprivate, nosuid, nodev, tmpcopyup unless given either way; noexec (hutch's
    default of --tmpfs, from podman's man page: podman mounts without it) there too."""
    from hutch.api.containers import InspectMount
    from hutch.engine.inspect_binds import with_modes
    from hutch.engine.inspect_extras import _tmpfs

    given = VolumeOptions(
        volumes=(f"{S}:/a", f"{S}:/b:z", "nv:/c:Z,ro"),
        mounts=(f"type=bind,src={S},dst=/d,relabel=shared",),
    )
    mounts = tuple(
        InspectMount("bind", "", S, dest, "", "", (), True, "rprivate")
        for dest in ("/a", "/b", "/c", "/d")
    )
    assert [m.mode for m in with_modes(mounts, given)] == ["", "z", "Z", "z"]
    tmpfs = ("/t:size=1m", "/u", "/w:rw,noexec,size=2k,mode=1777", "/x:ro,dev", "/q:notmpcopyup")
    mounts = (
        "type=tmpfs,dst=/m,tmpfs-size=1m",
        "type=tmpfs,destination=/n,tmpfs-mode=1777,ro=true,noexec",
        "type=tmpfs,dst=/o,notmpcopyup,tmpfs-size=2048",
        "type=tmpfs,dst=/p,tmpcopyup,nosuid,exec",
        f"type=bind,src={S},dst=/b",
    )
    assert _tmpfs(tmpfs, mounts) == {
        "/t": "size=1m,rw,rprivate,noexec,nosuid,nodev,tmpcopyup",
        "/u": "rw,rprivate,noexec,nosuid,nodev,tmpcopyup",
        "/w": "rw,noexec,size=2k,mode=1777,rprivate,nosuid,nodev,tmpcopyup",
        "/x": "ro,dev,rprivate,noexec,nosuid,tmpcopyup",
        "/q": "rw,rprivate,noexec,nosuid,nodev",
        "/m": "size=1m,rw,rprivate,nosuid,nodev,tmpcopyup",
        "/n": "mode=1777,ro,noexec,rprivate,nosuid,nodev,tmpcopyup",
        "/o": "size=2048,rw,rprivate,nosuid,nodev",
        "/p": "tmpcopyup,nosuid,exec,rw,rprivate,nodev",
    }
