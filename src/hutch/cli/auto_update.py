"""``hutch auto-update``: update containers by their io.containers.autoupdate policy."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.cli import flags_registry as fr
from hutch.cli import render, templating
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.system import AutoUpdateReport

FIELDS = ("Unit", "Container", "Image", "Policy", "Updated")
DEFAULT = "{{.Unit}}\t{{.Container}}\t{{.Image}}\t{{.Policy}}\t{{.Updated}}"
HEADERS = {"Unit": "UNIT", "Container": "CONTAINER", "Image": "IMAGE"}


def row(r: AutoUpdateReport) -> dict[str, Any]:
    """podman's autoUpdateOutput, in its field order."""
    return {
        "Unit": r.unit,
        "Container": f"{r.container_id[:12]} ({r.container_name})",
        "ContainerName": r.container_name,
        "ContainerID": r.container_id,
        "Image": r.image,
        "Policy": r.policy,
        "Updated": r.updated,
    }


def show(reports: tuple[AutoUpdateReport, ...], fmt: str | None) -> None:
    rows = [row(r) for r in reports]
    if render.is_json(fmt):
        render.print_json(rows)  # podman marshals the list itself: [] for none
        return
    template = fmt or "table " + DEFAULT
    out = templating.render_template(template, rows, HEADERS, type_name="main.autoUpdateOutput")
    print(out, end="")


def joined(errors: tuple[str, ...]) -> str:
    """podman's errorhandling.JoinErrors: one error as it is, several as a list."""
    if len(errors) == 1:
        return errors[0]
    return f"{len(errors)} errors occurred:" + "".join(f"\n\t* {e}" for e in errors)


def register(app: typer.Typer) -> None:
    @app.command("auto-update")
    def auto_update(
        ctx: typer.Context,
        dry_run: Annotated[
            bool,
            typer.Option(
                "--dry-run", help="Check for updates and report them as pending; change nothing."
            ),
        ] = False,
        rollback: Annotated[
            bool,
            typer.Option(
                "--rollback/--no-rollback",
                help="Restart a unit that fails on its new image on the previous image.",
            ),
        ] = True,
        fmt: Annotated[
            str | None,
            typer.Option("--format", help="json, or a Go template such as '{{.Unit}}'."),
        ] = None,
        authfile: fr.Authfile = None,
        tls_verify: fr.TlsVerify = None,
    ) -> None:
        """Restart the systemd units of containers whose image was updated."""
        from hutch.api.errors import HutchError
        from hutch.api.system import AutoUpdateOptions

        options = AutoUpdateOptions(
            dry_run=dry_run,
            rollback=rollback,
            authfile=authfile,
            tls_verify=tls_verify,
        )
        result = state_of(ctx).engine().system.auto_update(options)
        show(result.reports, fmt)
        if result.errors:
            raise HutchError(joined(result.errors))
