"""``hutch manifest``: manifest lists (image indexes) in local storage, and pushing them."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of

CONTEXT = {"help_option_names": ["--help"]}

Arch = Annotated[str | None, typer.Option("--arch", help="Architecture of the entry.")]
Os = Annotated[str | None, typer.Option("--os", help="Operating system of the entry.")]
Variant = Annotated[
    str | None, typer.Option("--variant", help="Architecture variant of the entry (v7, v8).")
]
OsVersion = Annotated[
    str | None, typer.Option("--os-version", help="Operating system version of the entry.")
]
OsFeatures = Annotated[
    list[str] | None,
    typer.Option("--os-features", help="Operating system features the entry needs (repeatable)."),
]
Features = Annotated[
    list[str] | None,
    typer.Option("--features", help="Features the entry needs (Docker's, repeatable)."),
]
Annotation = Annotated[
    list[str] | None,
    typer.Option("--annotation", help="Annotation KEY=VALUE of the entry (repeatable)."),
]

# podman 5's options of an artifact manifest (manifest add --artifact): refused
_REFUSED = "Refused, as --artifact."
ArtifactType = Annotated[str | None, typer.Option("--artifact-type", help=_REFUSED)]
ArtifactConfig = Annotated[str | None, typer.Option("--artifact-config", help=_REFUSED)]
ArtifactConfigType = Annotated[str | None, typer.Option("--artifact-config-type", help=_REFUSED)]
ArtifactLayerType = Annotated[str | None, typer.Option("--artifact-layer-type", help=_REFUSED)]
ArtifactSubject = Annotated[str | None, typer.Option("--artifact-subject", help=_REFUSED)]


def _split(values: list[str] | None) -> tuple[str, ...] | None:
    """podman's string-slice flags: repeated, or comma-separated."""
    if values is None:
        return None
    return tuple(part for value in values for part in value.split(",") if part)


def _refuse_artifacts(**given: object) -> None:
    """podman 5 makes an OCI artifact manifest of files for the list; hutch's lists
    hold images only, so the flags are refused by name rather than ignored."""
    from hutch.api.errors import InvalidArgument

    named = [key for key, value in given.items() if value not in (None, False)]
    if named:
        flag = "--" + named[0].replace("_", "-")
        raise InvalidArgument(
            f"{flag}: artifact manifests are not supported: hutch adds images to a "
            "manifest list, not files as an OCI artifact"
        )


