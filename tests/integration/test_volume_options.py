"""volume create -o copy|nocopy and a plain volume's -o o=uid=N,gid=N, for real and
against podman 4.3.1 (issue 15; Quadlet's Copy=, User=, Group= map to them, issue 19)."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from podman_peer import Run, podman

__all__ = ["podman"]


def _inspect(run: Run | Hutch, name: str) -> dict[str, object]:
    data = json.loads(run("volume", "inspect", name).stdout)[0]
    assert isinstance(data, dict)
    return data


def test_volume_options_are_recorded_as_podman_records_them(hutch: Hutch, podman: Run) -> None:
    for run in (hutch, podman):
        run("volume", "create", "-o", "nocopy", "nc")
        run("volume", "create", "-o", "o=uid=1000,gid=100", "owned")
        run("volume", "create", "plain")
    for name in ("nc", "owned", "plain"):
        ours, theirs = _inspect(hutch, name), _inspect(podman, name)
        assert ours["Options"] == theirs["Options"], name
        # the same keys in the same order: UID, GID, Anonymous, NeedsCopyUp and
        # NeedsChown are omitempty, left out when zero or false
        assert list(ours) == [*theirs, "LockNumber"], name  # current podman's last key
        assert (ours.get("UID"), ours.get("GID")) == (theirs.get("UID"), theirs.get("GID")), name
    assert "UID" not in _inspect(hutch, "plain") and _inspect(hutch, "owned")["UID"] == 1000
    fmt = "{{.UID}}:{{.GID}}:{{.Anonymous}}"
    for run in (hutch, podman):  # a template still sees the zero values
        assert run("volume", "inspect", "--format", fmt, "plain").stdout == "0:0:false\n"
    for args in (["-o", "o=uid=x"], ["-o", "o=size=10m"]):
        ours = hutch("volume", "create", *args, "bad", check=False)
        theirs = podman("volume", "create", *args, "bad", check=False)
        assert (ours.returncode, theirs.returncode) == (125, 125)
        # podman's words (its Go error's tail aside)
        assert ours.stderr.split(":")[1] == theirs.stderr.split(":")[1], (ours, theirs)
    assert hutch("volume", "exists", "bad", check=False).returncode == 1
    # a bind volume's missing device, refused at create in podman's words
    args = ("volume", "create", "-o", "type=bind", "-o", "device=/nonexistent-h15", "dev")
    ours, theirs = hutch(*args, check=False), podman(*args, check=False)
    assert (ours.returncode, ours.stdout, ours.stderr) == (
        theirs.returncode,
        theirs.stdout,
        theirs.stderr,
    )
    assert ours.stderr == (
        "Error: invalid volume option device for driver 'local': "
        "stat /nonexistent-h15: no such file or directory\n"
    )


def test_owner_and_copy_seen_from_containers(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "-o", "o=uid=1000,gid=100", "owned")
    out = hutch("run", "--rm", "-v", "owned:/data", base_image, "stat", "-c", "%u %g", "/data")
    assert out.stdout.split() == ["1000", "100"]
    # copy (the default) fills a new volume with the image's files at the mount point;
    # nocopy on the volume keeps it empty
    hutch("volume", "create", "-o", "copy", "filled")
    hutch("volume", "create", "-o", "nocopy", "empty")
    filled = hutch("run", "--rm", "-v", "filled:/etc", base_image, "ls", "/etc").stdout.split()
    empty = hutch("run", "--rm", "-v", "empty:/etc", base_image, "ls", "-A", "/etc").stdout
    assert "passwd" in filled
    # nothing of the image's; the container's own files are mounted on top, as podman's
    assert set(empty.split()) <= {"hostname", "hosts", "resolv.conf"}


def test_a_new_volume_goes_to_the_first_containers_user_as_in_podman(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path
) -> None:
    # podman's NeedsChown: where the image has no directory the volume's goes to the
    # container's user; where it has one, the volume takes that directory's owner
    podman("import", "-q", str(rootfs_tar), "peerbase")
    script = "stat -c '%u %g %a' /newdir /home /given"
    seen = []
    for run, image in ((hutch, base_image), (podman, "peerbase")):
        run("volume", "create", "-o", "o=uid=7,gid=8", "given")
        assert _inspect(run, "given").get("NeedsChown", False) is False
        out = run(
            "run", "--rm", "--network", "none", "--user", "1000:1000", "-v", "fresh:/newdir",
            "-v", "home:/home", "-v", "given:/given", image, "sh", "-c", script,
        ).stdout  # fmt: skip
        seen.append(out.splitlines())
        assert _inspect(run, "fresh").get("NeedsChown", False) is False  # consumed
    assert seen[0] == seen[1]
    assert seen[0][0] == "1000 1000 755"
    assert seen[0][2].startswith("7 8 ")
    hutch("volume", "create", "later")
    assert _inspect(hutch, "later")["NeedsChown"] is True


def test_uid_and_gid_flags_own_the_volume_outside_its_options(
    hutch: Hutch, base_image: str
) -> None:
    # current podman's volume create --uid/--gid (4.3.1 has no such flags): the owner
    # of its directory in the container's ids, .UID/.GID in inspect, no option of its
    # own, and no chown at the first mount (NeedsChown false)
    hutch("volume", "create", "--uid", "1000", "--gid", "100", "flagged")
    data = _inspect(hutch, "flagged")
    assert (data["UID"], data["GID"], data["Options"]) == (1000, 100, {})
    assert data.get("NeedsChown", False) is False
    script = "stat -c '%u %g' /data"
    out = hutch("run", "--rm", "-u", "5", "-v", "flagged:/data", base_image, "sh", "-c", script)
    assert out.stdout.split() == ["1000", "100"]
    # the flag over o=uid= (podman applies it after the options), o=gid= kept
    hutch("volume", "create", "--uid", "7", "-o", "o=uid=3,gid=4", "over")
    data = _inspect(hutch, "over")
    assert (data["UID"], data["GID"], data["Options"]["UID"]) == (7, 4, "3")
    hutch("volume", "create", "--gid", "5", "grouped")
    assert hutch("volume", "inspect", "--format", "{{.UID}}:{{.GID}}", "grouped").stdout == "0:5\n"
    bad = hutch("volume", "create", "--uid", "-1", "neg", check=False)
    assert bad.returncode == 125 and "--uid -1" in bad.stderr
    assert hutch("volume", "exists", "neg", check=False).returncode == 1
