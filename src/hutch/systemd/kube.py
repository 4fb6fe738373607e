"""``.kube`` units: a service that plays Kubernetes YAML and takes it down.

Shape of the service (podman's, podman-systemd.unit(5)): ``Type=notify``,
``NotifyAccess=all``, ``KillMode=mixed``; ``ExecStart`` is ``hutch kube play
--replace --service-container=true YAML`` and ``ExecStopPost`` ``hutch kube down
YAML``. podman's service container is the main process there; hutch has none:
``kube play --service-container`` itself stays as the main process
(kube/service.py), says MAINPID and READY=1 once the pods run and exits when
every container of the YAML has, with 0 or, by ``ExitCodePropagation=``
(``--service-exit-code-propagation``), non-zero when all or any of them
failed, so that ``Restart=on-failure`` sees a failed workload. systemd's stop
sends SIGTERM to that process alone (``KillMode=mixed``), which ends it with
0, and then ``ExecStopPost=kube down`` removes the pods: a ``kube down`` in
``ExecStop`` would make every container exit non-zero while play still waits,
and a plain stop would read as a failure. The YAML's ``restartPolicy`` is what
restarts its containers (play waits for a restarted one).
"""

from __future__ import annotations

import os

from hutch.systemd import keys
from hutch.systemd.common import (
    Context,
    Service,
    check_keys,
    entry,
    exec_line,
    global_and_extra_args,
    network_names,
    render,
    table_flags,
    words,
)
from hutch.systemd.container import AUTOUPDATE_LABEL
from hutch.systemd.model import Generated, QuadletError, Unit


def convert(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.KUBE, keys.KUBE_SPECIAL, keys.KUBE_UNSUPPORTED)
    e = entry(unit, "Yaml")
    if e is None or not e.value:
        raise QuadletError(str(unit.path), "no Yaml key in [Kube]")
    yaml = unit.resolve_path(e.value)
    svc = Service(unit)
    global_args, extra = global_and_extra_args(unit)
    play = [ctx.binary, *global_args, "kube", "play", "--replace", "--service-container=true"]
    play += [f"--configmap={unit.resolve_path(v)}" for v in unit.file.values("Kube", "ConfigMap")]
    propagation = _exit_code_propagation(unit)
    if propagation:
        play.append(f"--service-exit-code-propagation={propagation}")
    play += table_flags(unit, keys.KUBE)
    play += _auto_update(unit)
    play += _networks(unit, ctx, svc)
    play += [*extra, yaml]
    down = [ctx.binary, *global_args, "kube", "down"]
    force = entry(unit, "KubeDownForce")
    if force is not None and force.value:
        if not keys.is_boolean(force.value):
            raise QuadletError(force.where, f"KubeDownForce: {force.value!r} is not a boolean")
        if keys.is_true(force.value):
            down.append("--force")
    down.append(yaml)
    svc.service.append("Environment=PODMAN_SYSTEMD_UNIT=%n")
    svc.service += ["Type=notify", "NotifyAccess=all", *_kill_mode(unit)]
    svc.service.append("SyslogIdentifier=%N")
    workdir = _working_directory(unit, yaml)
    if workdir:
        svc.service.append(f"WorkingDirectory={workdir}")
    lines = [exec_line("ExecStart", play), exec_line("ExecStopPost", down)]
    return render(svc, ctx, lines)


def _kill_mode(unit: Unit) -> list[str]:
    """KillMode=mixed unless [Service] sets mixed or control-group itself; any other
    mode would signal the containers' monitors behind play's back (podman refuses
    it too)."""
    given = unit.file.last("Service", "KillMode")
    if given is None or given == "":
        return ["KillMode=mixed"]
    if given not in ("mixed", "control-group"):
        raise QuadletError(
            str(unit.path), f"invalid KillMode '{given}': expected mixed or control-group"
        )
    return []


def _exit_code_propagation(unit: Unit) -> str:
    """ExitCodePropagation=all|any|none ("" when unset or empty, as podman's)."""
    e = entry(unit, "ExitCodePropagation")
    if e is None or not e.value:
        return ""
    if e.value not in ("all", "any", "none"):
        raise QuadletError(e.where, f"ExitCodePropagation={e.value}: expected all, any or none")
    return e.value


def _auto_update(unit: Unit) -> list[str]:
    """``AutoUpdate=POLICY`` (every container of the YAML) or ``NAME/POLICY`` (its
    container NAME), words, repeatable: annotations that kube play turns into the
    containers' auto-update labels, as podman's Quadlet does."""
    argv: list[str] = []
    for e in unit.file.in_section(unit.section):
        if e.key != "AutoUpdate":
            continue
        if e.value == "":
            argv = []
            continue
        for word in words(unit, e):
            name, slash, policy = word.partition("/") if "/" in word else ("", "", word)
            if policy not in ("registry", "local") or (slash and not name):
                raise QuadletError(
                    e.where, f"AutoUpdate={word}: expected registry, local or NAME/registry|local"
                )
            key = f"{AUTOUPDATE_LABEL}/{name}" if slash else AUTOUPDATE_LABEL
            argv.append(f"--annotation={key}={policy}")
    return argv


def _networks(unit: Unit, ctx: Context, svc: Service) -> list[str]:
    """One ``--network`` per value (kube play takes several)."""
    return [f"--network={n}" for n in network_names(unit, ctx, svc)]


def _working_directory(unit: Unit, yaml: str) -> str | None:
    """SetWorkingDirectory=yaml|unit, unless [Service] sets WorkingDirectory itself."""
    e = entry(unit, "SetWorkingDirectory")
    if e is None or not e.value or unit.file.last("Service", "WorkingDirectory"):
        return None
    setting = e.value.lower()
    if setting == "yaml":
        return os.path.dirname(yaml)
    if setting == "unit":
        return str(unit.path.parent)
    raise QuadletError(e.where, f"SetWorkingDirectory={e.value}: expected yaml or unit")
