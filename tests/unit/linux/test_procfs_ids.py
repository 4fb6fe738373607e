"""The ids of this process outside its user namespace (procfs.host_uid and
host_gid), and whether it is real root: a rootless command that has joined its
session namespace is uid 0 there, and ``info`` showed uid 0's maps and
auto-update used the system's bus before."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

CHILD = """
import os
from hutch.linux import procfs
print(os.getuid(), procfs.host_uid(), procfs.host_gid(), procfs.real_root())
"""


def _child(prefix: list[str]) -> list[str]:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[3] / "src"))
    done = subprocess.run(
        [*prefix, sys.executable, "-c", CHILD], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_in_a_user_namespace_the_ids_outside_are_the_callers() -> None:
    uid, host_uid, host_gid, real_root = _child(["unshare", "--user", "--map-root-user"])
    assert uid == "0"
    assert (host_uid, host_gid) == (str(os.getuid()), str(os.getgid()))
    assert real_root == "False"


def test_outside_any_namespace_the_ids_are_the_processs_own() -> None:
    uid, host_uid, host_gid, real_root = _child([])
    assert (uid, host_uid, host_gid) == (str(os.getuid()),) * 2 + (str(os.getgid()),)
    assert real_root == str(os.geteuid() == 0)


@pytest.mark.parametrize("inside", [0, 5, 70000])
def test_an_id_is_mapped_through_its_row(tmp_path: Path, inside: int) -> None:
    from hutch.linux.procfs import _outside

    table = tmp_path / "uid_map"
    table.write_text("         0       1001          1\n         1     100000      65536\n")
    expected = {0: 1001, 5: 100004, 70000: 70000}[inside]  # an unmapped id stays itself
    assert _outside(str(table), inside) == expected
