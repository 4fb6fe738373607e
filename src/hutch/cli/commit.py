"""``hutch commit`` / ``hutch container commit``: a new image from a container."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.cli.state import state_of

if TYPE_CHECKING:
    pass


def register(app: typer.Typer, container_app: typer.Typer) -> None:
    def commit(
        ctx: typer.Context,
        container: Annotated[str, typer.Argument(help="Container.")],
        image: Annotated[str | None, typer.Argument(help="Name for the new image.")] = None,
        change: Annotated[
            list[str] | None,
            typer.Option(
                "--change",
                "-c",
                help="Apply a Containerfile instruction to the config (CMD, ENTRYPOINT, ENV, "
                "EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR).",
            ),
        ] = None,
        message: Annotated[
            str | None, typer.Option("--message", "-m", help="Commit message for the history.")
        ] = None,
        author: Annotated[
            str | None, typer.Option("--author", "-a", help="Author recorded in the image.")
        ] = None,
        pause: Annotated[
            bool,
            typer.Option(
                "--pause/--no-pause",
                "-p",
                help="Pause the container while committing (podman's default: no).",
            ),
        ] = False,
        fmt: Annotated[
            str, typer.Option("--format", "-f", help="Image format: oci (default) or docker.")
        ] = "oci",
        squash: Annotated[
            bool,
            typer.Option("--squash", "-s", help="Make one layer of the whole file system."),
        ] = False,
        iidfile: Annotated[
            str | None, typer.Option("--iidfile", help="Write the image id to this file.")
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print no progress information.")
        ] = False,
        include_volumes: Annotated[
            bool,
            typer.Option(
                "--include-volumes",
                help="Add the container's volumes and bind mounts to the image's volumes "
                "(its anonymous volumes are added always).",
            ),
        ] = False,
    ) -> None:
        """Create a new image from a container's changes."""
        from hutch.api.containers import CommitOptions
        from hutch.api.errors import InvalidArgument

        if message is not None and fmt != "docker":
            # podman's refusal: an OCI image config has no field for the message
            raise InvalidArgument(
                "messages are only compatible with the docker image format (-f docker)"
            )
        options = CommitOptions(
            container,
            image,
            tuple(change or ()),
            message,
            author,
            pause,
            fmt,
            squash,
            iidfile,
            include_volumes,
        )
        engine = state_of(ctx).engine()
        # a missing container is refused before any progress line, as podman does
        if not quiet and engine.containers.exists(container):
            print("Getting image source signatures", file=sys.stderr)
        report = engine.containers.commit(options)
        if not quiet:  # podman's copy into its store, in its words
            for layer in report.layers:
                print(f"Copying blob {layer}", file=sys.stderr)
            print(f"Copying config sha256:{report.id}", file=sys.stderr)
            print("Writing manifest to image destination", file=sys.stderr)
            print("Storing signatures", file=sys.stderr)
        print(report.id)

    app.command("commit")(commit)
    container_app.command("commit")(commit)
