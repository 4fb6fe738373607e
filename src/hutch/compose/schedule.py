"""One task per service, each started once the services it depends on are done.

``up`` creates and starts services this way: services with no dependency
between them run at once in threads of their own (each with its own engine:
the database connection is per thread), and a dependent waits for its
dependencies' tasks, then for their ``depends_on`` conditions inside its
own task. The first failure starts nothing new; tasks already running
finish, and every failure is reported with its service's name.

A task may come in two stages (``run_staged``): the first (``up``: start the
monitors ahead, create the containers) runs once the dependencies' first
stages are done, the second (start them) once their second stages are. A
dependent is so created while its dependencies start, as docker compose
creates every container before it starts the first, and its monitors'
start-up overlaps theirs; the dependencies are still created before it
(``network_mode: service:X`` and ``volumes_from`` need them to exist).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence, Set
from dataclasses import dataclass


@dataclass(frozen=True)
class Failure:
    service: str
    error: BaseException


def run_graph(
    order: Sequence[str],
    needs: Mapping[str, Set[str]],
    task: Callable[[str], None],
    *,
    workers: int,
) -> list[Failure]:
    """Run ``task(service)`` for each of ``order`` (dependencies first); the failures.

    ``needs[s]`` are the services ``s`` waits for (those outside ``order``
    are not waited for: ``--no-deps``). ``workers`` is the most tasks at
    once; 1 runs them one after the other in this thread.
    """
    return run_staged(order, needs, lambda service: None, task, workers=workers)


def run_staged(
    order: Sequence[str],
    needs: Mapping[str, Set[str]],
    first: Callable[[str], None],
    then: Callable[[str], None],
    *,
    workers: int,
) -> list[Failure]:
    """``first(service)`` once the needs' ``first`` are done, then in the same thread
    ``then(service)`` once the needs' ``then`` are; the failures.

    After a failure nothing new begins: a task not yet begun never does, and
    one whose first stage is done skips its second. ``workers`` as in
    ``run_graph`` (a task waiting between its stages keeps its place: the
    needs of a running task began before it, so one of them can always go on).
    """
    wanted = set(order)
    waits = {s: set(needs.get(s, ())) & wanted for s in order}
    if workers <= 1:
        for service in order:
            try:
                first(service)
                then(service)
            except Exception as exc:  # reported with the service's name
                return [Failure(service, exc)]
        return []
    changed = threading.Condition()
    created: set[str] = set()
    done: set[str] = set()
    running: set[str] = set()
    failures: list[Failure] = []

    def work(service: str) -> None:
        error: Exception | None = None
        finished = False
        try:
            first(service)
            with changed:
                created.add(service)
                changed.notify_all()
                changed.wait_for(lambda: bool(failures) or waits[service] <= done)
                go = not failures
            if go:
                then(service)
                finished = True
        except Exception as exc:  # handed to the scheduling thread
            error = exc
        with changed:
            if error is not None:
                failures.append(Failure(service, error))
            elif finished:
                done.add(service)
            running.discard(service)
            changed.notify_all()

    pending = list(order)
    with changed:
        while True:
            if not failures:
                ready = [s for s in pending if waits[s] <= created]
                for service in ready[: workers - len(running)]:
                    pending.remove(service)
                    running.add(service)
                    name = f"compose-{service}"
                    threading.Thread(target=work, args=(service,), daemon=True, name=name).start()
            if not running:
                return list(failures)
            changed.wait()
