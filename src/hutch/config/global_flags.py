"""The global flags that change what an engine sees, as one value.

``--root``, ``--runroot``, ``--storage-driver``, ``--cgroup-manager``,
``--events-backend`` and ``--module`` choose the store and the settings of a
command. The commands hutch runs later for a container (its cleanup after it
exits, the /etc refresh before a restart policy's run) are given the same
flags, as podman gives its global flags to its cleanup command (conmon's
``--exit-command``): else a container made with ``--module`` was cleaned up and
restarted with the settings of no module.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class GlobalFlags:
    root: str | None = None
    runroot: str | None = None
    storage_driver: str | None = None
    cgroup_manager: str | None = None
    events_backend: str | None = None
    modules: tuple[str, ...] = ()  # --module, in order (the last one wins)

    def argv(self) -> tuple[str, ...]:
        """The flags on a command line, those given only (``from_argv`` reads them)."""
        out: list[str] = []
        for flag, value in zip(_VALUE_FLAGS, self._values(), strict=True):
            if value is not None:
                out += (flag, value)
        for module in self.modules:
            out += ("--module", module)
        return tuple(out)

    def _values(self) -> tuple[str | None, ...]:
        return (
            self.root,
            self.runroot,
            self.storage_driver,
            self.cgroup_manager,
            self.events_backend,
        )


_VALUE_FLAGS = ("--root", "--runroot", "--storage-driver", "--cgroup-manager", "--events-backend")


def from_argv(argv: Sequence[str]) -> tuple[GlobalFlags, list[str]]:
    """The flags ``GlobalFlags.argv`` wrote at the front of ``argv``, and the words
    after them: the commands hutch runs itself read them without the CLI's parser
    (the refresh before a restart imports no typer). ``ValueError`` for a flag
    without its value."""
    values: dict[str, str] = {}
    modules: list[str] = []
    rest = list(argv)
    while rest and rest[0] in (*_VALUE_FLAGS, "--module"):
        if len(rest) < 2:
            raise ValueError(f"{rest[0]} needs a value")
        flag, value, *rest = rest
        if flag == "--module":
            modules.append(value)
        else:
            values[flag] = value
    root, runroot, driver, manager, backend = (values.get(flag) for flag in _VALUE_FLAGS)
    return GlobalFlags(root, runroot, driver, manager, backend, tuple(modules)), rest
