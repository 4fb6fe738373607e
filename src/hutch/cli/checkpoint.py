"""``hutch container checkpoint`` and ``restore``: refused with the reason (CRIU).

Every flag of podman's is declared, so that a podman user's command line is
parsed as podman parses it (a misspelt flag is still an unknown flag) and then
meets the one refusal: hutch is rootless and CRIU needs root, as podman says.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import targets as t

CRIU_HINT = (
    "hutch is rootless: checkpoint and restore need CRIU with CAP_SYS_ADMIN "
    "(podman refuses them rootless too); stop and start the container instead"
)
_NO_CRIU = "Accepted as podman's; the command is refused (no CRIU rootless)."


def _flag(*names: str) -> Any:
    """A flag of podman's, declared only to be accepted: its help says so."""
    return typer.Option(*names, help=_NO_CRIU)


def register(container_app: typer.Typer) -> None:
    @container_app.command("checkpoint")
    def checkpoint(
        names: t.Names = None,
        all_: Annotated[bool, t.all_option(_NO_CRIU)] = False,
        latest: t.Latest = False,
        compress: Annotated[str | None, _flag("--compress", "-c")] = None,
        create_image: Annotated[str | None, _flag("--create-image")] = None,
        export: Annotated[str | None, _flag("--export", "-e")] = None,
        file_locks: Annotated[bool, _flag("--file-locks")] = False,
        ignore_rootfs: Annotated[bool, _flag("--ignore-rootfs")] = False,
        ignore_volumes: Annotated[bool, _flag("--ignore-volumes")] = False,
        keep: Annotated[bool, _flag("--keep", "-k")] = False,
        leave_running: Annotated[bool, _flag("--leave-running", "-R")] = False,
        pre_checkpoint: Annotated[bool, _flag("--pre-checkpoint", "-P")] = False,
        print_stats: Annotated[bool, _flag("--print-stats")] = False,
        tcp_established: Annotated[bool, _flag("--tcp-established")] = False,
        tcp_skip_in_flight: Annotated[bool, _flag("--tcp-skip-in-flight")] = False,
        with_previous: Annotated[bool, _flag("--with-previous")] = False,
    ) -> None:
        """Refused: checkpointing needs CRIU and root (podman's rootless refusal)."""
        # podman checks the targets and --compress first: its words for those come first
        if not (names or all_ or latest):
            raise InvalidArgument("you must provide at least one name or id")
        if compress is not None and export is None:
            raise InvalidArgument("--compress can only be used with --export")
        if compress is not None and compress not in ("gzip", "none", "zstd"):
            raise InvalidArgument(
                f'selected compression algorithm ("{compress}") not supported. '
                "Please select one from: gzip, none, zstd"
            )
        raise InvalidArgument("checkpointing a container requires root", hint=CRIU_HINT)

    @container_app.command("restore")
    def restore(
        names: Annotated[list[str] | None, typer.Argument(help="Containers or images.")] = None,
        all_: Annotated[bool, t.all_option(_NO_CRIU)] = False,
        latest: t.Latest = False,
        file_locks: Annotated[bool, _flag("--file-locks")] = False,
        ignore_rootfs: Annotated[bool, _flag("--ignore-rootfs")] = False,
        ignore_static_ip: Annotated[bool, _flag("--ignore-static-ip")] = False,
        ignore_static_mac: Annotated[bool, _flag("--ignore-static-mac")] = False,
        ignore_volumes: Annotated[bool, _flag("--ignore-volumes")] = False,
        import_: Annotated[str | None, _flag("--import", "-i")] = None,
        import_previous: Annotated[str | None, _flag("--import-previous")] = None,
        keep: Annotated[bool, _flag("--keep", "-k")] = False,
        name: Annotated[str | None, _flag("--name", "-n")] = None,
        pod: Annotated[str | None, _flag("--pod")] = None,
        print_stats: Annotated[bool, _flag("--print-stats")] = False,
        publish: Annotated[list[str] | None, _flag("--publish", "-p")] = None,
        tcp_established: Annotated[bool, _flag("--tcp-established")] = False,
        tcp_skip_in_flight: Annotated[bool, _flag("--tcp-skip-in-flight")] = False,
    ) -> None:
        """Refused: restoring needs CRIU and root (podman's rootless refusal)."""
        # podman refuses a rootless restore before it looks at the targets
        raise InvalidArgument("restoring a container requires root", hint=CRIU_HINT)
