"""``.volume``, ``.network``, ``.image`` and ``.build`` units: one-shot services
that make sure the object exists (``Type=oneshot``, ``RemainAfterExit=yes``)."""

from __future__ import annotations

import os

from hutch.systemd import keys
from hutch.systemd.common import (
    Context,
    Service,
    check_image,
    check_keys,
    entry,
    exec_line,
    global_and_extra_args,
    image_source,
    render,
    resource_name,
    table_flags,
)
from hutch.systemd.model import Generated, QuadletError, Unit

ONESHOT = ["Type=oneshot", "RemainAfterExit=yes", "SyslogIdentifier=%N"]


def volume(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.VOLUME, keys.VOLUME_SPECIAL, keys.VOLUME_UNSUPPORTED)
    global_args, extra = global_and_extra_args(unit)
    argv = [ctx.binary, *global_args, "volume", "create", "--ignore"]
    argv += table_flags(unit, keys.VOLUME)
    svc = Service(unit, service=list(ONESHOT))
    if unit.file.last("Volume", "Driver") == "image":
        # podman's Quadlet: the image driver's image, required with that driver
        image = entry(unit, "Image")
        if image is None or not image.value:
            raise QuadletError(
                str(unit.path), "the key Image is mandatory when using the image driver"
            )
        argv.append(f"--opt=image={image_source(ctx, unit, image, svc)}")
    copy = unit.file.last("Volume", "Copy")
    if copy:
        # podman's Quadlet: Copy=false is --opt nocopy, Copy=true --opt copy
        argv.append("--opt=copy" if keys.is_true(copy) else "--opt=nocopy")
    for key, opt in (("Type", "type"), ("Device", "device")):
        value = unit.file.last("Volume", key)
        if value:
            argv.append(f"--opt={opt}={value}")
    # User= and Group= (numeric ids, the owner of the volume's directory) go first
    # into the o= of Options=, as podman's Quadlet writes them
    mount_opts = [
        f"{opt}={_numeric_id(unit, key, value)}"
        for key, opt in (("User", "uid"), ("Group", "gid"))
        if (value := unit.file.last("Volume", key))
    ]
    options = unit.file.last("Volume", "Options")
    if options:
        mount_opts.append(options)
    if mount_opts:
        argv.append(f"--opt=o={','.join(mount_opts)}")
    argv += [*extra, resource_name(unit)]
    return render(svc, ctx, [exec_line("ExecStart", argv)])


def _numeric_id(unit: Unit, key: str, value: str) -> int:
    if not value.strip().isdigit():
        raise QuadletError(str(unit.path), f"{key}={value}: a numeric id is needed")
    return int(value)


def network(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.NETWORK, keys.NETWORK_SPECIAL, keys.NETWORK_UNSUPPORTED)
    global_args, extra = global_and_extra_args(unit)
    name = resource_name(unit)
    argv = [ctx.binary, *global_args, "network", "create", "--ignore"]
    argv += [*table_flags(unit, keys.NETWORK), *extra, name]
    lines = [exec_line("ExecStart", argv)]
    delete = entry(unit, "NetworkDeleteOnStop")
    if delete is not None and keys.is_true(delete.value):
        lines.append(exec_line("ExecStopPost", [ctx.binary, *global_args, "network", "rm", name]))
    svc = Service(unit, service=list(ONESHOT))
    return render(svc, ctx, lines)


def image(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.IMAGE, keys.IMAGE_SPECIAL, keys.IMAGE_UNSUPPORTED)
    e = entry(unit, "Image")
    if e is None or not e.value:
        raise QuadletError(str(unit.path), "no Image key in [Image]")
    check_image(e, e.value)
    global_args, extra = global_and_extra_args(unit)
    argv = [ctx.binary, *global_args, "pull", *table_flags(unit, keys.IMAGE), *extra, e.value]
    svc = Service(unit, service=list(ONESHOT))
    return render(svc, ctx, [exec_line("ExecStart", argv)])


def build(unit: Unit, ctx: Context) -> Generated:
    check_keys(unit, keys.BUILD, keys.BUILD_SPECIAL, keys.BUILD_UNSUPPORTED)
    if not unit.file.values("Build", "ImageTag"):
        raise QuadletError(str(unit.path), "no ImageTag key in [Build]")
    global_args, extra = global_and_extra_args(unit)
    flags = table_flags(unit, keys.BUILD)
    file = unit.file.last("Build", "File")
    if file:
        flags = [
            f"--file={unit.resolve_path(file)}" if f.startswith("--file=") else f for f in flags
        ]
    context, workdir = _build_context(unit, file)
    svc = Service(unit, service=list(ONESHOT))
    if workdir and unit.file.last("Service", "WorkingDirectory") is None:
        svc.service.append(f"WorkingDirectory={workdir}")
    argv = [ctx.binary, *global_args, "build", *flags, *extra, context]
    return render(svc, ctx, [exec_line("ExecStart", argv)])


def _build_context(unit: Unit, file: str | None) -> tuple[str, str | None]:
    """The build context, and the service's WorkingDirectory when Quadlet sets one."""
    setting = unit.file.last("Build", "SetWorkingDirectory")
    if setting == "unit":
        directory = str(unit.path.parent)
        return directory, directory
    if setting == "file":
        if not file:
            raise QuadletError(str(unit.path), "SetWorkingDirectory=file needs File=")
        directory = os.path.dirname(unit.resolve_path(file))
        return directory, directory
    if setting:
        return unit.resolve_path(setting) if "://" not in setting else setting, None
    if file:
        return os.path.dirname(unit.resolve_path(file)), None
    raise QuadletError(str(unit.path), "a .build unit needs File= or SetWorkingDirectory=")
