"""hutch's global options that act before any command: checks and output redirection."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from hutch.api.errors import InvalidArgument

# podman's (logrus's) levels, in podman's order for its message.
LOG_LEVELS = ("trace", "debug", "info", "warn", "warning", "error", "fatal", "panic")
REMOTE_HINT = (
    "hutch is daemonless and has no remote mode: run hutch on the machine that holds "
    "the containers (over ssh, for example)"
)


def check_log_level(level: str) -> None:
    """podman's check, its wording and exit status 1 (before any command runs)."""
    if level.lower() not in LOG_LEVELS:
        sys.stderr.write(
            f'Log Level "{level}" is not supported, choose from: {", ".join(LOG_LEVELS)}\n'
        )
        import typer

        raise typer.Exit(1)


def refuse_remote(
    *,
    url: str | None,
    connection: str | None,
    remote: bool,
    identity: str | None = None,
    ssh: str | None = None,
) -> None:
    given_flags = (
        ("--url", url),
        ("--connection", connection),
        ("--remote", remote),
        ("--identity", identity),  # the ssh key of a remote connection
        ("--ssh", ssh),  # how a remote connection speaks ssh
    )
    for flag, given in given_flags:
        if given:
            raise InvalidArgument(f"{flag} is not supported: {REMOTE_HINT}")


# podman's global flags that choose where a part of its data lives, or a libpod
# namespace: ignoring them would put the user's objects where they did not ask, so
# they are refused with what hutch does instead
MOVED_DATA = {
    "--namespace": "hutch has no libpod namespaces: give a separate store its own --root "
    "and --runroot",
    "--network-config-dir": "hutch keeps network definitions in its store: give another "
    "store with --root",
    "--volumepath": "hutch keeps volumes in its store: give another store with --root",
    "--network-cmd-path": "hutch finds slirp4netns and pasta on PATH: put the directory of "
    "the one to use first in PATH",
}


def refuse_moved_data(given: dict[str, str | None]) -> None:
    for flag, value in given.items():
        if value is not None:
            raise InvalidArgument(f"{flag} is not supported: {MOVED_DATA[flag]}")


def warn_builtin_parts(
    *, runtime: str | None, runtime_flags: Sequence[str], conmon: str | None
) -> None:
    """podman's --runtime, --runtime-flag and --conmon choose the OCI runtime and the
    monitor it starts; hutch's are built in, so they are accepted (scripts written for
    podman pass them) and said to be ignored, on stderr, once each."""
    for flag, value in (("--runtime", runtime), ("--conmon", conmon)):
        if value is not None:
            sys.stderr.write(
                f"WARN: {flag} {value}: hutch's runtime and container monitor are built in; "
                "ignored\n"
            )
    warn_runtime_flags(list(runtime_flags))


def warn_hooks_dirs(dirs: list[str] | None) -> None:
    """The global --hooks-dir and build's (here for both: build's fast path has no
    typer). podman's RUN would run the OCI hooks of these directories; hutch runs
    none, so a directory that holds some (*.json) is named: an empty or missing one
    changes nothing, and passes in silence as podman's does."""
    import pathlib

    for directory in dirs or ():
        if any(pathlib.Path(directory).glob("*.json")):
            print(
                f"WARN: --hooks-dir {directory}: hutch runs no OCI hooks; its hooks are not run",
                file=sys.stderr,
            )


def warn_runtime_flags(flags: list[str] | None) -> None:
    # podman passes them to its OCI runtime (crun, runc); hutch has none to pass them to
    for flag in flags or ():
        print(
            f"WARN: --runtime-flag {flag}: hutch's runtime is built in and takes no flags; ignored",
            file=sys.stderr,
        )


def check_storage_opts(options: Sequence[str]) -> None:
    """hutch's drivers take no options; podman's ``--storage-opt ""`` (none) is accepted."""
    for option in options:
        if option.strip():
            raise InvalidArgument(
                f"storage option {option!r} is not supported: hutch's storage drivers "
                "(overlay, fuse-overlayfs, vfs) take no options; --storage-driver chooses one"
            )


def use_tmpdir(path: str) -> None:
    """Temporary files of hutch and its helpers go to ``path`` (created like podman's)."""
    try:
        os.makedirs(path, mode=0o700, exist_ok=True)
    except OSError as exc:
        raise InvalidArgument(f"--tmpdir {path}: {exc.strerror}") from exc
    os.environ["TMPDIR"] = os.path.abspath(path)


def redirect_stdout(path: str) -> None:
    """hutch's own output goes to ``path``; containers keep the real stdout (podman's rule).

    Only Python's ``sys.stdout`` is replaced: file descriptor 1, which a
    container started in the foreground inherits, still points where it did.
    """
    try:
        sys.stdout = open(path, "w", encoding="utf-8")  # noqa: SIM115 - lives until exit
    except OSError as exc:
        raise InvalidArgument(f"--out {path}: {exc.strerror}") from exc
