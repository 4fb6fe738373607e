"""Kubernetes values as hutch's flags spell them: quantities, probes, field paths."""

from __future__ import annotations

import json
import re
from decimal import Decimal, InvalidOperation

from hutch.kube.errors import FieldError, KeyPath
from hutch.kube.model import ObjectMeta, Probe

_BINARY = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "Ti": 1 << 40, "Pi": 1 << 50}
_DECIMAL: dict[str, Decimal] = {
    "k": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "P": Decimal(10**15),
    "m": Decimal("0.001"),
}
_QUANTITY = re.compile(r"^([+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)([a-zA-Z]{0,2})$")


def quantity(text: str, path: KeyPath) -> Decimal:
    """A Kubernetes quantity (``64Mi``, ``500m``, ``1e3``, ``2``) as a number."""
    match = _QUANTITY.match(text.strip())
    suffix = match.group(2) if match else ""
    if match is None or (suffix and suffix not in _BINARY and suffix not in _DECIMAL):
        raise FieldError(path, f"invalid quantity {text!r}")
    try:
        number = Decimal(match.group(1))
    except InvalidOperation:
        raise FieldError(path, f"invalid quantity {text!r}") from None
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix:
        return number * _DECIMAL[suffix]
    return number


def memory_bytes(text: str, path: KeyPath) -> str:
    """A memory quantity as the byte count ``--memory`` takes."""
    value = quantity(text, path)
    if value <= 0:
        raise FieldError(path, f"memory {text!r} must be positive")
    return str(int(value))


def cpus(text: str, path: KeyPath) -> str:
    """A CPU quantity (``500m``, ``2``) as ``--cpus`` takes it (``0.5``)."""
    value = quantity(text, path)
    if value <= 0:
        raise FieldError(path, f"cpu {text!r} must be positive")
    return format(value.normalize(), "f")


def seconds(value: int | None) -> str | None:
    return None if value is None else f"{value}s"


def probe_command(probe: Probe, ports: dict[str, int], path: KeyPath) -> str:
    """A livenessProbe as ``--health-cmd`` (podman's clients for httpGet and tcpSocket)."""
    if probe.exec_ is not None:
        if not probe.exec_.command:
            raise FieldError((*path, "exec", "command"), "required field missing")
        return json.dumps(["CMD", *probe.exec_.command])
    if probe.http_get is not None:
        get = probe.http_get
        port = _port(get.port, ports, (*path, "httpGet", "port"))
        scheme = (get.scheme or "HTTP").lower()
        host = get.host or "localhost"
        url = f"{scheme}://{host}:{port}{get.path or '/'}"
        return f"curl -f {url} || exit 1"
    assert probe.tcp_socket is not None  # checks.py: exactly one handler
    port = _port(probe.tcp_socket.port, ports, (*path, "tcpSocket", "port"))
    return f"nc -z -v {probe.tcp_socket.host or 'localhost'} {port} || exit 1"


def probe_target(probe: Probe, ports: dict[str, int], path: KeyPath) -> str:
    """An httpGet/tcpSocket probe as the target the monitor probes itself ("" for exec)."""
    if probe.http_get is not None:
        get = probe.http_get
        port = _port(get.port, ports, (*path, "httpGet", "port"))
        scheme = (get.scheme or "HTTP").lower()
        if scheme not in ("http", "https"):
            raise FieldError(
                (*path, "httpGet", "scheme"), f"unsupported value {get.scheme!r}: HTTP or HTTPS"
            )
        target = f"/{get.path or ''}" if not (get.path or "").startswith("/") else get.path
        return f"{scheme}://{_host(get.host)}:{port}{target}"
    if probe.tcp_socket is not None:
        port = _port(probe.tcp_socket.port, ports, (*path, "tcpSocket", "port"))
        return f"tcp://{_host(probe.tcp_socket.host)}:{port}"
    return ""


def _host(host: str | None) -> str:
    if not host:
        return "localhost"
    return f"[{host}]" if ":" in host else host


def _port(value: int | str, ports: dict[str, int], path: KeyPath) -> int:
    if isinstance(value, int):
        return value
    if value.isdigit():
        return int(value)
    if value not in ports:
        raise FieldError(path, f"no container port named {value!r}")
    return ports[value]


_LABEL_REF = re.compile(r"^metadata\.(labels|annotations)\['([^']+)'\]$")


def field_value(field_path: str, meta: ObjectMeta, pod_name: str, path: KeyPath) -> str:
    """The downward API's basics: a pod's name, namespace, labels and annotations."""
    if field_path == "metadata.name":
        return pod_name
    if field_path == "metadata.namespace":
        return meta.namespace or "default"
    match = _LABEL_REF.match(field_path)
    if match:
        source = meta.labels if match.group(1) == "labels" else meta.annotations
        return source.get(match.group(2), "")
    if field_path in ("metadata.labels", "metadata.annotations"):
        source = meta.labels if field_path == "metadata.labels" else meta.annotations
        return "".join(f'{k}="{v}"\n' for k, v in sorted(source.items()))
    raise FieldError(
        path,
        f"unsupported fieldPath {field_path!r}: hutch has metadata.name, metadata.namespace,"
        " metadata.labels and metadata.annotations",
    )
