"""``--mount type=image`` (issue 15), for real: rmi refuses an image a container mounts
(and -f leaves the container, as podman does, but takes the image volumes made from
it with their containers), each container mounts the image's layers itself (its own
overlay, none shared: docs/architecture.md), and ``subpath=`` shows one directory of
the image, refused when it is outside the image or missing."""

from __future__ import annotations

import sqlite3

from harness import Hutch

IMG = "localhost/mnt:1"


def _image_with_dirs(hutch: Hutch, base_image: str) -> None:
    """An image (its own id, not base's) with /dir/inner/f, /abs -> /dir and
    /dir/up -> ../../.. (climbing out, which must stay inside the image)."""
    hutch(
        "run", "--name", "mk", base_image, "sh", "-c",
        "mkdir -p /dir/inner && echo F > /dir/inner/f && ln -s /dir /abs"
        " && ln -s ../../.. /dir/up && echo image > /etc/mark",
    )  # fmt: skip
    hutch("commit", "-q", "mk", IMG)
    hutch("rm", "mk")


def _mountinfo(hutch: Hutch, name: str, point: str) -> list[str]:
    """The mountinfo lines of the mounts at ``point`` in the container, bottom first."""
    lines = hutch("exec", name, "cat", "/proc/self/mountinfo").stdout.splitlines()
    return [line for line in lines if line.split()[4] == point]


def test_rmi_refuses_an_image_a_container_mounts(hutch: Hutch, base_image: str) -> None:
    _image_with_dirs(hutch, base_image)
    mount = f"type=image,source={IMG},destination=/img"
    cid = hutch("create", "--name", "m", "--mount", mount, base_image, "ls", "/img/dir").stdout
    refused = hutch("rmi", IMG, check=False)
    assert refused.returncode == 2, refused
    # the words of an image a container stands on
    assert (
        f"image used by {cid.strip()}: image is in use by a container: "
        "consider listing external containers and force-removing image"
    ) in refused.stderr
    hutch("image", "prune", "-a", "-f")  # nor does prune take it
    assert hutch("image", "exists", IMG, check=False).returncode == 0
    assert hutch("start", "-a", "m").stdout.split() == ["inner", "up"]
    # -f: the image goes, the container that mounts it stays (podman's -f removes only
    # the containers whose root the image is), and its next start fails in podman's words
    hutch("rmi", "-f", IMG)
    assert hutch("image", "exists", IMG, check=False).returncode == 1
    assert hutch("container", "exists", "m", check=False).returncode == 0
    again = hutch("start", "m", check=False)
    assert again.returncode == 125, again
    assert f'creating image volume "{IMG}":"/img": {IMG}: image not known' in again.stderr
    # the container's removal is the user's
    hutch("rm", "m")


def test_rmi_refuses_the_image_of_a_container_made_before_the_links(
    hutch: Hutch, base_image: str
) -> None:
    """A store of schema 13 (before rmi's links of ``--mount type=image``): its
    containers that mount an image are linked from their spec when it is migrated,
    so rmi and prune refuse the image as they do for a container made today."""
    _image_with_dirs(hutch, base_image)
    mount = f"type=image,source={IMG},destination=/img"
    cid = hutch("create", "--name", "old", "--mount", mount, base_image, "ls", "/img").stdout
    hutch("create", "--name", "plain", base_image, "true")  # no image mount: not listed
    database = hutch.env.data_home / "hutch" / "storage" / "hutch.db"
    with sqlite3.connect(database) as conn:  # the store as hutch left it at version 13
        conn.executescript(
            """
            DROP TABLE container_images;
            DROP TABLE compressed_blob_locations;
            DROP TABLE compressed_blobs;
            DROP TABLE unlinked_image_mounts;
            PRAGMA user_version = 13;
            """
        )
    refused = hutch("rmi", IMG, check=False)
    assert refused.returncode == 2, refused
    assert refused.stderr == (
        f"Error: image used by {cid.strip()}: image is in use by a container: "
        "consider listing external containers and force-removing image\n"
    )
    hutch("image", "prune", "-a", "-f")
    assert hutch("image", "exists", IMG, check=False).returncode == 0
    with sqlite3.connect(database) as conn:
        assert conn.execute("SELECT count(*) FROM unlinked_image_mounts").fetchone() == (0,)
    hutch("rm", "old", "plain")
    hutch("rmi", IMG)


