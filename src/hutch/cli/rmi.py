"""``hutch rmi`` / ``hutch image rm``, and ``hutch image inspect``.

``rmi_command`` and ``inspect_command`` do the work, for the fast path
(cli/fast.py) and typer alike; cli/stop.py says how such a module imports
without typer.
"""

import sys

from hutch.api.errors import InvalidArgument
from hutch.cli import inspecting

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    import typer

    from hutch.cli.state import AppState


def rmi_command(
    state: "AppState",
    *,
    names: "list[str] | None",
    force: bool,
    all_: bool,
    ignore: bool,
    no_prune: bool,
) -> int:
    """Remove one or more images from local storage."""
    from hutch.api.images import RemoveImageOptions

    if not names and not all_:
        raise InvalidArgument("image name or ID must be specified")
    if names and all_:
        raise InvalidArgument(  # podman's words
            "when using the --all switch, you may not pass any images names or IDs"
        )
    reports = state.engine().images.remove(
        names or (), RemoveImageOptions(force, all_, ignore, no_prune)
    )
    code = 0
    errors: list[str] = []
    # podman looks every name up before it removes any: the names it does not
    # know come first among the errors (exit code 1 marks them)
    ordered = sorted(reports, key=lambda r: r.exit_code != 1)
    # podman's one report of them all: every name untagged, then every image deleted
    print("".join(f"Untagged: {n}\n" for r in ordered for n in r.untagged), end="")
    print("".join(f"Deleted: {i}\n" for r in ordered for i in r.deleted), end="")
    for report in ordered:
        if report.error:
            errors.append(report.error)
            code = report.exit_code if code in (0, 1) else code
    sys.stdout.flush()  # what went to stdout first comes first on a shared pipe
    if len(errors) == 1:
        sys.stderr.write(f"Error: {errors[0]}\n")
    elif errors:  # podman's multierror
        listed = "".join(f"\t* {e}\n" for e in errors)
        sys.stderr.write(f"Error: {len(errors)} errors occurred:\n{listed}")
    return code


def inspect_command(state: "AppState", *, names: "list[str]", fmt: "str | None") -> int:
    """Show the configuration of one or more images as JSON."""
    from hutch.api.podman_json import to_json
    from hutch.cli.templating import IMAGE_TYPE, typed

    images = state.engine().images
    rows, errors = inspecting.collect(
        names,
        lambda name: [typed(to_json(r), IMAGE_TYPE) for r in images.inspect([name])],
        inspecting.no_such_image,
    )
    inspecting.report(rows, errors, fmt, image=True)
    return 0


def register(app: "typer.Typer", image_app: "typer.Typer") -> None:
    from typing import Annotated

    import typer

    from hutch.cli.state import state_of

    def rmi(
        ctx: typer.Context,
        names: Annotated[list[str] | None, typer.Argument(help="Images to remove.")] = None,
        force: Annotated[
            bool,
            typer.Option("--force", "-f", help="Remove containers using the image, and every tag."),
        ] = False,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove all images.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="Ignore images that do not exist.")
        ] = False,
        no_prune: Annotated[
            bool,
            typer.Option("--no-prune", help="Keep the build's nameless step images below it."),
        ] = False,
    ) -> None:
        """Remove one or more images from local storage."""
        raise typer.Exit(
            rmi_command(
                state_of(ctx),
                names=names,
                force=force,
                all_=all_,
                ignore=ignore,
                no_prune=no_prune,
            )
        )

    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Images to inspect.")],
        fmt: Annotated[
            str | None, typer.Option("--format", "-f", help="json (default) or a Go template.")
        ] = None,
    ) -> None:
        """Show the configuration of one or more images as JSON."""
        raise typer.Exit(inspect_command(state_of(ctx), names=names, fmt=fmt))

    app.command("rmi")(rmi)
    image_app.command("rm")(rmi)
    image_app.command("inspect")(inspect)
