"""``hutch image sign`` / ``image trust``: refused, with the reason (no signature policy)."""

from __future__ import annotations

from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument

TRUST_HINT = (
    "hutch verifies every blob against its digest but keeps no signatures and no "
    "trust policy (containers-policy.json); sign with skopeo or podman, or use "
    "cosign for sigstore signatures"
)


def register(image_app: typer.Typer) -> None:
    refused = {"ignore_unknown_options": True, "allow_extra_args": True}

    @image_app.command("sign", context_settings=refused)
    def sign(words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None) -> None:
        """Refused: hutch does not sign images (no signature store or keys)."""
        raise InvalidArgument("hutch does not sign images", hint=TRUST_HINT)

    @image_app.command("trust", context_settings=refused)
    def trust(words: Annotated[list[str] | None, typer.Argument(help="Refused.")] = None) -> None:
        """Refused: hutch has no image trust policy to show or set."""
        raise InvalidArgument("hutch has no image trust policy", hint=TRUST_HINT)
