"""Bind mounts, U, tmpfs, --mount, --volumes-from, image VOLUME copy-up, --read-only."""

from __future__ import annotations

import json
import os

from harness import Hutch, HutchEnv


def test_bind_mount_file_is_the_users_on_the_host(
    hutch: Hutch, base_image: str, hutch_env: HutchEnv
) -> None:
    host = hutch_env.home / "bind"
    host.mkdir()
    hutch("run", "--rm", "-v", f"{host}:/b", base_image, "sh", "-c", "echo hi > /b/file")
    info = (host / "file").stat()
    assert info.st_uid == os.getuid()
    assert (host / "file").read_text() == "hi\n"


def test_bind_mount_of_a_socket_and_a_fifo(
    hutch: Hutch, base_image: str, hutch_env: HutchEnv
) -> None:
    """-v SOCKET:PATH (an agent's socket, a docker.sock) and a fifo are mounted on a
    file, not a directory (once refused with ENOTDIR)."""
    import socket

    sock_path = hutch_env.home / "s.sock"
    fifo = hutch_env.home / "f.fifo"
    os.mkfifo(fifo)
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(sock_path))
        server.listen()
        out = hutch(
            "run", "--rm", "-v", f"{sock_path}:/run/x.sock", "-v", f"{fifo}:/f",
            base_image, "sh", "-c", "test -S /run/x.sock && test -p /f && echo both",
        ).stdout  # fmt: skip
    assert out == "both\n"


def test_bind_ro_and_mount_syntax(hutch: Hutch, base_image: str, hutch_env: HutchEnv) -> None:
    host = hutch_env.home / "ro"
    host.mkdir()
    (host / "seen").write_text("x")
    result = hutch("run", "--rm", "-v", f"{host}:/b:ro", base_image, "touch", "/b/n", check=False)
    assert result.returncode != 0 and not (host / "n").exists()
    spec = f"type=bind,src={host},dst=/m,readonly,bind-propagation=rshared"
    line = hutch("run", "--rm", "--mount", spec, base_image, "grep", " /m ", "/proc/self/mountinfo")
    fields = line.stdout.split()
    assert fields[5].split(",")[0] == "ro"
    # the host's / is private: only what the container mounts below /m propagates
    assert any(f.startswith("shared:") for f in fields[6 : fields.index("-")])


def test_U_makes_a_volume_writable_for_a_non_root_user(hutch: Hutch, base_image: str) -> None:
    # first mounted by root, the new volume is root's (podman's NeedsChown: the first
    # container's user gets it), so user 1000 cannot write until U hands it over
    hutch("run", "--rm", "-v", "u1:/d", base_image, "true")
    denied = hutch(
        "run", "--rm", "-u", "1000", "-v", "u1:/d", base_image, "touch", "/d/f", check=False
    )
    assert denied.returncode != 0
    out = hutch(
        "run",
        "--rm",
        "-u",
        "1000",
        "-v",
        "u1:/d:U",
        base_image,
        "sh",
        "-c",
        "touch /d/f; stat -c %u /d/f /d",
    )
    assert out.stdout.split() == ["1000", "1000"]


def test_tmpfs_has_the_asked_size(hutch: Hutch, base_image: str) -> None:
    out = hutch(
        "run",
        "--rm",
        "--tmpfs",
        "/scratch:size=3m,mode=1777",
        base_image,
        "grep",
        " /scratch ",
        "/proc/mounts",
    )
    assert out.stdout.startswith("tmpfs /scratch tmpfs")
    assert "size=3072k" in out.stdout and "noexec" in out.stdout
    df = hutch(
        "run", "--rm", "--mount", "type=tmpfs,dst=/t,tmpfs-size=4m", base_image, "df", "-k", "/t"
    )
    assert df.stdout.splitlines()[1].split()[1] == "4096"


def test_volumes_from(hutch: Hutch, base_image: str, hutch_env: HutchEnv) -> None:
    host = hutch_env.home / "vf"
    host.mkdir()
    hutch("create", "--name", "src", "-v", "vfvol:/data", "-v", f"{host}:/host", base_image, "true")
    hutch(
        "run",
        "--rm",
        "--volumes-from",
        "src",
        base_image,
        "sh",
        "-c",
        "echo a > /data/a; echo b > /host/b",
    )
    assert (host / "b").read_text() == "b\n"
    out = hutch(
        "run",
        "--rm",
        "--volumes-from",
        "src:ro",
        base_image,
        "sh",
        "-c",
        "cat /data/a; touch /data/x",
        check=False,
    )
    assert out.stdout == "a\n" and out.returncode != 0


def test_image_volume_is_copied_up_and_removed_by_rm_v(hutch: Hutch, base_image: str) -> None:
    script = (
        "mkdir -p /data/sub && echo seed > /data/sub/f && chown -R 1000:1000 /data "
        "&& chmod 750 /data"
    )
    hutch("run", "--name", "mk", base_image, "sh", "-c", script)
    hutch("commit", "-q", "--change", "VOLUME /data", "mk", "withvol")
    hutch("rm", "mk")
    hutch("run", "--name", "c", "withvol", "sh", "-c", "echo more >> /data/sub/f")
    mounts = json.loads(hutch("inspect", "--format", "{{json .Mounts}}", "c").stdout)
    assert (
        len(mounts) == 1 and mounts[0]["Type"] == "volume" and mounts[0]["Destination"] == "/data"
    )
    name = mounts[0]["Name"]
    stat = hutch(
        "run", "--rm", "-v", f"{name}:/v", base_image, "stat", "-c", "%u %a", "/v", "/v/sub/f"
    )
    assert stat.stdout.split("\n")[:2] == ["1000 750", "1000 644"]
    assert (
        hutch("run", "--rm", "-v", f"{name}:/v", base_image, "cat", "/v/sub/f").stdout
        == "seed\nmore\n"
    )
    hutch("rm", "-v", "c")
    assert hutch("volume", "exists", name, check=False).returncode == 1


def test_read_only_refuses_writes_outside_volumes_and_tmpfs(hutch: Hutch, base_image: str) -> None:
    script = (
        "echo v > /data/a && echo t > /scratch/b && echo r > /tmp/c && ! touch /etc/x 2>/dev/null"
    )
    hutch(
        "run",
        "--rm",
        "--read-only",
        "-v",
        "rov:/data",
        "--tmpfs",
        "/scratch",
        base_image,
        "sh",
        "-c",
        script,
    )
    denied = hutch("run", "--rm", "--read-only", base_image, "touch", "/root-file", check=False)
    assert denied.returncode != 0


def test_inspect_shows_bind_and_tmpfs_mounts(
    hutch: Hutch, base_image: str, hutch_env: HutchEnv
) -> None:
    host = hutch_env.home / "insp"
    host.mkdir()
    hutch("create", "--name", "i", "-v", f"{host}:/h:ro,z", "--tmpfs", "/t", base_image, "true")
    mounts = {
        m["Destination"]: m
        for m in json.loads(hutch("inspect", "--format", "{{json .Mounts}}", "i").stdout)
    }
    assert mounts["/h"]["Type"] == "bind" and mounts["/h"]["Source"] == str(host)
    assert mounts["/h"]["RW"] is False and mounts["/h"]["Propagation"] == "rprivate"
    assert "/t" not in mounts  # podman's .Mounts has no tmpfs (.HostConfig.Tmpfs has it)
