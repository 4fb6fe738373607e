"""The command line that created a container or pod (inspect's ``CreateCommand``),
taken apart for ``generate systemd --new``: its global options, its verb, its
options without those the service sets itself, and what follows them."""

from __future__ import annotations

from collections.abc import Sequence

# Global options of hutch that take a value (kept before the verb).
GLOBAL_VALUE_FLAGS = frozenset({"--root", "--runroot", "--log-level"})


class GenerateError(ValueError):
    """A request that cannot be generated (one line for the user)."""


def pod_id_file(pod_unit: str) -> str:
    """Where a pod's unit made with --new writes the pod's id (podman's name)."""
    return f"%t/{pod_unit}.pod-id"


def split_globals(words: Sequence[str]) -> tuple[list[str], int]:
    """The global options in front of a recorded command, and where its verb is.

    The program's name in front ("hutch", as podman records its own) is skipped: the
    unit runs its own binary. Records of older hutch versions start after it.
    """
    globals_: list[str] = []
    i = 1 if words and is_program(words[0]) else 0
    while i < len(words) and words[i].startswith("-"):
        globals_.append(words[i])
        if words[i] in GLOBAL_VALUE_FLAGS and i + 1 < len(words):
            globals_.append(words[i + 1])
            i += 1
        i += 1
    return globals_, i


def is_program(word: str) -> bool:
    """Whether a recorded command's first word names the program (hutch, by any path)."""
    return word.rsplit("/", 1)[-1] == "hutch"


def split_service_flags(
    args: Sequence[str], value_flags: frozenset[str], dropped: frozenset[str]
) -> tuple[list[str], list[str]]:
    """The options of a recorded command without ``dropped`` (with their values),
    and what follows the options (the image and its command, a pod's name)."""
    kept: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--" or not arg.startswith("-") or arg == "-":
            return kept, list(args[i:])
        if arg.startswith("--"):
            flag, eq, _ = arg.partition("=")
            takes = flag in value_flags and not eq
            if flag not in dropped:
                kept += args[i : i + 1 + takes]
            i += 1 + takes
            continue
        # A cluster of short flags (-dit); the last one may take a value (-ep).
        letters = arg[1:]
        keep_letters = ""
        takes = False
        for j, letter in enumerate(letters):
            if f"-{letter}" in value_flags:
                takes = j == len(letters) - 1  # else the rest is its value
                keep_letters += letters[j:]
                break
            if f"-{letter}" not in dropped:
                keep_letters += letter
        if keep_letters:
            kept.append(f"-{keep_letters}")
        if takes and i + 1 < len(args):
            kept.append(args[i + 1])
            i += 1
        i += 1
    return kept, []
