"""Tar headers as containers/storage's archive writer makes them (podman's ``export``).

Two things set them apart from Python's tarfile: the mode field keeps the file
type bits (``0040755`` for a directory: c/storage puts back what Go's
archive/tar dropped in Go 1.9), and the owner's names are filled in, looked up
in the archived root's own /etc/passwd and /etc/group (podman's tar helper runs
chrooted there; Go's archive/tar looks a stat's ids up).

The names are read from the files as text, never through NSS (which would load
the container's libraries into this process), and only from a regular file of
bounded size: a FIFO or a huge file in the container leaves the names empty.
"""

from __future__ import annotations

import os
import stat
import tarfile

# a larger /etc/passwd is not read (names stay empty): no container needs one
_DB_LIMIT = 4 << 20
_BLOCK = tarfile.BLOCKSIZE


class TypedModeTarInfo(tarfile.TarInfo):
    """A member whose header's mode field is ``full_mode`` (type bits included)."""

    full_mode = 0

    def tobuf(
        self,
        format: int | None = tarfile.PAX_FORMAT,
        encoding: str | None = tarfile.ENCODING,
        errors: str = "surrogateescape",
    ) -> bytes:
        buf = super().tobuf(format, encoding, errors)  # type: ignore[arg-type]
        # the member's own header is the last block (a pax header's blocks precede
        # it); tarfile masks the mode to its permission bits, put the type back
        head = bytearray(buf[-_BLOCK:])
        head[100:108] = b"%07o\0" % self.full_mode
        head[148:156] = b" " * 8  # the checksum counts its own field as blanks
        head[148:156] = b"%06o\0 " % sum(head)
        return buf[:-_BLOCK] + bytes(head)


def id_names(root: str, path: str) -> dict[int, str]:
    """The first name of each id in ``root``'s passwd or group file ``path``
    (``etc/passwd``: name, password, id, ...), as Go's lookup takes the first."""
    raw = _read_regular(os.path.join(root, path))
    names: dict[int, str] = {}
    for line in raw.decode(errors="replace").splitlines():
        fields = line.split(":")
        if len(fields) >= 3 and fields[2].isdigit() and not line.startswith("#"):
            names.setdefault(int(fields[2]), fields[0])
    return names


def _read_regular(path: str) -> bytes:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return b""
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > _DB_LIMIT:
            return b""
        return f.read(_DB_LIMIT)
