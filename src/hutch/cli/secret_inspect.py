"""``hutch secret inspect``: show the details of secrets as JSON."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer

from hutch.api.errors import HutchError, NoSuchObject
from hutch.cli import render, templating
from hutch.cli.secret_render import PRETTY, PRETTY_DATA, json_of
from hutch.cli.state import state_of


def register(secret_app: typer.Typer) -> None:
    @secret_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        names: Annotated[list[str], typer.Argument(help="Secrets (names or ids).")],
        fmt: Annotated[
            str | None,
            typer.Option("--format", "-f", help="A Go template, e.g. '{{.Spec.Name}}'."),
        ] = None,
        pretty: Annotated[
            bool, typer.Option("--pretty", help="Print in a human-readable form (not JSON).")
        ] = False,
        showsecret: Annotated[
            bool, typer.Option("--showsecret", help="Show the secret's data (.SecretData).")
        ] = False,
    ) -> None:
        """Show the details of secrets as JSON."""
        secrets = state_of(ctx).engine().secrets
        rows: list[dict[str, Any]] = []
        errors: list[str] = []
        for name in names:
            try:
                rows.append(json_of(secrets.inspect(name, showsecret)))
            except NoSuchObject as e:
                errors.append(str(e))
        # podman: --pretty wins over --format; each prints every row it found
        template = (PRETTY + (PRETTY_DATA if showsecret else "")) if pretty else fmt
        if template and not render.is_json(template):
            # podman's Go type, which a template's error names
            rows_of = "*entities.SecretInfoReport"
            print(
                templating.render_template(template, rows, name="inspect", type_name=rows_of),
                end="",
            )
        else:
            render.print_json(rows)
        if errors:
            sys.stdout.flush()  # podman's output comes before its errors
            for extra in errors[1:]:
                sys.stderr.write(f"error inspecting secret: {extra}\n")
            raise HutchError(f"inspecting secret: {errors[0]}")
