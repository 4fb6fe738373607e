"""Running a job inside hutch's cgroup v2 test guest (QEMU, TCG).

The guest boots a Debian kernel with ``cgroup_no_v1=all`` from a tiny
initrd (contrib/vm/build-initrd.sh), shares the host's root read-only over
virtio-9p, and runs contrib/vm/guest-init.sh as PID 1. That script delegates
every cgroup v2 controller to the test user's subtree and runs ``job.sh``
from a writable "out" share as that user. Files the job needs go into the
out share too (the guest's /tmp is its own tmpfs); it appears in the guest
as /run/out.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
from dataclasses import dataclass, replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GUEST_INIT = REPO / "contrib" / "vm" / "guest-init.sh"
BUILD_INITRD = REPO / "contrib" / "vm" / "build-initrd.sh"


@dataclass(frozen=True)
class Kernel:
    version: str
    image: Path


@dataclass(frozen=True)
class GuestResult:
    rc: int
    stdout: str
    stderr: str
    console: str
    out: Path


def find_kernel() -> Kernel | None:
    """The newest Debian kernel image with its modules installed."""
    for image in sorted(glob.glob("/boot/vmlinuz-*"), reverse=True):
        version = image.removeprefix("/boot/vmlinuz-")
        modules = Path("/lib/modules") / version / "kernel" / "fs" / "9p"
        if modules.exists() and os.access(image, os.R_OK):
            return Kernel(version, Path(image))
    return None


def missing_tools() -> list[str]:
    problems = [
        f"{t} is not installed" for t in ("qemu-system-x86_64", "cpio") if shutil.which(t) is None
    ]
    if find_kernel() is None:
        problems.append(
            "no readable /boot/vmlinuz-* with 9p modules "
            "(install linux-image-amd64; make the image readable)"
        )
    return problems


# Imports every hutch module (not the __main__ ones, which run the CLI), so that each
# dataclass is defined once and its generated code goes into the cache.
_DEFINE_ALL = """
import importlib, pkgutil
import hutch
for module in pkgutil.walk_packages(hutch.__path__, "hutch."):
    if not module.name.endswith("__main__"):
        importlib.import_module(module.name)
"""


def build_code_cache(cache_home: Path) -> Path:
    """The CLI's dataclass code cache (util/codecache.py) with every class of hutch,
    made on the host: the guest's home starts with it (contrib/vm/guest-init.sh).

    Under TCG each command compiled the classes no earlier command of the boot had
    (a thousandth of a second each on the host, some thirty times that emulated),
    and the boots' jobs run a few dozen kinds of command. The cache is keyed by the
    generated text, so a class compiled on the host is the one the guest would make.
    """
    import sys

    environ = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    environ.pop("HUTCH_NO_CODE_CACHE", None)
    environ.pop("HUTCH_CODE_CACHE_PROFILE", None)
    subprocess.run([sys.executable, "-c", _DEFINE_ALL], check=True, env=environ)
    made = cache_home / "hutch"
    assert any(made.glob("dataclass-code-*.bin")), f"no code cache in {made}"
    return made


def build_initrd(kernel: Kernel, out: Path) -> Path:
    subprocess.run(["bash", str(BUILD_INITRD), kernel.version, str(out)], check=True)
    return out


def run_in_guest(
    kernel: Kernel,
    initrd: Path,
    workdir: Path,
    job: str,
    *,
    user: str,
    files: dict[str, Path] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 900,
    memory_mb: int = 2048,
    systemd: bool = False,
    phases: dict[str, tuple[str, str]] | None = None,
) -> GuestResult:
    """Boot the guest, run ``job`` (a shell script) as ``user``, return what it left.

    ``systemd``: a systemd user manager runs for ``user`` (with a session
    bus), and the job starts inside its cgroup with XDG_RUNTIME_DIR and
    DBUS_SESSION_BUS_ADDRESS set, as in a desktop session.
    ``phases``: NAME -> (root script, user job), run in name order after
    ``job`` in the same boot, for host settings only root can change; each
    leaves stdout, stderr, rc and root.log in ``out/phases/NAME``.
    """
    out = workdir / "out"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    out.chmod(0o777)
    (out / "job.sh").write_text(job)
    (out / "user").write_text(user)
    (out / "env").write_text(" ".join(f"{k}={v}" for k, v in (env or {}).items()))
    if systemd:
        (out / "systemd").write_text("")
    for name, (root_script, user_job) in (phases or {}).items():
        phase = out / "phases" / name
        phase.mkdir(parents=True)
        phase.chmod(0o777)
        (phase / "root.sh").write_text(root_script)
        (phase / "job.sh").write_text(user_job)
    if phases:
        (out / "phases").chmod(0o777)
    for name, source in (files or {}).items():
        if source.is_dir():  # its files, readable by the guest's root that copies them
            shutil.copytree(source, out / name)
            for copied in (out / name).rglob("*"):
                copied.chmod(0o755 if copied.is_dir() else 0o644)
            continue
        shutil.copy2(source, out / name)
        (out / name).chmod(0o644)
    argv = [
        "qemu-system-x86_64",
        "-machine",
        "accel=tcg",
        "-cpu",
        # the emulated baseline CPU: measured 10-15% faster per hutch command
        # than "max" under TCG, and Debian's amd64 binaries need no more
        "qemu64",
        "-m",
        str(memory_mb),
        "-smp",
        "2",
        "-nographic",
        "-no-reboot",
        "-kernel",
        str(kernel.image),
        "-initrd",
        str(initrd),
        "-append",
        # mitigations=off: the kernel's Spectre mitigations (retpolines, barriers) are
        # costly to emulate; off, a job's hutch commands took 0.55 of the time (a job of
        # ten commands: 54 s -> 34 s, idle host). This guest runs only the test's jobs.
        f"console=ttyS0 quiet panic=-1 cgroup_no_v1=all mitigations=off hutch.init={GUEST_INIT}",
        "-virtfs",
        "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap",
        "-virtfs",
        f"local,path={out},mount_tag=out,security_model=none",
    ]
    proc = subprocess.run(
        argv,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
    )
    rc_file = out / "rc"
    rc = int(rc_file.read_text()) if rc_file.exists() else -1
    return GuestResult(
        rc=rc,
        stdout=(out / "stdout").read_text(errors="replace") if (out / "stdout").exists() else "",
        stderr=(out / "stderr").read_text(errors="replace") if (out / "stderr").exists() else "",
        console=proc.stdout + proc.stderr,
        out=out,
    )


def out(result: GuestResult, name: str) -> str:
    """What the job wrote to /run/out/NAME (stripped); a clear failure when missing."""
    path = result.out / name
    assert path.exists(), f"{name} missing; stderr: {result.stderr[-2000:]}"
    return path.read_text().strip()


def phase_result(result: GuestResult, name: str) -> GuestResult:
    """A phase of a boot seen as a boot of its own (its files, status and output)."""
    phase = result.out / "phases" / name
    rc_file = phase / "rc"

    def text(file: str) -> str:
        path = phase / file
        return path.read_text(errors="replace") if path.exists() else ""

    return replace(
        result,
        rc=int(rc_file.read_text()) if rc_file.exists() else -1,
        stdout=text("stdout"),
        stderr=text("stderr"),
        out=phase,
    )
