"""``hutch push`` / ``hutch image push``: copy a local image to a registry or an archive."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    def push(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="Local image to push.")],
        destination: Annotated[
            str | None,
            typer.Argument(
                help="Where to: a registry reference, or docker-archive:PATH, "
                "oci-archive:PATH, oci:PATH, dir:PATH, containers-storage:NAME "
                "(default: the image's name)."
            ),
        ] = None,
        digestfile: Annotated[
            str | None,
            typer.Option("--digestfile", help="Write the pushed manifest's digest to this file."),
        ] = None,
        format_: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="Manifest type to push: oci or v2s2 (Docker schema 2)."
            ),
        ] = None,
        compress: fr.Compress = None,
        compression_format: fr.CompressionFormat = None,
        compression_level: fr.CompressionLevel = None,
        force_compression: fr.ForceCompression = None,
        quiet: fr.Quiet = False,
        _remove_signatures: fr.RemoveSignatures = False,
        sign_by: fr.SignBy = None,
        sign_by_sigstore: fr.SignBySigstore = None,
        sign_by_sigstore_private_key: fr.SignBySigstoreKey = None,
        sign_passphrase_file: fr.SignPassphraseFile = None,
        tls_verify: fr.TlsVerify = None,
        creds: fr.Creds = None,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
        retry: fr.Retry = None,
        retry_delay: fr.RetryDelay = None,
        disable_content_trust: fr.DisableContentTrust = False,
    ) -> None:
        """Push an image to a registry or an archive."""
        del disable_content_trust  # podman's no-op
        from hutch.api.images import PushOptions
        from hutch.cli.exits import InterruptedTransfer

        fr.refuse_signing(
            sign_by=sign_by,
            sign_by_sigstore=sign_by_sigstore,
            sign_by_sigstore_private_key=sign_by_sigstore_private_key,
            sign_passphrase_file=sign_passphrase_file,
        )
        with InterruptedTransfer():
            report = (
                state_of(ctx)
                .engine()
                .images.push(
                    PushOptions(
                        source=source,
                        destination=destination,
                        quiet=quiet,
                        access=fr.access(tls_verify, creds, authfile, cert_dir),
                        format=format_,
                        compression_format=compression_format,
                        compression_level=compression_level,
                        force_compression=force_compression,
                        retry=retry,
                        retry_delay=retry_delay,
                        compress=bool(compress),
                    )
                )
            )
        if digestfile:
            with open(digestfile, "w") as f:
                f.write(report.digest)

    app.command("push")(push)
    image_app.command("push")(push)
