"""Helpers of the life-cycle tests: hutch on a pseudo-terminal; containers removed after.

``hutch system reset`` does not stop running containers (yet), so each test
module uses ``remove_containers`` (autouse) to leave no process behind.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from harness import Hutch, run_in_pty

__all__ = ["remove_containers", "run_in_pty"]


@pytest.fixture(autouse=True)
def remove_containers(hutch: Hutch) -> Iterator[None]:
    yield
    hutch("rm", "-f", "-a", "-t", "0", check=False)