def register(app: typer.Typer) -> None:
    manifest_app = typer.Typer(
        help="Manipulate manifest lists and image indexes.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @manifest_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        image: Annotated[
            str, typer.Argument(help="Manifest list or image (local, else at its registry).")
        ],
        tls_verify: fr.TlsVerify = None,
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
        # podman's hidden flags "for Docker compatibility": -v changes nothing there
        # either, --insecure is --tls-verify=false unless that is given
        _verbose: Annotated[bool, typer.Option("--verbose", "-v", hidden=True)] = False,
        insecure: Annotated[bool, typer.Option("--insecure", hidden=True)] = False,
    ) -> None:
        """Print a manifest list or image index (local, else from its registry), as JSON."""
        if tls_verify is None and insecure:
            tls_verify = False
        access = fr.access(tls_verify, creds, authfile, cert_dir)
        print(state_of(ctx).engine().images.manifest_inspect(image, access))

    @manifest_app.command("create")
    def create(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Name of the new list.")],
        images: Annotated[
            list[str] | None, typer.Argument(help="Images to add (local, or docker://...).")
        ] = None,
        all_: Annotated[
            bool, typer.Option("--all", help="Add every entry of an image that is a list.")
        ] = False,
        amend: Annotated[
            bool, typer.Option("--amend", "-a", help="Modify the list if it already exists.")
        ] = False,
        annotation: Annotated[
            list[str] | None,
            typer.Option("--annotation", help="Annotation KEY=VALUE of the index (repeatable)."),
        ] = None,
        tls_verify: fr.TlsVerify = None,
    ) -> None:
        """Create a manifest list and store it as an image in local storage."""
        from hutch.api.images import ManifestCreateOptions

        options = ManifestCreateOptions(
            name,
            tuple(images or ()),
            all_,
            amend,
            tuple(annotation or ()),
            fr.access(tls_verify, None, None, None),
        )
        print(state_of(ctx).engine().images.manifest_create(options))

    @manifest_app.command("add")
    def add(
        ctx: typer.Context,
        list_: Annotated[
            str, typer.Argument(metavar="LIST", help="Image name of the manifest list.")
        ],
        images: Annotated[
            list[str],
            typer.Argument(metavar="IMAGE...", help="Images to add (local, or docker://...)."),
        ],
        all_: Annotated[
            bool, typer.Option("--all", help="Add every entry of an image that is a list.")
        ] = False,
        arch: Arch = None,
        os_: Os = None,
        variant: Variant = None,
        os_version: OsVersion = None,
        os_features: OsFeatures = None,
        features: Features = None,
        annotation: Annotation = None,
        tls_verify: fr.TlsVerify = None,
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
        artifact: Annotated[
            bool,
            typer.Option("--artifact", help="Refused: hutch adds images, not OCI artifacts."),
        ] = False,
        artifact_type: ArtifactType = None,
        artifact_config: ArtifactConfig = None,
        artifact_config_type: ArtifactConfigType = None,
        artifact_layer_type: ArtifactLayerType = None,
        artifact_subject: ArtifactSubject = None,
        artifact_exclude_titles: Annotated[
            bool, typer.Option("--artifact-exclude-titles", help="Refused, as --artifact.")
        ] = False,
    ) -> None:
        """Add images (or the entries of lists, with --all) to a manifest list."""
        from hutch.api.images import ManifestAddOptions, ManifestPlatform

        _refuse_artifacts(
            artifact=artifact,
            artifact_type=artifact_type,
            artifact_config=artifact_config,
            artifact_config_type=artifact_config_type,
            artifact_layer_type=artifact_layer_type,
            artifact_subject=artifact_subject,
            artifact_exclude_titles=artifact_exclude_titles,
        )

        platform = ManifestPlatform(
            arch,
            os_,
            variant,
            os_version,
            _split(os_features),
            _split(features),
            tuple(annotation or ()),
        )
        access = fr.access(tls_verify, creds, authfile, cert_dir)
        engine = state_of(ctx).engine()
        # One after the other, as podman 4.3.1: the first that fails ends the command
        # (those before it stay added); the list's id once all are in.
        for image in images:
            list_id = engine.images.manifest_add(
                ManifestAddOptions(list_, image, all_, platform, access)
            )
        print(list_id)

    @manifest_app.command("annotate")
    def annotate(
        ctx: typer.Context,
        list_: Annotated[
            str, typer.Argument(metavar="LIST", help="Image name of the manifest list.")
        ],
        digest: Annotated[str | None, typer.Argument(help="Digest of the entry to change.")] = None,
        arch: Arch = None,
        os_: Os = None,
        variant: Variant = None,
        os_version: OsVersion = None,
        os_features: OsFeatures = None,
        features: Features = None,
        annotation: Annotation = None,
        index: Annotated[
            bool,
            typer.Option("--index", help="Set the --annotation values on the index itself."),
        ] = False,
    ) -> None:
        """Set the platform and annotations of an entry of a manifest list."""
        from hutch.api.errors import InvalidArgument
        from hutch.api.images import ManifestAnnotateOptions, ManifestPlatform

        if digest is None and not index:
            raise InvalidArgument("accepts 2 arg(s), received 1")
        platform = ManifestPlatform(
            arch,
            os_,
            variant,
            os_version,
            _split(os_features),
            _split(features),
            tuple(annotation or ()),
        )
        options = ManifestAnnotateOptions(list_, digest, platform, index)
        print(state_of(ctx).engine().images.manifest_annotate(options))

    @manifest_app.command("remove")
    def remove(
        ctx: typer.Context,
        list_: Annotated[
            str, typer.Argument(metavar="LIST", help="Image name of the manifest list.")
        ],
        digest: Annotated[str, typer.Argument(help="Digest of the entry to remove.")],
    ) -> None:
        """Remove an entry from a manifest list."""
        print(state_of(ctx).engine().images.manifest_remove(list_, digest))

    @manifest_app.command("exists")
    def exists(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Image name of the manifest list.")],
    ) -> None:
        """Check whether a manifest list exists in local storage (exit 0) or not (exit 1)."""
        raise typer.Exit(0 if state_of(ctx).engine().images.manifest_exists(name) else 1)

    @manifest_app.command("rm")
    def rm(
        ctx: typer.Context,
        names: Annotated[
            list[str], typer.Argument(help="Image names of the manifest lists to remove.")
        ],
    ) -> None:
        """Remove manifest lists from local storage (not the images they name)."""
        reports = state_of(ctx).engine().images.manifest_rm(names)
        # podman prints every untag, then every deletion, then the errors.
        for report in reports:
            for name in report.untagged:
                print(f"Untagged: {name}")
        for report in reports:
            for image_id in report.deleted:
                print(f"Deleted: {image_id}")
        errors = [r for r in reports if r.error]
        sys.stdout.flush()  # what went to stdout first comes first on a shared pipe
        if len(errors) == 1:
            sys.stderr.write(f"Error: {errors[0].error}\n")
        elif errors:
            listed = "".join(f"\t* {r.error}\n" for r in errors)
            sys.stderr.write(f"Error: {len(errors)} errors occurred:\n{listed}")
        codes = [r.exit_code for r in errors]
        raise typer.Exit(0 if not codes else (1 if all(c == 1 for c in codes) else 125))

    @manifest_app.command("push")
    def push(
        ctx: typer.Context,
        list_: Annotated[
            str, typer.Argument(metavar="LIST", help="Image name of the manifest list.")
        ],
        reference: Annotated[
            str | None,
            typer.Argument(
                metavar="[DESTINATION]",
                help="Registry reference [docker://]NAME[:TAG] (default: LIST).",
            ),
        ] = None,
        all_: Annotated[
            bool,
            typer.Option("--all/--no-all", help="Also push the images in the list (default true)."),
        ] = True,
        rm_: Annotated[
            bool, typer.Option("--rm", help="Remove the local list once it is pushed.")
        ] = False,
        format_: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="List type to push: oci or v2s2 (default: as stored)."
            ),
        ] = None,
        digestfile: Annotated[
            str | None,
            typer.Option("--digestfile", help="Write the digest of the pushed list to this file."),
        ] = None,
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
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
    ) -> None:
        """Push a manifest list (and, with --all, its images) to a registry."""
        from hutch.api.images import ManifestPushOptions

        fr.refuse_signing(
            sign_by=sign_by,
            sign_by_sigstore=sign_by_sigstore,
            sign_by_sigstore_private_key=sign_by_sigstore_private_key,
            sign_passphrase_file=sign_passphrase_file,
        )

        options = ManifestPushOptions(
            list_,
            reference,
            all_,
            rm_,
            quiet,
            format_,
            digestfile,
            fr.access(tls_verify, creds, authfile, cert_dir),
            compression_format,
            compression_level,
            force_compression,
        )
        state_of(ctx).engine().images.manifest_push(options)

    app.add_typer(manifest_app, name="manifest")
