"""Flags shared by the commands that talk to a registry (pull, push, manifest push, login,
search)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Annotated

import typer

from hutch.api.errors import InvalidArgument
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
# push's and manifest push's: hutch keeps no signatures, so a copy never carries one
# and there is nothing to leave behind; accepted, as scripts written for podman pass it
RemoveSignatures = Annotated[
    bool,
    typer.Option(
        "--remove-signatures",
        help="Do not copy signatures (hutch stores none: the push is the same either way).",
    ),
]
# push's signing flags (podman's): hutch signs nothing, so they are refused by name
# rather than unknown, and rather than a push that quietly goes out unsigned
_UNSIGNED = "Refused: hutch does not sign images."
SignBy = Annotated[str | None, typer.Option("--sign-by", help=_UNSIGNED)]
SignBySigstore = Annotated[str | None, typer.Option("--sign-by-sigstore", help=_UNSIGNED)]
SignBySigstoreKey = Annotated[
    str | None, typer.Option("--sign-by-sigstore-private-key", help=_UNSIGNED)
]
SignPassphraseFile = Annotated[str | None, typer.Option("--sign-passphrase-file", help=_UNSIGNED)]


def refuse_signing(**given: str | None) -> None:
    named = [key for key, value in given.items() if value is not None]
    if named:
        flag = "--" + named[0].replace("_", "-")
        raise InvalidArgument(
            f"{flag}: signing is not supported: hutch pushes images unsigned "
            "(it keeps no signatures and no keys)"
        )


Quiet = Annotated[bool, typer.Option("--quiet", "-q", help="Print no progress information.")]
# Docker's image signing switch, which podman accepts and ignores (pull, push)
DisableContentTrust = Annotated[
    bool,
    typer.Option("--disable-content-trust", help="Accepted for Docker's command lines; a no-op."),
]
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
    typer.Option("--compression-level", help="The level: gzip 1-9 (6), zstd 1-20 (3)."),
]
# podman's --compress of push and save: gzip the layers of a dir: destination (None:
# not given, which save tells from --compress=false)
Compress = Annotated[
    bool | None,
    typer.Option(
        "--compress",
        help="Gzip the plain layers when writing a directory with the dir: transport.",
    ),
]
ForceCompression = Annotated[
    bool | None,
    typer.Option(
        "--force-compression/--no-force-compression",
        help="Recompress layers compressed otherwise (default: true with --compression-format).",
    ),
]


def check_authfile(authfile: str | None, prefix: str = "") -> None:
    """podman's check of a given --authfile: one that is not there is refused (exit
    125) before any work, in its words (``stat PATH: no such file or directory``)
    rather than read as no credentials; ``login`` alone creates the file."""
    if authfile is None or authfile == "":
        return
    try:
        os.stat(authfile)
    except OSError as exc:
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(f"{prefix}stat {authfile}: {reason}") from None


def access(
    tls_verify: bool | None,
    creds: str | None,
    authfile: str | None,
    cert_dir: str | None,
    *,
    authfile_must_exist: bool = True,
) -> RegistryAccess:
    from hutch.api.images import RegistryAccess

    if authfile_must_exist:
        check_authfile(authfile)
    return RegistryAccess(
        tls_verify=tls_verify,
        creds=creds,
        authfile=authfile,
        cert_dir=cert_dir,
    )
