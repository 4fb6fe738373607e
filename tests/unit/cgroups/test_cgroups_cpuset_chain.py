"""enable_cpuset under systemd: the walk is retried when systemd takes cpuset back
from a parent meanwhile (CI saw ENOENT writing to app.slice), and only then."""

from __future__ import annotations

import errno
from pathlib import Path

import pytest

from hutch.cgroups import systemd, v2


class FakeTree:
    """Cgroups as directories whose subtree_control files the kernel's rule guards:
    a controller may be enabled only where the parent offers it (else ENOENT)."""

    def __init__(self, root: Path, take_back: int) -> None:
        self.root = root
        self.scope = root / "app.slice" / "hutch-x.scope"
        self.scope.mkdir(parents=True)
        for d in (root, root / "app.slice", self.scope):
            (d / "cgroup.subtree_control").write_text("")
        self.take_back = take_back  # how many times "systemd" clears root's cpuset
        self.walks = 0

    def subtree(self, cgroup: Path) -> set[str]:
        return set((cgroup / "cgroup.subtree_control").read_text().split())

    def enable(self, cgroup: Path, name: str) -> None:
        if cgroup != self.root and name not in self.subtree(cgroup.parent):
            raise v2.CgroupError(errno.ENOENT, f"writing '+{name}' to {cgroup}")
        (cgroup / "cgroup.subtree_control").write_text(" ".join(self.subtree(cgroup) | {name}))
        if cgroup == self.root:
            self.walks += 1
            if self.take_back > 0:  # systemd realizes a unit right after our write
                self.take_back -= 1
                (cgroup / "cgroup.subtree_control").write_text("")

    def pin(self) -> Path:
        if "cpuset" in self.subtree(self.scope.parent):
            self.enable(self.scope, "cpuset")
        return self.scope


@pytest.fixture(autouse=True)
def _no_sleep(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(systemd.time, "sleep", lambda s: None)


def test_a_chain_taken_back_once_is_walked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = FakeTree(tmp_path, take_back=1)
    monkeypatch.setattr(v2, "enable_controller", tree.enable)
    systemd.enable_cpuset(tmp_path, tree.scope.parent, tree.pin)
    assert tree.walks == 2
    assert all("cpuset" in tree.subtree(d) for d in (tmp_path, tree.scope.parent, tree.scope))


def test_an_untouched_chain_is_walked_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = FakeTree(tmp_path, take_back=0)
    monkeypatch.setattr(v2, "enable_controller", tree.enable)
    systemd.enable_cpuset(tmp_path, tree.scope.parent, tree.pin)
    assert tree.walks == 1


def test_a_chain_never_kept_ends_in_the_kernels_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = FakeTree(tmp_path, take_back=1000)
    monkeypatch.setattr(v2, "enable_controller", tree.enable)
    with pytest.raises(v2.CgroupError, match=r"app\.slice") as err:
        systemd.enable_cpuset(tmp_path, tree.scope.parent, tree.pin)
    assert err.value.errno == errno.ENOENT
    assert tree.walks == systemd._CPUSET_TRIES


def test_a_pin_that_does_not_hold_is_retried_then_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = FakeTree(tmp_path, take_back=0)
    monkeypatch.setattr(v2, "enable_controller", tree.enable)
    with pytest.raises(OSError, match="did not stay enabled"):
        systemd.enable_cpuset(tmp_path, tree.scope.parent, lambda: tree.scope)
    assert tree.walks == systemd._CPUSET_TRIES


def test_other_errors_are_not_retried(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = FakeTree(tmp_path, take_back=0)

    def refuse(cgroup: Path, name: str) -> None:
        tree.walks += 1
        raise v2.CgroupError(errno.EPERM, f"writing '+{name}' to {cgroup}")

    monkeypatch.setattr(v2, "enable_controller", refuse)
    with pytest.raises(v2.CgroupError) as err:
        systemd.enable_cpuset(tmp_path, tree.scope.parent, tree.pin)
    assert (err.value.errno, tree.walks) == (errno.EPERM, 1)
