"""Helpers of the integration tests: run the real ``hutch`` as this unprivileged user.

Each test gets its own data, config and runtime directories (``HutchEnv``); the
fixtures in conftest.py build them and tear them down. Nothing here imports
hutch: the tests talk to the installed console script like a user would.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import pwd
import select
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
MAKE_ROOTFS = REPO_ROOT / "contrib" / "make-rootfs.sh"

# Settings of the outer environment that would leak the developer's own
# configuration (or a parent test run's) into an isolated hutch.
_LEAKY_PREFIXES = ("HUTCH_", "XDG_", "CONTAINERS_")
_LEAKY_NAMES = frozenset({"REGISTRY_AUTH_FILE", "DOCKER_CONFIG", "DOCKER_HOST"})


def hutch_binary() -> Path:
    """The console script installed next to the interpreter running the tests."""
    return Path(sys.executable).parent / "hutch"


class HutchCommandFailed(AssertionError):
    """A hutch command exited with an unexpected status; the message shows its output."""

    def __init__(self, argv: Sequence[str], result: subprocess.CompletedProcess[str]) -> None:
        self.argv = list(argv)
        self.result = result
        super().__init__(
            f"{' '.join(argv)} exited with {result.returncode}\n"
            f"--- stdout ---\n{result.stdout}--- stderr ---\n{result.stderr}"
        )


@dataclass(frozen=True)
class HutchEnv:
    """The isolated directories of one test and the environment that points hutch at them."""

    data_home: Path
    config_home: Path
    runtime_dir: Path
    home: Path
    # the session's warm caches (``seed_caches``): given to this home, taken back at
    # teardown; keyword-only, so that a subclass's own fields (DockerEnv's socket)
    # still come fifth when given by position
    cache_seed: Path | None = field(default=None, kw_only=True)

    @classmethod
    def create(cls, base: Path, cache_seed: Path | None = None) -> HutchEnv:
        # The runtime dir holds unix sockets (108 bytes for a path at most):
        # tmp_path is too deep for it, so it gets a short name directly in /tmp.
        runtime = Path(tempfile.mkdtemp(prefix="hutch-it-", dir="/tmp"))
        runtime.chmod(0o700)
        env = cls(base / "data", base / "config", runtime, base / "home", cache_seed=cache_seed)
        for d in (env.data_home, env.config_home, env.home):
            d.mkdir(parents=True, exist_ok=True)
        if cache_seed is not None:
            seed_caches(cache_seed, env.home / ".cache" / "hutch")
        return env

    @property
    def session_pid_file(self) -> Path:
        return self.runtime_dir / "hutch" / "session.pid"

    def environ(self) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(_LEAKY_PREFIXES) and k not in _LEAKY_NAMES
        }
        env.update(
            HOME=str(self.home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_CONFIG_HOME=str(self.config_home),
            XDG_RUNTIME_DIR=str(self.runtime_dir),
            XDG_CACHE_HOME=str(self.home / ".cache"),
            XDG_STATE_HOME=str(self.home / ".local" / "state"),
            LC_ALL="C.UTF-8",
        )
        return env

    def dirs(self) -> tuple[Path, ...]:
        return (self.data_home, self.config_home, self.home, self.runtime_dir)


class Hutch:
    """Callable running the hutch binary in a ``HutchEnv``: ``hutch("ps", "-a")``."""

    def __init__(self, env: HutchEnv, binary: Path | None = None) -> None:
        self.env = env
        self.binary = binary or hutch_binary()

    def __call__(
        self,
        *args: str,
        input: str | None = None,
        check: bool = True,
        timeout: float = 60,
        env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        __tracebackhide__ = True  # a failure shows the command's output, not this code
        argv = [str(self.binary), *args]
        environ = self.env.environ()
        if env:
            environ.update(env)
        result = subprocess.run(
            argv,
            input=input,
            capture_output=True,
            text=True,
            timeout=timeout,
            env=environ,
            # teardown may run this after removing the home directory
            cwd=self.env.home if self.env.home.is_dir() else None,
            # without input, a command that reads stdin must see EOF, not hang
            stdin=None if input is not None else subprocess.DEVNULL,
        )
        if check and result.returncode != 0:
            raise HutchCommandFailed(argv, result)
        # Whatever a command does, a Python traceback never reaches its user.
        if "Traceback (most recent call last)" in result.stderr and "--log-level" not in args:
            raise AssertionError(
                f"{' '.join(args)}: a traceback reached the user:\n{result.stderr}"
            )
        return result

    def popen(self, *args: str) -> subprocess.Popen[str]:
        """The command started, not waited for (stdin at EOF, stdout and stderr piped):
        for tests that signal it or run several at once."""
        return subprocess.Popen(
            [str(self.binary), *args],
            env=self.env.environ(),
            cwd=self.env.home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


# ---- preconditions -------------------------------------------------------------


def user_conf(env: HutchEnv, text: str) -> Path:
    """Write the user's containers.conf (the one ``$XDG_CONFIG_HOME/containers`` holds)."""
    path = env.config_home / "containers" / "containers.conf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def subid_ranges(path: Path, user: str, uid: int) -> list[tuple[int, int]]:
    """The (start, count) ranges /etc/subuid-style file PATH gives USER (by name or uid)."""
    try:
        lines = path.read_text().splitlines()
    except FileNotFoundError:
        return []
    ranges = []
    for line in lines:
        fields = line.strip().split(":")
        if (
            len(fields) == 3
            and fields[0] in (user, str(uid))
            and fields[1].isdigit()
            and fields[2].isdigit()
        ):
            ranges.append((int(fields[1]), int(fields[2])))
    return ranges


