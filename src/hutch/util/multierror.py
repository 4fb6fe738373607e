"""hashicorp/go-multierror's text, which podman prints for the errors it gathers
(``search`` over several registries): a count, one ``* line`` per error, and the
blank line after the list (``Error: `` and the final newline are the caller's)."""

from __future__ import annotations

from collections.abc import Sequence


def multierror(errors: Sequence[str]) -> str:
    """``1 error occurred:\\n\\t* X\\n\\n``; ``N errors occurred:`` for several."""
    head = "1 error occurred" if len(errors) == 1 else f"{len(errors)} errors occurred"
    return f"{head}:\n\t" + "\n\t".join(f"* {e}" for e in errors) + "\n\n"
