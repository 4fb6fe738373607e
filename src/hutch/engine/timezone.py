"""``--tz``: the container's /etc/localtime, taken from the host's zone files.

As in podman, ``local`` is the host's own /etc/localtime and any other value
names a file under /usr/share/zoneinfo (``Europe/Paris``, ``UTC``,
``Etc/GMT+5``). The zone file is bind-mounted read-only at /etc/localtime,
so the image needs no tzdata; podman sets no ``TZ`` variable either, and
neither does hutch (``-e TZ=...`` stays the user's choice). The name is
checked at ``create`` (exit 125 before anything exists): a path that leaves
the zoneinfo directory, a directory or a file that is not a compiled zone
(TZif) is refused.
"""

from __future__ import annotations

import os
from pathlib import Path

from hutch.api.errors import InvalidArgument
from hutch.runtime.spec import Mount

ZONEINFO = Path("/usr/share/zoneinfo")
LOCALTIME = Path("/etc/localtime")
_MAGIC = b"TZif"  # every compiled zone file starts so (RFC 8536)


def zone_file(tz: str, *, zoneinfo: Path = ZONEINFO, localtime: Path = LOCALTIME) -> Path:
    """The host file that becomes the container's /etc/localtime."""
    if tz == "local":
        path = Path(os.path.realpath(localtime))
        where = f"the host's {localtime}"
    else:
        if not tz or tz.startswith("/") or ".." in tz.split("/"):
            raise InvalidArgument(f"invalid --tz {tz!r}: use local or a zone like Europe/Paris")
        path = Path(os.path.realpath(zoneinfo / tz))
        where = f"{zoneinfo}/{tz}"
    try:
        with open(path, "rb") as f:
            magic = f.read(4)
    except IsADirectoryError:
        words = "running container create option: invalid timezone: is a directory"
        raise InvalidArgument(words) from None
    except OSError as exc:
        if tz == "local":
            raise InvalidArgument(
                f"unknown time zone {tz!r} for --tz: {where}: {exc.strerror or exc}"
            ) from exc
        # podman's words (libpod's WithTimezone stats the file; Go's error text is lower case)
        reason = (exc.strerror or str(exc)).lower()
        raise InvalidArgument(f"running container create option: stat {where}: {reason}") from exc
    if magic != _MAGIC:
        raise InvalidArgument(f"unknown time zone {tz!r} for --tz: {where} is not a zone file")
    return path


def localtime_mounts(tz: str | None, **paths: Path) -> tuple[Mount, ...]:
    """The read-only bind of the zone file at /etc/localtime (none without ``--tz``)."""
    if tz is None or tz == "":
        return ()
    source = zone_file(tz, **paths)
    return (Mount("bind", "/etc/localtime", str(source), ("ro", "nosuid", "nodev", "noexec")),)
