"""Security options -> the security part of the runtime spec, validated.

Everything a user can get wrong (capability names, seccomp profiles,
sysctls, limits, devices, id maps) is refused here with a one-line
``InvalidArgument`` before any container process exists.
"""

from __future__ import annotations

import binascii
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from hutch import __version__
from hutch.api.container_config import SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import GO_FALSE, GO_TRUE
from hutch.linux.caps import last_cap
from hutch.runtime import capsets, sysctls, ulimits
from hutch.runtime.spec import (
    DEFAULT_MASKED_PATHS,
    DEFAULT_READONLY_PATHS,
    DEVICES,
    NAMESPACES,
    Rootfs,
)
from hutch.runtime.spec_security import Capabilities, Device, SecuritySpec, Ulimit

TYPE_CHECKING = False  # typing costs an import on create's and run's path; mypy reads it alike
if TYPE_CHECKING:
    from collections.abc import Callable

    from hutch.runtime.seccomp.profile import Profile

READ_ONLY_TMPFS = ("/tmp", "/var/tmp", "/run")
# --seccomp-policy's values, and the image label the "image" policy reads (podman's)
SECCOMP_POLICIES = ("default", "image")
SECCOMP_LABEL = "io.containers.seccomp.profile"
_LABEL_OPTS = ("label", "apparmor")
# podman's keys hutch has nothing behind: refused in its own words, not as unknown
_PODMAN_ONLY = ("proc-opts", "systempaths")


@dataclass(frozen=True)
class SecurityOpts:
    """``--security-opt`` values, parsed."""

    seccomp: str = ""  # "" default profile, "unconfined", or a profile path
    no_new_privileges: bool = False
    mask: tuple[str, ...] = ()
    unmask: tuple[str, ...] = ()  # ("ALL",) unmasks everything


@dataclass(frozen=True)
class SecuritySettings:
    spec: SecuritySpec
    masked_paths: tuple[str, ...]
    readonly_paths: tuple[str, ...]
    read_only_rootfs: bool


def parse_security_opts(values: tuple[str, ...]) -> SecurityOpts:
    seccomp = ""
    nnp = False
    mask: list[str] = []
    unmask: list[str] = []
    for item in values:
        # podman splits at the first "=", else at the first ":" (Docker's old form)
        key, sep, value = item.partition("=" if "=" in item else ":")
        if not sep and key != "no-new-privileges":
            raise InvalidArgument(f'invalid --security-opt 1: "{item}"')  # podman's words
        if key == "seccomp":
            seccomp = value
        elif key == "no-new-privileges":
            if sep and value not in GO_TRUE | GO_FALSE:
                raise InvalidArgument(f'invalid --security-opt 2: "{item}"')
            nnp = not sep or value in GO_TRUE
        elif key == "mask":
            mask += _paths(value, item)
        elif key == "unmask":
            unmask += ["ALL"] if value == "ALL" else _paths(value, item)
        elif key in _LABEL_OPTS:
            continue  # no SELinux or AppArmor here; accepted as podman does when disabled
        elif key in _PODMAN_ONLY:
            raise InvalidArgument(f"--security-opt {key} is not supported by hutch")
        else:
            raise InvalidArgument(f'invalid --security-opt 2: "{item}"')
    return SecurityOpts(seccomp, nnp, tuple(mask), tuple(unmask))


def _paths(value: str, item: str) -> list[str]:
    paths = [p for p in value.split(":") if p]
    for path in paths:
        if not path.startswith("/"):
            raise InvalidArgument(f"invalid --security-opt {item!r}: {path!r} is not absolute")
    return paths


