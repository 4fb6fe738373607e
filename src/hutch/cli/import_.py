"""``hutch import``: make an image from a root filesystem tarball.

``import_command`` does the work, for the fast path (cli/fast.py) and typer
alike; cli/stop.py says how such a module imports without typer.
"""

import sys

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def import_command(
    state: "AppState",
    *,
    source: str,
    reference: "str | None",
    change: "list[str] | None",
    message: "str | None",
    quiet: bool,
    arch: "str | None",
    os_: "str | None",
    variant: "str | None",
) -> int:
    """Import a tarball as a new single-layer image."""
    from hutch.api.errors import LayerNotTar
    from hutch.api.images import ImportOptions, is_import_url

    engine = state.engine()
    if is_import_url(source):  # podman's line, on stdout, -q or not
        print(f'Downloading from "{source}"', flush=True)
    try:
        report = engine.images.import_(
            ImportOptions(
                source,
                reference,
                tuple(change or ()),
                message,
                arch=arch,
                os=os_,
                variant=variant,
            )
        )
    except LayerNotTar as exc:
        if not quiet:  # podman had begun its copy when the layer failed
            print("Getting image source signatures", file=sys.stderr)
            print(f"Copying blob {exc.blob}", file=sys.stderr)
        raise
    if not quiet:  # podman's copy into its store, in its words
        for line in (
            "Getting image source signatures",
            f"Copying blob {report.blob}",
            f"Copying config sha256:{report.id}",
            "Writing manifest to image destination",
            "Storing signatures",
        ):
            print(line, file=sys.stderr)
    # podman prints the id with --quiet too (it silences only the progress)
    print(f"sha256:{report.id}")
    return 0


def register(app: "typer.Typer", image_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def import_cmd(
        ctx: typer.Context,
        source: Annotated[
            str,
            typer.Argument(
                help="Tarball (plain, gzip or zstd) of a root filesystem, - for stdin, "
                "or an http(s) URL."
            ),
        ],
        reference: Annotated[str | None, typer.Argument(help="Name for the image.")] = None,
        change: Annotated[
            list[str] | None,
            typer.Option("--change", "-c", help="Apply a Containerfile instruction to the config."),
        ] = None,
        message: Annotated[
            str | None,
            typer.Option("--message", "-m", help="Commit message recorded in the history."),
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Suppress the progress output.")
        ] = False,
        arch: Annotated[
            str | None, typer.Option("--arch", help="The architecture the image is for.")
        ] = None,
        os_: Annotated[
            str | None, typer.Option("--os", help="The operating system the image is for.")
        ] = None,
        variant: Annotated[
            str | None, typer.Option("--variant", help="The architecture's variant (v7).")
        ] = None,
    ) -> None:
        """Import a tarball as a new single-layer image."""
        raise typer.Exit(
            import_command(
                state_of(ctx),
                source=source,
                reference=reference,
                change=change,
                message=message,
                quiet=quiet,
                arch=arch,
                os_=os_,
                variant=variant,
            )
        )

    app.command("import")(import_cmd)
    image_app.command("import")(import_cmd)
