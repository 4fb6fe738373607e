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


def refuse_remote(*, url: str | None, connection: str | None, remote: bool) -> None:
    for flag, given in (("--url", url), ("--connection", connection), ("--remote", remote)):
        if given:
            raise InvalidArgument(f"{flag} is not supported: {REMOTE_HINT}")


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
