"""The body of ``hutch system reset``, without typer.

Scripts and test suites run ``system reset --force`` between runs (this
project's integration tests after each of some 1,500 tests): the fast path
(cli/fast.py) runs this body from the parse table of the typer command
(cli/system.py), so that typer and the other commands are not imported for it.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.cli.state import AppState

# podman's list, less its "all machines" (hutch has none to remove)
WARNING = """WARNING! This will remove:
        - all containers
        - all pods
        - all images
        - all networks
        - all build cache
        - all volumes
"""
QUESTION = "Are you sure you want to continue? [y/N] "


def reset_command(state: AppState, force: bool = False) -> int:
    import sys

    engine = state.engine()
    if not force:
        store = engine.system.info().store
        sys.stdout.write(WARNING)
        if store is not None:  # podman too leaves the two out without its store's info
            sys.stdout.write(f'        - the graphRoot directory: "{store.graph_root}"\n')
            sys.stdout.write(f'        - the runRoot directory: "{store.run_root}"\n')
        sys.stdout.write(QUESTION)
        sys.stdout.flush()
        answer = sys.stdin.readline()
        if not answer.endswith("\n"):  # podman: its reader's EOF is an error, exit 1
            print("Error: EOF", file=sys.stderr)
            return 1
        if answer[0].lower() != "y":  # podman reads the first letter only
            return 0
    engine.system.reset()
    return 0
