"""One task per service, each started once the services it depends on are done.

``up`` creates and starts services this way: services with no dependency
between them run at once in threads of their own (each with its own engine:
the database connection is per thread), and a dependent waits for its
dependencies' tasks, then for their ``depends_on`` conditions inside its
own task. The first failure starts nothing new; tasks already running
finish, and every failure is reported with its service's name.
"""

from __future__ import annotations

import queue
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
    wanted = set(order)
    waits = {s: set(needs.get(s, ())) & wanted for s in order}
    if workers <= 1:
        for service in order:
            try:
                task(service)
            except Exception as exc:  # reported with the service's name
                return [Failure(service, exc)]
        return []
    results: queue.Queue[tuple[str, Exception | None]] = queue.Queue()

    def work(service: str) -> None:
        try:
            task(service)
        except Exception as exc:  # handed to the scheduling thread
            results.put((service, exc))
        else:
            results.put((service, None))

    pending = list(order)
    done: set[str] = set()
    running = 0
    failures: list[Failure] = []
    while True:
        if not failures:
            for service in [s for s in pending if waits[s] <= done][: workers - running]:
                pending.remove(service)
                running += 1
                name = f"compose-{service}"
                threading.Thread(target=work, args=(service,), daemon=True, name=name).start()
        if not running:
            return failures
        service, error = results.get()
        running -= 1
        if error is None:
            done.add(service)
        else:
            failures.append(Failure(service, error))
