"""What every ``inspect`` verb does with what it found and what it did not, as podman.

podman inspects each name on its own and prints what it found (``[]`` for
nothing) before it reports the names it could not find: the first in its
``Error: inspecting object: ...`` line (exit 125), the others each on an
``error inspecting object: ...`` line before it. A template error comes first,
as ``printing inspect output: ...``; a format that does not parse is the only
error, in the parser's own words. Scripts read the JSON of the found
objects even when one name is missing, so nothing found is thrown away.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence

from hutch.api.errors import HutchError, InvalidArgument, NoSuchObject
from hutch.cli import render, templating

TYPE_CHECKING = False  # typing costs an import; mypy reads the name alike
if TYPE_CHECKING:
    from typing import Any, TypeVar

    from hutch.api.containers import ContainerInspect

    # a dict, or a Struct whose JSON leaves out its omitempty fields (volume_render)
    Row = TypeVar("Row", bound=Mapping[str, Any])


def collect(
    names: Iterable[str], fetch: Callable[[str], list[Row]], missing: Callable[[str, str], str]
) -> tuple[list[Row], list[str]]:
    """The rows of the names found, and podman's message for each name not found
    (``missing(name, hutch's own message)``)."""
    rows: list[Row] = []
    errors: list[str] = []
    for name in names:
        try:
            rows += fetch(name)
        except NoSuchObject as e:
            errors.append(missing(name, str(e)))
    return rows, errors


# podman's inspectNormalize: ``{{.Id}}`` alone is the Go field ID, a mount's
# docker-era names are its own
_ALONE_ID = re.compile(r"\{\{\s*\.Id\s*\}\}")
_OLD_NAMES = {".Src": ".Source", ".Dst": ".Destination"}


def normalize(fmt: str, image: bool = False) -> str:
    """The format as podman's inspect rewrites it before it parses it: ``{{.Id}}``
    as ``{{.ID}}``, ``.Src``/``.Dst`` as ``.Source``/``.Destination``, ``.ImageID``
    as ``.Image`` (a container's image) or, for ``image inspect``, ``.ID``."""
    fmt = _ALONE_ID.sub("{{.ID}}", fmt)
    for old, new in {**_OLD_NAMES, ".ImageID": ".ID" if image else ".Image"}.items():
        fmt = fmt.replace(old, new)
    return fmt


def report(
    rows: Sequence[Mapping[str, Any]],
    errors: list[str],
    fmt: str | None,
    *,
    image: bool = False,
    any_kind: bool = False,
) -> None:
    """Print the rows (JSON or the template), then fail for the names not found;
    ``image`` for ``image inspect`` (how ``.ImageID`` reads); ``any_kind`` for
    ``inspect``, whose objects are interface{} values to a template's errors."""
    if fmt and not render.is_json(fmt):
        try:
            # "table" aligns the columns but prints no header row (podman's inspect)
            data = [templating.go_id(row) for row in rows]
            out = templating.render_template(
                normalize(fmt, image),
                data,
                name="inspect",
                heading=False,
                shown_type="interface {}" if any_kind else None,
            )
        except templating.TemplateParseError:
            raise  # podman parses the format first: no "printing inspect output"
        except templating.TemplateExecError as e:
            errors = [f"printing inspect output: {e}", *errors]
            out = e.output  # what podman's template had printed by then
        except InvalidArgument as e:
            errors = [f"printing inspect output: {e}", *errors]
            out = ""
        print(out, end="")
    else:
        print_inspect_json(rows)
    if errors:
        sys.stdout.flush()  # podman's JSON comes before its errors
        for extra in errors[1:]:
            sys.stderr.write(f"error inspecting object: {extra}\n")
        raise HutchError(f"inspecting object: {errors[0]}")


def print_inspect_json(data: Any) -> None:
    """podman's inspect JSON (every noun's but a secret's): json.Encoder indenting five
    spaces, with ``<``, ``>`` and ``&`` unescaped (a health check's ``&&`` reads as
    written)."""
    render.print_json(data, indent=5, escape_html=False)


# podman's words for a missing object of each kind (its inspect's own, not the
# "no container with name or ID" of other verbs)
def no_such_container(name: str, _message: str) -> str:
    return f"no such container {name}"


def no_such_volume(name: str, _message: str) -> str:
    return f"no such volume {name}"


def no_such_pod(name: str, _message: str) -> str:
    return f"no such pod {name}"


def no_such_image(_name: str, message: str) -> str:
    return message  # "NAME: image not known", as podman's


def no_such_network(name: str, message: str) -> str:
    return f"network {name}: {message}"  # "... unable to find network with name or ID"


def podman_shape(report: ContainerInspect) -> ContainerInspect:
    """What podman's CLI shows that the Docker API does not: a one-word command's
    ``Args`` is the word again (libpod keeps the whole command when nothing follows
    ``Path``; Docker's ``Args: []``, and its API derives Cmd from Path+Args), and
    ``.Mounts`` leaves out the tmpfs mounts (libpod's; ``.HostConfig.Tmpfs`` has them)."""
    from dataclasses import replace

    args = (report.path,) if report.path and not report.args else report.args
    mounts = tuple(m for m in report.mounts if m.type != "tmpfs")
    return replace(report, args=args, mounts=mounts)