def rootless_problems() -> list[str]:
    """Why the integration tests cannot run rootless here; empty when they can."""
    problems = []
    uid = os.geteuid()
    if uid == 0:
        problems.append("running as root: integration tests must run as an unprivileged user")
    user = pwd.getpwuid(uid).pw_name
    for kind in ("uid", "gid"):
        if not subid_ranges(Path(f"/etc/sub{kind}"), user, uid):
            problems.append(
                f"no range for {user} in /etc/sub{kind} (contrib/setup-host.sh adds one)"
            )
    for tool in ("newuidmap", "newgidmap"):
        if shutil.which(tool) is None:
            problems.append(f"{tool} not found (Debian package uidmap)")
    return problems


def build_rootfs(out: Path) -> Path:
    """Build the busybox rootfs tarball with contrib/make-rootfs.sh."""
    subprocess.run(["bash", str(MAKE_ROOTFS), str(out)], check=True, capture_output=True)
    return out


def copy_store(source: HutchEnv, dest: HutchEnv) -> None:
    """DEST's store and event log made those of SOURCE, whose session has ended (its
    image store, layers and database as they are, and the events it logged).

    ``cp -a``: the layers' hard links, modes and times stay as extraction left them.
    """
    subprocess.run(
        ["cp", "-a", str(source.data_home / "hutch"), str(dest.data_home)],
        check=True,
        capture_output=True,
    )
    events = source.runtime_dir / "hutch" / "events"
    if events.is_dir():
        (dest.runtime_dir / "hutch").mkdir(mode=0o700, exist_ok=True)
        subprocess.run(
            ["cp", "-a", str(events), str(dest.runtime_dir / "hutch")],
            check=True,
            capture_output=True,
        )


# ---- the session's warm caches ----------------------------------------------------

# Files of hutch's user cache keyed by their whole content, so that one made by any
# test is what every other would make: the code ``dataclasses`` compiles
# (util/codecache.py, the CLI's and the monitor's) and compiled seccomp filters
# (engine/security.py). Not the compose caches: tests look at those.
_SEEDED = ("dataclass-code-*.bin", "seccomp/*.bpf")


def seed_caches(seed: Path, cache: Path) -> None:
    """Give a test's hutch cache dir CACHE the session's warm files from SEED.

    A fresh home compiled every dataclass of each command again, and its first
    ``run`` a seccomp filter: ~0.2 s of CPU a test (a cold ``run --rm`` 0.44 s, a
    warm one 0.25), some 1,600 times a run. Both caches are replaced by renaming a
    new file over the old, never written in place, so a hard link is a safe copy.
    """
    for source in (path for pattern in _SEEDED for path in seed.glob(pattern)):
        target = cache / source.relative_to(seed)
        target.parent.mkdir(parents=True, exist_ok=True)
        _link_or_copy(source, target)


