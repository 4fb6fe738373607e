"""``hutch artifact``: OCI artifacts (files kept as an OCI manifest) in local storage,
and pulling and pushing them (podman-artifact(1))."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

import typer

from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of

if TYPE_CHECKING:
    from hutch.api.artifacts import ArtifactSummary

CONTEXT = {"help_option_names": ["--help"]}
# podman's ``artifact ls`` columns
DEFAULT_LS = "{{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.Created}}\t{{.Size}}"


def ls_row(summary: ArtifactSummary, no_trunc: bool) -> dict[str, Any]:
    """One listing row: podman's ``artifact ls`` fields."""
    import time

    from hutch.util.gotemplate import GoTime
    from hutch.util.humansize import human_size
    from hutch.util.humantime import human_duration

    digest = summary.digest.removeprefix("sha256:")
    return {
        "Repository": summary.repository,
        "Tag": summary.tag or "<none>",
        "Digest": digest if no_trunc else digest[:12],
        "Created": f"{human_duration(time.time() - summary.created)} ago",
        "CreatedAt": GoTime.from_timestamp(summary.created, local=True),
        "Size": human_size(summary.size),
        "VirtualSize": summary.size,
    }


def inspect_data(name: str, digest: str, manifest_raw: bytes, size: int) -> dict[str, Any]:
    """``artifact inspect``: podman's keys, the manifest as stored."""
    return {
        "Manifest": json.loads(manifest_raw),
        "Name": name,
        "Digest": digest,
        "TotalSizeBytes": size,
    }


