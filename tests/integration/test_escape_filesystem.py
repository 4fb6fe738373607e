"""Escape attempts through the file system: chroot, hard links to the image, setuid."""

from __future__ import annotations

import hashlib
from pathlib import Path

from escape_fixtures import fixture_escape_image, fixture_escape_tar, run  # noqa: F401
from harness import Hutch

DEFAULT_CAPS = 0x800405FB  # podman's default set, as CapBnd shows it


def test_chroot_dance_stays_inside(hutch: Hutch, escape_image: str) -> None:
    """Threat: chroot into a subdirectory, climb with "..", chroot(".") to reach the host root.

    pivot_root left no host root above the container's: the climb ends at the
    image's own root (with its marker file, without the host's /work).
    """
    result = run(hutch, escape_image, "esc", "chroot-escape", check=True)
    entries = set(result.stdout.split())
    assert "ESCAPE_MARKER" in entries and "bin" in entries
    assert "work" not in entries


def _layer_files(hutch: Hutch, name: str) -> list[Path]:
    layers = hutch.env.data_home / "hutch" / "storage" / "layers"
    return sorted(layers.glob(f"*/diff/etc/{name}"))


def test_write_through_hardlink_leaves_the_image_unchanged(hutch: Hutch, escape_image: str) -> None:
    """Threat: a hard link to a lower-layer file, then a write through it, modifies the image.

    overlay copies the file up before linking; the layer's bytes stay the same
    and a new container sees the original.
    """
    layers = _layer_files(hutch, "passwd")
    assert layers, "the image layer's /etc/passwd was not found"
    before = {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in layers}
    script = "ln /etc/passwd /tmp/pw && echo EVIL >> /tmp/pw && grep -c EVIL /etc/passwd"
    assert run(hutch, escape_image, "sh", "-c", script, check=True).stdout.strip() == "1"
    assert {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in layers} == before
    fresh = run(hutch, escape_image, "grep", "-c", "EVIL", "/etc/passwd")
    assert fresh.stdout.strip() == "0"


def _status(text: str, key: str) -> int:
    for line in text.splitlines():
        if line.startswith(key):
            return int(line.split()[1], 16)
    raise AssertionError(f"{key} missing in {text!r}")


def test_setuid_binary_gains_no_more_than_the_bounding_set(hutch: Hutch, escape_image: str) -> None:
    """Threat: a setuid-root helper in the image lifts a non-root user above the container's limits.

    As uid 1000 the setuid-root helper becomes euid 0 but its capabilities
    stay inside the bounding set (podman's default); with no-new-privileges
    it gains nothing at all.
    """
    plain = run(hutch, "-u", "1000", escape_image, "esc", "id", check=True).stdout
    assert "euid=0" in plain
    assert _status(plain, "CapBnd:") == DEFAULT_CAPS
    assert _status(plain, "CapEff:") & ~DEFAULT_CAPS == 0
    nnp = run(
        hutch, "-u", "1000", "--security-opt", "no-new-privileges", escape_image, "esc", "id"
    ).stdout
    assert "euid=1000" in nnp
    assert _status(nnp, "CapEff:") == 0 and _status(nnp, "CapPrm:") == 0