def masked_and_readonly(
    opts: SecurityOpts, privileged: bool
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if privileged:
        return (), ()
    masked = [p for p in DEFAULT_MASKED_PATHS]
    readonly = [p for p in DEFAULT_READONLY_PATHS]
    if "ALL" in opts.unmask:
        masked, readonly = [], []
    else:
        masked = [p for p in masked if p not in opts.unmask]
        readonly = [p for p in readonly if p not in opts.unmask]
    masked += [p for p in opts.mask if p not in masked]
    return tuple(masked), tuple(readonly)


def parse_device(item: str) -> Device:
    """``HOST[:CONTAINER][:PERMISSIONS]``, checked against what the user may open."""
    # podman's ParseDevice, then its stat of the source: its words and order
    parts = item.split(":")
    if len(parts) > 3:
        raise InvalidArgument(f"invalid device specification: {item}")
    source = parts[0]
    destination, perms = "", "rwm"
    if len(parts) == 3:
        if not _is_perms(parts[2]):
            raise InvalidArgument(f"invalid device mode: {parts[2]}")
        perms = parts[2]
    if len(parts) >= 2:
        if _is_perms(parts[1]):
            perms = parts[1]
        elif parts[1] and not parts[1].startswith("/"):
            raise InvalidArgument(f"invalid device mode: {parts[1]}")
        else:
            destination = parts[1]
    destination = destination or source
    try:
        mode = os.stat(source).st_mode
    except OSError as exc:
        raise InvalidArgument(f"stat {source}: {(exc.strerror or str(exc)).lower()}") from None
    if not source.startswith("/"):  # hutch's: a node named relative to the cwd
        raise InvalidArgument(f"invalid --device {item!r}: paths must be absolute")
    if not (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)):
        raise InvalidArgument(f"--device {source}: not a device node")
    want = (os.R_OK if "r" in perms else 0) | (os.W_OK if "w" in perms else 0)
    if want and not os.access(source, want):
        raise InvalidArgument(
            f"--device {source}: permission denied (a rootless container gets only the "
            "devices its user can open)"
        )
    return Device(source, destination, perms)


def _is_perms(text: str) -> bool:
    return bool(text) and set(text) <= set("rwm")


def host_devices() -> tuple[Device, ...]:
    """For ``--privileged``: the host's /dev nodes the user can open read-write."""
    skip = set(DEVICES) | {"ptmx", "console", "tty"}
    out = []
    for entry in sorted(os.scandir("/dev"), key=lambda e: e.name):
        if entry.name in skip or entry.name.startswith("tty"):
            continue
        try:
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError:
            continue
        if (stat.S_ISCHR(mode) or stat.S_ISBLK(mode)) and os.access(entry.path, os.R_OK | os.W_OK):
            out.append(Device(entry.path, entry.path, "rwm"))
    for path in ("/dev/net/tun", "/dev/fuse"):
        usable = os.path.exists(path) and os.access(path, os.R_OK | os.W_OK)
        if usable and all(d.source != path for d in out):
            out.append(Device(path, path, "rwm"))
    return tuple(out)


def parse_ulimits(values: tuple[str, ...]) -> tuple[Ulimit, ...]:
    """Parsed limits, refused when above what this user may set (no CAP_SYS_RESOURCE)."""
    out = []
    for name, soft, hard in ulimits.parse(values):
        import resource  # only for a --ulimit

        _soft_now, hard_now = resource.getrlimit(ulimits.RESOURCES[name])
        if hard_now != resource.RLIM_INFINITY and (
            hard == ulimits.RLIM_INFINITY or hard > hard_now
        ):
            raise InvalidArgument(
                f"--ulimit {name}: the hard limit cannot exceed the user's own ({hard_now})"
            )
        out.append(Ulimit(name, soft, hard))
    return tuple(out)


# podman's default for the two limits below (its define.RLimitDefaultValue)
RLIMIT_DEFAULT = 1048576

PID_MAX_FILE = "/proc/sys/kernel/pid_max"