def harvest_caches(cache: Path, seed: Path) -> None:
    """Keep in SEED what a test's cache dir CACHE has added: a code cache only grows
    as commands add their classes, so the larger file is the one to keep."""
    for source in (path for pattern in _SEEDED for path in cache.glob(pattern)):
        target = seed / source.relative_to(cache)
        try:
            if target.stat().st_size >= source.stat().st_size:
                continue
        except FileNotFoundError:
            pass
        target.parent.mkdir(parents=True, exist_ok=True)
        staged = target.with_name(f".{target.name}.{os.getpid()}")
        _link_or_copy(source, staged)
        os.replace(staged, target)


def _link_or_copy(source: Path, target: Path) -> None:
    """A hard link where the file system allows one, else a copy."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# ---- teardown ------------------------------------------------------------------


def _proc_uid(pid: int) -> int | None:
    # The owner of /proc/PID is the process's uid, one stat where status is a page of
    # text (each test's scan reads every process of the machine); a process that is
    # not dumpable shows root there: its status says whose it is.
    try:
        owner = os.stat(f"/proc/{pid}").st_uid
    except OSError:
        return None
    if owner != 0:
        return owner
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("Uid:"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError, PermissionError):
        pass
    return None


def _mentions(pid: int, needle: bytes) -> bool:
    for name in ("environ", "cmdline"):
        try:
            if needle in _read_proc(f"/proc/{pid}/{name}"):
                return True
        except OSError:
            continue
    return False


def _read_proc(path: str) -> bytes:
    """A /proc file's bytes through os.read: pathlib's read_bytes costs more than the
    read itself, on every process of the machine at every test's teardown."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _describe(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "gone"


def leftover_pids(env: HutchEnv) -> list[int]:
    """Processes of ours that still belong to this test's hutch session.

    The session's namespace holder (its pid in session.pid) and anything started
    with the test's runtime dir in its environment or command line: monitors,
    pasta/slirp4netns, container processes.
    """
    found: set[int] = set()
    try:
        # session.pid holds "PID STARTTIME MODE"
        pid = int(env.session_pid_file.read_text().split()[0])
        if _proc_uid(pid) is not None and not _is_zombie(pid):
            found.add(pid)
    except (FileNotFoundError, ValueError):
        pass
    found.update(processes_mentioning(str(env.runtime_dir)))
    return sorted(found)


def processes_mentioning(text: str) -> list[int]:
    """Live processes of ours, other than this one, with TEXT in their environment
    or command line."""
    me = os.getuid()
    needle = text.encode()
    found = []
    mine = os.getpid()
    for name in os.listdir("/proc"):
        if name.isdigit() and int(name) != mine:
            pid = int(name)
            if _proc_uid(pid) == me and _mentions(pid, needle) and not _is_zombie(pid):
                found.append(pid)
    return found


def kill_all(pids: Iterable[int], grace: float = 2.0) -> None:
    """SIGTERM, wait up to GRACE seconds, then SIGKILL what is left."""
    pending = set(pids)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in list(pending):
            try:
                os.kill(pid, sig)
            except ProcessLookupError:
                pending.discard(pid)
        deadline = time.monotonic() + grace
        while pending and time.monotonic() < deadline:
            pending = {p for p in pending if _proc_uid(p) is not None and not _is_zombie(p)}
            time.sleep(0.02)
        if not pending:
            return


