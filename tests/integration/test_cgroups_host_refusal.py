"""On a host without delegated cgroup v2 controllers (this one: hybrid cgroups),
a limit is refused with the reason and the fix, never silently ignored."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from harness import Hutch

BLOCK_DEVICE = next(
    (
        f"/dev/{name}"
        for name in sorted(os.listdir("/sys/block"))
        if os.path.exists(f"/dev/{name}") and stat.S_ISBLK(os.stat(f"/dev/{name}").st_mode)
    ),
    "/dev/vda",
)

LIMITS = [
    ("--memory", "64m"),
    ("--memory-reservation", "32m"),
    ("--cpus", "0.5"),
    ("--cpu-shares", "512"),
    ("--cpu-weight", "50"),
    ("--cpu-quota", "50000"),
    ("--cpu-period", "100000"),
    ("--cpuset-cpus", "0"),
    ("--cpuset-mems", "0"),
    ("--pids-limit", "100"),
    ("--blkio-weight", "500"),
    ("--device-read-bps", f"{BLOCK_DEVICE}:1mb"),
    ("--device-write-bps", f"{BLOCK_DEVICE}:1mb"),
    ("--device-read-iops", f"{BLOCK_DEVICE}:100"),
    ("--device-write-iops", f"{BLOCK_DEVICE}:100"),
    ("--cgroup-parent", "/mine"),
]


@pytest.fixture(scope="module", autouse=True)
def host_without_delegated_v2() -> None:
    """These tests describe hosts like the CI machines (see HOST-NOTES.md)."""
    controllers = Path("/sys/fs/cgroup/cgroup.controllers")
    assert not controllers.exists() or not os.access("/sys/fs/cgroup/cgroup.procs", os.W_OK), (
        "this host has a usable cgroup v2 hierarchy; the refusal cannot be shown here"
    )


@pytest.mark.parametrize(("flag", "value"), LIMITS, ids=[f for f, _ in LIMITS])
def test_limit_is_refused_with_reason_and_fix(
    hutch: Hutch, base_image: str, flag: str, value: str
) -> None:
    result = hutch("run", "--rm", flag, value, base_image, "true", check=False)
    assert result.returncode == 125
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    message = lines[0]
    assert message.startswith(f"Error: {flag} cannot be enforced: ")
    assert "hybrid" in message  # why
    assert "unified cgroup hierarchy" in message and "Delegate=yes" in message  # the fix
    assert "--cgroups=disabled" in message  # the way out
    # Nothing was made.
    assert hutch("ps", "-a", "-q").stdout.strip() == ""


def test_memory_with_memory_swap_is_refused(hutch: Hutch, base_image: str) -> None:
    result = hutch(
        "create", "--memory", "64m", "--memory-swap", "128m", base_image, "true", check=False
    )
    assert result.returncode == 125
    assert "--memory cannot be enforced" in result.stderr


def test_cgroups_disabled_runs_with_a_warning(hutch: Hutch, base_image: str) -> None:
    result = hutch(
        "run",
        "--rm",
        "--cgroups=disabled",
        "--memory",
        "64m",
        "--cpus",
        "0.5",
        base_image,
        "echo",
        "ran",
    )
    assert result.stdout == "ran\n"
    assert "WARN: cgroups are disabled: --memory, --cpus will not be enforced" in result.stderr


def test_cgroups_disabled_setting_runs_with_a_warning(hutch: Hutch, base_image: str) -> None:
    config = hutch.env.config_home / "hutch" / "hutch.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[containers]\ncgroups = "disabled"\n')
    result = hutch("run", "--rm", "--pids-limit", "10", base_image, "echo", "ran")
    assert result.stdout == "ran\n"
    assert "--pids-limit will not be enforced" in result.stderr


def test_no_limit_flags_run_everywhere(hutch: Hutch, base_image: str) -> None:
    result = hutch("run", "--rm", base_image, "echo", "ran")
    assert result.stdout == "ran\n"
    assert result.stderr == ""


def test_bad_values_are_invalid_before_the_host_is_asked(hutch: Hutch, base_image: str) -> None:
    for flag, value, words in (
        ("--memory", "lots", "Error: invalid value for memory: invalid size: 'lots'"),  # podman's
        ("--cpus", "-1", "invalid --cpus"),
        ("--cgroups", "maybe", 'invalid cgroup mode "maybe": invalid argument'),  # podman's
        ("--device-read-bps", "/dev/null:1mb", "not a block device"),
    ):
        result = hutch("run", "--rm", flag, value, base_image, "true", check=False)
        assert result.returncode == 125
        assert words in result.stderr


def test_update_refuses_and_stats_reads_proc_without_cgroup(hutch: Hutch, base_image: str) -> None:
    cid = hutch("run", "-d", base_image, "sh", "-c", "sleep 30 & sleep 30 & wait").stdout.strip()
    try:
        update = hutch("update", "--memory", "64m", cid, check=False)
        assert update.returncode == 125
        assert "has no cgroup of its own" in update.stderr
        # No cgroup: the numbers of its processes in /proc (podman 4.3.1 refuses here)
        fields = "{{.ID}} {{.PIDs}} {{.MemUsageBytes}} {{.MemLimit}} {{.CPUUsec}}"
        named = hutch("stats", "--no-stream", "--format", fields, cid).stdout.split()
        assert named[0] == cid[:12]
        pids, memory, limit = int(named[1]), int(named[2]), int(named[3])
        assert pids == 3  # sh and its two sleeps
        assert 0 < memory < limit
        listing = hutch("stats", "--no-stream", "--format", "{{.ID}} {{.PIDs}}").stdout
        assert f"{cid[:12]} 3" in listing.splitlines()
    finally:
        hutch("rm", "-f", "--time", "0", cid)  # a shell as PID 1 ignores SIGTERM


def test_info_names_the_cgroup_manager(hutch: Hutch) -> None:
    out = hutch("info").stdout
    assert "cgroup manager: disabled: " in out
    assert "Delegate=yes" in out


BUILD_LIMITS = [
    ("--memory", "64m"),
    ("--cpu-shares", "512"),
    ("--cpu-period", "100000"),
    ("--cpu-quota", "50000"),
    ("--cpuset-cpus", "0"),
    ("--cpuset-mems", "0"),
    ("--cgroup-parent", "/mine"),  # run's placement, refused as run's (issue 15)
]


@pytest.mark.parametrize(("flag", "value"), BUILD_LIMITS, ids=[f for f, _ in BUILD_LIMITS])
def test_a_build_limit_is_refused_before_any_step(
    hutch: Hutch, base_image: str, tmp_path: Path, flag: str, value: str
) -> None:
    (tmp_path / "Containerfile").write_text("FROM base\nRUN echo ran-a-step\n")
    result = hutch("build", flag, value, "-t", "limited", str(tmp_path), check=False)
    assert result.returncode == 125
    assert "ran-a-step" not in result.stdout + result.stderr  # refused before any RUN
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith(f"Error: {flag} cannot be enforced: "), result.stderr
    assert "Delegate=yes" in message  # the fix
    assert message.endswith("or build without the limit flags")  # build has no --cgroups
    assert hutch("images", "-q", "limited", check=False).stdout == ""


def test_build_memory_swap_needs_memory_as_runs_does(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "Containerfile").write_text("FROM base\n")
    alone = hutch("build", "--memory-swap", "128m", str(tmp_path), check=False)
    assert alone.returncode == 125
    assert "you should always set a memory limit when using a memoryswap limit" in alone.stderr
    both = hutch("build", "-m", "64m", "--memory-swap", "-1", str(tmp_path), check=False)
    assert both.returncode == 125 and "--memory cannot be enforced" in both.stderr


def test_a_build_with_cgroups_disabled_runs_with_a_warning(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    config = hutch.env.config_home / "hutch" / "hutch.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[containers]\ncgroups = "disabled"\n')
    (tmp_path / "Containerfile").write_text("FROM base\nRUN echo ran-a-step\n")
    result = hutch("build", "-m", "64m", "-c", "512", "-t", "warned", str(tmp_path))
    assert "ran-a-step" in result.stdout
    assert "WARN: cgroups are disabled: --memory, --cpu-shares will not be enforced" in (
        result.stderr
    )
