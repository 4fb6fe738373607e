"""A container's /etc/hosts and /etc/resolv.conf written anew at each start.

podman writes both files at every start, from the container's flags, its networks
and the host's files as they are then: what the container wrote into them is gone
after a restart (podman 4.3.1 and current; ``podman restart``, ``stop`` +
``start`` and the restart policy's runs alike: before each of the policy's runs the
monitor, which imports no engine code, runs this module as a command, ``main``, and
puts back the copies kept here should that fail, runtime/etcfiles.py), and a change
of the host's /etc/hosts or /etc/resolv.conf (or of containers.conf's
base_hosts_file) shows. Not so without a network (--network
none) nor on another container's (container:NAME): podman keeps those files as
they are. /etc/hostname is written once, at create, and keeps what the container
wrote into it, as podman's does.

A pod's members share the infra container's files: they are written anew when the
infra starts (``pod start``, ``pod restart``, a member's start in a stopped pod), as
podman 4.3.1 writes them, and a member's start in a running pod only appends its
name (runtime/etcfiles.py), as podman's does: what the members wrote stays until then.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from hutch.engine import container_state as cs
from hutch.engine.context import EngineContext


def refresh(ctx: EngineContext, container: cs.Container, just_created: bool = False) -> None:
    """Rewrite the container's own /etc/hosts and /etc/resolv.conf (those it bind-mounts
    from its directory: not with --no-hosts, nor a pod member's, which are the infra's),
    with the copies
    the monitor puts back before the restart policy's runs (runtime/etcfiles.py).

    ``just_created``: run's start, in the command whose create wrote the files from
    the same host files a moment ago: only the copies are made (run's time, issue 16)."""
    userdata = container.dirs.userdata
    raw = (userdata / "config.json").read_bytes()
    wanted = _own_files(raw, userdata)
    if not wanted:
        return
    if just_created:
        from hutch.runtime.etcfiles import STARTED_SUFFIX

        for dest in wanted:
            made = userdata / dest[5:]
            made.with_name(made.name + STARTED_SUFFIX).write_bytes(made.read_bytes())
        return
    from hutch.runtime.spec_io import spec_from_json

    spec = spec_from_json(raw)
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


def _own_files(raw: bytes, userdata: Path) -> set[str]:
    """Which of /etc/hosts and /etc/resolv.conf a start writes: those the spec mounts
    from the container's own directory, none without a network or on another
    container's (podman keeps them as they are then). Read from the spec's JSON
    rather than its decoded form, whose first decode is 2 ms of run's CPU."""
    doc = json.loads(raw)
    network = doc.get("network") or {}
    if network.get("mode") == "none" or network.get("join_container"):
        return set()
    ours = {
        dest for dest, src in doc.get("etc_files") or () if src == os.fspath(userdata / dest[5:])
    }
    return ours & {"/etc/hosts", "/etc/resolv.conf"}


def command(ctx: EngineContext, container_id: str) -> tuple[str, ...]:
    """The command that writes a container's files anew (``main``): what its monitor
    runs before each run of the restart policy's, as podman's restart policy goes
    through podman's whole start."""
    return (sys.executable, "-m", "hutch.engine.etc_refresh", *ctx.flags.argv(), container_id)


def main(argv: list[str]) -> int:
    """``python -m hutch.engine.etc_refresh [GLOBAL FLAGS] ID`` (``command``): the
    container's files written anew from the settings and host files as they are now,
    the settings those of the global flags of the command that started it
    (``--module``'s too); 1 when that fails (the monitor then puts back the copies)."""
    from hutch.config.global_flags import from_argv
    from hutch.engine.context import context_factory

    try:
        flags, (container_id,) = from_argv(argv)
        ctx = context_factory(flags)()
    except Exception as exc:  # as below: the monitor puts back its copies
        print(f"hutch: writing /etc/hosts and resolv.conf anew: {exc}", file=sys.stderr)
        return 1
    try:
        refresh(ctx, cs.get(ctx, container_id))
    except Exception as exc:  # any failure: the monitor puts back its copies instead
        print(f"hutch: writing /etc/hosts and resolv.conf anew: {exc}", file=sys.stderr)
        return 1
    finally:
        ctx.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
