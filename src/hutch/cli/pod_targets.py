"""Which pods a pod verb acts on: names, ``--all``, ``--latest`` or ``--pod-id-file``,
with podman's rules for combining them and its words (podman 4.3.1's pod start, stop,
rm, restart, kill, pause and unpause; its ``CheckAllLatestAndPodIDFile``).

No typer here: ``pod rm`` runs on the fast path (cli/fast.py) too.
"""

from typing import TYPE_CHECKING

from hutch.api.errors import InvalidArgument, NoSuchObject

if TYPE_CHECKING:
    from collections.abc import Sequence

    from hutch.cli.state import AppState


def check(
    names: "Sequence[str]", *, all_: bool, latest: bool, id_files: "Sequence[str]" = ()
) -> None:
    """podman's refusals, in its order, of a combination that names no pods clearly."""
    if id_files and (all_ or latest):
        raise InvalidArgument("--all, --latest, and --pod-id-file cannot be used together")
    if names and all_:
        raise InvalidArgument("no arguments are needed with --all")
    if names and latest:
        raise InvalidArgument("--latest and containers cannot be used together")
    if names and id_files:
        raise InvalidArgument("no arguments are needed with --latest or --pod-id-file")
    if all_ and latest:
        raise InvalidArgument("--all and --latest cannot be used together")
    if not (names or all_ or latest or id_files):
        raise InvalidArgument("you must provide at least one name or id")


def chosen(
    state: "AppState",
    names: "Sequence[str] | None",
    *,
    all_: bool,
    latest: bool,
    id_files: "Sequence[str] | None" = None,
) -> list[str]:
    """The pods named (none with ``--all``: the engine takes every pod then)."""
    given, files = list(names or ()), list(id_files or ())
    check(given, all_=all_, latest=latest, id_files=files)
    if latest:
        return [latest_pod(state)]
    if files:
        from hutch.api.pods import read_pod_id_file

        return [read_pod_id_file(path) for path in files]
    return given


def one(state: "AppState", name: str | None, latest: bool, *, both: str, neither: str) -> str:
    """The pod of a verb on one pod (inspect, logs): its name, or ``--latest``;
    ``both`` and ``neither`` are the verb's words (podman's differ verb by verb)."""
    if name and latest:
        raise InvalidArgument(both)
    if latest:
        return latest_pod(state)
    if not name:
        raise InvalidArgument(neither)
    return name


def latest_pod(state: "AppState") -> str:
    """The id of the pod created last (podman's words when there is none)."""
    from hutch.api.pod_list import ListPodsOptions

    pods = state.engine().pods.ls(ListPodsOptions(sort="created"))
    if not pods:
        raise NoSuchObject("no such pod")
    return max(pods, key=lambda pod: pod.created).id