def test_rmi_force_takes_the_image_volumes_with_their_containers(
    hutch: Hutch, base_image: str
) -> None:
    _image_with_dirs(hutch, base_image)
    hutch("volume", "create", "--driver", "image", "-o", f"image={IMG}", "iv")
    hutch("create", "--name", "v", "-v", "iv:/data", base_image, "true")
    hutch("create", "--name", "other", base_image, "true")
    assert hutch("rmi", IMG, check=False).returncode == 2
    hutch("rmi", "-f", IMG)
    # current podman: the volume goes with force, and the containers that use it
    assert hutch("volume", "exists", "iv", check=False).returncode == 1
    assert hutch("container", "exists", "v", check=False).returncode == 1
    assert hutch("container", "exists", "other", check=False).returncode == 0


def test_subpath_mounts_one_directory_of_the_image(hutch: Hutch, base_image: str) -> None:
    _image_with_dirs(hutch, base_image)

    def ls(subpath: str, *extra: str) -> str:
        mount = f"type=image,src={IMG},dst=/img,subpath={subpath}"
        return hutch("run", "--rm", "--mount", mount, base_image, *extra).stdout

    assert ls("dir/inner", "ls", "/img") == "f\n"
    assert ls("/dir/inner/", "cat", "/img/f") == "F\n"
    # symbolic links resolve inside the image: /abs -> /dir, dir/up -> ../../..
    assert ls("abs/inner", "ls", "/img") == "f\n"
    assert ls("dir/up/etc", "cat", "/img/mark") == "image\n"
    # read-only, unless rw=true (whose changes stay in that container)
    assert ls("dir", "sh", "-c", "touch /img/x 2>/dev/null || echo ro") == "ro\n"
    mount = f"type=image,src={IMG},dst=/img,subpath=dir/inner,rw=true"
    hutch("create", "--name", "w", "--mount", mount, base_image, "sh", "-c",
          "ls /img; echo more > /img/g")  # fmt: skip
    assert hutch("start", "-a", "w").stdout == "f\n"
    assert hutch("start", "-a", "w").stdout.split() == ["f", "g"]
    hutch("rm", "w")
    # outside the image: refused at create; missing or not a directory: at start
    for subpath in ("../etc", "dir/../../etc"):
        bad = f"type=image,src={IMG},dst=/img,subpath={subpath}"
        refused = hutch("create", "--mount", bad, base_image, check=False)
        assert refused.returncode == 125, refused
        assert f"subpath '{subpath}' is outside of the image" in refused.stderr
    for subpath, words in (("nosuch", "does not exist"), ("etc/mark", "is not a directory")):
        bad = f"type=image,src={IMG},dst=/img,subpath={subpath}"
        failed = hutch("run", "--rm", "--mount", bad, base_image, "true", check=False)
        assert failed.returncode == 125, failed
        assert f"subpath '{subpath}' {words} in the image" in failed.stderr, failed


def test_each_container_mounts_the_layers_itself(hutch: Hutch, base_image: str) -> None:
    """Two running containers on one image: each has its own overlay of the layer
    dirs (no holder, nothing kept beside them), the subpath bound over it, and an
    rw one's changes are its own."""
    _image_with_dirs(hutch, base_image)
    mount = f"type=image,src={IMG},dst=/img"
    hutch("run", "-d", "--name", "p", "--mount", f"{mount},subpath=abs", base_image,
          "sleep", "300")  # fmt: skip
    hutch("run", "-d", "--name", "q", "--mount", f"{mount},rw=true", base_image,
          "sleep", "300")  # fmt: skip
    # the overlay, and over it the bind of the subpath (/abs resolved in the image)
    overlay, narrowed = _mountinfo(hutch, "p", "/img")
    assert "/diff" in overlay and "/proc/self/fd/" not in overlay, overlay
    assert "imageid" not in overlay and "subpath" not in overlay, overlay
    assert narrowed.split()[3] == "/dir", narrowed
    assert hutch("exec", "p", "cat", "/img/inner/f").stdout == "F\n"
    (own,) = _mountinfo(hutch, "q", "/img")
    assert "/diff" in own and "upperdir=" in own, own
    hutch("exec", "q", "sh", "-c", "echo w > /img/dir/inner/f")
    assert hutch("exec", "q", "cat", "/img/dir/inner/f").stdout == "w\n"
    assert hutch("exec", "p", "cat", "/img/inner/f").stdout == "F\n"
    assert not (hutch.env.runtime_dir / "hutch" / "imageshare").exists()
    hutch("rm", "-f", "-t", "0", "p", "q")
