"""Booting the test lane's QEMU guest for a benchmark: the part vm_*.py share.

The guest (tests/vm/guest.py) shares the host's root read-only; the job runs
as the calling user, finds the busybox rootfs at /run/out/rootfs.tar and leaves
its timings in /run/out/times, which is what comes back.
"""

from __future__ import annotations

import getpass
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "vm"))

from guest import build_initrd, find_kernel, missing_tools, run_in_guest  # noqa: E402


class GuestFailed(Exception):
    """The guest could not boot or the job left no timings; the message says why."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def guest_times(job: str, *, systemd: bool = False, timeout: float = 900) -> str:
    """Run ``job`` in one boot; the text of its /run/out/times."""
    problems = missing_tools()
    kernel = find_kernel()
    if problems or kernel is None:
        raise GuestFailed("cannot boot the guest: " + "; ".join(problems), 2)
    with tempfile.TemporaryDirectory(prefix="hutch-vm-bench-") as tmp:
        work = Path(tmp)
        work.chmod(0o755)
        rootfs = work / "rootfs.tar"
        subprocess.run(
            ["bash", str(ROOT / "contrib" / "make-rootfs.sh"), str(rootfs)],
            check=True,
            capture_output=True,
        )
        initrd = build_initrd(kernel, work / "initrd.gz")
        result = run_in_guest(
            kernel,
            initrd,
            work / "guest",
            job,
            user=getpass.getuser(),
            files={"rootfs.tar": rootfs},
            systemd=systemd,
            timeout=timeout,
        )
        times_file = result.out / "times"
        errors = result.out / "job_err"
        said = errors.read_text()[-3000:] if errors.exists() else ""
        if result.rc != 0 or not times_file.exists():
            raise GuestFailed(said + result.console[-3000:] + result.stderr, 1)
        if said.strip():
            print(said, file=sys.stderr)
        return times_file.read_text()
