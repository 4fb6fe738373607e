#!/bin/bash
# Build a small busybox root filesystem as a tar archive (no root needed).
#
# Usage: contrib/make-rootfs.sh OUT.tar
#
# The archive holds Debian's static busybox (package busybox-static) with one
# symlink per applet, minimal /etc/passwd and /etc/group (root, user 1000,
# nobody), /tmp with mode 1777. Every entry is owned by 0:0 except /home/user
# (1000:1000). The output is byte-for-byte reproducible: mtimes come from
# SOURCE_DATE_EPOCH (default: a fixed date), entries are sorted.
#
# Environment: BUSYBOX (default /bin/busybox), SOURCE_DATE_EPOCH.
set -euo pipefail

die() { printf 'make-rootfs: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 1 ]] || die "usage: $0 OUT.tar"
readonly OUT="$1"
readonly BUSYBOX="${BUSYBOX:-/bin/busybox}"
[[ -x $BUSYBOX ]] || die "$BUSYBOX not found; install busybox-static (contrib/setup-host.sh does)"
# a dynamically linked busybox would need its libraries in the image
if LC_ALL=C file -b "$BUSYBOX" 2>/dev/null | grep -q 'dynamically linked'; then
    die "$BUSYBOX is dynamically linked; install busybox-static"
fi

# /usr/bin/python3 is the system interpreter (3.11): tarfile lets us set owners
# and mtimes without root, and starts much faster than a pyenv shim.
"${PYTHON:-/usr/bin/python3}" - "$OUT" "$BUSYBOX" "${SOURCE_DATE_EPOCH:-1700000000}" <<'PY'
import io
import os
import subprocess
import sys
import tarfile

out, busybox, epoch = sys.argv[1], sys.argv[2], int(sys.argv[3])

PASSWD = (
    "root:x:0:0:root:/root:/bin/sh\n"
    "user:x:1000:1000:user:/home/user:/bin/sh\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
)
GROUP = "root:x:0:\ntty:x:5:\nuser:x:1000:\nnogroup:x:65534:\n"
DIRS = {
    "bin": 0o755, "sbin": 0o755, "etc": 0o755, "proc": 0o555, "sys": 0o555,
    "dev": 0o755, "tmp": 0o1777, "root": 0o700, "home": 0o755, "home/user": 0o755,
    "var": 0o755, "usr": 0o755, "usr/bin": 0o755, "usr/sbin": 0o755,
}
OWNERS = {"home/user": (1000, 1000, "user", "user")}


def info(name: str, kind: bytes, mode: int) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.mtime = kind, mode, epoch
    ti.uid, ti.gid, ti.uname, ti.gname = OWNERS.get(name, (0, 0, "root", "root"))
    return ti


# --list-full gives each applet's usual place (bin/sh, sbin/ip, usr/bin/env)
listing = subprocess.run([busybox, "--list-full"], check=True, capture_output=True, text=True)
links = sorted({p.strip("/") for p in listing.stdout.split() if p.strip("/")} - {"bin/busybox"})
entries: list[tuple[tarfile.TarInfo, bytes | None]] = []
for d, mode in DIRS.items():
    entries.append((info(d, tarfile.DIRTYPE, mode), None))
for p in links:
    ti = info(p, tarfile.SYMTYPE, 0o777)
    ti.linkname = "/bin/busybox"
    entries.append((ti, None))
with open(busybox, "rb") as f:
    binary = f.read()
entries.append((info("bin/busybox", tarfile.REGTYPE, 0o755), binary))
entries.append((info("etc/passwd", tarfile.REGTYPE, 0o644), PASSWD.encode()))
entries.append((info("etc/group", tarfile.REGTYPE, 0o644), GROUP.encode()))

missing = {os.path.dirname(ti.name) for ti, _ in entries} - set(DIRS) - {""}
if missing:
    sys.exit(f"make-rootfs: error: applet directories not in the layout: {sorted(missing)}")

entries.sort(key=lambda e: e[0].name)
tmp = out + ".tmp"
with tarfile.open(tmp, "w", format=tarfile.PAX_FORMAT) as tar:
    for ti, data in entries:
        if data is None:
            tar.addfile(ti)
        else:
            ti.size = len(data)
            tar.addfile(ti, io.BytesIO(data))
os.replace(tmp, out)
print(f"make-rootfs: wrote {out} ({len(links)} applets)", file=sys.stderr)
PY
