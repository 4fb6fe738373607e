"""Fixtures of the guest lane: a kernel, an initrd, and a way to run jobs in it.

Every test here gets the ``vm`` marker. Booting takes seconds to a minute
under TCG, and the first commands of a boot read Python and hutch over 9p,
so the lane boots twice in all: each module names its boot (``GUEST_BOOT``:
``plain``, or ``systemd`` for a user manager) and gives either the boot's
main job (``GUEST_JOB``) or phases that run after it (``GUEST_PHASES``:
NAME -> (root script, user job)); ``guest_boot(NAME)`` boots once with the
parts of every collected module of that boot.
"""

from __future__ import annotations

import os
import pwd
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from guest import (
    GuestResult,
    Kernel,
    build_code_cache,
    build_initrd,
    find_kernel,
    missing_tools,
    run_in_guest,
)

_HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(_HERE):
            item.add_marker(pytest.mark.vm)


@pytest.fixture(scope="session")
def guest_kernel() -> Kernel:
    problems = missing_tools()
    if problems:
        pytest.skip("cannot boot the cgroup v2 guest: " + "; ".join(problems))
    kernel = find_kernel()
    assert kernel is not None
    return kernel


@pytest.fixture(scope="session")
def guest_initrd(guest_kernel: Kernel, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_initrd(guest_kernel, tmp_path_factory.mktemp("initrd") / "initrd.gz")


@pytest.fixture(scope="session")
def guest_user() -> str:
    """The user the job runs as in the guest: this user when unprivileged, else hutch-test."""
    if os.geteuid() != 0:
        return pwd.getpwuid(os.getuid()).pw_name
    return "hutch-test"


@pytest.fixture(scope="session")
def rootfs_tar(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The busybox rootfs tarball (contrib/make-rootfs.sh), built once."""
    import subprocess

    out = tmp_path_factory.mktemp("rootfs") / "busybox.tar"
    script = _HERE.parents[1] / "contrib" / "make-rootfs.sh"
    subprocess.run(["bash", str(script), str(out)], check=True, capture_output=True)
    return out


@pytest.fixture(scope="session")
def notify_sender(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tests/integration/sd_notify_send.c built static: busybox has no unix datagram
    client, and a container's sd_notify(3) needs one (built here: gcc under TCG is slow)."""
    import subprocess

    source = _HERE.parent / "integration" / "sd_notify_send.c"
    out = tmp_path_factory.mktemp("sdnotify") / "sd_notify_send"
    subprocess.run(["gcc", "-static", "-O2", "-o", str(out), str(source)], check=True)
    return out


@pytest.fixture(scope="session")
def code_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """hutch's dataclass code cache with every class, for the guest's home (guest.py)."""
    return build_code_cache(tmp_path_factory.mktemp("code-cache"))


@pytest.fixture(scope="session")
def boot_job(
    guest_kernel: Kernel,
    guest_initrd: Path,
    guest_user: str,
    rootfs_tar: Path,
    notify_sender: Path,
    code_cache: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> Callable[..., GuestResult]:
    """Boot the guest for one module's job (the busybox rootfs is /run/out/rootfs.tar,
    the static sd_notify sender /run/out/sd_notify_send; the home's hutch cache starts
    with ``code_cache``).

    A job of a few dozen hutch commands takes minutes under TCG on an idle
    machine and far more under load (TCG shares the host's cores), hence the
    long timeout. The job must succeed; its checks are files in /run/out.
    """

    def boot(name: str, job: str, timeout: float = 1800, **kwargs: Any) -> GuestResult:
        result = run_in_guest(
            guest_kernel,
            guest_initrd,
            tmp_path_factory.mktemp(name),
            job,
            user=guest_user,
            files={"rootfs.tar": rootfs_tar, "sd_notify_send": notify_sender, "cache": code_cache},
            timeout=timeout,
            **kwargs,
        )
        assert result.rc == 0, result.console[-3000:] + result.stderr
        return result

    return boot


def _parts(request: pytest.FixtureRequest, name: str) -> list[ModuleType]:
    modules = {item.module for item in request.session.items if item.module is not None}
    mine = [m for m in modules if getattr(m, "GUEST_BOOT", None) == name]
    return sorted(mine, key=lambda m: m.__name__)


@pytest.fixture(scope="session")
def guest_boot(
    request: pytest.FixtureRequest, boot_job: Callable[..., GuestResult]
) -> Callable[[str], GuestResult]:
    """The result of boot NAME, booted on first use with every collected module's part."""
    booted: dict[str, GuestResult] = {}
    # A boot that failed (its timeout, a job's error) fails every module of that
    # boot: booting again for the next module would cost another 50 minutes.
    failed: dict[str, BaseException] = {}

    def get(name: str) -> GuestResult:
        if name in failed:
            raise failed[name]
        if name not in booted:
            modules = _parts(request, name)
            jobs = [m.GUEST_JOB for m in modules if getattr(m, "GUEST_JOB", None)]
            assert len(jobs) <= 1, f"boot {name}: more than one main job"
            phases: dict[str, tuple[str, str]] = {}
            for module in modules:
                phases.update(getattr(module, "GUEST_PHASES", {}))
            try:
                booted[name] = boot_job(
                    name,
                    jobs[0] if jobs else "true\n",
                    phases=phases,
                    systemd=name == "systemd",
                    timeout=3000,
                )
            except Exception as exc:
                failed[name] = exc
                raise
        return booted[name]

    return get
