"""The first words of a command line, read without typer (the verb, ``help``).

Used before anything is imported for the command: by the fast path
(cli/fast.py), by the choice of the verb modules to register (cli/app.py)
and by the pruning of the command tree (cli/lazy.py).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from collections.abc import Sequence

# Options before a command name that take a value (the scan for the name skips
# it): hutch's global options, and those of the ``compose`` group.
VALUED = (
    "--root",
    "--runroot",
    "--log-level",
    *("--storage-driver", "--storage-opt", "--tmpdir", "--out", "--url", "--connection", "-c"),
    *("--cgroup-manager", "--events-backend", "--module"),
    *("--identity", "--ssh", "--runtime", "--runtime-flag", "--conmon", "--hooks-dir"),
    *("--namespace", "--network-config-dir", "--network-cmd-path", "--volumepath"),
    *("-f", "--file", "-p", "--project-name", "--project-directory", "--env-file", "--profile"),
    "--progress",
)


def first_word(args: Sequence[str]) -> tuple[str | None, Sequence[str]]:
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            return None, ()
        if arg.startswith("-"):
            i += 2 if arg in VALUED else 1
            continue
        return arg, args[i + 1 :]
    return None, ()


def help_words(args: list[str]) -> list[str]:
    """``hutch [OPTIONS] help [CMD...]`` is ``hutch [OPTIONS] [CMD...] --help`` (podman)."""
    word, rest = first_word(args)
    if word != "help":
        return args
    prefix = args[: len(args) - len(rest) - 1]
    return [*prefix, *rest, "--help"]
