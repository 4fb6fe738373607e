"""Small value parsers for Containerfile flags: mounts, durations, ports, sizes.

Each raises ValueError with a message that names what is wrong; the parser
adds the ``FILE:LINE:`` prefix and turns it into InvalidArgument. They are
public because the builder re-parses a value after substituting variables in
it (``RUN --mount=type=cache,target=$DIR``, ``EXPOSE $PORT``).
"""

from __future__ import annotations

import posixpath
import re

from hutch.build.instructions import Mount, PortSpec

__all__ = ["parse_bool", "parse_duration", "parse_mount", "parse_port", "parse_size"]

_MOUNT_TYPES = ("bind", "cache", "tmpfs", "secret", "ssh")
_SHARING = ("shared", "private", "locked")
# Bind, secret and ssh mounts are read-only unless asked otherwise; cache and tmpfs are not.
_READONLY_DEFAULT = {"bind": True, "cache": False, "tmpfs": False, "secret": True, "ssh": True}
_KEY_ALIASES = {
    "dst": "target",
    "destination": "target",
    "src": "source",
    "ro": "readonly",
    "rw": "readwrite",
}
_VALUE_KEYS = ("type", "target", "source", "from", "id", "sharing", "mode", "uid", "gid", "size")
_FLAG_KEYS = ("readonly", "readwrite", "required")

_DURATION_UNITS = {
    "ns": 1,
    "us": 1_000,
    "µs": 1_000,
    "μs": 1_000,
    "ms": 1_000_000,
    "s": 1_000_000_000,
    "m": 60_000_000_000,
    "h": 3_600_000_000_000,
}
_DURATION_PART = re.compile(r"(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)")
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([kmgtp]?)(i?b)?", re.IGNORECASE)
_PORT = re.compile(r"(\d+)(?:-(\d+))?(?:/([A-Za-z]+))?")


def parse_bool(text: str) -> bool:
    """``true``/``false`` in any case, as Go's flag package spells them."""
    lowered = text.lower()
    if lowered in ("true", "1", "t"):
        return True
    if lowered in ("false", "0", "f"):
        return False
    raise ValueError(f"expecting a boolean value, not {text!r}")


def parse_duration(text: str) -> int:
    """A Go duration (``30s``, ``1m30s``, ``1.5h``, ``0``) in nanoseconds."""
    if text == "0":
        return 0
    if not text:
        raise ValueError("empty duration")
    total = 0.0
    pos = 0
    while pos < len(text):
        match = _DURATION_PART.match(text, pos)
        if match is None:
            raise ValueError(f"invalid duration {text!r} (use units like 30s, 1m30s, 500ms)")
        total += float(match.group(1)) * _DURATION_UNITS[match.group(2)]
        pos = match.end()
    return round(total)


def parse_size(text: str) -> int:
    """A byte size like ``64m`` or ``1GiB`` (binary multiples, as Docker's RAMInBytes)."""
    match = _SIZE.fullmatch(text.strip())
    if match is None:
        raise ValueError(f"invalid size {text!r}")
    power = " kmgtp".index(match.group(2).lower() or " ")
    return int(float(match.group(1)) * 1024**power)


def parse_port(text: str) -> PortSpec:
    """``80``, ``53/udp``, ``8000-8010/tcp``."""
    match = _PORT.fullmatch(text)
    if match is None:
        raise ValueError(f"invalid port {text!r} (expected PORT[-PORT][/PROTOCOL])")
    start = int(match.group(1))
    end = int(match.group(2)) if match.group(2) else start
    protocol = (match.group(3) or "tcp").lower()
    if protocol not in ("tcp", "udp", "sctp"):
        raise ValueError(f"invalid protocol {match.group(3)!r} in port {text!r}")
    if end > 65535 or start > end:
        raise ValueError(f"invalid port range {text!r}")
    return PortSpec(start=start, end=end, protocol=protocol)


def parse_mount(spec: str) -> Mount:
    """One ``--mount`` value: comma-separated ``key=value`` (CSV quoting allowed).

    Numeric values that still contain ``$`` are left unset: they can only be
    read once the builder has substituted the spec.
    """
    import csv  # a RUN --mount's only

    fields = next(csv.reader([spec]), [])
    values: dict[str, str] = {}
    flags: dict[str, bool] = {}
    for field in fields:
        key, sep, value = field.partition("=")
        key = _KEY_ALIASES.get(key.strip().lower(), key.strip().lower())
        if key in _FLAG_KEYS:
            flags[key] = parse_bool(value) if sep else True
        elif key in _VALUE_KEYS or key == "env":
            if not sep:
                raise ValueError(f"missing a value for {key!r} in mount {spec!r}")
            values[key] = value
        else:
            raise ValueError(f"unexpected key {key!r} in mount {spec!r}")
    return _build_mount(spec, values, flags)


def _build_mount(spec: str, values: dict[str, str], flags: dict[str, bool]) -> Mount:
    kind = values.get("type", "bind").lower()
    if kind not in _MOUNT_TYPES:
        raise ValueError(f"unsupported mount type {kind!r} (use one of {', '.join(_MOUNT_TYPES)})")
    sharing = values.get("sharing")
    if sharing is not None and sharing.lower() not in _SHARING:
        raise ValueError(f"invalid sharing {sharing!r} (use shared, private or locked)")
    readonly = _READONLY_DEFAULT[kind]
    if "readwrite" in flags:
        readonly = not flags["readwrite"]
    if "readonly" in flags:
        readonly = flags["readonly"]
    target = values.get("target")
    ident = values.get("id")
    if kind == "secret":
        if ident is None and target is None:
            raise ValueError(f"secret mount needs an id or a target: {spec!r}")
        if ident is None and target is not None:
            ident = posixpath.basename(target)
        if target is None and "env" not in values:
            target = f"/run/secrets/{ident}"
    elif kind != "ssh" and not target:
        raise ValueError(f"mount type {kind} needs a target: {spec!r}")
    return Mount(
        type=kind,
        target=target,
        source=values.get("source"),
        from_=values.get("from"),
        id=ident,
        readonly=readonly,
        sharing=sharing.lower() if sharing is not None else None,
        mode=_number(values.get("mode"), 8, "mode"),
        uid=_number(values.get("uid"), 10, "uid"),
        gid=_number(values.get("gid"), 10, "gid"),
        size=_size(values.get("size")),
        required=flags.get("required"),
        env=values.get("env"),
    )


def _number(text: str | None, base: int, what: str) -> int | None:
    if text is None or "$" in text:
        return None
    try:
        return int(text, base)
    except ValueError:
        kind = "octal" if base == 8 else "decimal"
        raise ValueError(f"invalid {what} {text!r} (expected a {kind} number)") from None


def _size(text: str | None) -> int | None:
    if text is None or "$" in text:
        return None
    return parse_size(text)
