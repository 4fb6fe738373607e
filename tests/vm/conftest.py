"""Fixtures of the guest lane: a kernel, an initrd, and a way to run jobs in it.

Every test here gets the ``vm`` marker. Booting takes seconds to a minute
under TCG, so tests group their checks into few guest runs.
"""

from __future__ import annotations

import os
import pwd
from pathlib import Path

import pytest
from guest import Kernel, build_initrd, find_kernel, missing_tools

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
