"""Short syntax -> long syntax for the keys where the spec has both.

Pure string work: ports (``[IP:][HOST:]CONTAINER[/PROTO]`` with ranges),
volumes (``[SOURCE:]TARGET[:MODE]``), ``KEY=VALUE`` lists, commands.
Each function raises ValueError with a message; callers add file and line.
"""

from __future__ import annotations

import os
import shlex
from typing import Any

_PROPAGATION = {"shared", "slave", "private", "rshared", "rslave", "rprivate"}
_CONSISTENCY = {"cached", "delegated", "consistent"}


def scalar_text(value: Any) -> Any:
    """A mapping value as the string compose stores (``true``, ``1.5``).

    None stays None, and so do the ``!reset``/``!override`` markers (not scalars).
    """
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    return value


def key_values(value: Any, *, separator: str = "=") -> dict[str, Any]:
    """A ``KEY=VALUE`` list or a mapping, as a mapping (a bare ``KEY`` maps to None)."""
    if isinstance(value, dict):
        return {str(k): scalar_text(v) for k, v in value.items()}
    out: dict[str, Any] = {}
    for item in value:
        key, sep, rest = str(item).partition(separator)
        out[key] = rest if sep else None
    return out


def command(value: Any) -> list[str] | None:
    """``command``/``entrypoint``: a string is split the way a shell would."""
    if value is None or isinstance(value, list):
        return value
    try:
        return shlex.split(str(value))
    except ValueError as exc:
        raise ValueError(f"cannot split {value!r} into words: {exc}") from None


def _port_range(text: str) -> list[int]:
    low, sep, high = text.partition("-")
    try:
        first = int(low)
        last = int(high) if sep else first
    except ValueError:
        raise ValueError(f"invalid port {text!r}") from None
    if not (0 < first <= last <= 65535):
        raise ValueError(f"invalid port range {text!r}")
    return list(range(first, last + 1))


def ports(spec: Any) -> list[dict[str, Any]]:
    """One ``ports`` item (short or long) as long-syntax mappings."""
    if isinstance(spec, dict):
        entry: dict[str, Any] = {"mode": spec.get("mode", "ingress")}
        if spec.get("host_ip"):
            entry["host_ip"] = spec["host_ip"]
        entry["target"] = int(spec["target"])
        if spec.get("published") not in (None, ""):
            entry["published"] = str(spec["published"])
        entry["protocol"] = spec.get("protocol", "tcp")
        for key in ("name", "app_protocol"):
            if key in spec:
                entry[key] = spec[key]
        return [entry]
    text = str(spec)
    text, _, protocol = text.partition("/")
    host_ip = ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1 : close + 2] != ":":
            raise ValueError(f"invalid port {spec!r}")
        host_ip, text = text[1:close], text[close + 2 :]
    parts = text.split(":")
    if len(parts) == 3 and not host_ip:
        host_ip, published, target = parts
    elif len(parts) == 2:
        published, target = parts
    elif len(parts) == 1:
        published, target = "", parts[0]
    else:
        raise ValueError(f"invalid port {spec!r}")
    targets = _port_range(target)
    published_ports = _port_range(published) if published else []
    if published_ports and len(targets) > 1 and len(published_ports) != len(targets):
        raise ValueError(f"port ranges of different sizes in {spec!r}")
    out = []
    for i, port in enumerate(targets):
        item: dict[str, Any] = {"mode": "ingress"}
        if host_ip:
            item["host_ip"] = host_ip
        item["target"] = port
        if published_ports and len(targets) > 1:
            item["published"] = str(published_ports[i])
        elif published:
            item["published"] = published
        item["protocol"] = protocol or "tcp"
        out.append(item)
    return out


def is_path(source: str) -> bool:
    return source.startswith((".", "/", "~"))


def host_path(source: str, base_dir: str, home: str | None) -> str:
    """A bind source made absolute against ``base_dir`` (``~`` is ``home``)."""
    if source.startswith("~") and home:
        source = home + source[1:]
    return os.path.normpath(os.path.join(base_dir, source))


def volume(spec: Any, base_dir: str, home: str | None) -> dict[str, Any]:
    """One ``volumes`` item of a service as a long-syntax mapping."""
    if isinstance(spec, dict):
        entry = dict(spec)
        if entry.get("type") == "bind" and entry.get("source"):
            entry["source"] = host_path(entry["source"], base_dir, home)
        return entry
    parts = str(spec).split(":")
    if len(parts) == 1:
        return {"type": "volume", "target": parts[0]}
    if len(parts) > 3 or not parts[0] or not parts[1]:
        raise ValueError(f"invalid volume specification {spec!r}")
    source, target = parts[0], parts[1]
    options = parts[2].split(",") if len(parts) == 3 else []
    bind = is_path(source)
    entry = {"type": "bind" if bind else "volume", "source": source, "target": target}
    if bind:
        entry["source"] = host_path(source, base_dir, home)
    extra: dict[str, Any] = {"create_host_path": True} if bind else {}
    for option in options:
        if option in ("ro", "rw"):
            entry["read_only"] = option == "ro"
        elif option in ("z", "Z") and bind:
            extra["selinux"] = option
        elif option == "nocopy" and not bind:
            extra["nocopy"] = True
        elif option in _PROPAGATION and bind:
            extra["propagation"] = option
        elif option in _CONSISTENCY:
            entry["consistency"] = option
        else:
            raise ValueError(f"invalid mode {option!r} in volume {spec!r}")
    entry["bind" if bind else "volume"] = extra
    return entry
