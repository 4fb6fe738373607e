"""``hutch cp``: host and container, both directions, running and stopped, tar streams."""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import time
from pathlib import Path

import pytest
from harness import Hutch


def _stream(hutch: Hutch, *args: str, data: bytes | None = None) -> bytes:
    """Run hutch with binary stdin/stdout (tar streams); fail on a non-zero exit."""
    result = subprocess.run(
        [str(hutch.binary), *args],
        input=data,
        capture_output=True,
        env=hutch.env.environ(),
        timeout=60,
        stdin=None if data is not None else subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode()
    return result.stdout


def _tree(base: Path) -> Path:
    src = base / "src"
    (src / "sub").mkdir(parents=True)
    (src / "run.sh").write_text("#!/bin/sh\necho run\n")
    (src / "run.sh").chmod(0o751)
    (src / "sub" / "data").write_bytes(bytes(range(256)) * 10)
    (src / "sub" / "data").chmod(0o600)
    (src / "link").symlink_to("sub/data")
    return src


def test_round_trip_keeps_content_and_modes(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    src = _tree(tmp_path)
    hutch("create", "--name", "c", base_image, "true")
    hutch("cp", str(src), "c:/copied")
    back = tmp_path / "back"
    hutch("cp", "c:/copied", str(back))
    for rel in ("run.sh", "sub/data"):
        assert (back / rel).read_bytes() == (src / rel).read_bytes()
        assert (back / rel).stat().st_mode == (src / rel).stat().st_mode
    assert os.readlink(back / "link") == "sub/data"
    assert int((back / "run.sh").stat().st_mtime) == int((src / "run.sh").stat().st_mtime)


def test_copied_out_files_belong_to_the_user(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", "echo x > /f; chown 1000:1000 /f")
    hutch("cp", "c:/f", str(tmp_path / "f"))
    info = (tmp_path / "f").stat()
    assert (info.st_uid, info.st_gid) == (os.getuid(), os.getgid())
    assert (tmp_path / "f").read_text() == "x\n"


def test_copied_in_files_belong_to_the_container_user(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "f").write_text("data\n")
    hutch("create", "--name", "c", "--user", "1000:1000", base_image, "stat", "-c", "%u:%g", "/f")
    hutch("cp", str(tmp_path / "f"), "c:/f")
    assert hutch("start", "-a", "c").stdout.strip() == "1000:1000"
    # --no-archive keeps the source's ids: the user's own files are root's in the container.
    hutch("create", "--name", "d", "--user", "1000:1000", base_image, "stat", "-c", "%u:%g", "/f")
    hutch("cp", "--no-archive", str(tmp_path / "f"), "d:/f")
    assert hutch("start", "-a", "d").stdout.strip() == "0:0"


def test_trailing_slash_dot_copies_the_contents(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    src = _tree(tmp_path)
    hutch("create", "--name", "c", base_image, "true")
    hutch("cp", f"{src}/.", "c:/tmp")
    hutch("cp", str(src), "c:/tmp")
    out = tmp_path / "out"
    out.mkdir()
    hutch("cp", "c:/tmp/.", str(out))
    assert (out / "run.sh").is_file()  # contents landed directly
    assert (out / "src" / "sub" / "data").is_file()  # the directory itself, by name


def test_file_onto_missing_path_and_into_directory(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "f").write_text("one\n")
    hutch("create", "--name", "c", base_image, "true")
    hutch("cp", str(tmp_path / "f"), "c:/renamed")
    hutch("cp", str(tmp_path / "f"), "c:/etc")
    out = tmp_path / "out"
    out.mkdir()
    hutch("cp", "c:/renamed", str(out / "a"))
    hutch("cp", "c:/etc/f", str(out))
    assert (out / "a").read_text() == (out / "f").read_text() == "one\n"
    missing_dir = hutch("cp", str(tmp_path / "f"), "c:/nowhere/", check=False)
    assert missing_dir.returncode == 125
    assert '"/nowhere/" could not be found on container c' in missing_dir.stderr  # podman's


def test_directory_does_not_replace_a_file_without_overwrite(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    src = _tree(tmp_path)
    hutch("run", "--name", "c", base_image, "sh", "-c", "mkdir /d; echo f > /d/src")
    refused = hutch("cp", f"{src}/.", "c:/d/src", check=False)
    assert refused.returncode == 125
    # podman's words (--overwrite is the way, below)
    assert "destination must be a directory when copying a directory" in refused.stderr
    hutch("cp", "--overwrite", f"{src}/.", "c:/d/src")
    hutch("cp", "c:/d/src/run.sh", str(tmp_path / "again"))
    assert (tmp_path / "again").read_text() == "#!/bin/sh\necho run\n"


def test_hostile_symlink_cannot_lead_outside_the_container(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    host_dir = tmp_path / "host-target"
    host_dir.mkdir()
    (tmp_path / "f").write_text("payload\n")
    hutch(
        "run", "--name", "c", base_image,
        "sh", "-c", f"ln -s /etc /x; ln -s {host_dir} /y; ln -s ../../../../../../{host_dir} /z",
    )  # fmt: skip
    hutch("cp", str(tmp_path / "f"), "c:/x/pwned")
    # /y and /z dangle inside the container: nothing to write into there.
    through_y = hutch("cp", str(tmp_path / "f"), "c:/y/", check=False)
    assert through_y.returncode == 125
    assert '"/y/" could not be found on container c' in through_y.stderr
    hutch("cp", str(tmp_path / "f"), "c:/z/", check=False)
    hutch("cp", str(tmp_path / "f"), "c:/z", check=False)
    assert not Path("/etc/pwned").exists()
    assert list(host_dir.iterdir()) == []
    # Where they went: inside the container's own tree.
    hutch("cp", "c:/etc/pwned", str(tmp_path / "back"))
    assert (tmp_path / "back").read_text() == "payload\n"


def test_copy_into_running_container_is_seen_at_once(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "go").write_text("released\n")
    hutch(
        "run", "-d", "--name", "c", base_image,
        "sh", "-c", "while [ ! -f /tmp/go ]; do sleep 0.05; done; cat /tmp/go",
    )  # fmt: skip
    hutch("cp", str(tmp_path / "go"), "c:/tmp/go")
    assert hutch("wait", "c").stdout.strip() == "0"
    assert hutch("logs", "c").stdout == "released\n"


def test_copy_into_and_out_of_a_running_containers_volume_and_bind_mount(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """cp reaches what is mounted at the path, not the root filesystem beneath it."""
    bound = tmp_path / "bound"
    bound.mkdir()
    (tmp_path / "in.txt").write_text("in\n")
    hutch(
        "run", "-d", "--name", "c", "-v", "cpvol:/vol", "-v", f"{bound}:/bind", base_image,
        "sh", "-c", "echo from-vol > /vol/out; sleep 300",
    )  # fmt: skip
    hutch("cp", str(tmp_path / "in.txt"), "c:/vol/in.txt")
    hutch("cp", str(tmp_path / "in.txt"), "c:/bind/in.txt")
    assert (bound / "in.txt").read_text() == "in\n"
    assert hutch("exec", "c", "cat", "/vol/in.txt").stdout == "in\n"
    deadline = time.monotonic() + 10
    while hutch("cp", "c:/vol/out", str(tmp_path / "out"), check=False).returncode != 0:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert (tmp_path / "out").read_text() == "from-vol\n"
    # the volume holds them, the root filesystem's directory under it does not
    hutch("rm", "-f", "-t", "0", "c")
    hutch("run", "--rm", "-v", "cpvol:/vol", base_image, "cat", "/vol/in.txt")
    hutch("create", "--name", "bare", base_image, "true")
    assert hutch("cp", "bare:/vol/in.txt", str(tmp_path / "x"), check=False).returncode == 125
    hutch("rm", "bare")
    hutch("volume", "rm", "cpvol")


def test_copy_out_of_running_container(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("run", "-d", "--name", "c", base_image, "sh", "-c", "echo live > /live; sleep 300")
    deadline = time.monotonic() + 10
    while hutch("cp", "c:/live", str(tmp_path / "live"), check=False).returncode != 0:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert (tmp_path / "live").read_text() == "live\n"
    hutch("rm", "-f", "-t", "0", "c")


def test_tar_streams_in_and_out(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tar:
        info = tarfile.TarInfo("dir/hello")
        info.size = 3
        info.mode = 0o640
        tar.addfile(info, io.BytesIO(b"hi\n"))
    hutch("create", "--name", "c", base_image, "true")
    _stream(hutch, "cp", "-", "c:/tmp", data=buf.getvalue())
    out = _stream(hutch, "cp", "c:/tmp/dir", "-")
    with tarfile.open(fileobj=io.BytesIO(out)) as tar:
        names = tar.getnames()
        member = tar.getmember("dir/hello")
        data = tar.extractfile(member)
        assert data is not None and data.read() == b"hi\n"
    assert names == ["dir", "dir/hello"]
    assert member.mode == 0o640


@pytest.mark.parametrize(
    ("src", "dest", "message"),
    [
        ("c:/no/such", "{tmp}/x", "no such file"),
        ("{tmp}/no-such", "c:/x", "no such file"),
        ("{tmp}/a", "{tmp}/b", "CONTAINER:PATH"),
        ("nosuch:/etc/passwd", "{tmp}/x", 'container "nosuch" does not exist'),  # podman's
    ],
)
def test_errors(
    hutch: Hutch, base_image: str, tmp_path: Path, src: str, dest: str, message: str
) -> None:
    hutch("create", "--name", "c", base_image, "true")
    result = hutch("cp", src.format(tmp=tmp_path), dest.format(tmp=tmp_path), check=False)
    assert result.returncode == 125
    assert message in result.stderr
