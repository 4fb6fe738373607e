"""A project's containers as ``compose ps`` lists them (and the planner chooses them).

Apart from the planner so that ``compose ps`` imports none of ``up``'s code.
"""

from __future__ import annotations

from hutch.api.compose import ComposeContainer
from hutch.api.container_list import ListContainersOptions
from hutch.compose.model import LABEL, dependency_order

TYPE_CHECKING = False  # typing costs an import on the fast path; mypy reads the name alike
if TYPE_CHECKING:
    from hutch.api.container_list import ContainerSummary
    from hutch.api.engine import Engine
    from hutch.compose.model import Project


def summaries(engine: Engine, project: str, one_off: bool = False) -> list[ContainerSummary]:
    """The project's containers (those of ``compose run`` when ``one_off``), any state."""
    found = engine.containers.ls(
        ListContainersOptions(all=True, filters=(f"label={LABEL}.project={project}",))
    )
    return [c for c in found if (dict(c.labels).get(f"{LABEL}.oneoff") == "True") == one_off]


def any_left(engine: Engine, project: str) -> bool:
    """Whether the project has a container, one-offs included, in any state."""
    found = engine.containers.ls(
        ListContainersOptions(all=True, filters=(f"label={LABEL}.project={project}",))
    )
    return bool(found)


def containers(
    engine: Engine,
    project: Project,
    all: bool,
    services: tuple[str, ...] = (),
    one_off: bool = False,
) -> list[ComposeContainer]:
    """The containers of ``services`` (default all), running ones unless ``all``, the
    services' dependencies first, then by service, one-offs last, by number."""
    found = summaries(engine, project.name)
    if one_off:
        found += summaries(engine, project.name, one_off=True)
    out = []
    for summary in found:
        labels = dict(summary.labels)
        service = labels.get(f"{LABEL}.service", "")
        if services and service not in services:
            continue
        if not all and summary.status != "running":
            continue
        out.append(
            ComposeContainer(
                name=summary.name,
                id=summary.id,
                service=service,
                number=int(labels.get(f"{LABEL}.container-number", "0") or 0),
                image=summary.image,
                command=summary.command,
                status=summary.status,
                health=summary.health,
                created=summary.created,
                ports=tuple(
                    f"{ip or '0.0.0.0'}:{host}->{ctr}/{proto}"
                    for ip, host, ctr, proto in summary.ports
                ),
                one_off=labels.get(f"{LABEL}.oneoff") == "True",
            )
        )
    # dependencies first: ``start`` and ``restart`` go in this order
    rank = {name: i for i, name in enumerate(dependency_order(dict(project.services)))}
    return sorted(
        out, key=lambda c: (rank.get(c.service, len(rank)), c.service, c.one_off, c.number)
    )
