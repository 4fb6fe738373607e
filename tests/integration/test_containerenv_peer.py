"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): /run/.containerenv,
the file programs test to know they run in a container. Empty, bound at /run/.containerenv
(its /run made in an image that has none), the engine, the container and its image named
in a privileged one, and left out under a mount at /run; diff and commit do not count the
mount point."""

from __future__ import annotations

import tarfile
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

SHOW = (
    "ls -ld /run | cut -c1-10; ls -la /run/.containerenv | cut -c1-10; wc -c < /run/.containerenv"
)


@pytest.mark.parametrize(
    "flags",
    [(), ("--read-only",), ("--read-only", "--read-only-tmpfs=false"), ("--tmpfs", "/run")],
    ids=lambda f: " ".join(f) or "plain",
)
def test_the_file_is_where_podman_puts_it(
    hutch: Hutch, base_image: str, podman: Run, flags: tuple[str, ...]
) -> None:
    mine = hutch("run", "--rm", *flags, base_image, "sh", "-c", SHOW, check=False)
    theirs = podman("run", "--rm", *flags, "base", "sh", "-c", SHOW)
    assert (mine.returncode, mine.stdout) == (theirs.returncode, theirs.stdout), mine.stderr
    if not flags:
        assert mine.stdout == "drwxr-xr-x\n-rw-r--r--\n0\n"  # the image has no /run


def test_a_volume_at_run_gets_it_a_host_directory_does_not(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    """podman 4.3.1 binds the file on top of a named volume at /run (its mount point made
    in the volume) but leaves it out under a host directory there."""
    hutch("volume", "create", "atrun")
    podman("volume", "create", "atrun")
    for tool in ("hutch", "podman"):
        (tmp_path / f"run-{tool}").mkdir()
    try:
        for source in ("atrun", "{dir}"):
            listing = ("ls", "-A", "/run")
            mine_source = source.format(dir=tmp_path / "run-hutch")
            mine = hutch("run", "--rm", "-v", f"{mine_source}:/run", base_image, *listing)
            theirs_source = source.format(dir=tmp_path / "run-podman")
            theirs = podman("run", "--rm", "-v", f"{theirs_source}:/run", "base", *listing)
            assert mine.stdout == theirs.stdout, source
            assert mine.stdout == (".containerenv\n" if source == "atrun" else "")
    finally:
        hutch("volume", "rm", "atrun")
        podman("volume", "rm", "atrun")


def test_a_privileged_container_is_named(hutch: Hutch, base_image: str, podman: Run) -> None:
    run = hutch("run", "--rm", "--privileged", "--name", "priv", base_image, "cat",
                "/run/.containerenv")  # fmt: skip
    theirs = podman("run", "--rm", "--privileged", "--name", "priv", "base", "cat",
                    "/run/.containerenv")  # fmt: skip
    fields = dict(line.split("=", 1) for line in run.stdout.splitlines())
    peer = dict(line.split("=", 1) for line in theirs.stdout.splitlines())
    assert list(fields) == list(peer) == ["engine", "name", "id", "image", "imageid", "rootless"]
    assert fields["engine"].startswith('"hutch-') and peer["engine"] == '"podman-4.3.1"'
    assert fields["name"] == peer["name"] == '"priv"'
    assert fields["image"] == peer["image"] == '"localhost/base:latest"'
    assert fields["rootless"] == peer["rootless"] == "1"
    image_id = hutch("image", "inspect", "--format", "{{.Id}}", base_image).stdout.strip()
    assert fields["imageid"] == f'"{image_id}"'
    assert len(fields["id"].strip('"')) == 64


def test_diff_and_commit_leave_the_mount_point_out(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    hutch("run", "--name", "marked", base_image, "sh", "-c", "echo x > /new")
    podman("run", "--name", "marked", "base", "sh", "-c", "echo x > /new")
    try:
        assert hutch("diff", "marked").stdout == podman("diff", "marked").stdout
        assert "run" not in hutch("diff", "marked").stdout
        hutch("commit", "-q", "marked", "marked-image")
        hutch("create", "--name", "fromcommit", "marked-image", "true")
        archive = tmp_path / "committed.tar"
        hutch("export", "-o", str(archive), "fromcommit")  # never started: the image's tree
        with tarfile.open(archive) as tar:
            names = {m.name.removeprefix("./").rstrip("/") for m in tar.getmembers()}
        assert "new" in names and "run" not in names and "run/.containerenv" not in names
    finally:
        hutch("rm", "marked", "fromcommit", check=False)
        hutch("rmi", "marked-image", check=False)
        podman("rm", "marked")
