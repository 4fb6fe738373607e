"""A full disk (issue 21, item 3): on a store whose file system is full, listings,
logs, stop, rm, rmi and prune work (the store keeps 1 MiB in reserve for this);
a command that needs space says ``no space left on device under <store>`` with a
hint, exit 125; once space is back everything works and the reserve returns.

The small file system is a 64 MB tmpfs that contrib/setup-host.sh mounts at
/mnt/hutch-small for the test user."""

from __future__ import annotations

import errno
import os
import uuid
from pathlib import Path

import pytest
from harness import Hutch

SMALL = Path("/mnt/hutch-small")


def _fill(path: Path) -> None:
    """Write zeros until the file system says ENOSPC."""
    chunk = b"\0" * (1 << 20)
    with open(path, "wb", buffering=0) as f:
        try:
            while True:
                f.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        try:
            while True:  # the last blocks, smaller than a chunk
                f.write(b"\0" * 4096)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC


def test_full_disk_lets_space_be_freed(hutch: Hutch, rootfs_tar: Path) -> None:
    if not os.path.ismount(SMALL) or not os.access(SMALL, os.W_OK):
        pytest.skip(f"{SMALL} is not mounted for this user (contrib/setup-host.sh mounts it)")
    root = SMALL / uuid.uuid4().hex[:12]
    filler = SMALL / f"{root.name}.fill"

    def h(*args: str, check: bool = True) -> str:
        result = hutch("--root", str(root), *args, check=check)
        if not check:
            assert result.returncode == 125, result
            return result.stderr
        return result.stdout

    try:
        h("import", str(rootfs_tar), "base")
        h("run", "-d", "--name", "up", "base", "sleep", "300")
        h("run", "--name", "done", "base", "echo", "hello")
        assert (root / "storage" / "reserve").stat().st_size == 1 << 20
        _fill(filler)

        assert "done" in h("ps", "-a") and "localhost/base" in h("images")
        assert h("logs", "done") == "hello\n"
        assert "Images" in h("system", "df")
        assert h("inspect", "--format", "{{.State.Status}}", "up") == "running\n"
        assert h("system", "check") == ""
        needs_space = h("import", str(rootfs_tar), "again", check=False).splitlines()
        assert needs_space[0] == f"Error: no space left on device under {root / 'storage'}"
        assert needs_space[1].startswith("Hint: free space there")
        assert h("stop", "-t", "0", "up") == "up\n"
        assert h("rm", "done") == "done\n"
        h("rmi", "-f", "base")
        h("system", "prune", "-f")
        assert h("ps", "-aq") == "" and h("images", "-q") == ""

        filler.unlink()
        h("import", str(rootfs_tar), "base")
        assert h("run", "--rm", "base", "echo", "ok") == "ok\n"
        assert (root / "storage" / "reserve").stat().st_size == 1 << 20
        assert h("system", "check") == ""

        # A second fill: the reserve put back is given up again, and a run that
        # finds no room leaves no container behind.
        _fill(filler)
        refused = h("run", "--name", "nope", "base", "echo", "no", check=False).splitlines()
        assert refused[0] == f"Error: no space left on device under {root / 'storage'}"
        assert h("ps", "-aq") == ""
        assert h("system", "check") == ""
        assert h("rmi", "base").startswith("Untagged: localhost/base:latest")
        filler.unlink()
        assert h("images", "-q") == ""  # the first command with room puts the reserve back
        assert (root / "storage" / "reserve").stat().st_size == 1 << 20
    finally:
        filler.unlink(missing_ok=True)
        hutch("--root", str(root), "system", "reset", "-f", check=False)
        hutch("unshare", "rm", "-rf", str(root), check=False)
