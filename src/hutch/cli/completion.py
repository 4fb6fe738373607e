"""``hutch completion bash|zsh|fish``: the shell completion scripts, as podman prints them.

The scripts are rendered here from the command tree of this very hutch, not read
from files: an installed wheel carries no completions/ directory, the output can
never be staler than the command it completes, and ``--no-desc`` is the same
rendering with the help texts left out. With descriptions the output is byte for
byte the committed completions/ file (contrib/gen-completions.py writes those with
the same renderers, and a unit test compares them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer

from hutch.api.errors import InvalidArgument
from hutch.cli.completion_tree import Cmd

SHELLS = ("bash", "zsh", "fish")


def renderers() -> dict[str, Callable[[Cmd], str]]:
    """Shell name -> the renderer of its script."""
    from hutch.cli.completion_bash import render_bash
    from hutch.cli.completion_fish import render_fish
    from hutch.cli.completion_zsh import render_zsh

    return {"bash": render_bash, "zsh": render_zsh, "fish": render_fish}


def script(shell: str, tree: Cmd, *, descriptions: bool = True) -> str:
    """The completion script of ``shell`` for ``tree``."""
    from hutch.cli.completion_tree import without_descriptions

    if shell == "powershell":
        # podman has it; hutch's scripts are its own and there is no powershell one
        raise InvalidArgument("powershell completion is not supported by hutch")
    if shell not in SHELLS:
        # podman's words (cobra's OnlyValidArgs)
        raise InvalidArgument(f'invalid argument "{shell}" for "hutch completion"')
    return renderers()[shell](tree if descriptions else without_descriptions(tree))


def register(app: typer.Typer) -> None:
    @app.command("completion")
    def completion(
        shells: Annotated[
            list[str] | None, typer.Argument(help="bash, zsh or fish.", metavar="SHELL")
        ] = None,
        file: Annotated[
            str | None,
            typer.Option("--file", "-f", help="Write the script to FILE instead of stdout."),
        ] = None,
        no_desc: Annotated[
            bool,
            typer.Option("--no-desc", help="Leave the descriptions out of the completions."),
        ] = False,
    ) -> None:
        """Print the shell completion script for bash, zsh or fish.

        Load it into the current bash with: source <(hutch completion bash).
        contrib/install.sh installs all three where the shells look for them.
        """
        from hutch.cli.completion_tree import load_tree

        names = shells or []
        if len(names) != 1:
            # podman's words (cobra's ExactArgs)
            raise InvalidArgument(f"accepts 1 arg(s), received {len(names)}")
        text = script(names[0], load_tree(), descriptions=not no_desc)
        if file is None or file == "-":
            print(text, end="")
            return
        with open(file, "w", encoding="utf-8") as out:
            out.write(text)
