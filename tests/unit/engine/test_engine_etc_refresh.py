"""Which of a container's /etc files a start writes anew (engine/etc_refresh.py),
read from its spec's JSON as the runtime wrote it."""

from __future__ import annotations

import json
from pathlib import Path

from hutch.engine.etc_refresh import _own_files


def _spec(mode: str = "private", join: str = "", **files: str) -> bytes:
    etc = [[f"/etc/{name.replace('_', '.')}", src] for name, src in files.items()]
    return json.dumps(
        {"network": {"mode": mode, "join_container": join}, "etc_files": etc}
    ).encode()


def test_the_files_from_the_containers_own_directory(tmp_path: Path) -> None:
    own = {n: str(tmp_path / n.replace("_", ".")) for n in ("hosts", "resolv_conf", "hostname")}
    assert _own_files(_spec(**own), tmp_path) == {"/etc/hosts", "/etc/resolv.conf"}


def test_a_file_from_elsewhere_is_not_the_containers(tmp_path: Path) -> None:
    # --no-hosts leaves the image's; a pod's members mount the infra's
    raw = _spec(hosts="/elsewhere/hosts", resolv_conf=str(tmp_path / "resolv.conf"))
    assert _own_files(raw, tmp_path) == {"/etc/resolv.conf"}


def test_none_without_a_network_or_on_another_containers(tmp_path: Path) -> None:
    own = {"hosts": str(tmp_path / "hosts")}
    assert _own_files(_spec(mode="none", **own), tmp_path) == set()
    assert _own_files(_spec(join="abc", **own), tmp_path) == set()
