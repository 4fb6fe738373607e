"""``ps --filter volume=``, ``volume prune --filter`` and ``volume ls --filter``, for real."""

from __future__ import annotations

import time
from pathlib import Path

from harness import Hutch
from lifecycle_helpers import remove_containers

__all__ = ["remove_containers"]


def _ps(hutch: Hutch, *args: str) -> list[str]:
    return sorted(hutch("ps", *args, "--format", "{{.Names}}").stdout.split())


def _volumes(hutch: Hutch, *args: str) -> list[str]:
    return sorted(hutch("volume", "ls", "-q", *args).stdout.split())


def test_ps_filter_volume_by_name_mountpoint_and_source(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    hutch("create", "--name", "named", "-v", "data:/data", base_image, "true")
    hutch("create", "--name", "bound", "-v", f"{cache}:/cache:ro", base_image, "true")
    hutch("create", "--name", "scratch", "--tmpfs", "/scratch", base_image, "true")
    hutch("create", "--name", "anon", "-v", "/anon", base_image, "true")
    hutch("create", "--name", "plain", base_image, "true")

    assert _ps(hutch, "-a", "--filter", "volume=data") == ["named"]
    assert _ps(hutch, "-a", "--filter", "volume=/data") == ["named"]
    assert _ps(hutch, "-a", "--filter", "volume=/cache/") == ["bound"]
    assert _ps(hutch, "-a", "--filter", f"volume={cache}") == ["bound"]
    assert _ps(hutch, "-a", "--filter", "volume=/anon") == ["anon"]
    anon = next(n for n in _volumes(hutch) if n != "data")
    assert _ps(hutch, "-a", "--filter", f"volume={anon}") == ["anon"]
    assert _ps(hutch, "-a", "--filter", "volume=data:/data") == ["named"]
    assert _ps(hutch, "-a", "--filter", "volume=data:/cache") == []
    assert _ps(hutch, "-a", "--filter", "volume=nosuch") == []
    # one key ORs, different keys AND
    assert _ps(hutch, "-a", "-f", "volume=data", "-f", "volume=/scratch") == ["named", "scratch"]
    assert _ps(hutch, "-a", "-f", "volume=data", "-f", "name=bound") == []
    assert _ps(hutch, "-a", "-f", "volume=data", "-f", "status=created") == ["named"]
    # not an --all: only running containers without it
    assert _ps(hutch, "--filter", "volume=data") == []
    hutch("run", "-d", "--name", "live", "-v", "data:/data", base_image, "sleep", "300")
    assert _ps(hutch, "--filter", "volume=data") == ["live"]
    assert _ps(hutch, "-a", "--filter", "volume=data") == ["live", "named"]
    mounts = hutch("ps", "--format", "{{.Mounts}}", "-f", "name=live").stdout
    assert mounts == "[/data]\n"  # podman 4.3.1: the destinations as a Go list


def test_volume_prune_by_label_and_label_bang(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "--label", "keep=yes", "keep")
    hutch("volume", "create", "--label", "env=dev", "dev1")
    hutch("volume", "create", "--label", "env=dev", "--label", "team=a", "dev2")
    hutch("volume", "create", "--label", "env=prod", "prod")
    hutch("volume", "create", "bare")
    hutch("create", "--name", "user", "-v", "dev1:/d", base_image, "true")

    out = hutch("volume", "prune", "-f", "--filter", "label=env=dev").stdout
    assert out.split() == ["dev2"]  # dev1 is in use
    assert _volumes(hutch) == ["bare", "dev1", "keep", "prod"]

    # label! with two values spares only the volumes that have both labels (podman)
    hutch("volume", "create", "--label", "keep=yes", "--label", "env=x", "both")
    out = hutch("volume", "prune", "-f", "--filter", "label!=keep", "--filter", "label!=env")
    assert sorted(out.stdout.split()) == ["bare", "keep", "prod"]  # dev1 is in use
    assert _volumes(hutch) == ["both", "dev1"]
    hutch("volume", "create", "--label", "keep=yes", "keep")
    assert hutch("volume", "prune", "-f", "--filter", "label!=keep").stdout == ""
    assert _volumes(hutch) == ["both", "dev1", "keep"]


def test_volume_prune_until(hutch: Hutch) -> None:
    hutch("volume", "create", "older")
    time.sleep(0.05)
    between = time.time()
    time.sleep(0.05)
    hutch("volume", "create", "newer")

    assert hutch("volume", "prune", "-f", "--filter", "until=1h").stdout == ""
    out = hutch("volume", "prune", "-f", "--filter", f"until={between:.3f}").stdout
    assert out == "older\n"
    assert _volumes(hutch) == ["newer"]


def test_volume_prune_bad_filters_remove_nothing(hutch: Hutch) -> None:
    hutch("volume", "create", "spare")
    for bad in ("until=someday", "colour=red", "label", "label=", "after=nosuch"):
        result = hutch("volume", "prune", "-f", "--filter", bad, check=False)
        assert result.returncode == 125, result
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert _volumes(hutch) == ["spare"]


def test_volume_ls_filters_follow_podman(hutch: Hutch, base_image: str) -> None:
    hutch("volume", "create", "--label", "env=dev", "alpha")
    hutch("volume", "create", "--label", "env=prod", "--opt", "type=tmpfs", "beta")
    hutch("volume", "create", "gamma")
    hutch("create", "--name", "user", "-v", "gamma:/g", base_image, "true")

    assert _volumes(hutch, "-f", "name=^alpha$", "-f", "name=^gamma$") == ["alpha", "gamma"]
    assert _volumes(hutch, "-f", "label=env", "-f", "label=env=prod") == ["beta"]
    assert _volumes(hutch, "-f", "label!=env") == ["gamma"]
    assert _volumes(hutch, "-f", "dangling=true") == ["alpha", "beta"]
    assert _volumes(hutch, "-f", "dangling=false") == ["gamma"]
    assert _volumes(hutch, "-f", "driver=local", "-f", "opt=type=tmpfs") == ["beta"]
    assert _volumes(hutch, "-f", "after=alpha") == ["beta", "gamma"]
    assert _volumes(hutch, "-f", "until=1h") == []
    result = hutch("volume", "ls", "-f", "after=nosuch", check=False)
    assert result.returncode == 125 and "nosuch" in result.stderr
