"""``pull_policy: daily``, ``weekly``, ``every_<duration>`` and ``refresh``: pull again
when the last pull is older than a window.

As docker compose (compose-go's ``GetPullPolicy``): ``daily`` is a window of
24 h, ``weekly`` of 7 days, ``every_1d12h`` of that duration (units w, d, h,
m, s), and ``refresh`` the duration of ``pull_refresh_after`` (without it,
``refresh`` is ``missing``, as compose-go reads it). ``up`` pulls such an
image when it is missing or when the time it was last pulled (the time a name
was last pointed at it, docker's ``LastTagTime``, kept in the image store) is
older than the window; a pull that finds the image unchanged writes its name
again, so that the time of that pull is what the next ``up`` measures from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from hutch.api.errors import HutchError
from hutch.api.images import PullOptions

if TYPE_CHECKING:
    from hutch.api.engine import Engine

Progress = Callable[[str], None]

_UNITS = {"w": 604800.0, "d": 86400.0, "h": 3600.0, "m": 60.0, "s": 1.0}
_UNITS |= {"ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|us|µs|ns|w|d|h|m|s)")


def duration(text: str) -> float:
    """``1d12h``, ``30m``, ``2w``, ``90s`` in seconds; ValueError names a bad one."""
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        raise ValueError(f"invalid duration {text!r} (units: w, d, h, m, s)")
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def window(service: Mapping[str, Any]) -> float | None:
    """Seconds after which ``service``'s image is pulled again; None: not such a policy."""
    policy = str(service.get("pull_policy", ""))
    if policy == "daily":
        return _UNITS["d"]
    if policy == "weekly":
        return _UNITS["w"]
    if policy.startswith("every_"):
        return duration(policy.removeprefix("every_"))
    if policy == "refresh" and service.get("pull_refresh_after") is not None:
        return duration(str(service["pull_refresh_after"]))
    return None


def due(engine: Engine, image: str, seconds: float, now: float) -> bool:
    """True when ``image`` is missing, or was last pulled ``seconds`` or more ago."""
    try:
        found = engine.images.inspect([image])
    except HutchError:
        return True
    if not found:
        return True
    wanted = found[0].id.removeprefix("sha256:")
    tagged = {s.id.removeprefix("sha256:"): s.tagged for s in engine.images.ls()}
    return now - tagged.get(wanted, 0.0) >= seconds


def record(engine: Engine, names: tuple[str, ...]) -> None:
    """After a pull: a pull that found nothing new writes nothing, so its names are
    written again, and the time of this pull is the one the next ``up`` measures from."""
    if names:
        engine.images.tag(names[0], list(names))


def pull(engine: Engine, service: str, image: str, progress: Progress, quiet: bool = False) -> None:
    """Pull ``image`` for ``service`` and record the time of the pull; ``quiet``
    (``--quiet-pull``): the service's rows without its layers' rows."""
    from hutch.compose.layers import LayerRows

    layers = None if quiet else LayerRows(service, progress)
    progress(f" Service {service}  Pulling {image}")
    report = engine.images.pull(PullOptions(reference=image, quiet=True, on_progress=layers))
    record(engine, report.names)
    progress(f" Service {service}  Pulled")
