"""``.pod`` units: a service that makes a pod and holds it for its containers.

Shape of the service (decided for hutch, documented in hutch-systemd.unit(5)):
``ExecStartPre`` is ``hutch pod create --replace`` (a pod left behind by a
crash is taken over), ``ExecStart`` is ``hutch pod start`` (the infra),
``ExecStop`` ``hutch pod stop`` and ``ExecStopPost`` ``hutch pod rm -f``.
podman makes this a ``Type=forking`` service whose main pid is the infra's
conmon; hutch's infra monitor moves into a scope of its own under the
systemd cgroup manager, out of the service's reach, so the service is
``Type=oneshot`` with ``RemainAfterExit=yes``: active once the infra runs.
Each ``.container`` with ``Pod=NAME.pod`` runs ``hutch run --pod`` with
``BindsTo=``/``After=`` on this service, and this service ``Wants=`` and
comes ``Before=`` them (unless ``StartWithPod=false``), as podman's do.

The exit policy stays hutch's default (continue) unless ``ExitPolicy=`` is
set: nothing of systemd follows the infra here, and stopping it after the
last member would race a member that ``Restart=`` is bringing back.
"""

from __future__ import annotations

from hutch.systemd import keys
from hutch.systemd.common import (
    Context,
    Service,
    check_keys,
    entries,
    entry,
    exec_line,
    global_and_extra_args,
    network_flags,
    render,
    resource_name,
    table_flags,
    volume_value,
)
from hutch.systemd.model import Generated, QuadletError, Unit

EXIT_POLICIES = ("continue", "stop")
STOP_SECONDS = 10  # podman's --time for the pod's stop


def convert(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.POD, keys.POD_SPECIAL, keys.POD_UNSUPPORTED)
    svc = Service(unit)
    name = resource_name(unit)
    global_args, extra = global_and_extra_args(unit)
    hutch = [ctx.binary, *global_args, "pod"]
    create = [*hutch, "create", f"--name={name}", "--replace"]
    create += _exit_policy(unit)
    create += table_flags(unit, keys.POD)
    create += network_flags(unit, ctx, svc)
    create += [f"--volume={volume_value(unit, ctx, svc, v)}" for v in entries(unit, "Volume")]
    create += extra
    for member in members(unit, ctx):
        svc.unit_extra += [f"Wants={member}", f"Before={member}"]
    svc.service += [
        "Environment=PODMAN_SYSTEMD_UNIT=%n",
        "Type=oneshot",
        "RemainAfterExit=yes",
        "SyslogIdentifier=%N",
    ]
    lines = [
        exec_line("ExecStartPre", create),
        exec_line("ExecStart", [*hutch, "start", name]),
        exec_line("ExecStop", [*hutch, "stop", "--ignore", f"--time={STOP_SECONDS}", name]),
        exec_line("ExecStopPost", [*hutch, "rm", "--ignore", "--force", name]),
    ]
    return render(svc, ctx, lines)


def members(pod: Unit, ctx: Context) -> list[str]:
    """The services of the containers that start with the pod (``Pod=`` names it)."""
    out = []
    for unit in ctx.units.values():
        if unit.suffix != ".container" or unit.file.last("Container", "Pod") != pod.name:
            continue
        start = unit.file.last("Container", "StartWithPod")
        if start and keys.is_boolean(start) and not keys.is_true(start):
            continue
        out.append(unit.service_name())
    return out


def _exit_policy(unit: Unit) -> list[str]:
    e = entry(unit, "ExitPolicy")
    if e is None or not e.value:
        return []
    if e.value not in EXIT_POLICIES:
        raise QuadletError(e.where, f"ExitPolicy={e.value}: expected continue or stop")
    return [f"--exit-policy={e.value}"]
