"""``--mount type=image`` (issue 15), for real: rmi refuses an image a container mounts
(and -f leaves the container, as podman does, but takes the image volumes made from
it with their containers), running containers stand on one shared mount of the
image's layers that ends with the last of them, and ``subpath=`` shows one directory
of the image, refused when it is outside the image or missing."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import Hutch

IMG = "localhost/mnt:1"


def _image_with_dirs(hutch: Hutch, base_image: str) -> str:
    """An image (its own id, not base's) with /dir/inner/f, /abs -> /dir and
    /dir/up -> ../../.. (climbing out, which must stay inside the image)."""
    hutch(
        "run", "--name", "mk", base_image, "sh", "-c",
        "mkdir -p /dir/inner && echo F > /dir/inner/f && ln -s /dir /abs"
        " && ln -s ../../.. /dir/up && echo image > /etc/mark",
    )  # fmt: skip
    hutch("commit", "-q", "mk", IMG)
    hutch("rm", "mk")
    return hutch("image", "inspect", IMG, "--format", "{{.Id}}").stdout.strip()


def _share(hutch: Hutch, image_id: str) -> Path:
    return hutch.env.runtime_dir / "hutch" / "imageshare" / image_id


def _holder_pid(hutch: Hutch, image_id: str) -> int | None:
    try:
        pid, start, _fd = (_share(hutch, image_id) / "holder").read_text().split()
    except FileNotFoundError:
        return None
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return None
    return int(pid) if stat.rsplit(")", 1)[1].split()[19] == start else None


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def _mountinfo(hutch: Hutch, name: str, point: str) -> list[str]:
    """The mountinfo lines of the mounts at ``point`` in the container, bottom first."""
    lines = hutch("exec", name, "cat", "/proc/self/mountinfo").stdout.splitlines()
    return [line for line in lines if line.split()[4] == point]


def _until(check: object, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


def test_rmi_refuses_an_image_a_container_mounts(hutch: Hutch, base_image: str) -> None:
    _image_with_dirs(hutch, base_image)
    mount = f"type=image,source={IMG},destination=/img"
    cid = hutch("create", "--name", "m", "--mount", mount, base_image, "ls", "/img/dir").stdout
    refused = hutch("rmi", IMG, check=False)
    assert refused.returncode == 2, refused
    # the words of an image a container stands on
    assert (
        f"image used by {cid.strip()}: image is in use by a container: "
        "consider removing the container first or use --force"
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


def test_running_containers_share_one_mount_of_the_image(hutch: Hutch, base_image: str) -> None:
    image_id = _image_with_dirs(hutch, base_image)
    mount = f"type=image,src={IMG},dst=/img"
    names = [f"s{i}" for i in range(4)]

    def run(name: str) -> None:
        hutch("run", "-d", "--name", name, "--mount", mount, base_image, "sleep", "300")

    with ThreadPoolExecutor(4) as pool:  # four starts at once: one holder
        list(pool.map(run, names))
    holder = _holder_pid(hutch, image_id)
    assert holder is not None
    users = sorted(p.name for p in (_share(hutch, image_id) / "users").iterdir())
    ids = sorted(hutch("inspect", "--format", "{{.Id}}", *names).stdout.split())
    assert users == ids
    # Each container's overlay stands on the holder's mount (its lower dir is the
    # descriptor the init opened of it), none on the layer dirs themselves.
    for name in names:
        (line,) = _mountinfo(hutch, name, "/img")
        assert "lowerdir=/proc/self/fd/" in line and "/diff" not in line, line
    # rw=true stands on it too, with changes of its own
    rw = hutch(
        "run", "--rm", "--mount", f"{mount},rw=true", base_image, "sh", "-c",
        "echo w > /img/etc/mark && cat /img/etc/mark && grep ' /img ' /proc/self/mountinfo",
    )  # fmt: skip
    assert rw.stdout.startswith("w\n") and "lowerdir=/proc/self/fd/" in rw.stdout, rw
    assert "upperdir=" in rw.stdout
    assert hutch("exec", "s0", "cat", "/img/etc/mark").stdout == "image\n"
    # the holder stays while any user runs, and ends with the last
    hutch("stop", "-t", "0", "s0", "s1")
    assert _holder_pid(hutch, image_id) == holder
    hutch("exec", "s2", "cat", "/img/dir/inner/f")
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(lambda n: hutch("stop", "-t", "0", n), ["s2", "s3"]))
    assert _until(lambda: _holder_pid(hutch, image_id) is None), "the holder outlived its users"
    assert _until(lambda: not _alive(holder)), "the holder did not end"
    # and a new start makes a new one
    hutch("start", "s0")
    assert hutch("exec", "s0", "cat", "/img/dir/inner/f").stdout == "F\n"
    assert _holder_pid(hutch, image_id) not in (None, holder)
    hutch("rm", "-f", "-t", "0", *names)
    assert _until(lambda: _holder_pid(hutch, image_id) is None)


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


def test_a_start_racing_the_last_stop_finds_a_holder(hutch: Hutch, base_image: str) -> None:
    image_id = _image_with_dirs(hutch, base_image)
    mount = f"type=image,src={IMG},dst=/img"
    for name in ("a", "b"):
        hutch("create", "--name", name, "--mount", mount, base_image, "sleep", "300")
    hutch("start", "a")
    running, stopped = "a", "b"
    for _ in range(5):  # the last user stops while the next one starts
        with ThreadPoolExecutor(2) as pool:
            stop = pool.submit(hutch, "stop", "-t", "0", running)
            start = pool.submit(hutch, "start", stopped)
            stop.result()
            start.result()
        running, stopped = stopped, running
        assert hutch("exec", running, "cat", "/img/dir/inner/f").stdout == "F\n"
        assert _holder_pid(hutch, image_id) is not None
        users = [p.name for p in (_share(hutch, image_id) / "users").iterdir()]
        assert hutch("inspect", "--format", "{{.Id}}", running).stdout.strip() in users
    # a restart policy's runs keep the share (the monitor is the user between them)
    hutch("stop", "-t", "0", running)
    assert _until(lambda: _holder_pid(hutch, image_id) is None)
    hutch("run", "-d", "--name", "r", "--restart", "always", "--mount", mount, base_image,
          "sh", "-c", "cat /img/dir/inner/f; sleep 0.3")  # fmt: skip
    assert _until(lambda: hutch("logs", "r").stdout.count("F") >= 3, timeout=30)
    assert _holder_pid(hutch, image_id) is not None
    hutch("rm", "-f", "-t", "0", "r", "a", "b")
    assert _until(lambda: _holder_pid(hutch, image_id) is None)


def test_without_a_shared_mount_each_container_mounts_the_layers(
    hutch: Hutch, base_image: str
) -> None:
    """As on a kernel before 6.15, whose holder's probe fails: the note of it makes
    the starts go without a holder, and the containers' overlays take the layers."""
    import os

    image_id = _image_with_dirs(hutch, base_image)
    note = hutch.env.runtime_dir / "hutch" / "imageshare" / "unsupported"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(f"{os.uname().release}\nunsupported: (the test's)\n")
    mount = f"type=image,src={IMG},dst=/img,subpath=abs"
    hutch("run", "-d", "--name", "p", "--mount", mount, base_image, "sleep", "300")
    assert _holder_pid(hutch, image_id) is None
    # the overlay, and over it the bind of the subpath (/abs resolved in the image)
    overlay, narrowed = _mountinfo(hutch, "p", "/img")
    assert "/diff" in overlay and "/proc/self/fd/" not in overlay, overlay
    assert narrowed.split()[3] == "/dir", narrowed
    assert hutch("exec", "p", "cat", "/img/inner/f").stdout == "F\n"
    hutch("rm", "-f", "-t", "0", "p")
