"""``hutch container exists``: exit 0 if the container exists, 1 if not.

``exists_command`` does the work, for the fast path (cli/fast.py) and typer alike
(registered with the other small container verbs in cli/container_admin.py, in their
order); cli/stop.py says how such a module imports without typer.
"""

TYPE_CHECKING = False  # mypy reads this alike
if TYPE_CHECKING:
    from hutch.cli.state import AppState


def exists_command(state: "AppState", *, container: str, external: bool) -> int:
    """Check whether a container exists (exit 0) or not (exit 1)."""
    # --external: podman also looks at containers other tools made in its storage,
    # as ps --external lists them; hutch's store holds only its own
    del external
    return 0 if state.engine().containers.exists(container) else 1
