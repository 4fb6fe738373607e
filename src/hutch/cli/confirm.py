"""The question the prune verbs ask before removing anything (podman's words)."""

from __future__ import annotations

import sys


def confirmed(warning: str) -> bool:
    """Ask on stderr (stdout keeps only the removed names); only y or yes agrees.

    The end of input counts as no, as an empty answer does.
    """
    sys.stderr.write(f"WARNING! {warning}\nAre you sure you want to continue? [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower() in ("y", "yes")
