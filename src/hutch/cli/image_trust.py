"""``hutch image sign`` / ``image trust``: refused, with the reason (no signature policy)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli import flags_registry as fr

TRUST_HINT = (
    "hutch verifies every blob against its digest but keeps no signatures and no "
    "trust policy (containers-policy.json); sign with skopeo or podman, or use "
    "cosign for sigstore signatures"
)
_REFUSED = "Accepted as podman's; the command is refused (hutch does not sign)."


def register(image_app: typer.Typer) -> None:
    refused = {"ignore_unknown_options": True, "allow_extra_args": True}

    # podman's flags are declared, so that its command lines reach the refusal (and a
    # misspelt flag is still unknown); as podman's, at least one image is needed first
    @image_app.command("sign")
    def sign(
        images: Annotated[list[str] | None, typer.Argument(help="Images to sign.")] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help=_REFUSED)] = False,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
        directory: Annotated[str | None, typer.Option("--directory", "-d", help=_REFUSED)] = None,
        sign_by: fr.SignBy = None,
    ) -> None:
        """Refused: hutch does not sign images (no signature store or keys)."""
        if not images:
            raise InvalidArgument("requires at least 1 arg(s), only received 0")
        raise InvalidArgument("hutch does not sign images", hint=TRUST_HINT)

    @image_app.command("trust", context_settings=refused)
    def trust(words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None) -> None:
        """Refused: hutch has no image trust policy to show or set."""
        raise InvalidArgument("hutch has no image trust policy", hint=TRUST_HINT)