def _is_zombie(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True
    # the state follows the parenthesised command name, which may contain spaces
    return stat.rsplit(")", 1)[1].split()[0] in ("Z", "X")


def remove_tree(path: Path, hutch: Hutch | None) -> str | None:
    """Remove PATH; files owned by subordinate ids need ``hutch unshare rm -rf``.

    Returns a description of what could not be removed, or None.
    """
    if not path.exists():
        return None
    shutil.rmtree(path, ignore_errors=True)
    if not path.exists():
        return None
    if hutch is None:
        return f"{path}: could not be removed"
    try:
        result = hutch("unshare", "rm", "-rf", str(path), check=False, timeout=30)
    except (subprocess.TimeoutExpired, OSError) as e:
        return f"{path}: hutch unshare rm -rf failed: {e}"
    if not path.exists():
        return None
    return f"{path}: hutch unshare rm -rf failed ({result.returncode}): {result.stderr.strip()}"


def teardown(env: HutchEnv, hutch: Hutch) -> list[str]:
    """Reset hutch's state, stop the session, remove the directories; list the problems.

    Everything is attempted even after a failure, so that one broken test does
    not leave processes or files behind for the next.
    """
    problems = []
    if env.cache_seed is not None:
        try:
            harvest_caches(env.home / ".cache" / "hutch", env.cache_seed)
        except OSError as e:
            problems.append(f"the caches could not be kept: {e}")
    try:
        reset = hutch("system", "reset", "--force", check=False, timeout=60)
        if reset.returncode != 0:
            problems.append(
                f"hutch system reset --force exited with {reset.returncode}: {reset.stderr.strip()}"
            )
        else:
            runtime = env.runtime_dir / "hutch"
            left_files = sorted(p.name for p in runtime.iterdir()) if runtime.is_dir() else []
            if left_files:
                problems.append(f"files left in the runtime dir after reset: {left_files}")
    except subprocess.TimeoutExpired:
        problems.append("hutch system reset --force timed out")
    except OSError as e:
        problems.append(f"hutch system reset --force could not run: {e}")

    left = leftover_pids(env)
    # Some may be exiting right now: a monitor that ``run`` started ahead of
    # a container that then failed to be created exits once its imports end.
    deadline = time.monotonic() + 5.0
    while left and time.monotonic() < deadline:
        time.sleep(0.05)
        left = leftover_pids(env)
    if left:
        described = [f"{pid} ({_describe(pid)})" for pid in left]
        problems.append(f"processes left after hutch system reset: {described}")
        kill_all(left)

    helper: Hutch | None = hutch if hutch.binary.exists() else None
    for d in (env.data_home, env.config_home, env.home):
        problem = remove_tree(d, helper)
        if problem:
            problems.append(problem)
    # `hutch unshare` (remove_tree's way to files of subordinate ids) may have started
    # a new session holder: stop it too. Only then: a scan of /proc is ~15 ms a test.
    if env.session_pid_file.exists():
        kill_all(leftover_pids(env))
    problem = remove_tree(env.runtime_dir, None)
    if problem:
        problems.append(problem)
    return problems


def run_in_pty(
    hutch: Hutch,
    args: list[str],
    *,
    steps: tuple[tuple[bytes, bytes], ...] = (),
    typeahead: bytes = b"",
    rows: int = 24,
    cols: int = 80,
    timeout: float = 30,
    environ: Mapping[str, str] | None = None,
) -> tuple[int | None, str]:
    """Run hutch with a new pseudo-terminal (ROWS x COLS) as its stdio.

    ENVIRON is laid over the test environment (``TERM`` for a program that asks).

    TYPEAHEAD is typed before hutch starts; each step (PROMPT, TEXT) types TEXT
    once PROMPT has appeared in the output. Returns (exit code or None if hutch
    was still running after TIMEOUT seconds and had to be killed, output).
    """
    master, slave = os.openpty()
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    if typeahead:
        os.write(master, typeahead)
    try:
        proc = subprocess.Popen(
            [str(hutch.binary), *args],
            env={**hutch.env.environ(), **(environ or {})},
            cwd=hutch.env.home,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            start_new_session=True,
        )
    finally:
        os.close(slave)
    output = bytearray()
    pending = list(steps)
    code: int | None = None
    try:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if pending and pending[0][0] in output:
                os.write(master, pending.pop(0)[1])
            ready, _, _ = select.select([master], [], [], 0.1)
            if not ready:
                if proc.poll() is not None:
                    break
                continue
            try:
                data = os.read(master, 4096)
            except OSError as exc:
                if exc.errno != errno.EIO:  # EIO: every slave fd is closed
                    raise
                break
            output += data
        if time.monotonic() < deadline:  # the terminal closed: hutch is exiting
            with contextlib.suppress(subprocess.TimeoutExpired):
                code = proc.wait(timeout=5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    return code, output.decode(errors="replace").replace("\r", "")


def pids_with_cmdline(argv: list[str]) -> list[int]:
    """Host pids whose command line is exactly ``argv`` (a test's marker process)."""
    wanted = b"".join(a.encode() + b"\0" for a in argv)
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if (entry / "cmdline").read_bytes() == wanted:
                found.append(int(entry.name))
        except OSError:  # gone while we looked, or not ours to read
            continue
    return found
