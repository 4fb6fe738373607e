"""Running hutch and podman side by side: argv, environment, timing, processes."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from benchcore import parse_ps_children, parse_smaps_rollup, parse_status_rss

SIDES = ("hutch", "podman")
# the per-container helpers whose memory counts with the monitor's
HELPER_COMMS = ("pasta", "passt", "slirp4netns", "rootlessport", "fuse-overlayfs")


class BenchError(Exception):
    """A command of the benchmark failed; the case is reported as missed with this text."""


class Tools:
    """How to run each tool: hutch in throw-away XDG dirs, podman with its own --root.

    ``subst`` maps placeholders (``{img}``, ``{iperf}``, ...) to each side's names;
    fixtures fill it in as they create images and registries.
    """

    def __init__(self, hutch: Path, podman: Path, work: Path) -> None:
        self.hutch = hutch
        self.podman = podman
        self.work = work
        self.hutch_env = isolated_hutch_env(work / "hutch")
        self.podman_env = dict(os.environ)
        # podman's own storage, so that its image list holds only what the bench made
        # and everything is removed at the end (its libpod tmp dir stays the user's)
        self.podman_root = work / "podman" / "storage"
        # on the same file system as hutch's runtime files (its default: the user's)
        self.podman_runroot = runtime_base(work / "podman")
        self.subst: dict[str, dict[str, str]] = {side: {} for side in SIDES}

    def argv(self, side: str, args: Sequence[str]) -> list[str]:
        words = self.subst[side]

        def fill(arg: str) -> str:
            for key, value in words.items():
                arg = arg.replace("{" + key + "}", value)
            return arg

        filled = [fill(a) for a in args]
        if side == "hutch":
            return [str(self.hutch), *filled]
        prefix = ["--root", str(self.podman_root), "--runroot", str(self.podman_runroot)]
        return [str(self.podman), *prefix, *filled]

    def env(self, side: str) -> dict[str, str]:
        return self.hutch_env if side == "hutch" else self.podman_env

    def run(
        self, side: str, args: Sequence[str], timeout: float = 300, capture: bool = False
    ) -> tuple[float, int, str, str]:
        """Run once; (seconds, status, stdout if ``capture``, stderr)."""
        argv = self.argv(side, args)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                argv,
                env=self.env(side),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as e:
            raise BenchError(f"{' '.join(argv)}: timed out after {timeout:g} s") from e
        return time.perf_counter() - start, proc.returncode, proc.stdout or "", proc.stderr

    def ok(self, side: str, args: Sequence[str], timeout: float = 300) -> tuple[float, str]:
        """Run once and insist on success; (seconds, stdout)."""
        seconds, status, out, err = self.run(side, args, timeout, capture=True)
        if status != 0:
            last = err.strip().splitlines()[-1] if err.strip() else ""
            raise BenchError(f"{side} {' '.join(args)} exited with {status}: {last}")
        return seconds, out

    def quiet(self, side: str, args: Sequence[str], timeout: float = 300) -> None:
        """Run for its effect, ignoring failure (clean-up)."""
        with contextlib.suppress(BenchError):
            self.run(side, args, timeout)


def isolated_hutch_env(base: Path) -> dict[str, str]:
    """hutch's throw-away XDG directories under ``base``; its runtime directory in the
    user's own (``runtime_base``), so that both tools keep their runtime files on the
    same kind of file system (a login session's tmpfs), as a user's do."""
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("HUTCH_", "XDG_", "CONTAINERS_"))
    }
    dirs = {
        "XDG_DATA_HOME": base / "data",
        "XDG_CONFIG_HOME": base / "config",
        "XDG_CACHE_HOME": base / "cache",
        "XDG_RUNTIME_DIR": runtime_base(base),
    }
    for d in dirs.values():
        d.mkdir(mode=0o700, parents=True)
    env.update({k: str(v) for k, v in dirs.items()})
    return env


def runtime_base(base: Path) -> Path:
    """A tool's runtime directory for a bench whose files of that tool are under
    ``base``: in the user's XDG_RUNTIME_DIR (named for ``base``, whose parent is a
    fresh temporary directory) where there is one, else ``base/run``. Its user
    removes it."""
    user = os.environ.get("XDG_RUNTIME_DIR")
    if not user:
        return base / "run"
    return Path(user) / f"{base.parent.name}-{base.name}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def host_address() -> str:
    """The host's own non-loopback IPv4 address (a container reaches the host there)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: no packet is sent for UDP connect
            address = str(s.getsockname()[0])
        except OSError as e:
            raise BenchError(f"no non-loopback IPv4 address: {e}") from e
    if address.startswith("127."):
        raise BenchError("no non-loopback IPv4 address")
    return address


def wait_listening(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise BenchError(f"nothing listened on port {port} within {seconds:g} s")


def first_byte(port: int, deadline: float) -> None:
    """Connect, send a request, wait for one byte of answer; retry until ``deadline``.

    A port forwarder may accept before the server inside listens, and then close
    or reset: that is no answer, so try again.
    """
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if s.recv(1):
                    return
        except OSError:
            pass
        time.sleep(0.005)
    raise BenchError(f"no answer on port {port}")


def process_table() -> dict[int, list[int]]:
    stats: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stats[int(entry)] = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
    return parse_ps_children(stats)


def comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return ""


def memory_kb(pid: int) -> Mapping[str, int]:
    """Rss and Pss in kB (Pss from smaps_rollup; VmRSS only if that cannot be read)."""
    try:
        fields = parse_smaps_rollup(Path(f"/proc/{pid}/smaps_rollup").read_text())
        if "Rss" in fields and "Pss" in fields:
            return {"Rss": fields["Rss"], "Pss": fields["Pss"]}
    except OSError:
        pass
    try:
        rss = parse_status_rss(Path(f"/proc/{pid}/status").read_text())
    except OSError as e:
        raise BenchError(f"process {pid} is gone") from e
    if rss is None:
        raise BenchError(f"no memory figures for process {pid}")
    raise BenchError(f"cannot read /proc/{pid}/smaps_rollup (VmRSS {rss} kB)")


def stop_session_holder(runtime_dir: Path) -> None:
    """End the bench's own hutch session holder (recorded as "PID STARTTIME MODE").

    The start time is compared with /proc so that a recycled pid is never signalled.
    """
    try:
        pid_s, start, _ = (runtime_dir / "hutch" / "session.pid").read_text().split()
        stat = Path(f"/proc/{pid_s}/stat").read_text()
    except (OSError, ValueError):
        return
    if stat.rsplit(")", 1)[-1].split()[19] == start:
        with contextlib.suppress(OSError):
            os.kill(int(pid_s), signal.SIGKILL)
