"""Flags shared by the commands that talk to a registry (pull, push, login, search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument

if TYPE_CHECKING:
    from hutch.api.images import RegistryAccess

TlsVerify = Annotated[
    str | None,
    typer.Option(
        "--tls-verify",
        metavar="BOOL",
        help="Require HTTPS and verify certificates (default: true, unless "
        "registries.conf marks the registry insecure); false also allows plain HTTP.",
    ),
]
Creds = Annotated[
    str | None,
    typer.Option("--creds", help="Credentials USERNAME[:PASSWORD] for the registry."),
]
Authfile = Annotated[
    str | None,
    typer.Option("--authfile", help="Path of the authentication file (auth.json)."),
]
CertDir = Annotated[
    str | None,
    typer.Option(
        "--cert-dir",
        help="Directory with CA certificates (*.crt) and client certificates for the registry.",
    ),
]
Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no progress information.")]


def parse_bool(flag: str, text: str | None) -> bool | None:
    """podman's ``--flag=true|false`` spelling."""
    if text is None:
        return None
    value = text.strip().lower()
    if value in ("true", "1", "yes", "t"):
        return True
    if value in ("false", "0", "no", "f"):
        return False
    raise InvalidArgument(f"{flag}: expected true or false, got {text!r}")


def access(
    tls_verify: str | None, creds: str | None, authfile: str | None, cert_dir: str | None
) -> RegistryAccess:
    from hutch.api.images import RegistryAccess

    return RegistryAccess(
        tls_verify=parse_bool("--tls-verify", tls_verify),
        creds=creds,
        authfile=authfile,
        cert_dir=cert_dir,
    )
