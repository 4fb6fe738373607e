#!/usr/bin/env python3
"""Write hutch's shell completions (bash, zsh, fish) from its command tree.

Usage (from the repository root, with the project's venv):
    .venv/bin/python contrib/gen-completions.py          # rewrite completions/
    .venv/bin/python contrib/gen-completions.py --check  # exit 1 if they are stale

The committed scripts are static (no Python at completion time) and are
checked against this generator by tests/unit/docs, so a new command or
option only needs this script run once. It also writes
src/hutch/cli/fastspec.py, the table of the start-up fast path (``hutch
--help`` and the options of ``ps`` and ``images``, see hutch/cli/fastgen.py).
Image and pod names are the dynamic part: the scripts ask `hutch images` and
`hutch pod ps` for them when they are needed.

The command tree and the renderers are hutch's own (hutch/cli/completion_tree.py,
completion_bash.py, completion_zsh.py, completion_fish.py): ``hutch completion
SHELL`` prints the same scripts at run time. What an argument or option value
completes is described there (VALUE_HINTS for the options outside the flag table).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This checkout's hutch, whichever one the venv has installed (a shared venv may
# point at another worktree).
sys.path.insert(0, str(ROOT / "src"))

from hutch.cli.completion import renderers  # noqa: E402
from hutch.cli.completion_tree import Cmd, load_tree  # noqa: E402

OUTPUTS = {
    "bash": "completions/hutch.bash",
    "zsh": "completions/_hutch",
    "fish": "completions/hutch.fish",
}
__all__ = ["load_tree", "main", "render_all"]


def render_all(tree: Cmd) -> dict[str, str]:
    """Relative output path -> content, for every shell, and the fast path's table."""
    from hutch.cli import fastgen

    outputs = {OUTPUTS[shell]: render(tree) for shell, render in renderers().items()}
    # Derived from the same command tree: hutch --help and the options of the
    # verbs that start without typer (hutch/cli/fast.py).
    outputs[fastgen.OUTPUT] = fastgen.render()
    return outputs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="exit 1 if a committed script differs from what this writes",
    )
    options = parser.parse_args(argv)
    stale = []
    for rel, text in render_all(load_tree()).items():
        path = ROOT / rel
        if options.check:
            if not path.exists() or path.read_text() != text:
                stale.append(rel)
        else:
            path.write_text(text)
    for rel in stale:
        print(f"{rel} is stale: run contrib/gen-completions.py", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