def with_default_ulimits(
    given: tuple[Ulimit, ...],
    limits_file: str = "/proc/self/limits",
    pid_max_file: str = PID_MAX_FILE,
) -> tuple[Ulimit, ...]:
    """``given``, then podman's defaults for RLIMIT_NOFILE and RLIMIT_NPROC where no
    --ulimit (or containers.conf default_ulimits) set them: NOFILE at RLIMIT_DEFAULT,
    clamped to hutch's own limits as podman's are rootless, its soft one at its hard
    one (podman raises its own soft limit so at start, and its containers inherit
    that); NPROC as ``podman_nproc``. The container then has what podman's has, and
    inspect's Ulimits names them. hutch's own limits are read from ``limits_file``
    (the ``resource`` module would cost a create 0.3 ms to import)."""
    names = {item.name for item in given}
    raw = _read_limits(limits_file)
    # podman's order: NOFILE first (its spec template's one entry, which a --ulimit
    # nofile replaces), the others as given, NPROC's default last
    nofile = [item for item in given if item.name == "nofile"]
    if not nofile and "nofile" in raw:
        hard = _clamp(raw["nofile"][1])
        nofile = [Ulimit("nofile", hard, hard)]
    out = [*nofile, *(item for item in given if item.name != "nofile")]
    if "nproc" not in names and "nproc" in raw:
        out.append(Ulimit("nproc", *podman_nproc(raw["nproc"], _pid_max(pid_max_file))))
    return tuple(out)


def podman_nproc(own: tuple[int | None, int | None], pid_max: int | None) -> tuple[int, int]:
    """podman's RLIMIT_NPROC for a container no --ulimit nproc sets, from hutch's own
    (soft, hard; None: unlimited) and the kernel's pid_max: containers.conf's built-in
    default_ulimits (containers/common's getDefaultProcessLimits) sets podman's own
    limit to pid_max:pid_max where it may (rootless, not above its hard limit), else
    to RLIMIT_DEFAULT where it may, and a container gets podman's limit (at most
    RLIMIT_DEFAULT) or that default: so 32768:32768 where pid_max is 32768, whatever
    the user's higher limit."""
    hard = own[1]
    for value in (pid_max, RLIMIT_DEFAULT):
        if value is not None and (hard is None or value <= hard):
            return value, value
    return _clamp(own[0]), _clamp(hard)


def _pid_max(path: str) -> int | None:
    try:
        with open(path) as f:
            return int(f.read())
    except (OSError, ValueError):
        return None


# the lines of /proc/PID/limits (fs/proc/base.c's names) of the limits podman sets
_LIMIT_LINES = {"Max open files": "nofile", "Max processes": "nproc"}


def _clamp(value: int | None) -> int:
    return RLIMIT_DEFAULT if value is None else min(value, RLIMIT_DEFAULT)


def _read_limits(path: str) -> dict[str, tuple[int | None, int | None]]:
    """name -> (soft, hard) of hutch's RLIMIT_NOFILE and RLIMIT_NPROC as the kernel
    lists them, None for "unlimited"; none when the file cannot be read."""
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return {}

    def number(word: str) -> int | None:
        return None if word == "unlimited" else int(word)

    out: dict[str, tuple[int | None, int | None]] = {}
    for line in text.splitlines():
        for label, name in _LIMIT_LINES.items():
            if line.startswith(label):
                soft, hard = line[len(label) :].split()[:2]
                out[name] = (number(soft), number(hard))
    return out


