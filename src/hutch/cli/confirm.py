"""The question the prune verbs ask before removing anything (podman's words and ways)."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from hutch.api.errors import HutchError


def confirmed(warning: str, listing: Sequence[str] = ()) -> bool:
    """Ask on stdout, as podman does (a script piping ``yes`` reads the question there
    too); an answer starting with y or Y agrees.

    ``listing``: lines shown between the warning and the question (what volume prune
    would remove). Input that ends before a newline fails as podman's ``Error: EOF``
    (exit 125): a script that forgot ``-f`` learns it instead of seeing success.
    """
    lines = "".join(f"{line}\n" for line in listing)
    sys.stdout.write(f"WARNING! {warning}\n{lines}Are you sure you want to continue? [y/N] ")
    sys.stdout.flush()
    answer = sys.stdin.readline()
    if not answer.endswith("\n"):
        raise HutchError("EOF")
    return answer[0].lower() == "y"
