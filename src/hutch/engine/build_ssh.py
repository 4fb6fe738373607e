"""``build --ssh``: the SSH agents that ``RUN --mount=type=ssh`` reaches.

The value is podman's (and docker buildx's): ``default|ID[=SOCKET|KEY[,KEY]]``.
An id alone (``default`` is the usual one) means the caller's agent,
``$SSH_AUTH_SOCK``; a socket path means that agent; key files mean a new
agent that holds only those keys, started for this build and stopped after
it, so that a RUN step can use a key without the key ever being in a layer.
The agent's socket is bind-mounted into the RUN step as it is: ssh-agent
accepts a client whose uid is its own or root, which a RUN step as the
image's root is (rootless, that is the user); a RUN step as another user is
refused by the agent (buildah forwards through a proxy socket for it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import subprocess
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from hutch.api.errors import InvalidArgument

_AGENT_WAIT = 5.0  # seconds for a started agent's socket to appear


def parse_ssh(item: str) -> tuple[str, tuple[str, ...]]:
    """``ID[=PATH[,PATH]]`` -> (id, paths); no paths: the caller's agent."""
    ident, sep, rest = item.partition("=")
    if not ident or (sep and not rest) or "," in ident:
        raise InvalidArgument(f"invalid --ssh {item!r}: expected default|ID[=SOCKET|KEY[,KEY]]")
    paths = tuple(p for p in rest.split(",") if p) if sep else ()
    if sep and not paths:
        raise InvalidArgument(f"invalid --ssh {item!r}: expected default|ID[=SOCKET|KEY[,KEY]]")
    return ident, paths


def ssh_agents(
    items: Sequence[str], environ: Mapping[str, str], stack: contextlib.ExitStack
) -> dict[str, Path]:
    """The agent socket of each ``--ssh`` id; agents started here stop with ``stack``."""
    out: dict[str, Path] = {}
    for item in items:
        ident, paths = parse_ssh(item)
        if ident in out:
            raise InvalidArgument(f"--ssh {ident}: given twice")
        if not paths:
            sock = environ.get("SSH_AUTH_SOCK", "")
            if not sock:
                raise InvalidArgument(
                    f"--ssh {item}: $SSH_AUTH_SOCK is not set: start an agent "
                    "(eval $(ssh-agent); ssh-add) or give a socket or key: --ssh ID=PATH"
                )
            out[ident] = _socket(ident, Path(sock))
        elif len(paths) == 1 and _is_socket(Path(paths[0])):
            out[ident] = _socket(ident, Path(paths[0]))
        else:
            out[ident] = _start_agent(ident, [Path(p) for p in paths], stack)
    return out


def _is_socket(path: Path) -> bool:
    try:
        return stat.S_ISSOCK(path.stat().st_mode)
    except OSError:
        return False


def _socket(ident: str, path: Path) -> Path:
    if not _is_socket(path):
        raise InvalidArgument(f"--ssh {ident}: {path} is not an agent's socket")
    return path.resolve()


def _start_agent(ident: str, keys: list[Path], stack: contextlib.ExitStack) -> Path:
    for key in keys:
        if not key.is_file():
            raise InvalidArgument(f"--ssh {ident}: {key} is neither a socket nor a key file")
    agent, add = shutil.which("ssh-agent"), shutil.which("ssh-add")
    if agent is None or add is None:
        raise InvalidArgument(
            f"--ssh {ident}: a key file needs ssh-agent and ssh-add to hold it "
            "(as root: apt-get install openssh-client), or give an agent's socket"
        )
    # A short path of its own (TMPDIR, mode 0700): a socket's path is at most 107
    # bytes, which a directory in the store can exceed.
    directory = Path(tempfile.mkdtemp(prefix="hutch-ssh-"))
    stack.callback(shutil.rmtree, directory, True)
    sock = directory / "agent.sock"
    # -D: in the foreground, so that the build owns it and stops it; -a: our socket
    process = subprocess.Popen(
        [agent, "-D", "-a", str(sock)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    stack.callback(_stop, process)
    deadline = time.monotonic() + _AGENT_WAIT
    while not _is_socket(sock):
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            said = process.communicate()[1].decode(errors="replace").strip()
            raise InvalidArgument(
                f"--ssh {ident}: ssh-agent did not start: {said or 'no reason given'}"
            )
        time.sleep(0.01)
    env = {**os.environ, "SSH_AUTH_SOCK": str(sock)}
    for key in keys:
        done = subprocess.run(
            [add, "-q", str(key)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        if done.returncode != 0:
            reason = done.stderr.decode(errors="replace").strip() or f"exit {done.returncode}"
            raise InvalidArgument(f"--ssh {ident}: ssh-add {key}: {reason}")
    return sock


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
