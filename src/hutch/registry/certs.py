"""TLS settings per registry: ``certs.d/<host[:port]>/`` as containers-certs.d(5).

In such a directory ``*.crt`` files are extra CA certificates (added to the
system's), and ``NAME.cert`` with ``NAME.key`` is a client certificate.
``--cert-dir`` names one such directory for every registry of a command.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping, Sequence
from pathlib import Path

from hutch.api.errors import InvalidArgument

SYSTEM_CERTS_DIRS = (Path("/etc/containers/certs.d"), Path("/etc/docker/certs.d"))


def certs_d_roots(env: Mapping[str, str]) -> list[Path]:
    """Directories holding one ``<host[:port]>`` sub-directory per registry."""
    home = Path(env.get("HOME") or Path.home())
    config_home = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return [config_home / "containers" / "certs.d", *SYSTEM_CERTS_DIRS]


def host_cert_dirs(host: str, env: Mapping[str, str], cert_dir: str | None = None) -> list[Path]:
    """The directories whose files apply to ``host``; ``cert_dir`` replaces the lookup."""
    if cert_dir:
        path = Path(cert_dir)
        if not path.is_dir():
            raise InvalidArgument(f"--cert-dir {cert_dir}: not a directory")
        return [path]
    return [root / host for root in certs_d_roots(env) if (root / host).is_dir()]


def ssl_context(dirs: Sequence[Path], *, verify: bool) -> ssl.SSLContext:
    """A client context: system CAs plus the dirs' ``*.crt``, their client cert if any."""
    ctx = ssl.create_default_context()
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    for directory in dirs:
        for crt in sorted(directory.glob("*.crt")):
            try:
                ctx.load_verify_locations(cafile=str(crt))
            except (ssl.SSLError, OSError) as exc:
                raise InvalidArgument(f"cannot load CA certificate {crt}: {exc}") from None
        for cert in sorted(directory.glob("*.cert")):
            key = cert.with_suffix(".key")
            if not key.exists():
                raise InvalidArgument(f"client certificate {cert} has no key {key.name}")
            try:
                ctx.load_cert_chain(str(cert), str(key))
            except (ssl.SSLError, OSError) as exc:
                raise InvalidArgument(f"cannot load client certificate {cert}: {exc}") from None
    return ctx
