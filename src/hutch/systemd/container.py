"""``.container`` units: a service whose main process is ``hutch run``.

Shape of the service (decided for hutch, documented in hutch-systemd.unit(5)):
``hutch run`` stays attached and is the service's main process, so systemd
supervises it directly: it relays the container's output to the journal,
says READY=1 when the container runs (``--sdnotify=conmon``, hence
``Type=notify``) and exits with the container's status, so ``Restart=``
sees a killed container as a failure. ``--cgroups=split`` keeps the
container in the service's cgroup (``Delegate=yes``), where systemd's stop
reaches it; ``ExecStop`` removes it with its stop timeout; ``--replace``
lets a restart take over the name a dead predecessor left behind.
"""

from __future__ import annotations

from hutch.systemd import keys
from hutch.systemd.common import (
    Context,
    Service,
    all_words,
    check_keys,
    default_name,
    entries,
    entry,
    exec_line,
    global_and_extra_args,
    image_source,
    network_flags,
    referenced,
    render,
    resource_name,
    table_flags,
    volume_unit,
    volume_value,
    words,
)
from hutch.systemd.model import Generated, QuadletError, Unit
from hutch.systemd.unitfile import join_words

AUTOUPDATE_LABEL = "io.containers.autoupdate"


def convert(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.CONTAINER, keys.CONTAINER_SPECIAL, keys.CONTAINER_UNSUPPORTED)
    svc = Service(unit)
    name = unit.file.last("Container", "ContainerName") or default_name(unit)
    rootfs = entry(unit, "Rootfs")
    image = _image(unit, ctx, svc) if rootfs is None or not rootfs.value else rootfs.value
    global_args, extra = global_and_extra_args(unit)
    argv = [ctx.binary, *global_args, "run", f"--name={name}", "--replace", "--rm"]
    if unit.file.last("Container", "CgroupsMode") is None:
        argv.append("--cgroups=split")
    argv.append(f"--sdnotify={_sdnotify(unit)}")
    argv += table_flags(unit, keys.CONTAINER)
    argv += _user(unit)
    argv += [f"--env={w}" for w in all_words(unit, "Environment")]
    argv += [f"--env-file={unit.resolve_path(v)}" for v in _values(unit, "EnvironmentFile")]
    argv += [f"--label={w}" for w in all_words(unit, "Label")]
    argv += _autoupdate(unit)
    argv += _pod(unit, ctx, svc)
    argv += network_flags(unit, ctx, svc)
    argv += [f"--volume={volume_value(unit, ctx, svc, v)}" for v in entries(unit, "Volume")]
    argv += [f"--mount={_mount(unit, ctx, svc, v)}" for v in entries(unit, "Mount")]
    argv += extra
    if rootfs is not None and rootfs.value:
        if entry(unit, "Image") is not None:  # podman's Quadlet takes one or the other
            raise QuadletError(rootfs.where, "Rootfs= and Image= cannot both be set")
        argv.append("--rootfs")  # PATH[:O], a directory instead of an image
    argv.append(image)
    argv += all_words(unit, "Exec")
    svc.service += [
        "Environment=PODMAN_SYSTEMD_UNIT=%n",
        "KillMode=mixed",
        "Delegate=yes",
        "Type=notify",
        "NotifyAccess=all",
        "SyslogIdentifier=%N",
    ]
    rm = [ctx.binary, *global_args, "rm", "-v", "-f", "-i", name]
    lines = [
        exec_line("ExecStart", argv),
        exec_line("ExecStop", rm),
        "ExecStopPost=-" + join_words(rm),
    ]
    lines += _reload(unit, ctx, name, global_args)
    return render(svc, ctx, lines)


def _values(unit: Unit, key: str) -> list[str]:
    return unit.file.values("Container", key)


def _image(unit: Unit, ctx: Context, svc: Service) -> str:
    e = entry(unit, "Image")
    if e is None or not e.value:
        raise QuadletError(str(unit.path), "no Image key in [Container]")
    return image_source(ctx, unit, e, svc)


def _pod(unit: Unit, ctx: Context, svc: Service) -> list[str]:
    """``Pod=NAME.pod``: a member of the pod that unit makes, bound to its service
    (stopped with it, started after it), as podman's Quadlet does."""
    start = entry(unit, "StartWithPod")
    if start is not None and start.value and not keys.is_boolean(start.value):
        raise QuadletError(start.where, f"StartWithPod: {start.value!r} is not a boolean")
    e = entry(unit, "Pod")
    if e is None or not e.value:
        return []
    if not e.value.endswith(".pod"):
        raise QuadletError(e.where, f"Pod={e.value}: not a Quadlet pod (NAME.pod)")
    target = referenced(ctx, unit, e, e.value, ".pod")
    service = target.service_name()
    svc.unit_extra += [f"BindsTo={service}", f"After={service}"]
    return [f"--pod={resource_name(target)}"]


def _sdnotify(unit: Unit) -> str:
    e = entry(unit, "Notify")
    if e is None or e.value == "" or (keys.is_boolean(e.value) and not keys.is_true(e.value)):
        return "conmon"
    if e.value == "healthy":
        return "healthy"  # READY=1 once the health check first passes (run checks HealthCmd)
    if keys.is_boolean(e.value):
        return "container"  # the container's own READY=1, through the socket run passes in
    raise QuadletError(e.where, f"Notify={e.value}: expected a boolean or healthy")


def _user(unit: Unit) -> list[str]:
    user = unit.file.last("Container", "User")
    group = unit.file.last("Container", "Group")
    if group and not user:
        e = entry(unit, "Group")
        assert e is not None
        raise QuadletError(e.where, "Group= needs User= (hutch run --user USER:GROUP)")
    if not user:
        return []
    return [f"--user={user}:{group}" if group else f"--user={user}"]


def _autoupdate(unit: Unit) -> list[str]:
    e = entry(unit, "AutoUpdate")
    if e is None or not e.value:
        return []
    if e.value not in ("registry", "local"):
        raise QuadletError(e.where, f"AutoUpdate={e.value}: expected registry or local")
    return [f"--label={AUTOUPDATE_LABEL}={e.value}"]


def _mount(unit: Unit, ctx: Context, svc: Service, item: tuple[str, str]) -> str:
    value, where = item
    fields = []
    for field in value.split(","):
        key, sep, val = field.partition("=")
        if sep and key in ("source", "src"):
            if val.endswith(".volume"):
                val = volume_unit(unit, ctx, svc, val, where, value)
            elif val.startswith("."):
                val = unit.resolve_path(val)
        fields.append(f"{key}{sep}{val}")
    return ",".join(fields)


def _reload(unit: Unit, ctx: Context, name: str, global_args: list[str]) -> list[str]:
    cmd = entry(unit, "ReloadCmd")
    signal = entry(unit, "ReloadSignal")
    if cmd is not None and signal is not None and cmd.value and signal.value:
        raise QuadletError(signal.where, "ReloadCmd= and ReloadSignal= exclude each other")
    if cmd is not None and cmd.value:
        argv = [ctx.binary, *global_args, "exec", name, *words(unit, cmd)]
        return [exec_line("ExecReload", argv)]
    if signal is not None and signal.value:
        argv = [ctx.binary, *global_args, "kill", f"--signal={signal.value}", name]
        return [exec_line("ExecReload", argv)]
    return []
