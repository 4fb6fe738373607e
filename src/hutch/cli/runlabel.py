"""``hutch container runlabel LABEL IMAGE [ARG...]``: run the command an image's label holds.

As podman does: the label's value is split into words as a shell would; the
words IMAGE and NAME (and $IMAGE, ${IMAGE}, $NAME, ${NAME} inside words)
become the image's full name and the container name (``--name``, else the
image's name without registry, path or tag); a first word ``podman`` or
``docker`` is this hutch; ARGs follow. The command runs with IMAGE and NAME
in its environment and its exit status is ours.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.cli import flags_registry as fr
from hutch.cli.state import state_of


def default_name(image: str) -> str:
    """podman's NAME: the image's last path part, without tag or digest."""
    last = image.rsplit("/", 1)[-1]
    return last.split("@", 1)[0].split(":", 1)[0]


def expand(label: str, image: str, name: str, args: list[str], hutch: list[str]) -> list[str]:
    """The argv of a label's command (podman's substitutions)."""
    words = []
    for word in shlex.split(label):
        if word == "IMAGE":
            word = image
        elif word == "NAME":
            word = name
        else:
            for key, value in (("IMAGE", image), ("NAME", name)):
                word = word.replace("${" + key + "}", value).replace("$" + key, value)
        words.append(word)
    if words and words[0] in ("podman", "docker"):
        words[:1] = hutch
    return words + args


def _hutch_argv() -> list[str]:
    """How to start this hutch again: its script, else this interpreter with -m."""
    program = os.path.realpath(sys.argv[0])
    if os.path.basename(program) == "hutch" and os.access(program, os.X_OK):
        return [program]
    return [sys.executable, "-m", "hutch"]


def register(container_app: typer.Typer) -> None:
    @container_app.command(
        "runlabel",
        context_settings={"allow_interspersed_args": False, "help_option_names": ["--help"]},
    )
    def runlabel(
        ctx: typer.Context,
        label: Annotated[str, typer.Argument(help="Label whose value is the command (run).")],
        image: Annotated[str, typer.Argument(help="Image (pulled when missing).")],
        args: Annotated[
            list[str] | None, typer.Argument(help="More arguments for the command.")
        ] = None,
        display: Annotated[
            bool, typer.Option("--display", help="Print the command instead of running it.")
        ] = False,
        name: Annotated[
            str | None, typer.Option("--name", "-n", help="The container name (NAME).")
        ] = None,
        quiet: Annotated[
            bool, typer.Option("--quiet", "-q", help="Print no pull progress.")
        ] = False,
        replace: Annotated[
            bool,
            typer.Option("--replace", help="Remove a container of that name first."),
        ] = False,
        tls_verify: fr.TlsVerify = None,
        creds: fr.Creds = None,
        authfile: fr.Authfile = None,
        cert_dir: fr.CertDir = None,
    ) -> None:
        """Run the command held in an image's label, as podman container runlabel."""
        from hutch.api.images import PullOptions

        # the registry flags go to the pull, as podman's runlabel passes them on; a
        # missing --authfile is refused before anything else, as podman does
        access = fr.access(tls_verify, creds, authfile, cert_dir)
        engine = state_of(ctx).engine()
        try:
            [found] = engine.images.inspect([image])
        except NoSuchObject:
            engine.images.pull(PullOptions(image, quiet=quiet, policy="missing", access=access))
            [found] = engine.images.inspect([image])
        value = (found.labels or {}).get(label)
        if not value:
            # podman's words
            raise InvalidArgument(f"cannot find the value of label: {label} in image: {image}")
        # podman's IMAGE: the name the image took last (names history, latest first),
        # so a pull under a new name is named by it, not by an older local tag
        names = found.names_history or found.repo_tags
        full = names[0] if names else found.id
        container = name or default_name(full)
        argv = expand(value, full, container, list(args or ()), ["hutch"])
        if display:
            print("command: " + " ".join(argv))
            return
        if replace:
            from hutch.api.containers import RemoveContainerOptions

            engine.containers.remove([container], RemoveContainerOptions(force=True, ignore=True))
        if argv[0] == "hutch":
            argv[:1] = _hutch_argv()
        env = {**os.environ, "IMAGE": full, "NAME": container}
        sys.stdout.flush()
        raise typer.Exit(subprocess.run(argv, env=env, check=False).returncode)
