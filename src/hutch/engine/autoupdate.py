"""``auto-update``: restart the systemd units of containers whose image changed.

podman's rules (podman-auto-update(1)): a running container labelled
``io.containers.autoupdate=registry`` (``image`` is the old spelling) is
updated when the registry's manifest for the name it was created from has
another digest than its image; ``local`` when that name now names another
image in local storage. The container is recreated by restarting the unit
that runs it, which the ``PODMAN_SYSTEMD_UNIT`` label records (hutch's
Quadlet and ``generate systemd`` units set the variable, ``create`` copies it
into the label). A unit that fails on the new image is restarted on the old
one, tagged with the name again (``--rollback``, on by default).

The work is split so that the rules are tested without a store, a registry or
systemd: ``candidates`` reads the containers, ``run`` applies the rules
through ``UpdateOps``, and ``LocalOps`` is that interface on the real store,
registry and ``systemctl``.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Protocol

from hutch.api.containers import ContainerSummary
from hutch.api.errors import HutchError
from hutch.api.system import AutoUpdateOptions, AutoUpdateReport, AutoUpdateResult
from hutch.engine import events as engine_events
from hutch.engine.context import EngineContext
from hutch.linux import procfs

LABEL = "io.containers.autoupdate"
AUTHFILE_LABEL = "io.containers.autoupdate.authfile"
UNIT_LABEL = "PODMAN_SYSTEMD_UNIT"

REGISTRY = "registry"
LOCAL = "local"
# label value -> policy ("" is podman's "disabled": no updates)
_POLICIES = {"": "", "disabled": "", "image": REGISTRY, REGISTRY: REGISTRY, LOCAL: LOCAL}


@dataclass(frozen=True)
class Candidate:
    """A running container with an auto-update policy."""

    id: str
    name: str
    image_id: str
    image: str  # the name it was created from
    policy: str
    unit: str | None  # None: created outside a unit
    authfile: str | None = None


class UpdateOps(Protocol):
    """What an update needs from the store, the registry and systemd."""

    def remote_differs(self, name: str, image_id: str, authfile: str | None) -> bool:
        """The registry's image for ``name`` is not ``image_id``'s (digest compare)."""

    def local_differs(self, name: str, image_id: str) -> bool:
        """``name`` names another image than ``image_id`` in local storage."""

    def pull(self, name: str, authfile: str | None) -> None: ...

    def tag(self, image_id: str, name: str) -> None: ...

    def restart(self, unit: str) -> None:
        """Restart the unit and wait for it; HutchError when it failed."""


def lookup_policy(value: str) -> str:
    """The policy a label value names; podman's words for a bad one."""
    if value in _POLICIES:
        return _POLICIES[value]
    valid = " ".join(f'"{k}"' for k in sorted(k for k in _POLICIES if k))
    raise HutchError(f'invalid auto-update policy "{value}": valid policies are [{valid}]')


def candidates(containers: Iterable[ContainerSummary]) -> tuple[list[Candidate], list[str]]:
    """The running containers with a policy, and the errors of bad policies."""
    found: list[Candidate] = []
    errors: list[str] = []
    for c in containers:
        labels = dict(c.labels)
        if c.status != "running" or LABEL not in labels:
            continue
        try:
            policy = lookup_policy(labels[LABEL])
        except HutchError as exc:
            errors.append(exc.message)
            continue
        if policy:
            unit = labels.get(UNIT_LABEL)
            authfile = labels.get(AUTHFILE_LABEL)
            found.append(Candidate(c.id, c.name, c.image_id, c.image, policy, unit, authfile))
    return found, errors


def run(found: Iterable[Candidate], ops: UpdateOps, options: AutoUpdateOptions) -> AutoUpdateResult:
    """Update each candidate by its policy: one report per container that has a
    unit, and the errors (podman goes on after an error, and reports the unit
    ``failed``)."""
    reports: list[AutoUpdateReport] = []
    errors: list[str] = []
    pulled: set[str] = set()  # names pulled in this run: their other units only restart
    for c in sorted(found, key=lambda c: (c.unit or "", c.name)):
        if c.unit is None:
            errors.append(f'auto-updating container "{c.id}": no {UNIT_LABEL} label found')
            continue
        report = AutoUpdateReport(c.unit, c.id, c.name, c.image, c.policy, "failed")
        try:
            updated = _update(c, c.unit, ops, options, pulled)
        except HutchError as exc:
            errors.append(exc.message)
            updated = "failed"
        reports.append(replace(report, updated=updated))
    return AutoUpdateResult(tuple(reports), tuple(errors))


