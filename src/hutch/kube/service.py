"""``kube play --service-exit-code-propagation``: play as the main process of a service.

podman's ``.kube`` service runs ``kube play --service-container``: a service
container is the unit's main process, and when the last pod of the YAML
stops podman stops it (exit 0) or kills it (non-zero) by the propagation
policy. hutch has no service container: ``kube play`` itself stays, says
READY=1 to the service manager once the pods run, waits until every app
container of the YAML has exited, and exits by the same policy:

- ``none`` (or empty): 0, whatever the containers did;
- ``any``: non-zero when any container exited non-zero;
- ``all``: non-zero when every container exited non-zero.

The non-zero status is the first failed container's own exit code (in the
YAML's order), so the journal names what failed. A container that its
``restartPolicy`` brings back counts only once it stays down. SIGTERM (the
manager stopping the service) ends the wait with 0: stopping is no failure,
and ``ExecStopPost=kube down`` removes the pods after it.
"""

from __future__ import annotations

import os
import signal
import time
from typing import TYPE_CHECKING

from hutch.api.containers import WaitOptions
from hutch.api.errors import InvalidArgument, NoSuchObject
from hutch.api.kube import KubePlayReport
from hutch.util import sdnotify

if TYPE_CHECKING:
    from types import FrameType

    from hutch.api.engine import Engine

POLICIES = ("none", "all", "any")


def parse_propagation(value: str) -> str:
    """podman's values; empty is none."""
    if value == "":
        return "none"
    if value not in POLICIES:
        raise InvalidArgument(
            f'unsupported exit-code propagation "{value}": expected none, all or any'
        )
    return value


def exit_code(policy: str, codes: list[int]) -> int:
    """The service's exit status from its containers' (in the YAML's order)."""
    failed = [c for c in codes if c != 0]
    if policy == "none" or not failed:
        return 0
    if policy == "all" and len(failed) != len(codes):
        return 0
    return failed[0] if 0 < failed[0] < 256 else 1


def serve(engine: Engine, report: KubePlayReport, propagation: str, notify: str | None) -> int:
    policy = parse_propagation(propagation)
    ids = [c for pod in report.pods for c in pod.containers]
    if notify:
        sdnotify.notify(f"MAINPID={os.getpid()}\nREADY=1", {"NOTIFY_SOCKET": notify})
    previous = signal.signal(signal.SIGTERM, _stopped)
    try:
        return exit_code(policy, _wait_all(engine, ids))
    except _Stopped:
        return 0
    finally:
        signal.signal(signal.SIGTERM, previous)


class _Stopped(Exception):
    """SIGTERM during the wait."""


def _stopped(signum: int, frame: FrameType | None) -> None:
    raise _Stopped


def _wait_all(engine: Engine, ids: list[str]) -> list[int]:
    """Each container's exit code, once none of them runs (a restarted one is
    waited for again); a container removed meanwhile counts as failed (-1 -> 1)."""
    while True:
        codes = [
            r.exit_code if not r.error else -1
            for r in engine.containers.wait(ids, WaitOptions(ignore=True))
        ]
        if not ids or not any(_running(engine, i) for i in ids):
            return [1 if c < 0 else c for c in codes]
        time.sleep(0.25)


def _running(engine: Engine, container: str) -> bool:
    try:
        (info,) = engine.containers.inspect([container])
    except NoSuchObject:
        return False
    return info.state.running or info.state.restarting
