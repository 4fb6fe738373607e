"""The infra container of a pod: the process that holds the pod's namespaces.

Its image is made here, never pulled: one layer with the mount points and an
empty ``/catatonit``, over which Debian's statically linked
``/usr/bin/catatonit`` (package ``catatonit``, also what podman's own pause
image is built from) is bind-mounted read-only. Why a bind mount rather than
a copy inside the image: the host's binary gets its security updates with
the package, the image stays a few hundred bytes with the same digest on
every machine, and nothing needs a build step. ``catatonit -P`` only waits
for signals as PID 1 and reaps; it is 0.7 MB of static code with no library.
"""

from __future__ import annotations

import io
import os
import tarfile
from collections.abc import Sequence
from dataclasses import replace

from hutch import __version__
from hutch.api.container_config import (
    ImagePullOptions,
    KernelOptions,
    NamespaceOptions,
    NetworkOptions,
    ResourceOptions,
    RunOptions,
    SecurityOptions,
    VolumeOptions,
)
from hutch.api.container_inspect import InspectMount
from hutch.api.errors import HostNotReady
from hutch.api.pods import PodCreateOptions
from hutch.engine.container_record import MountRecord
from hutch.engine.context import EngineContext
from hutch.oci.image import ContainerConfig, HistoryEntry, ImageConfig
from hutch.oci.platform import host_platform

CATATONIT = "/usr/bin/catatonit"
IMAGE = f"localhost/hutch-pause:{__version__}"
COMMAND = ("/catatonit", "-P")
# A fixed time, so that the image (and its id) is the same wherever it is made.
CREATED = "1970-01-01T00:00:00Z"
_DIRS = ("dev", "etc", "proc", "sys", "tmp")


def layer_tar() -> bytes:
    """The infra image's one layer: mount points and the catatonit mount target."""
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in _DIRS:
            info = tarfile.TarInfo(name)
            info.type = tarfile.DIRTYPE
            info.mode = 0o1777 if name == "tmp" else 0o755
            tar.addfile(info)
        target = tarfile.TarInfo("catatonit")
        target.mode = 0o755
        tar.addfile(target, io.BytesIO(b""))
    return out.getvalue()


def image_config(diff_id: str) -> ImageConfig:
    platform = host_platform()
    return ImageConfig(
        architecture=platform.architecture,
        os=platform.os,
        variant=platform.variant,
        diff_ids=(diff_id,),
        config=ContainerConfig(
            entrypoint=COMMAND,
            env=("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",),
            labels=(("io.hutch.infra", "true"),),
        ),
        created=CREATED,
        history=(HistoryEntry(created=CREATED, created_by=f"hutch pod infra ({CATATONIT})"),),
    )


def ensure_image(ctx: EngineContext) -> str:
    """The infra image's name, made in the store on first use."""
    if not os.access(CATATONIT, os.X_OK):
        raise HostNotReady(
            f"a pod's infra container needs {CATATONIT}, which is missing",
            hint="install the Debian package catatonit, or create the pod with --infra=false",
        )
    if ctx.images.by_name(IMAGE) is not None:
        return IMAGE
    state = ctx.enter_session()
    layer = ctx.layers.ingest(io.BytesIO(layer_tar()), ignore_chown=state.mode == "single-id")
    from hutch.engine.imagewrite import store_image

    store_image(ctx, image_config(layer.diff_id), [layer], [IMAGE])
    return IMAGE


def infra_options(
    options: PodCreateOptions,
    *,
    name: str,
    hostname: str,
    network: str,
    share_net: bool,
    cgroup_parent: str | None = None,
) -> RunOptions:
    """The ``run`` options of the infra container of a pod made with ``options``."""
    net = NetworkOptions()
    if share_net:
        net = replace(
            net,
            publish=options.publish,
            add_hosts=options.add_hosts,
            dns=options.dns,
            dns_search=options.dns_search,
            dns_options=options.dns_options,
            no_hosts=options.no_hosts,
            ip=options.ip,
            ip6=options.ip6,
            mac_address=options.mac_address,
            aliases=options.network_aliases,
        )
    return RunOptions(
        image=options.infra_image or IMAGE,
        entrypoint=options.infra_command,
        name=name,
        hostname=hostname or None,  # "": the host's or a joined UTS namespace's
        network=network,
        net=net,
        # hutch's own image is made here, never pulled; a --infra-image is, if missing
        pull=ImagePullOptions(policy="missing" if options.infra_image else "never"),
        # -v, --volumes-from and --device: checked and made here at create (podman's
        # infra has them too, and pod inspect shows its mounts); each member gets
        # them again (pod_member.join_options), an anonymous volume the infra's
        volumes=VolumeOptions(
            volumes=(f"{CATATONIT}:/catatonit:ro", *options.volumes),
            volumes_from=options.volumes_from,
        ),
        # the pod's user namespace is the infra's, which the members join; its
        # sysctls are set in the namespaces the members share
        security=replace(
            security(options),
            security_opt=options.security_opt,
            sysctl=options.sysctl,
            device=options.devices,
        ),
        namespaces=NamespaceOptions(pid=options.pid, uts=options.uts),
        # the pod's /dev/shm: members that share its ipc namespace mount this one
        kernel=KernelOptions(shm_size=options.shm_size),
        # below the pod's cgroup, when it has one (pod-level limits)
        resources=ResourceOptions(cgroup_parent=cgroup_parent),
    )


def pod_mounts(mounts: Sequence[MountRecord], volumes: VolumeOptions) -> tuple[InspectMount, ...]:
    """``pod inspect``'s "mounts": the infra's mounts as container inspect shows them
    (``volumes``: its -v and --mount, the pod's, for each ``Mode``), without hutch's
    own /catatonit, named volumes before bind mounts, as podman 4.3.1 lists them (its
    own order among those --volumes-from gives is not fixed: it walks a Go map when
    the pod is made)."""
    from hutch.engine import inspect_binds

    given = [
        m
        for m in mounts
        if not (m.kind == "bind" and m.destination == "/catatonit" and m.source == CATATONIT)
    ]
    return inspect_binds.with_modes(inspect_binds.inspect_mounts(given), volumes)


def security(options: PodCreateOptions) -> SecurityOptions:
    """The infra's user namespace options: the pod's --userns or id maps."""
    return SecurityOptions(
        userns=options.userns,
        uidmap=options.uidmap,
        gidmap=options.gidmap,
        subuidname=options.subuidname,
        subgidname=options.subgidname,
    )


def write_monitor_pidfile(ctx: EngineContext, infra_id: str, path: str) -> None:
    """``pod create --infra-conmon-pidfile``: podman's conmon writes its pid there;
    hutch's per-container monitor takes conmon's place and writes its own, at
    each start of the infra, beside the one inspect names (ConmonPidFile)."""
    from hutch.runtime.spec_io import spec_from_json, spec_to_json

    spec_path = ctx.containers.dirs(infra_id).userdata / "config.json"
    spec = spec_from_json(spec_path.read_bytes())
    lifecycle = replace(spec.lifecycle, extra_conmon_pidfile=path)
    tmp = spec_path.with_name(".config.json.pod")
    tmp.write_bytes(spec_to_json(replace(spec, lifecycle=lifecycle)))
    os.replace(tmp, spec_path)
