"""A container's /etc/hosts and /etc/resolv.conf written anew at each start.

podman writes both files at every start, from the container's flags, its networks
and the host's files as they are then: what the container wrote into them is gone
after a restart (podman 4.3.1 and current; ``podman restart``, ``stop`` +
``start`` and the restart policy's runs alike: the monitor puts back the copies kept
here, runtime/etcfiles.py), and a change of the host's /etc/hosts or /etc/resolv.conf (or of
containers.conf's base_hosts_file) shows. Not so without a network (--network
none) nor on another container's (container:NAME): podman keeps those files as
they are. /etc/hostname is written once, at create, and keeps what the container
wrote into it, as podman's does.

A pod's members share the infra container's files, which the pod lists its running
members in (runtime/etcfiles.py): hutch leaves them as they are (podman writes the
infra's anew).
"""

from __future__ import annotations

import os

from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext
from hutch.runtime.spec_io import spec_from_json


def refresh(ctx: EngineContext, container: cs.Container, just_created: bool = False) -> None:
    """Rewrite the container's own /etc/hosts and /etc/resolv.conf (those it bind-mounts
    from its directory: not with --no-hosts, nor a pod's shared ones), with the copies
    the monitor puts back before the restart policy's runs (runtime/etcfiles.py).

    ``just_created``: run's start, in the command whose create wrote the files from
    the same host files a moment ago: only the copies are made (run's time, issue 16)."""
    if container.record.pod_id:
        return
    userdata = container.dirs.userdata
    spec = spec_from_json((userdata / "config.json").read_bytes())
    if spec.network.mode == "none" or spec.network.join_container:
        return  # podman's: no network, or another container's
    ours = {dest for dest, src in spec.etc_files if src == os.fspath(userdata / dest[5:])}
    wanted = ours & {"/etc/hosts", "/etc/resolv.conf"}
    if not wanted:
        return
    if just_created:
        from hutch.runtime.etcfiles import STARTED_SUFFIX

        for dest in wanted:
            made = userdata / dest[5:]
            made.with_name(made.name + STARTED_SUFFIX).write_bytes(made.read_bytes())
        return
    from hutch.engine import etctext, hostsfile
    from hutch.runtime.etcfiles import host_file, write_as_started

    options = container.config.options
    if "/etc/hosts" in wanted:
        conf = hostsfile.conf_of(ctx.settings.defaults)
        base = hostsfile.base_text(conf.base_hosts_file, spec.rootfs)
        text = etctext.hosts_text(
            options, spec.network, spec.hostname, container.record.name, base, conf
        )
        write_as_started(userdata / "hosts", text)
    if "/etc/resolv.conf" in wanted:
        host = host_file("/etc/resolv.conf")
        write_as_started(userdata / "resolv.conf", etctext.resolv_text(options, spec.network, host))
