"""``hutch manifest inspect``: the manifest or index of an image, as JSON."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of

CONTEXT = {"help_option_names": ["--help"]}


def register(app: typer.Typer) -> None:
    manifest_app = typer.Typer(
        help="Inspect manifests and manifest lists.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @manifest_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        image: Annotated[str, typer.Argument(help="Image reference (registry, else local).")],
        tls_verify: fr.TlsVerify = None,
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
    ) -> None:
        """Print the manifest or index of an image: from its registry, else local storage."""
        access = fr.access(tls_verify, creds, authfile, cert_dir)
        print(state_of(ctx).engine().images.manifest_inspect(image, access))

    app.add_typer(manifest_app, name="manifest")
