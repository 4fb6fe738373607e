"""Differential: a new volume is filled from the image at the container's first start
(or ``init``), not at create, with podman's rules for NeedsCopyUp and NeedsChown
(nocopy, nothing at the mount point, anonymous volumes), through hutch and Debian's
podman 4.3.1 on the same rootfs (issue 15)."""

from __future__ import annotations

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

FLAGS = "{{.NeedsCopyUp}} {{.NeedsChown}}"


def _create(hutch: Hutch, podman: Run, *args: str) -> None:
    """``create`` through both (each prints its own id)."""
    hutch("create", *args)
    assert podman("create", *args).returncode == 0


def _flags(hutch: Hutch, podman: Run, volume: str) -> str:
    return both(hutch, podman, "volume", "inspect", "--format", FLAGS, volume)[1]


def test_copy_up_waits_for_the_first_start(hutch: Hutch, base_image: str, podman: Run) -> None:
    _create(hutch, podman, "--name", "cu", "-v", "cuv:/etc", base_image, "true")
    assert _flags(hutch, podman, "cuv") == "true true\n"
    # nothing copied yet: the volume is empty until the container starts
    assert both(hutch, podman, "run", "--rm", "-v", "cuv:/m", base_image, "ls", "/m")[1] == ""
    assert _flags(hutch, podman, "cuv") == "true false\n"  # that run took the chown
    both(hutch, podman, "start", "cu")
    assert _flags(hutch, podman, "cuv") == "false false\n"
    argv = ("run", "--rm", "-v", "cuv:/m", base_image, "ls", "/m")
    ours, theirs = hutch(*argv).stdout.split(), podman(*argv).stdout.split()
    # the image's /etc, and the files mounted over it made in the volume (hostname,
    # hosts, resolv.conf); podman's copy has the /etc/mtab link it adds, hutch none yet
    assert ours == [name for name in theirs if name != "mtab"]
    assert {"passwd", "hostname", "resolv.conf"} <= set(ours)
    both(hutch, podman, "rm", "cu")


def test_init_fills_the_volume_as_a_start_does(hutch: Hutch, base_image: str, podman: Run) -> None:
    _create(hutch, podman, "--name", "ci", "-v", "civ:/etc", base_image, "true")
    both(hutch, podman, "container", "init", "ci")
    assert _flags(hutch, podman, "civ") == "false false\n"
    both(hutch, podman, "rm", "ci")


def test_nocopy_and_nothing_there_keep_needs_copy_up(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    _create(hutch, podman, "--name", "nc", "-v", "ncv:/etc:U,nocopy", base_image, "true")
    # podman keeps U and nocopy in the mount's options (no mount options though)
    mounts = "{{range .Mounts}}{{.Options}}{{end}}"
    assert both(hutch, podman, "inspect", "--format", mounts, "nc")[1] == (
        "[U nocopy nosuid nodev rbind]\n"
    )
    both(hutch, podman, "start", "nc")
    assert _flags(hutch, podman, "ncv") == "true false\n"
    both(hutch, podman, "rm", "nc")
    # the image has no /nothing: NeedsCopyUp stays for a later container that has one
    both(hutch, podman, "run", "--rm", "-v", "ntv:/nothing", base_image, "true")
    assert _flags(hutch, podman, "ntv") == "true false\n"
    both(hutch, podman, "run", "--rm", "-v", "ntv:/etc", base_image, "true")
    assert _flags(hutch, podman, "ntv") == "false false\n"


def test_an_anonymous_volume_waits_too(hutch: Hutch, base_image: str, podman: Run) -> None:
    _create(hutch, podman, "--name", "an", "-v", "/etc", base_image, "true")
    name = "{{range .Mounts}}{{.Name}}{{end}}"
    fmt = FLAGS + " {{.Anonymous}}"
    ours = hutch("inspect", "--format", name, "an").stdout.strip()
    theirs = podman("inspect", "--format", name, "an").stdout.strip()
    before = (hutch("volume", "inspect", "--format", fmt, ours).stdout,)
    assert before == (podman("volume", "inspect", "--format", fmt, theirs).stdout,)
    assert before == ("true true true\n",)
    both(hutch, podman, "start", "an")
    after = hutch("volume", "inspect", "--format", fmt, ours).stdout
    assert after == podman("volume", "inspect", "--format", fmt, theirs).stdout
    assert after == "false false true\n"
    both(hutch, podman, "rm", "-v", "an")


def test_a_volume_at_etc_shows_the_containers_etc_files(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    # hostname, hosts and resolv.conf are mounted over the user's volumes, as podman's
    # (grep: podman 4.3.1's /etc/hostname has no final newline; current podman's has)
    script = "grep -q ecv /etc/hostname && grep -q ecv /etc/hosts && echo listed"
    argv = ("run", "--rm", "--hostname", "ecv", "-v", "ecv:/etc", base_image, "sh", "-c", script)
    assert both(hutch, podman, *argv)[1] == "listed\n"
