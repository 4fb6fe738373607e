"""Self-tests of the integration harness; none of them needs a working ``hutch run``."""

from __future__ import annotations

import stat
import subprocess
import tarfile
from pathlib import Path

import pytest
from harness import (
    REPO_ROOT,
    Hutch,
    HutchCommandFailed,
    HutchEnv,
    build_rootfs,
    harvest_caches,
    kill_all,
    leftover_pids,
    seed_caches,
)


def _members(tar_path: Path) -> dict[str, tarfile.TarInfo]:
    with tarfile.open(tar_path) as tar:
        return {m.name: m for m in tar.getmembers()}


def _read(tar_path: Path, name: str) -> str:
    with tarfile.open(tar_path) as tar:
        f = tar.extractfile(name)
        assert f is not None
        return f.read().decode()


def test_rootfs_has_busybox_users_and_sticky_tmp(rootfs_tar: Path) -> None:
    members = _members(rootfs_tar)
    busybox = members["bin/busybox"]
    assert busybox.isfile() and busybox.mode == 0o755 and busybox.size > 100_000
    assert members["bin/sh"].issym() and members["bin/sh"].linkname == "/bin/busybox"
    assert members["usr/bin/env"].issym()
    assert members["tmp"].isdir() and members["tmp"].mode == 0o1777
    assert stat.S_ISVTX & members["tmp"].mode

    passwd = _read(rootfs_tar, "etc/passwd").splitlines()
    assert "root:x:0:0:root:/root:/bin/sh" in passwd
    assert "user:x:1000:1000:user:/home/user:/bin/sh" in passwd
    assert any(line.startswith("nobody:x:65534:65534:") for line in passwd)
    group_lines = _read(rootfs_tar, "etc/group").split()
    groups = {line.split(":")[0]: line.split(":")[2] for line in group_lines}
    assert groups == {"root": "0", "tty": "5", "user": "1000", "nogroup": "65534"}

    owners = {name: (m.uid, m.gid) for name, m in members.items()}
    assert owners.pop("home/user") == (1000, 1000)
    assert set(owners.values()) == {(0, 0)}


def test_rootfs_build_is_reproducible(rootfs_tar: Path, tmp_path: Path) -> None:
    again = build_rootfs(tmp_path / "again.tar")
    assert again.read_bytes() == rootfs_tar.read_bytes()


def _fake_hutch(tmp_path: Path) -> Path:
    script = tmp_path / "fake-hutch"
    script.write_text(
        "#!/bin/sh\n"
        'echo "args=$* data=$XDG_DATA_HOME run=$XDG_RUNTIME_DIR extra=$EXTRA"\n'
        'echo "complaint" >&2\n'
        'test "$1" != fail\n'
    )
    script.chmod(0o755)
    return script


def test_hutch_runner_isolates_env_and_shows_output_on_failure(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUTCH_SOMETHING", "leaks")
    env = HutchEnv.create(tmp_path / "h")
    try:
        hutch = Hutch(env, _fake_hutch(tmp_path))
        ok = hutch("ps", "-a", env={"EXTRA": "x"})
        assert ok.stdout == (f"args=ps -a data={env.data_home} run={env.runtime_dir} extra=x\n")
        assert "HUTCH_SOMETHING" not in env.environ()
        assert stat.S_IMODE(env.runtime_dir.stat().st_mode) == 0o700

        with pytest.raises(HutchCommandFailed) as failed:
            hutch("fail")
        assert failed.value.result.returncode == 1
        assert "complaint" in str(failed.value) and "args=fail" in str(failed.value)
        assert hutch("fail", check=False).returncode == 1
    finally:
        env.runtime_dir.rmdir()


def test_leftover_processes_of_a_session_are_found_and_killed(tmp_path: Path) -> None:
    env = HutchEnv.create(tmp_path / "h")
    try:
        stray = subprocess.Popen(["sleep", "60"], env=env.environ())
        holder = subprocess.Popen(["sleep", "60"])
        env.session_pid_file.parent.mkdir()
        env.session_pid_file.write_text(f"{holder.pid}\n")
        assert leftover_pids(env) == sorted([stray.pid, holder.pid])
        kill_all(leftover_pids(env))
        assert stray.wait(timeout=5) < 0 and holder.wait(timeout=5) < 0
        assert leftover_pids(env) == []
    finally:
        subprocess.run(["rm", "-rf", str(env.runtime_dir)], check=True)


def test_require_all_turns_skips_into_failures(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytester.makeconftest((REPO_ROOT / "tests" / "conftest.py").read_text())
    pytester.makepyfile(
        test_x="""
        import pytest

        def test_ok():
            pass

        def test_skipped():
            pytest.skip("no frobnicator")

        @pytest.mark.xfail(reason="known")
        def test_xfail():
            assert False
        """
    )
    monkeypatch.delenv("HUTCH_REQUIRE_ALL", raising=False)
    pytester.runpytest().assert_outcomes(passed=1, skipped=1, xfailed=1)

    monkeypatch.setenv("HUTCH_REQUIRE_ALL", "1")
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines(["*no frobnicator*"])


def test_a_subclass_field_given_by_position_stays_its_own(tmp_path: Path) -> None:
    """The cache seed is keyword-only: DockerEnv's socket, given fifth, is the socket
    (given to the seed instead, every docker client went to unix://.)."""
    from service_helpers import DockerEnv

    socket = tmp_path / "s.sock"
    env = DockerEnv(tmp_path / "d", tmp_path / "c", tmp_path / "r", tmp_path / "h", socket)
    assert env.socket_path == socket and env.cache_seed is None
    assert env.environ()["DOCKER_HOST"] == f"unix://{socket}"


def test_a_home_starts_with_the_seeded_caches_and_gives_back_what_grew(tmp_path: Path) -> None:
    seed, cache = tmp_path / "seed", tmp_path / "home" / ".cache" / "hutch"
    (seed / "seccomp").mkdir(parents=True)
    (seed / "dataclass-code-x.bin").write_bytes(b"small")
    (seed / "seccomp" / "k.bpf").write_bytes(b"filter")
    (seed / "compose-model").mkdir()  # not content-keyed: tests look at it, not seeded
    seed_caches(seed, cache)
    assert (cache / "dataclass-code-x.bin").read_bytes() == b"small"
    assert (cache / "seccomp" / "k.bpf").stat().st_ino == (seed / "seccomp" / "k.bpf").stat().st_ino
    assert not (cache / "compose-model").exists()
    # a command saves its cache by renaming a new file over the old: the seed keeps its own
    grown = cache / ".new"
    grown.write_bytes(b"small and more")
    grown.replace(cache / "dataclass-code-x.bin")
    (cache / "dataclass-code-y.bin").write_bytes(b"new")
    assert (seed / "dataclass-code-x.bin").read_bytes() == b"small"
    harvest_caches(cache, seed)
    assert (seed / "dataclass-code-x.bin").read_bytes() == b"small and more"
    assert (seed / "dataclass-code-y.bin").read_bytes() == b"new"
    (cache / "dataclass-code-y.bin").unlink()
    (cache / "dataclass-code-y.bin").write_bytes(b"")  # smaller: the seed's stays
    harvest_caches(cache, seed)
    assert (seed / "dataclass-code-y.bin").read_bytes() == b"new"
