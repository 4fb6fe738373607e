"""``system check``: what the store's records and files disagree on, and the repair.

Everything is read under the layer lock, which every layer commit and every
``rmi`` takes: nothing is stored or deleted while the scan compares the rows
with the files. What a killed command leaves is found here:

- a layer tree or blob with no row (a pull or build killed after it stored a
  layer, before the image row; an ``rmi`` killed after its transaction). A
  layer's intent record (``store/layers.py`` PENDING) names the process that
  stored it: while that process runs the layer is being stored, not orphaned;
- a layer row whose tree or blob is gone, and the images standing on it;
- a container row on a missing image or without its directory, a container
  directory without its row (an ``rm`` killed between the two);
- temp dirs of processes that are gone, attach sockets of removed containers.

``repair`` removes the orphans, the stale files and the damaged images no
container uses; ``force`` also removes the containers on damaged images (and
containers whose image or directory is gone), as podman's ``--force`` does.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from hutch.api.errors import HutchError, InvalidArgument
from hutch.api.system import CheckFinding, CheckOptions, CheckReport
from hutch.config.paths import PASTA_FIFO_PREFIX
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.store.layers import remove_tree
from hutch.util.durations import parse_duration

_TEMP = "a temporary file of a command that is gone"
_CREATING = 10.0  # seconds a container row may stand without its directory


class _Scan:
    def __init__(self, ctx: EngineContext, options: CheckOptions) -> None:
        self.ctx = ctx
        self.options = options
        self.max_age: float | None = None
        if options.max_age is not None:
            try:
                self.max_age = parse_duration(options.max_age)
            except ValueError as exc:
                raise InvalidArgument(
                    f"invalid argument {options.max_age!r} for --max: {exc}"
                ) from exc
        self.findings: list[CheckFinding] = []
        self.removed: list[CheckFinding] = []

    def found(self, kind: str, name: str, problem: str, fix: Callable[[], None] | None) -> None:
        finding = CheckFinding(kind, name, problem)
        if fix is None or not self.options.repair:
            self.findings.append(finding)
            return
        try:
            fix()
        except (OSError, HutchError) as exc:
            self.findings.append(CheckFinding(kind, name, f"{problem}; repair failed: {exc}"))
        else:
            self.removed.append(finding)


def check(ctx: EngineContext, options: CheckOptions) -> CheckReport:
    scan = _Scan(ctx, options)
    # Entering the store removes the temp dirs of dead processes (every command
    # does): list them first, so that the report says what went.
    stale = ctx.layers.stale_tmp()
    ctx.enter_session()
    scan.removed.extend(CheckFinding("temp", str(e), _TEMP) for e in stale if not e.exists())
    with ctx.layers.lock():
        _layers(scan)
        _images(scan)
        _containers(scan)
        _temp_and_sockets(scan)
    return CheckReport(tuple(scan.findings), tuple(scan.removed))


def _layers(scan: _Scan) -> None:
    ctx = scan.ctx
    layers = ctx.layers
    rows = ctx.images.layer_rows()
    if scan.options.repair:
        # A row no image names (a killed rmi's): the row and its files go.
        for diff_id, blob in ctx.images.drop_unused_layers():
            layers.remove(diff_id, blob)
            scan.removed.append(CheckFinding("layer", diff_id, "recorded but used by no image"))
            rows.pop(diff_id, None)
    blobs_in_use = set(rows.values())
    for diff_id in layers.stored_layers():
        if diff_id in rows:
            continue
        alive, blob = layers.pending_owner(diff_id)
        max_age = scan.max_age
        if alive and (max_age is None or layers.layer_age(diff_id) <= max_age):
            blobs_in_use.add(blob)  # still being stored by a running pull or build
            continue
        scan.found(
            "layer",
            diff_id,
            "stored but not recorded (left by a killed pull, build or rmi)",
            partial(layers.remove, diff_id, None),
        )
    for digest in layers.stored_blobs():
        if digest in blobs_in_use:
            continue
        scan.found(
            "blob",
            digest,
            "stored but no layer records it (left by a killed pull, build or rmi)",
            partial(_remove, layers.blob_path(digest)),
        )


def _layer_problem(ctx: EngineContext, diff_id: str, rows: dict[str, str]) -> str:
    blob = rows.get(diff_id)
    if blob is None:
        return f"layer {diff_id} is not recorded"
    if not ctx.layers.layer_dir(diff_id).is_dir():
        return f"layer {diff_id}: its directory is missing"
    if not ctx.layers.blob_path(blob).is_file():
        return f"layer {diff_id}: its blob {blob} is missing"
    return ""


def _images(scan: _Scan) -> None:
    ctx = scan.ctx
    rows = ctx.images.layer_rows()
    users: dict[str, list[str]] = {}
    for c in ctx.containers.all():
        users.setdefault(c.image_id, []).append(c.id)
    for image in ctx.images.all():
        problems = [p for d in image.diff_ids if (p := _layer_problem(ctx, d, rows))]
        try:
            image.config  # noqa: B018 (decoding is the check)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            problems.append(f"its configuration cannot be read ({exc})")
        if not problems:
            continue
        in_use = users.get(image.id, [])
        fix: Callable[[], None] | None = None
        if not in_use or scan.options.force:
            fix = _remove_image_fix(ctx, image.id, in_use)
        problem = "; ".join(problems)
        if in_use and not scan.options.force:
            problem += f" (used by {len(in_use)} container(s): --force removes them too)"
        scan.found("image", image.id, problem, fix)


def _remove_image_fix(ctx: EngineContext, image_id: str, users: list[str]) -> Callable[[], None]:
    def fix() -> None:
        for container_id in users:
            _remove_container(ctx, container_id)
        for diff_id, blob in ctx.images.remove(image_id):
            ctx.layers.remove(diff_id, blob)

    return fix


def _remove_container(ctx: EngineContext, container_id: str) -> None:
    """Stop (SIGKILL to the monitor, which is PID 1 of the container) and remove."""
    dirs = ctx.containers.dirs(container_id)
    state = st.read_state(dirs.userdata / st.STATE_FILE)
    if st.alive(state.monitor_pid, state.monitor_start):
        with contextlib.suppress(ProcessLookupError):
            os.kill(state.monitor_pid, signal.SIGKILL)
    ctx.containers.delete(container_id)
    ctx.paths.attach_socket(container_id).unlink(missing_ok=True)
    if dirs.root.exists():
        remove_tree(dirs.root)


def _containers(scan: _Scan) -> None:
    ctx = scan.ctx
    images = {i.id for i in ctx.images.all()}
    records = ctx.containers.all()
    fix_forced = scan.options.force
    for c in records:
        if not ctx.containers.dirs(c.id).root.is_dir():
            # The row is written first, its directory just after: a young row
            # without one is being created; an older one is what a create killed
            # in between left, holding nothing, so it goes without --force.
            if time.time() - c.created > _CREATING:
                scan.found(
                    "container",
                    c.id,
                    "its directory is missing (left by a killed create or run)",
                    partial(_remove_container, ctx, c.id),
                )
            continue
        if c.image_id and c.image_id not in images:  # "": a --rootfs container
            fix = partial(_remove_container, ctx, c.id) if fix_forced else None
            problem = f"its image {c.image_id[:12]} is missing"
            if not fix_forced:
                problem += " (--force removes it)"
            scan.found("container", c.id, problem, fix)
    known = {c.id for c in records}
    for entry in _entries(ctx.paths.containers):
        if entry.name in known:
            continue
        state = st.read_state(entry / "userdata" / st.STATE_FILE)
        if st.alive(state.monitor_pid, state.monitor_start) or _age(entry) < _CREATING:
            continue  # its monitor runs, or an rm is deleting it right now
        scan.found(
            "container",
            entry.name,
            "a directory without a record (left by a killed rm)",
            partial(remove_tree, entry),
        )


def _temp_and_sockets(scan: _Scan) -> None:
    ctx = scan.ctx
    for entry in ctx.layers.stale_tmp():
        scan.found(
            "temp",
            str(entry),
            _TEMP,
            partial(_remove, entry),
        )
    ids = [c.id for c in ctx.containers.all()]
    for entry in _entries(ctx.paths.attach_sockets):
        if entry.name.startswith(PASTA_FIFO_PREFIX):
            # A run's pid FIFO for its pasta (nethelper.start_early), there while that
            # run sets its network up: also when the run's command was killed a moment
            # ago and its monitor goes on to find it gone (a check right after such a
            # kill flagged it). One that outlived its run is debris.
            if _age(entry) < _CREATING:
                continue
            problem = "the pid FIFO of a network helper of a run that is gone"
        else:
            prefix = entry.name.removesuffix(".net")
            if any(i.startswith(prefix) for i in ids):
                continue
            problem = "an attach socket of a container that no longer exists"
        scan.found("socket", str(entry), problem, partial(_remove, entry))


def _entries(path: Path) -> Iterable[Path]:
    try:
        return sorted(path.iterdir())
    except OSError:
        return ()


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        remove_tree(path)
    else:
        path.unlink(missing_ok=True)
