"""What every converter shares: key checks, flags from the tables, references,
and the text of the service unit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from hutch.systemd import keys
from hutch.systemd.model import SECTIONS, Generated, QuadletError, Unit
from hutch.systemd.unitfile import Entry, join_words, split_words


@dataclass(frozen=True)
class Context:
    """What a conversion may look at besides its own unit."""

    units: Mapping[str, Unit]  # every loaded unit by file name, for references
    binary: str  # the absolute path of hutch written into Exec lines
    user: bool  # a user manager's generator (no network-online.target)


@dataclass
class Service:
    """A service being built: [Unit] additions, [Service] defaults, Exec lines."""

    unit: Unit
    requires: list[str] = field(default_factory=list)  # services this one needs
    unit_extra: list[str] = field(default_factory=list)
    service: list[str] = field(default_factory=list)  # lines before the user's [Service]


def check_keys(
    unit: Unit, table: Mapping[str, keys.Flag], special: frozenset[str], unsupported: frozenset[str]
) -> None:
    """Every key of the unit's own section is known and supported (else QuadletError)."""
    for e in unit.file.in_section(unit.section):
        if e.key in unsupported:
            raise QuadletError(
                e.where, f"key {e.key} in [{e.section}] is not supported by hutch yet"
            )
        if e.key not in table and e.key not in special:
            raise QuadletError(e.where, f"unknown key {e.key} in [{e.section}]")
    for e in unit.file.in_section("Quadlet"):
        if e.key not in keys.QUADLET_KEYS:
            raise QuadletError(e.where, f"unknown key {e.key} in [Quadlet]")


def entry(unit: Unit, key: str) -> Entry | None:
    found = None
    for e in unit.file.in_section(unit.section):
        if e.key == key:
            found = e
    return found


def words(unit: Unit, e: Entry) -> list[str]:
    try:
        return split_words(e.value)
    except ValueError as exc:
        raise QuadletError(e.where, f"{e.key}: {exc}") from None


def all_words(unit: Unit, key: str) -> list[str]:
    out: list[str] = []
    for e in unit.file.in_section(unit.section):
        if e.key == key:
            out = [] if e.value == "" else out + words(unit, e)
    return out


def table_flags(unit: Unit, table: Mapping[str, keys.Flag]) -> list[str]:
    """The flags of the table's keys, in the order of the table."""
    argv: list[str] = []
    for key, spec in table.items():
        if spec.kind == "one":
            value = unit.file.last(unit.section, key)
            if value:
                argv.append(f"{spec.flag}={spec.prefix}{value}")
        elif spec.kind == "many":
            argv += [f"{spec.flag}={spec.prefix}{v}" for v in unit.file.values(unit.section, key)]
        elif spec.kind == "words":
            argv += [f"{spec.flag}={spec.prefix}{w}" for w in all_words(unit, key)]
        else:
            e = entry(unit, key)
            if e is None or e.value == "":
                continue
            if not keys.is_boolean(e.value):
                raise QuadletError(e.where, f"{key}: {e.value!r} is not a boolean")
            if spec.kind == "bool" and keys.is_true(e.value):
                argv.append(spec.flag)
            elif spec.kind == "boolvalue":
                argv.append(f"{spec.flag}={'true' if keys.is_true(e.value) else 'false'}")
    return argv


def referenced(ctx: Context, unit: Unit, e: Entry, name: str, suffix: str) -> Unit:
    """The unit a value like ``db.volume`` names; QuadletError when there is none."""
    target = ctx.units.get(name)
    if target is None or target.suffix != suffix:
        raise QuadletError(
            e.where, f"{e.key}={e.value}: there is no {SECTIONS[suffix].lower()} unit {name}"
        )
    return target


