"""A service's ``post_start`` and ``pre_stop`` hooks: commands exec'd in its containers.

As docker compose: each ``post_start`` hook runs in a container once it has
started, in order, and a hook that fails fails the service's start; each
``pre_stop`` hook runs before the container is stopped by compose (``stop``,
``down``, a recreate, the end of a foreground ``up``), and a failure there is
only reported: the container is stopped anyway.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from hutch.api.containers import ExecOptions
from hutch.api.errors import HutchError
from hutch.compose import syntax

if TYPE_CHECKING:
    from hutch.api.engine import Engine


def hook_options(
    container: str, hook: Mapping[str, Any], stdio: tuple[int, int, int]
) -> ExecOptions:
    """The exec of one hook (the schema has made sure it has a command)."""
    command = hook["command"]
    argv = shlex.split(command) if isinstance(command, str) else [str(a) for a in command]
    env = syntax.key_values(hook.get("environment") or {})
    privileged = hook.get("privileged")
    return ExecOptions(
        container=container,
        command=tuple(argv),
        env=tuple(f"{k}={v}" for k, v in env.items() if v is not None),
        user=hook.get("user"),
        workdir=hook.get("working_dir"),
        privileged=privileged is True or str(privileged).lower() == "true",
        # given descriptors: no signal handlers (a hook may run in a worker thread)
        stdio=stdio,
    )


def run_hooks(engine: Engine, container: str, service: Mapping[str, Any], which: str) -> None:
    """Run ``service``'s ``which`` hooks in ``container``; HutchError when one fails."""
    hooks = service.get(which) or ()
    if not hooks:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        sys.stdout.flush()
        stdio = (null, 1, 2)  # the hook's output goes where ours does
        for index, hook in enumerate(hooks):
            report = engine.containers.exec(hook_options(container, hook, stdio))
            if report.exit_code:
                raise HutchError(
                    f"container {container}: {which}[{index}] hook exited with code "
                    f"{report.exit_code}"
                )
    finally:
        os.close(null)