def parse_group_add(values: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    groups: list[str] = []
    keep = False
    for value in values:
        for item in value.split(","):
            item = item.strip()
            if not item:
                continue
            if item == "keep-groups":
                keep = True
            elif ":" in item or "\n" in item:
                raise InvalidArgument(f"invalid --group-add {item!r}")
            else:
                groups.append(item)
    if keep and groups:
        raise InvalidArgument("--group-add keep-groups cannot be combined with other groups")
    return tuple(groups), keep


def _caps(sets: capsets.CapabilitySets) -> Capabilities:
    return Capabilities(
        sets.bounding, sets.effective, sets.permitted, sets.inheritable, sets.ambient
    )


def privileged_security(spec: SecuritySpec) -> SecuritySpec:
    """``exec --privileged``: every capability the kernel knows, as podman gives.

    The container's seccomp filter and masked paths stay (they belong to the
    container, as runc keeps them for an exec).
    """
    root, user = (
        capsets.compute(
            cap_add=(), cap_drop=(), privileged=True, non_root=non_root, last_cap=last_cap()
        )
        for non_root in (False, True)
    )
    return replace(spec, root_capabilities=_caps(root), user_capabilities=_caps(user))


def seccomp_program(
    opts: SecurityOpts,
    bounding: tuple[str, ...],
    privileged: bool,
    image_profile: bytes | None = None,
) -> str:
    """The base64 BPF for the container, or "" for none."""
    if privileged or (opts.seccomp == "unconfined" and image_profile is None):
        return ""
    if opts.seccomp or image_profile is not None:
        from hutch.runtime.seccomp import profile

        if image_profile is not None:
            raw, where = image_profile, f"the image's label {SECCOMP_LABEL}"
        else:
            where = opts.seccomp
            try:
                with open(opts.seccomp, "rb") as f:
                    raw = f.read()
            except OSError as exc:
                raise InvalidArgument(f"seccomp profile {opts.seccomp}: {exc.strerror}") from None
        prof = profile.loads(raw, where)
        return _b64(_compiled_bpf(repr(prof).encode(), lambda: prof, bounding))
    # The default profile is a function of its modules' source: keyed by that text,
    # a hit neither imports nor builds it (400 names and their rules) nor prints it
    # (issue 16).
    source = _sources(DEFAULT_PROFILE_MODULES)
    described = b"default\0" + source if source else repr(_default_profile()).encode()
    return _b64(_compiled_bpf(described, _default_profile, bounding))


def _b64(program: bytes) -> str:
    """base64.b64encode's text, from binascii (the base64 module costs 0.5 ms)."""
    return binascii.b2a_base64(program, newline=False).decode()


def _default_profile() -> Profile:
    from hutch.runtime.seccomp.default import default_profile

    return default_profile()


# The modules whose source makes the default profile (default.py builds it from the
# names and rules of the other two).
DEFAULT_PROFILE_MODULES = ("default", "names", "profile")


def _sources(modules: tuple[str, ...]) -> bytes:
    """The source of these modules of hutch.runtime.seccomp, or b"" if one is unreadable
    (an install without sources: the key is then made from the profile itself)."""
    from hutch.runtime import seccomp

    base = Path(seccomp.__file__).parent
    try:
        return b"".join(
            name.encode() + b"\0" + (base / f"{name}.py").read_bytes() for name in modules
        )
    except OSError:
        return b""


def _compiled_bpf(
    described: bytes, make: Callable[[], Profile], bounding: tuple[str, ...]
) -> bytes:
    """The program of the profile ``described`` (``make`` builds it) for these
    capabilities, compiled once per user.

    Compiling through libseccomp costs about 70 ms in a fresh process, most of
    a container's start; the result depends only on the profile, the
    capabilities, the machine and the compiler, so it is kept in the user's
    cache dir under a digest of all four.
    """
    from hutch.config.xdg import user_dir

    # The compiler's source is part of the key; read it without importing it
    # (ctypes and libseccomp are needed only on a miss).
    key = _digest(
        b"\0".join(
            (
                described,
                ",".join(sorted(bounding)).encode(),
                os.uname().machine.encode(),
                __version__.encode(),
                _sources(("compiler",)),
            )
        )
    )
    cached = user_dir("XDG_CACHE_HOME") / "seccomp" / f"{key}.bpf"
    try:
        return cached.read_bytes()
    except OSError:
        pass
    from hutch.runtime.seccomp import compiler

    bpf = compiler.compile_profile(make(), frozenset(bounding)).bpf
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_name(f".{cached.name}.{os.getpid()}")
        tmp.write_bytes(bpf)
        os.replace(tmp, cached)
    except OSError:
        pass  # a cache we cannot write is only slower
    return bpf


def _digest(data: bytes) -> str:
    """A BLAKE2b digest of ``data`` from the interpreter's own module: hashlib loads
    OpenSSL first, about 2.5 ms of every ``create`` (issue 16)."""
    try:
        from _blake2 import blake2b
    except ImportError:  # an interpreter built without it
        from hashlib import blake2b
    return blake2b(data, digest_size=32).hexdigest()


def validate(options: SecurityOptions, network: str) -> None:
    """The cheap checks, before anything is created (the rest run in ``build``)."""
    namespaces = tuple(ns for ns in NAMESPACES if not (ns == "net" and network == "host"))
    capsets.parse_names(options.cap_add, "--cap-add")
    capsets.parse_names(options.cap_drop, "--cap-drop")
    if options.default_capabilities is not None:
        capsets.parse_names(options.default_capabilities, "containers.conf default_capabilities")
    opts = parse_security_opts(options.security_opt)
    if opts.seccomp not in ("", "unconfined") and not os.path.isfile(opts.seccomp):
        raise InvalidArgument(  # podman's words (Go's for the failed open)
            f"opening seccomp profile failed: open {opts.seccomp}: no such file or directory"
        )
    if options.seccomp_policy not in SECCOMP_POLICIES:
        raise InvalidArgument(
            f'invalid seccomp policy "{options.seccomp_policy}": valid policies are '
            '["default" "image"]'
        )
    sysctls.parse(options.sysctl, namespaces)
    parse_ulimits(options.ulimit)
    parse_group_add(options.group_add)
    for item in options.device:
        parse_device(item)
    from hutch.engine.userns import parse_userns_options

    parse_userns_options(options)


def image_seccomp_profile(options: SecurityOptions, labels: dict[str, str]) -> bytes | None:
    """--seccomp-policy=image: the profile the image's label holds (podman's rule: the
    label, when the policy asks for it, stands over --security-opt seccomp=); None for
    the default policy."""
    if options.seccomp_policy != "image":
        return None
    profile = labels.get(SECCOMP_LABEL, "")
    if not profile:
        raise InvalidArgument("no seccomp policy defined by image")  # podman's words
    return profile.encode()


def build(
    options: SecurityOptions, namespaces: tuple[str, ...], image_profile: bytes | None = None
) -> SecuritySettings:
    opts = parse_security_opts(options.security_opt)
    privileged = bool(options.privileged)  # None (no flag) is off once conf_defaults ran
    last = last_cap()
    root, user = (
        capsets.compute(
            cap_add=options.cap_add,
            cap_drop=options.cap_drop,
            privileged=privileged,
            non_root=non_root,
            last_cap=last,
            defaults=options.default_capabilities,
        )
        for non_root in (False, True)
    )
    groups, keep = parse_group_add(options.group_add)
    devices = tuple(parse_device(d) for d in options.device)
    if privileged:
        explicit = {d.destination for d in devices}
        devices += tuple(d for d in host_devices() if d.destination not in explicit)
    masked, readonly = masked_and_readonly(opts, privileged)
    spec = SecuritySpec(
        configured=True,
        root_capabilities=_caps(root),
        user_capabilities=_caps(user),
        seccomp=seccomp_program(opts, root.bounding, privileged, image_profile),
        no_new_privileges=opts.no_new_privileges,
        privileged=privileged,
        sysctls=sysctls.parse(options.sysctl, namespaces),
        ulimits=with_default_ulimits(parse_ulimits(options.ulimit)),
        devices=devices,
        group_add=groups,
        keep_groups=keep,
        read_only_tmpfs=READ_ONLY_TMPFS if options.read_only and options.read_only_tmpfs else (),
    )
    return SecuritySettings(spec, masked, readonly, bool(options.read_only))


def rootfs_for(rootfs: Rootfs, settings: SecuritySettings) -> Rootfs:
    """``--read-only``: the init remounts the rootfs read-only."""
    return replace(rootfs, readonly=True) if settings.read_only_rootfs else rootfs
