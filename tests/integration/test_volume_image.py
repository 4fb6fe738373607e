"""Image volumes (``volume create --driver image -o image=IMG``), for real and against
podman 4.3.1 (issue 15): the image's files, writable, the changes kept in the volume
from one container to the next; inspect's shape, the refusals and rmi's guard."""

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


def test_changes_persist_across_containers_over_the_images_files(
    hutch: Hutch, base_image: str
) -> None:
    hutch("volume", "create", "--driver", "image", "-o", f"image={base_image}", "iv")
    first = hutch(
        "run", "--rm", "-v", "iv:/mnt", base_image,
        "sh", "-c", "test -x /mnt/bin/busybox && echo kept > /mnt/new && rm /mnt/etc/passwd",
    )  # fmt: skip
    assert first.returncode == 0
    second = hutch(
        "run", "--rm", "-v", "iv:/mnt", base_image,
        "sh", "-c", "cat /mnt/new; test -e /mnt/etc/passwd || echo gone; ls /mnt/bin | wc -l",
    )  # fmt: skip
    lines = second.stdout.split()
    assert lines[:2] == ["kept", "gone"]
    assert int(lines[2]) > 10  # the image's /bin is there
    # the image itself is untouched: a fresh container still has /etc/passwd
    hutch("run", "--rm", base_image, "test", "-e", "/etc/passwd")
    # read-only mount: the image's files, no writes
    ro = hutch("run", "--rm", "-v", "iv:/mnt:ro", base_image, "touch", "/mnt/x", check=False)
    assert ro.returncode != 0
    # two containers at once: what one writes, the other sees (as in podman)
    hutch("run", "-d", "--name", "r1", "-v", "iv:/mnt", base_image, "sleep", "100")
    hutch("run", "--rm", "-v", "iv:/mnt", base_image, "sh", "-c", "echo two > /mnt/two")
    assert hutch("exec", "r1", "cat", "/mnt/two").stdout == "two\n"
    mounts = json.loads(hutch("inspect", "r1", "--format", "{{json .Mounts}}").stdout)
    assert (mounts[0]["Type"], mounts[0]["Name"], mounts[0]["Driver"]) == ("volume", "iv", "image")
    hutch("rm", "-f", "-t", "0", "r1")
    # the changes are in the volume's Mountpoint (the overlay's upper dir)
    mountpoint = Path(str(_inspect(hutch, "iv")["Mountpoint"]))
    assert mountpoint.name == "_data"


def test_inspect_and_refusals_as_podman(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path
) -> None:
    podman("import", "-q", str(rootfs_tar), base_image)
    for run in (hutch, podman):
        run("volume", "create", "--driver", "image", "-o", f"image={base_image}", "iv")
    ours, theirs = _inspect(hutch, "iv"), _inspect(podman, "iv")
    for key in ("Driver", "Options", "Scope", "Labels"):
        assert ours[key] == theirs[key], key
    assert ours["Driver"] == "image" and ours["Options"] == {"image": base_image}
    ls = hutch("volume", "ls", "--filter", "driver=image", "--format", "{{.Name}}")
    assert ls.stdout.split() == ["iv"]
    for args in (
        ["-o", "image=nosuch"],
        [],
        ["-o", f"image={base_image}", "-o", "foo=bar"],
    ):
        mine = hutch("volume", "create", "--driver", "image", *args, "bad", check=False)
        peer = podman("volume", "create", "--driver", "image", *args, "bad", check=False)
        assert (mine.returncode, peer.returncode) == (125, 125), (mine, peer)
        # podman's words (its Go error's tail aside)
        assert mine.stderr.split(": invalid argument")[0].strip() in peer.stderr, (mine, peer)
    assert hutch("volume", "exists", "bad", check=False).returncode == 1
    # rmi of the image an image volume stands on: refused as podman refuses it
    mine = hutch("rmi", base_image, check=False)
    peer = podman("rmi", base_image, check=False)
    assert (mine.returncode, peer.returncode) == (2, 2), (mine, peer)
    assert "image is in use by a container" in mine.stderr
    # nor does a prune take it (podman keeps images its storage containers use)
    hutch("image", "prune", "-a", "-f")
    assert hutch("image", "exists", base_image, check=False).returncode == 0
    hutch("volume", "rm", "iv")
    hutch("rmi", base_image)


def test_image_mount_read_only_or_writable_and_discarded(hutch: Hutch, base_image: str) -> None:
    ro = hutch(
        "run", "--rm", "--mount", f"type=image,source={base_image},destination=/img", base_image,
        "sh", "-c", "test -x /img/bin/busybox && echo seen; touch /img/x 2>/dev/null || echo ro",
    )  # fmt: skip
    assert ro.stdout.split() == ["seen", "ro"]
    mount = f"type=image,src={base_image},target=/img,rw=true"
    hutch("create", "--name", "w", "--mount", mount, base_image, "sh", "-c",
          "cat /img/mark 2>/dev/null; echo here > /img/mark; rm -f /img/etc/passwd")  # fmt: skip
    assert hutch("start", "-a", "w").stdout == ""
    # the same container keeps its changes; another one does not see them
    assert hutch("start", "-a", "w").stdout == "here\n"
    fresh = hutch("run", "--rm", "--mount", mount, base_image, "ls", "/img/mark", "/img/etc/passwd",
                  check=False)  # fmt: skip
    assert "mark" in fresh.stderr and "passwd" not in fresh.stderr, fresh
    mounts = json.loads(hutch("inspect", "w", "--format", "{{json .Mounts}}").stdout)
    assert (mounts[0]["Type"], mounts[0]["Source"], mounts[0]["Destination"]) == (
        "image", base_image, "/img",
    )  # fmt: skip
    assert mounts[0]["RW"] is True


def test_image_mount_refusals_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    cases = {
        "type=image,source=nosuch,destination=/img": "nosuch: image not known",
        "type=image,destination=/img": "must set source and destination for image volume",
        f"type=image,source={base_image},destination=/img,foo=1": "foo: invalid mount option",
        f"type=image,source={base_image},destination=/img,ro": "ro: invalid mount option",
    }
    for mount, words in cases.items():
        mine = hutch("create", "--mount", mount, base_image, check=False)
        assert mine.returncode == 125, mine
        assert words in mine.stderr, mine
    assert hutch("ps", "-aq").stdout == ""


def test_own_user_namespace_is_refused_with_the_reason(hutch: Hutch, base_image: str) -> None:
    mount = f"type=image,src={base_image},dst=/img"
    hutch("create", "--name", "u", "--userns=auto", "--mount", mount, base_image, "true")
    started = hutch("start", "u", check=False)
    assert started.returncode == 125
    assert "cannot be mounted in this container's user namespace" in started.stderr, started
    # keep-id shares the session's ids: the image's files are there, writable (under
    # its /tmp: the image's root is 0555, containers/storage's default, as podman's)
    kept = hutch(
        "run", "--rm", "--userns=keep-id", "--mount", f"{mount},rw=true", base_image,
        "sh", "-c", "touch /img/tmp/x && test -x /img/bin/busybox && echo ok",
    )  # fmt: skip
    assert kept.stdout == "ok\n"