def image_source(ctx: Context, unit: Unit, e: Entry, svc: Service) -> str:
    """An ``Image=`` value: an image name, or ``NAME.image``/``NAME.build`` (the image
    that unit makes, its service required first), as podman's Quadlet reads it."""
    image = e.value
    if image.endswith((".image", ".build")):
        suffix = ".image" if image.endswith(".image") else ".build"
        target = referenced(ctx, unit, e, image, suffix)
        svc.requires.append(target.service_name())
        resolved = resource_name(target)
        if not resolved:
            raise QuadletError(e.where, f"Image={image}: {image} names no image")
        return resolved
    check_image(e, image)
    return image


def resource_name(target: Unit) -> str:
    """The hutch object a volume, network, pod, image or build unit makes."""
    section = target.section
    if target.suffix == ".pod":
        return target.file.last(section, "PodName") or _pod_default(target)
    if target.suffix == ".volume":
        return target.file.last(section, "VolumeName") or f"systemd-{target.stem}"
    if target.suffix == ".network":
        return target.file.last(section, "NetworkName") or f"systemd-{target.stem}"
    if target.suffix == ".image":
        return target.file.last(section, "ImageTag") or target.file.last(section, "Image") or ""
    if target.suffix == ".build":
        tags = target.file.values(section, "ImageTag")
        return tags[0] if tags else ""
    return f"systemd-{target.stem}"


def default_name(unit: Unit) -> str:
    """podman's default name of a container or pod: ``systemd-%N``; a template's
    ``systemd-%p_%i`` (``@`` is not allowed in a name)."""
    return "systemd-%p_%i" if unit.is_template else "systemd-%N"


def _pod_default(unit: Unit) -> str:
    """``systemd-NAME`` spelt out, not ``%N``: the containers of the pod name it in
    their own services, where %N is theirs (and the pod's own %N ends in -pod).
    An instance ``foo@x.pod`` makes ``systemd-foo_x``; the bare template leaves
    its instance to systemd (``%i``)."""
    prefix, at, instance = unit.stem.partition("@")
    if not at:
        return f"systemd-{prefix}"
    return f"systemd-{prefix}_{instance or '%i'}"


# A reference as ``pull`` takes it: [host[:port]/]path[:tag][@digest], or an id.
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REFERENCE = re.compile(
    rf"^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$"
)
_ID = re.compile(r"^(?:sha256:)?[0-9a-f]{12,64}$")


def check_image(e: Entry, image: str) -> None:
    if "%" in image or "$" in image:
        return  # a specifier or variable: systemd fills it in, hutch checks it then
    if not (_REFERENCE.match(image) or _ID.match(image)):
        raise QuadletError(e.where, f"Image={image}: not a valid image reference")


def translate_dependencies(ctx: Context, unit: Unit) -> list[str]:
    """The [Unit] section with Quadlet names in dependency keys made service names."""
    lines = []
    for e in unit.file.in_section("Unit"):
        value = e.value
        if e.key in keys.DEPENDENCY_KEYS:
            value = " ".join(_service_of(ctx, w) for w in value.split())
        lines.append(f"{e.key}={value}")
    return lines


def _service_of(ctx: Context, name: str) -> str:
    target = ctx.units.get(name)
    return target.service_name() if target is not None else name


def render(svc: Service, ctx: Context, exec_lines: list[str]) -> Generated:
    """The service unit text: the source section echoed, [Unit], [Service], the rest."""
    unit = svc.unit
    out = [
        "# Automatically generated by hutch-quadlet",
        f"# from {unit.path}",
        "",
        f"[X-{unit.section}]",
    ]
    out += [f"{e.key}={e.value}" for e in unit.file.in_section(unit.section)]
    out += ["", "[Unit]"]
    out += translate_dependencies(ctx, unit)
    default_deps = True
    for e in unit.file.in_section("Quadlet"):
        default_deps = keys.is_true(e.value)
    if default_deps and not ctx.user:
        out += ["Wants=network-online.target", "After=network-online.target"]
    out += svc.unit_extra
    for dep in dict.fromkeys(svc.requires):
        out += [f"Requires={dep}", f"After={dep}"]
    out.append(f"SourcePath={unit.path}")
    out += ["", "[Service]"]
    out += svc.service
    out += exec_lines
    out += [f"{e.key}={e.value}" for e in unit.file.in_section("Service")]
    for section in unit.file.sections:
        if section in ("Unit", "Service", unit.section, "Quadlet"):
            continue
        out += ["", f"[{section}]"]
        out += [f"{e.key}={e.value}" for e in unit.file.in_section(section)]
    service = unit.service_name()
    return Generated(str(unit.path), service, "\n".join(out) + "\n", install_links(unit, service))


