"""Flags shared by the commands that talk to a registry (pull, push, manifest push, login,
search)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.flags import RETRY, RETRY_DELAY

if TYPE_CHECKING:
    from hutch.api.images import RegistryAccess

# A switch, as podman's: bare or =true|false (cli/pflag.py); None when not given.
TlsVerify = Annotated[
    bool | None,
    typer.Option(
        "--tls-verify",
        help="Require HTTPS and verify certificates (default: true, unless "
        "registries.conf marks the registry insecure); =false also allows plain HTTP.",
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
# pull's, push's, build's, artifact pull's and push's (registry/retry.py): tries after a
# failure, the pause between; declared in api/flags.py, where run's and create's table
# takes them too. podman's --retry is unsigned (cli/usage.py words a negative one)
Retry = Annotated[
    int | None,
    typer.Option(RETRY.name, metavar="N", min=0, help=RETRY.help),
]
RetryDelay = Annotated[
    str | None,
    typer.Option(RETRY_DELAY.name, metavar="DURATION", help=RETRY_DELAY.help),
]
# push's and manifest push's layer compression
CompressionFormat = Annotated[
    str | None,
    typer.Option(
        "--compression-format",
        help="Compress the layers as gzip (default), zstd, zstd:chunked (sent as zstd) "
        "or none (plain layers sent plain).",
    ),
]
CompressionLevel = Annotated[
    int | None,
    typer.Option("--compression-level", help="The level: gzip 0-9 (6), zstd 1-19 (3)."),
]
ForceCompression = Annotated[
    bool | None,
    typer.Option(
        "--force-compression/--no-force-compression",
        help="Recompress layers compressed otherwise (default: true with --compression-format).",
    ),
]


def access(
    tls_verify: bool | None, creds: str | None, authfile: str | None, cert_dir: str | None
) -> RegistryAccess:
    from hutch.api.images import RegistryAccess

    return RegistryAccess(
        tls_verify=tls_verify,
        creds=creds,
        authfile=authfile,
        cert_dir=cert_dir,
    )
