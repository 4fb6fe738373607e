"""The image a new container starts from, pulled first when ``--pull`` says so.

podman's rules: ``missing`` pulls only when no local image matches,
``always`` pulls every time, ``never`` uses local storage only, ``newer``
pulls when the registry's digest differs from the local image's (and keeps
the local image when the registry cannot be asked).
"""

from __future__ import annotations

from collections.abc import Callable

from hutch.api.container_config import ImagePullOptions
from hutch.api.errors import HutchError, NoSuchObject
from hutch.engine.context import EngineContext
from hutch.engine.resolve import find_image
from hutch.store.images import ImageRecord

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
# api.images (about fifty classes, 4 ms) only where a pull happens: ``run`` and
# ``create`` of a local image never load it (issue 16).
if TYPE_CHECKING:
    from hutch.api.images import RegistryAccess


def _local(ctx: EngineContext, name: str) -> ImageRecord | None:
    try:
        return find_image(ctx.images, name)
    except NoSuchObject:
        return None


def image_for_run(
    ctx: EngineContext,
    name: str,
    pull: ImagePullOptions,
    cancelled: Callable[[], bool] | None = None,
) -> ImageRecord:
    """The local image or the one pulled; ``cancelled`` stops the pull (an attached
    run's ^C, which its signal proxy holds for the container to come)."""
    from hutch.engine.transports import split_transport

    if pull.retry_delay is not None:  # a bad --retry-delay is refused, pull or not (podman)
        from hutch.registry.retry import parse_policy

        parse_policy(pull.retry, pull.retry_delay)
    # TRANSPORT:PATH (docker-archive:, oci:, ...): copied in each time, as podman does
    local = None if split_transport(name) is not None else _local(ctx, name)
    policy = pull.policy or "missing"  # conf_defaults filled it; "" is podman's default
    if policy == "never" or (policy == "missing" and local is not None):
        if local is None:
            raise NoSuchObject(f"{name}: image not known")  # podman's words
        return local
    if policy == "newer" and local is not None and not _remote_differs(ctx, name, local, pull):
        return local
    from hutch.api.images import PullOptions
    from hutch.engine.distribution import Distribution

    try:
        report = Distribution(ctx).pull(
            PullOptions(
                reference=name,
                platform=pull.platform,
                arch=pull.arch,
                os=pull.os,
                variant=pull.variant,
                quiet=pull.quiet,
                access=access(pull),
                cancelled=cancelled,
                retry=pull.retry,
                retry_delay=pull.retry_delay,
            )
        )
    except HutchError as exc:
        from hutch.registry.registries_conf import ShortNameUnresolved

        # podman says first that it has no such image here, unless there was
        # nowhere to pull from (a short name without alias or search registry)
        if local is None and not isinstance(exc, ShortNameUnresolved):
            exc.message = f"{name}: image not known locally; pulling it failed: {exc.message}"
        raise
    from hutch.engine.events import pull_events

    # podman's too: the pull's event comes before the container's create
    pull_events(ctx, report.ids, name)
    record = ctx.images.get(report.ids[0])
    if record is None:  # pragma: no cover - just stored
        raise NoSuchObject(f"{name}: image not known after pulling it")
    return record


def access(pull: ImagePullOptions) -> RegistryAccess:
    """The registry flags of run/create (--tls-verify, --authfile, --cert-dir, --creds)."""
    from hutch.api.images import RegistryAccess

    return RegistryAccess(
        tls_verify=pull.tls_verify, creds=pull.creds, authfile=pull.authfile, cert_dir=pull.cert_dir
    )


def _remote_differs(
    ctx: EngineContext, name: str, local: ImageRecord, pull: ImagePullOptions
) -> bool:
    from hutch.engine.distribution import Distribution
    from hutch.oci.platform import host_platform
    from hutch.oci.reference import parse_reference

    dist = Distribution(ctx)
    try:
        ref = parse_reference(next((n for n in local.names if n.endswith(name)), name))
        client = dist.client(ref.registry, access(pull))
        _raw, digest, _doc = dist.resolve_manifest(client, ref, host_platform())
    except HutchError:
        return False
    return str(digest) != local.digest
