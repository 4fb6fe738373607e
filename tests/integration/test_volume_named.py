"""Named and anonymous volumes: persistence, sharing, removal, export/import, bad input."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from harness import Hutch, HutchEnv


def _volumes_dir(env: HutchEnv) -> Path:
    return env.data_home / "hutch" / "storage" / "volumes"


def test_named_volume_survives_rm_and_is_seen_by_the_next_container(
    hutch: Hutch, base_image: str, hutch_env: HutchEnv
) -> None:
    hutch("run", "--name", "w", "-v", "keep:/data", base_image, "sh", "-c", "echo kept > /data/f")
    hutch("rm", "-v", "w")
    assert hutch("volume", "exists", "keep").returncode == 0
    out = hutch("run", "--rm", "-v", "keep:/data", base_image, "cat", "/data/f").stdout
    assert out == "kept\n"
    # written by container root: the user's own file on the host
    host_file = _volumes_dir(hutch_env) / "keep" / "_data" / "f"
    assert host_file.stat().st_uid == hutch_env.home.stat().st_uid


def test_two_running_containers_share_a_volume(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "shared")
    writer = (
        "i=0; while [ $i -lt 200 ]; do echo $i > /s/tick.tmp && mv /s/tick.tmp /s/tick; "
        "i=$((i+1)); sleep 0.1; done"
    )
    hutch("run", "-d", "--name", "writer", "-v", "shared:/s", base_image, "sh", "-c", writer)
    hutch("run", "-d", "--name", "reader", "-v", "shared:/s", base_image, "sleep", "60")
    seen = set()
    deadline = time.monotonic() + 20
    while len(seen) < 2 and time.monotonic() < deadline:
        got = hutch("exec", "reader", "cat", "/s/tick", check=False).stdout.strip()
        if got:
            seen.add(got)
        time.sleep(0.3)
    assert len(seen) >= 2, f"the reader saw no progress of the writer: {seen}"
    hutch("rm", "-f", "-t", "0", "writer", "reader")


def test_ro_refuses_writes(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--rm", "-v", "v:/d", base_image, "touch", "/d/ok")
    result = hutch("run", "--rm", "-v", "v:/d:ro", base_image, "touch", "/d/no", check=False)
    assert result.returncode != 0
    assert "Read-only file system" in result.stderr + result.stdout


def test_rm_v_removes_anonymous_volumes_but_never_named_ones(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "c", "-v", "/anon", "-v", "named:/named", base_image, "true")
    names = hutch("volume", "ls", "-q").stdout.split()
    assert "named" in names and len(names) == 2
    anonymous = next(n for n in names if n != "named")
    hutch("rm", "-v", "c")
    assert hutch("volume", "ls", "-q").stdout.split() == ["named"]
    assert hutch("volume", "exists", anonymous, check=False).returncode == 1


def test_plain_rm_keeps_anonymous_volumes_and_run_rm_drops_them(
    hutch: Hutch, base_image: str
) -> None:
    hutch("create", "--name", "c", "-v", "/anon", base_image, "true")
    hutch("rm", "c")
    assert len(hutch("volume", "ls", "-q").stdout.split()) == 1
    hutch("volume", "prune", "-f")
    hutch("run", "--rm", "-v", "/anon", base_image, "true")
    assert hutch("volume", "ls", "-q").stdout == ""


def test_volume_in_use_is_refused_without_force(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "user", "-v", "busy:/d", base_image, "true")
    result = hutch("volume", "rm", "busy", check=False)
    assert result.returncode == 2  # podman's status for a volume in use
    assert "being used" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert hutch("volume", "exists", "busy").returncode == 0
    hutch("volume", "rm", "-f", "busy")
    assert hutch("volume", "exists", "busy", check=False).returncode == 1
    assert hutch("ps", "-a", "-q").stdout == ""


def test_export_import_round_trip(hutch: Hutch, base_image: str, hutch_env: HutchEnv) -> None:
    script = "mkdir -p /d/sub && echo one > /d/sub/f && chown -R 1000:1000 /d/sub"
    hutch("run", "--rm", "-v", "src:/d", base_image, "sh", "-c", script)
    hutch("volume", "create", "dst")
    pipeline = f"{hutch.binary} volume export src | {hutch.binary} volume import dst -"
    subprocess.run(["sh", "-c", pipeline], env=hutch_env.environ(), check=True, timeout=60)
    out = hutch(
        "run", "--rm", "-v", "dst:/d", base_image, "sh", "-c", "cat /d/sub/f; stat -c %u /d/sub/f"
    )
    assert out.stdout == "one\n1000\n"
    archive = hutch_env.home / "v.tar"
    hutch("volume", "export", "-o", str(archive), "src")
    assert archive.stat().st_size > 0
    hutch("volume", "create", "dst2")
    hutch("volume", "import", "dst2", str(archive))
    assert hutch("run", "--rm", "-v", "dst2:/d", base_image, "cat", "/d/sub/f").stdout == "one\n"


def test_volume_create_ls_inspect_filters(hutch: Hutch) -> None:
    hutch("volume", "create", "--label", "team=a", "la")
    hutch("volume", "create", "lb")
    assert hutch("volume", "create", "--ignore", "lb").stdout == "lb\n"
    again = hutch("volume", "create", "lb", check=False)
    assert again.returncode == 125 and "already exists" in again.stderr
    assert hutch("volume", "ls", "-q", "--filter", "label=team=a").stdout == "la\n"
    assert hutch("volume", "ls", "-q", "--filter", "name=lb").stdout == "lb\n"
    assert hutch("volume", "ls", "-q", "--filter", "dangling=true").stdout.split() == ["la", "lb"]
    mountpoint = hutch("volume", "inspect", "--format", "{{.Mountpoint}}", "la").stdout.strip()
    assert mountpoint.endswith("/volumes/la/_data") and Path(mountpoint).is_dir()
    random_name = hutch("volume", "create").stdout.strip()
    assert len(random_name) == 64


def test_tmpfs_volume(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "--opt", "type=tmpfs", "--opt", "o=size=2m", "tv")
    out = hutch("run", "--rm", "-v", "tv:/t", base_image, "grep", " /t ", "/proc/mounts").stdout
    assert out.startswith("tmpfs /t tmpfs") and "size=2048k" in out


def test_bad_input_is_refused_and_creates_nothing(hutch: Hutch, base_image: str) -> None:
    cases = [
        ("-v", "/no/such/host/path:/x"),
        ("-v", "vol:relative"),
        ("-v", "vol:/x:frobnicate"),
        ("-v", "bad!name:/x"),
        ("--mount", "type=bind,src=/no/such/path,dst=/x"),
        ("--mount", "type=volume,src=vol,dst=/x,colour=red"),
        ("--tmpfs", "relative"),
        ("--volumes-from", "nonexistent"),
    ]
    for flag, value in cases:
        result = hutch("run", "--rm", flag, value, base_image, "true", check=False)
        assert result.returncode == 125, (flag, value, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert hutch("volume", "ls", "-q").stdout == ""
    assert hutch("ps", "-a", "-q").stdout == ""
    bad = hutch("volume", "create", "no/slash", check=False)
    # podman's words
    assert bad.returncode == 125 and "names must match [a-zA-Z0-9]" in bad.stderr
    # podman 4.3.1: 1 for a volume that is not there (as rm and rmi)
    assert hutch("volume", "rm", "nothing", check=False).returncode == 1