def register(app: typer.Typer) -> None:
    artifact_app = typer.Typer(
        help="Manage OCI artifacts.",
        no_args_is_help=True,
        context_settings=CONTEXT,
        rich_markup_mode=None,
    )

    @artifact_app.command("add")
    def add(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Name of the artifact (NAME[:TAG]).")],
        files: Annotated[list[str], typer.Argument(metavar="FILE...", help="Files to add.")],
        artifact_type: Annotated[
            str | None, typer.Option("--type", help="The artifact's type (artifactType).")
        ] = None,
        annotation: Annotated[
            list[str] | None,
            typer.Option("--annotation", help="Annotation KEY=VALUE of each file (repeatable)."),
        ] = None,
        file_type: Annotated[
            str | None,
            typer.Option("--file-type", help="Media type of the files (default: detected)."),
        ] = None,
        append: Annotated[
            bool, typer.Option("--append", "-a", help="Add the files to an existing artifact.")
        ] = False,
        replace: Annotated[
            bool, typer.Option("--replace", help="Replace an artifact of the same name.")
        ] = False,
    ) -> None:
        """Add an OCI artifact to the local store; print its digest."""
        from hutch.api.artifacts import ArtifactAddOptions

        options = ArtifactAddOptions(
            name,
            tuple(files),
            artifact_type,
            tuple(annotation or ()),
            file_type,
            append,
            replace,
        )
        print(state_of(ctx).engine().artifacts.add(options))

    def ls(
        ctx: typer.Context,
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format",
                help="A Go template: .Repository .Tag .Digest .Created .CreatedAt .Size "
                ".VirtualSize ('table ...' too), or json.",
            ),
        ] = None,
        noheading: Annotated[
            bool, typer.Option("--noheading", "-n", help="Do not print the header row.")
        ] = False,
        no_trunc: Annotated[
            bool, typer.Option("--no-trunc", help="Print the digests whole.")
        ] = False,
    ) -> None:
        """List OCI artifacts in the local store."""
        from hutch.cli import render, templating

        rows = [ls_row(s, no_trunc) for s in state_of(ctx).engine().artifacts.ls()]
        if render.is_json(fmt):
            render.print_json(rows)
            return
        template = fmt if fmt is not None else f"table {DEFAULT_LS}"
        out = templating.render_template(
            template,
            rows,
            {"Created": "CREATED"},
            type_name="*entities.ArtifactListReport",
            header_words=render.HEADER_WORDS,
        )
        if noheading and templating.normalize(template)[1]:
            out = "".join(out.splitlines(keepends=True)[1:])
        print(out, end="")

    artifact_app.command("ls")(ls)
    artifact_app.command("list", hidden=True)(ls)

    @artifact_app.command("inspect")
    def inspect(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Artifact name, or a full or partial digest.")],
        fmt: Annotated[
            str | None,
            typer.Option(
                "--format", "-f", help="A Go template: .Name .Digest .Manifest .TotalSizeBytes."
            ),
        ] = None,
    ) -> None:
        """Show an artifact's manifest, name and digest, as JSON."""
        from hutch.cli import render, templating

        report = state_of(ctx).engine().artifacts.inspect(name)
        data = inspect_data(report.name, report.digest, report.manifest_raw, report.size)
        if fmt is None or render.is_json(fmt):
            del data["TotalSizeBytes"]  # podman's JSON: the manifest, the name, the digest
            render.print_json(data)
            return
        struct = templating.as_struct(data, "*entities.ArtifactInspectReport")
        print(templating.render_one(fmt, struct, name="inspect"), end="")

    @artifact_app.command("rm")
    def rm(
        ctx: typer.Context,
        names: Annotated[
            list[str] | None,
            typer.Argument(metavar="[NAME...]", help="Artifact names or (partial) digests."),
        ] = None,
        all_: Annotated[bool, typer.Option("--all", "-a", help="Remove every artifact.")] = False,
        ignore: Annotated[
            bool, typer.Option("--ignore", "-i", help="An artifact that is not there is no error.")
        ] = False,
    ) -> None:
        """Remove OCI artifacts from the local store."""
        from hutch.api.artifacts import ArtifactRemoveOptions

        options = ArtifactRemoveOptions(tuple(names or ()), all_, ignore)
        for digest in state_of(ctx).engine().artifacts.remove(options):
            print(f"Deleted: {digest}")

    @artifact_app.command("extract")
    def extract(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Artifact name, or a full or partial digest.")],
        target: Annotated[str, typer.Argument(help="A directory, or the file to write.")],
        digest: Annotated[
            str | None, typer.Option("--digest", help="Only the blob with this digest.")
        ] = None,
        title: Annotated[
            str | None, typer.Option("--title", help="Only the blob with this title.")
        ] = None,
    ) -> None:
        """Copy an artifact's files to a directory, or one of them to a file."""
        from hutch.api.artifacts import ArtifactExtractOptions

        options = ArtifactExtractOptions(name, target, digest, title)
        state_of(ctx).engine().artifacts.extract(options)

    @artifact_app.command("pull")
    def pull(
        ctx: typer.Context,
        source: Annotated[str, typer.Argument(help="Registry reference [docker://]NAME[:TAG].")],
        quiet: fr.Quiet = False,
        tls_verify: fr.TlsVerify = None,
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
        retry: fr.Retry = None,
        retry_delay: fr.RetryDelay = None,
    ) -> None:
        """Pull an artifact from a registry into the local store."""
        from hutch.api.artifacts import ArtifactPullOptions

        access = fr.access(tls_verify, creds, authfile, cert_dir)
        options = ArtifactPullOptions(source, access, quiet, retry, retry_delay)
        state_of(ctx).engine().artifacts.pull(options)

    @artifact_app.command("push")
    def push(
        ctx: typer.Context,
        name: Annotated[str, typer.Argument(help="Artifact to push (its name says where to).")],
        digestfile: Annotated[
            str | None,
            typer.Option("--digestfile", help="Write the pushed manifest's digest to this file."),
        ] = None,
        quiet: fr.Quiet = False,
        tls_verify: fr.TlsVerify = None,
        authfile: fr.Authfile = None,
        creds: fr.Creds = None,
        cert_dir: fr.CertDir = None,
        retry: fr.Retry = None,
        retry_delay: fr.RetryDelay = None,
    ) -> None:
        """Push an artifact from the local store to a registry."""
        from hutch.api.artifacts import ArtifactPushOptions

        access = fr.access(tls_verify, creds, authfile, cert_dir)
        options = ArtifactPushOptions(name, access, quiet, retry, retry_delay)
        digest = state_of(ctx).engine().artifacts.push(options)
        if digestfile:
            with open(digestfile, "w") as out:
                out.write(digest)

    app.add_typer(artifact_app, name="artifact")