def _update(
    c: Candidate, unit: str, ops: UpdateOps, options: AutoUpdateOptions, pulled: set[str]
) -> str:
    """The container's ``Updated`` word; HutchError for a failure."""
    where = "registry auto-updating" if c.policy == REGISTRY else "locally auto-updating"
    if c.policy == REGISTRY and c.image in pulled:
        _restart(c, unit, ops)
        return "true"
    try:
        if c.policy == REGISTRY:
            _check_reference(c.image)
            newer = ops.remote_differs(c.image, c.image_id, c.authfile or options.authfile)
        else:
            newer = ops.local_differs(c.image, c.image_id)
    except HutchError as exc:
        raise HutchError(
            f'{where} container "{c.id}": image check for "{c.image}" failed: {exc.message}'
        ) from None
    if not newer:
        return "false"
    if options.dry_run:
        return "pending"
    if c.policy == REGISTRY:
        try:
            ops.pull(c.image, c.authfile or options.authfile)
        except HutchError as exc:
            raise HutchError(
                f'{where} container "{c.id}": image update for "{c.image}" failed: {exc.message}'
            ) from None
        pulled.add(c.image)
    try:
        _restart(c, unit, ops)
        return "true"
    except HutchError:
        if not options.rollback:
            raise
    # Back to the image the container ran: its name again, and the unit restarted.
    try:
        ops.tag(c.image_id, c.image)
    except HutchError as exc:
        raise HutchError(f"falling back to previous image: {exc.message}") from None
    try:
        ops.restart(unit)
    except HutchError as exc:
        raise HutchError(f"restarting unit with old image during fallback: {exc.message}") from None
    return "rolled back"


def _restart(c: Candidate, unit: str, ops: UpdateOps) -> None:
    try:
        ops.restart(unit)
    except HutchError as exc:
        raise HutchError(
            f'auto-updating container "{c.id}": restarting systemd unit "{unit}" failed: '
            f"{exc.message}"
        ) from None


def _check_reference(name: str) -> None:
    """podman's rule: a registry update needs the name of a tag in a registry."""
    from hutch.oci.reference import parse_reference

    if "@" in name:
        raise HutchError(
            f'auto updates require fully-qualified image references without digest: "{name}"'
        )
    parse_reference(name)  # InvalidArgument for an image id or a bad name


class LocalOps:
    """``UpdateOps`` on this user's store, the registries and ``systemctl``."""

    def __init__(self, ctx: EngineContext, options: AutoUpdateOptions) -> None:
        self._ctx = ctx
        self._options = options

    def remote_differs(self, name: str, image_id: str, authfile: str | None) -> bool:
        from hutch.api.images import RegistryAccess
        from hutch.engine.distribution import Distribution
        from hutch.oci.platform import host_platform
        from hutch.oci.reference import parse_reference

        ref = parse_reference(name)
        dist = Distribution(self._ctx)
        access = RegistryAccess(tls_verify=self._options.tls_verify, authfile=authfile)
        _raw, digest, _doc = dist.resolve_manifest(
            dist.client(ref.registry, access), ref, host_platform()
        )
        record = self._ctx.images.get(image_id)
        return record is None or str(digest) != record.digest

    def local_differs(self, name: str, image_id: str) -> bool:
        from hutch.engine.resolve import find_image

        return find_image(self._ctx.images, name).id != image_id

    def pull(self, name: str, authfile: str | None) -> None:
        from hutch.api.images import PullOptions, RegistryAccess
        from hutch.engine.distribution import Distribution

        access = RegistryAccess(tls_verify=self._options.tls_verify, authfile=authfile)
        Distribution(self._ctx).pull(PullOptions(reference=name, access=access, quiet=True))

    def tag(self, image_id: str, name: str) -> None:
        self._ctx.images.tag(name, image_id)

    def restart(self, unit: str) -> None:
        systemctl = shutil.which("systemctl")
        if systemctl is None:
            raise HutchError("systemctl not found: auto-update restarts systemd units")
        # A rootless hutch's units are the user's; root's are the system's.
        # Not geteuid(): a rootless hutch is uid 0 of its session namespace
        # by now, and took the system's bus (which a user's guest may lack).
        scope = [] if procfs.real_root() else ["--user"]
        done = subprocess.run(
            [systemctl, *scope, "restart", unit], capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise HutchError(done.stderr.strip() or f"systemctl exited with {done.returncode}")


def auto_update(
    ctx: EngineContext, containers: Iterable[ContainerSummary], options: AutoUpdateOptions
) -> AutoUpdateResult:
    """podman's order: a bad policy anywhere stops the run before anything is updated."""
    found, errors = candidates(containers)
    if errors:
        return AutoUpdateResult((), tuple(errors))
    if any(c.unit is not None for c in found):
        # podman's system event, once per run that has a unit to look at
        # (a dry run too), before any update
        logging = ctx.settings.events_logger != "none"
        engine_events.record(ctx.paths if logging else None, "system", "auto-update", "")
    return run(found, LocalOps(ctx, options), options)
