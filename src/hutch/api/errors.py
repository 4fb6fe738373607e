"""Errors hutch raises, each carrying the exit code podman would give.

The CLI maps errors to exit codes in exactly one place (``hutch.cli.exits``):
everything else raises one of these and never calls ``sys.exit`` itself.
"""

from __future__ import annotations

EXIT_ENGINE = 125
EXIT_CANNOT_INVOKE = 126
EXIT_NOT_FOUND = 127


class HutchError(Exception):
    """An error of hutch itself (exit 125 unless a subclass says otherwise)."""

    exit_code = EXIT_ENGINE

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class InvalidArgument(HutchError):
    """A flag value, reference or file the user gave is not acceptable."""


class UnknownDescriptor(InvalidArgument):
    """A ``top`` descriptor hutch does not know (or a ps(1) option such as ``-eo``):
    podman's ``top`` then runs ps(1) in the container with the words as given."""


class NeedsUnshare(InvalidArgument):
    """A rootless mount outside ``hutch unshare``: the mount would live in a mount
    namespace the caller never sees (podman's refusal; ``command`` is the verb's words,
    which the CLI may replace by the path it was called by, ``container mount``)."""

    def __init__(self, command: str) -> None:
        super().__init__(
            f'cannot run command "hutch {command}" in rootless mode, '
            "must execute `hutch unshare` first"
        )
        self.command = command


class NoSuchObject(HutchError):
    """A named image, container, volume or network does not exist."""


class Conflict(HutchError):
    """The object exists but is in a state that forbids the operation."""


class ImageInUse(Conflict):
    """``rmi`` of an image a container or a running build stands on (podman: exit 2)."""

    exit_code = 2


class HostNotReady(HutchError):
    """The host lacks something hutch needs (subordinate ids, a device, a tool)."""


class CannotInvoke(HutchError):
    """The container's command exists but cannot be executed (exit 126)."""

    exit_code = EXIT_CANNOT_INVOKE


class PortInUse(HutchError):
    """A published host port cannot be bound (podman fails the start: exit 126)."""

    exit_code = EXIT_CANNOT_INVOKE


class VolumeMountFailed(HutchError):
    """A volume cannot be mounted at start (podman's run fails: exit 126)."""

    exit_code = EXIT_CANNOT_INVOKE


class NoLogKept(HutchError):
    """``logs`` of a container whose driver keeps no log (none, passthrough): compose
    passes over it with a warning, as docker compose does."""


class CommandNotFound(HutchError):
    """The container's command does not exist (exit 127)."""

    exit_code = EXIT_NOT_FOUND


class UnsafeArchive(HutchError):
    """A tar entry would land outside the directory it is extracted into."""


class LayerNotTar(HutchError):
    """``import`` of a file that is no tar archive: ``blob`` is the digest of what was
    read, which podman names in its "Copying blob" line before the error."""

    def __init__(self, message: str, blob: str) -> None:
        super().__init__(message)
        self.blob = blob


class Cancelled(HutchError):
    """The caller went away (an API client that disconnected from a load or an
    import): the work stopped before it recorded an image."""


class Interrupted(KeyboardInterrupt):
    """A ^C (or, for ``run``, another terminating signal) stopped a registry
    transfer: a pull or a push, or the pull inside ``run``, ``create`` and
    ``build``. Its workers ended and cleaned up first (registry/interrupt.py).
    The CLI ends with 1 and no message, as podman's shutdown handler does on
    SIGINT (4.3.1 measured with a stalled registry), not with 130."""
