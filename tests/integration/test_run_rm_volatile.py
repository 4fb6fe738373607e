"""``run --rm``'s root file system is a volatile overlay: its unmount at the
container's exit skips the syncfs of the disk under the store (issue 16)."""

from __future__ import annotations

from harness import Hutch


def _root_options(mountinfo: str) -> str:
    for line in mountinfo.splitlines():
        fields = line.split()
        if fields[4] == "/":
            return fields[-1]
    raise AssertionError(f"no / in {mountinfo!r}")


def test_an_rm_container_root_is_volatile(hutch: Hutch, base_image: str) -> None:
    result = hutch("run", "--rm", base_image, "cat", "/proc/self/mountinfo")
    options = _root_options(result.stdout)
    if "upperdir=" not in options:
        return  # the vfs or fuse-overlayfs store: no kernel overlay to make volatile
    assert "volatile" in options  # fsync=volatile on 6.x kernels
    assert hutch("ps", "-aq").stdout.strip() == ""


def test_a_kept_container_root_is_not_volatile(hutch: Hutch, base_image: str) -> None:
    result = hutch("run", "--name", "kept", base_image, "cat", "/proc/self/mountinfo")
    options = _root_options(result.stdout)
    assert "volatile" not in options
    # and it starts again on the same upper and work dirs
    again = _root_options(hutch("start", "-a", "kept").stdout)
    assert "upperdir=" in again and "volatile" not in again
