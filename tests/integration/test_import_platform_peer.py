"""import --arch/--os/--variant record the platform the image says it is for, as
podman 4.3.1's import does (issue 15)."""

from __future__ import annotations

import json
import tarfile
from pathlib import Path
from typing import IO

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture


def test_import_records_the_platform_given(hutch: Hutch, podman: Run, rootfs_tar: Path) -> None:
    fmt = "{{.Architecture}} {{.Os}}"
    for flags in (("--arch", "arm64", "--os", "linux"), ("--os", "windows")):
        for run in (hutch, podman):
            made = run("import", "-q", *flags, str(rootfs_tar), "localhost/plat")
            assert made.returncode == 0, made.stderr
        ours = hutch("image", "inspect", "--format", fmt, "localhost/plat").stdout
        theirs = podman("image", "inspect", "--format", fmt, "localhost/plat").stdout
        assert ours == theirs
        assert ours.split()[1] == flags[-1]  # the --os given
        assert flags[0] != "--arch" or ours.split()[0] == flags[1]
    variant = hutch("import", "-q", "--arch", "arm", "--variant", "v7", str(rootfs_tar), "v7")
    assert variant.returncode == 0
    # podman's image inspect has no variant: the image's own config, from an archive
    archive = rootfs_tar.parent / "v7.tar"
    hutch("save", "-o", str(archive), "v7")
    with tarfile.open(archive) as tar:
        manifest = json.load(_member(tar, "manifest.json"))
        config = json.load(_member(tar, manifest[0]["Config"]))
    assert (config["architecture"], config.get("variant")) == ("arm", "v7")


def _member(tar: tarfile.TarFile, name: str) -> IO[bytes]:
    f = tar.extractfile(name)
    assert f is not None, name
    return f
