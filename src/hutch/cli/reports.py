"""Printing per-object reports: successes on stdout, errors on stderr."""

from __future__ import annotations

import sys

# typing costs an import on rm's and stop's path (issue 16); mypy reads this alike
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

    from hutch.api.containers import ActionReport


def print_reports(reports: Sequence[ActionReport], *, show: bool = True) -> int:
    """Print each report as podman does; return the exit code (the first error's)."""
    code = 0
    for report in reports:
        if report.error is not None:
            # what went to stdout first comes first on a shared pipe too (podman's order)
            sys.stdout.flush()
            sys.stderr.write(f"Error: {report.error}\n")
            if code == 0:
                code = report.exit_code or 125
        elif show:
            print(report.name)
    return code


def by_id(reports: Sequence[ActionReport]) -> list[ActionReport]:
    """Reports that print the full id rather than the name given (podman's pod verbs)."""
    from dataclasses import replace

    return [r if r.error is not None else replace(r, name=r.id) for r in reports]