def exec_line(key: str, argv: list[str]) -> str:
    return f"{key}={join_words(argv)}"


def install_links(unit: Unit, service: str) -> tuple[tuple[str, str], ...]:
    """What ``systemctl enable`` would link, made here (generated units are transient)."""
    links: list[tuple[str, str]] = []
    instance = service
    if service.split("@", 1)[-1] == ".service" and "@" in service:
        default = unit.file.last("Install", "DefaultInstance")
        if not default:
            return ()  # a bare template is only enabled through its instances
        instance = service.replace("@.service", f"@{default}.service")
    for key, kind in (("WantedBy", "wants"), ("RequiredBy", "requires"), ("UpheldBy", "upholds")):
        for value in unit.file.values("Install", key):
            for target in value.split():
                links.append((f"{target}.{kind}/{instance}", f"../{service}"))
    for value in unit.file.values("Install", "Alias"):
        for alias in value.split():
            links.append((alias, service))
    return tuple(links)


def entries(unit: Unit, key: str) -> list[tuple[str, str]]:
    """(value, file:line) of every assignment of a list key, after resets."""
    out: list[tuple[str, str]] = []
    for e in unit.file.in_section(unit.section):
        if e.key == key:
            out = [] if e.value == "" else [*out, (e.value, e.where)]
    return out


def network_flags(unit: Unit, ctx: Context, svc: Service) -> list[str]:
    """``--network=A,B`` from the Network keys; NAME.network needs that unit's service."""
    names = network_names(unit, ctx, svc)
    return [f"--network={','.join(names)}"] if names else []


def network_names(unit: Unit, ctx: Context, svc: Service) -> list[str]:
    """The networks the unit's Network keys name (an empty value resets the list);
    NAME.network is that unit's network, and its service comes first."""
    names: list[str] = []
    for e in unit.file.in_section(unit.section):
        if e.key != "Network":
            continue
        if e.value == "":
            names = []
            continue
        value = e.value
        if value.endswith(".network"):
            target = referenced(ctx, unit, e, value, ".network")
            svc.requires.append(target.service_name())
            value = resource_name(target)
        names.append(value)
    return names


def volume_value(unit: Unit, ctx: Context, svc: Service, item: tuple[str, str]) -> str:
    """A Volume value with NAME.volume made that unit's volume and ./path made absolute."""
    value, where = item
    source, sep, rest = value.partition(":")
    if not sep:
        return value  # an anonymous volume: a container path only
    if source.endswith(".volume"):
        source = volume_unit(unit, ctx, svc, source, where, value)
    elif source.startswith("."):
        source = unit.resolve_path(source)
    return f"{source}:{rest}"


def volume_unit(unit: Unit, ctx: Context, svc: Service, name: str, where: str, value: str) -> str:
    target = ctx.units.get(name)
    if target is None or target.suffix != ".volume":
        raise QuadletError(where, f"{value}: there is no volume unit {name}")
    svc.requires.append(target.service_name())
    return resource_name(target)


def global_and_extra_args(unit: Unit) -> tuple[list[str], list[str]]:
    """GlobalArgs (between ``hutch`` and the verb), after a ``--module`` of each
    ContainersConfModule (a containers.conf module, as podman's Quadlet passes it),
    and PodmanArgs (before the operand)."""
    modules = [f"--module={m}" for m in unit.file.values(unit.section, "ContainersConfModule")]
    return modules + all_words(unit, "GlobalArgs"), all_words(unit, "PodmanArgs")
