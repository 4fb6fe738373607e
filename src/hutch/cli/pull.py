"""``hutch pull`` / ``hutch image pull``: copy an image from a registry."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def pull(
        ctx: typer.Context,
        references: Annotated[
            list[str], typer.Argument(help="Images to pull (NAME[:TAG|@DIGEST]), in turn.")
        ],
        platform: Annotated[
            str | None,
            typer.Option("--platform", help="Platform OS/ARCH[/VARIANT] to choose from an index."),
        ] = None,
        arch: Annotated[
            str | None, typer.Option("--arch", help="Architecture to choose (e.g. arm64).")
        ] = None,
        os_: Annotated[str | None, typer.Option("--os", help="Operating system to choose.")] = None,
        variant: Annotated[
            str | None, typer.Option("--variant", help="Architecture variant (e.g. v7).")
        ] = None,
        all_tags: Annotated[
            bool, typer.Option("--all-tags", "-a", help="Pull every tag of the repository.")
        ] = False,
        quiet: fr.Quiet = False,
        tls_verify: fr.TlsVerify = None,
        creds: fr.Creds = None,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
        retry: fr.Retry = None,
        retry_delay: fr.RetryDelay = None,
        disable_content_trust: fr.DisableContentTrust = False,
    ) -> None:
        """Pull an image from a registry into local storage; print its id."""
        del disable_content_trust  # podman's no-op
        from hutch.api.images import PullOptions
        from hutch.cli.exits import InterruptedTransfer

        engine = state_of(ctx).engine()
        # podman pulls the sources in turn and stops at the first that fails, the ids
        # of those before it already printed
        for reference in references:
            with InterruptedTransfer():
                report = engine.images.pull(
                    PullOptions(
                        reference=reference,
                        platform=platform,
                        arch=arch,
                        os=os_,
                        variant=variant,
                        quiet=quiet,
                        all_tags=all_tags,
                        access=fr.access(tls_verify, creds, authfile, cert_dir),
                        retry=retry,
                        retry_delay=retry_delay,
                    )
                )
            for image_id in dict.fromkeys(report.ids):
                print(image_id, flush=True)

    app.command("pull")(pull)
    image_app.command("pull")(pull)
