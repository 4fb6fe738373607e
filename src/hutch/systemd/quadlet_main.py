"""``hutch-quadlet``: the systemd generator, with podman's quadlet flags.

systemd runs a generator as ``NAME NORMAL_DIR EARLY_DIR LATE_DIR``; units go
into NORMAL_DIR. Flags (one or two dashes, as Go's flag package takes them):
``-dryrun`` prints what would be written, ``-user`` reads the user search
paths (also implied when the program's name contains "user", as for a link
named ``hutch-user-generator``), ``-v`` says what it reads, ``-no-kmsg-log``
keeps warnings off the kernel log, ``-version``.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass
from pathlib import Path

USAGE = (
    "usage: hutch-quadlet [-dryrun] [-user] [-v] [-no-kmsg-log] [-version] "
    "OUTPUT_DIR [EARLY_DIR] [LATE_DIR]"
)


@dataclass(frozen=True)
class Args:
    dryrun: bool = False
    user: bool = False
    verbose: bool = False
    kmsg: bool = True
    version: bool = False
    help: bool = False
    dirs: tuple[str, ...] = ()


def parse_args(argv: list[str], program: str) -> Args:
    flags = {"dryrun": False, "user": "user" in os.path.basename(program), "v": False}
    kmsg, version, help_, dirs = True, False, False, []
    for arg in argv:
        if arg.startswith("-") and arg != "-":
            name = arg.lstrip("-")
            if name in flags:
                flags[name] = True
            elif name == "no-kmsg-log":
                kmsg = False
            elif name == "version":
                version = True
            elif name in ("h", "help"):
                help_ = True
            else:
                raise ValueError(f"flag provided but not defined: {arg}")
        else:
            dirs.append(arg)
    return Args(flags["dryrun"], flags["user"], flags["v"], kmsg, version, help_, tuple(dirs))


def main(argv: list[str] | None = None) -> int:
    args_list = sys.argv[1:] if argv is None else argv
    try:
        args = parse_args(args_list, sys.argv[0])
    except ValueError as exc:
        print(f"{exc}\n{USAGE}", file=sys.stderr)
        return 2
    if args.help:
        print(USAGE)
        return 0
    if args.version:
        from hutch import __version__

        print(f"hutch-quadlet version {__version__}")
        return 0
    if not args.dryrun and not args.dirs:
        print(f"Error: missing output directory argument\n{USAGE}", file=sys.stderr)
        return 1
    return run(args)


def run(args: Args) -> int:
    from hutch.systemd.generator import find_binary, generate, load, write
    from hutch.systemd.sources import find_units, search_dirs

    env = dict(os.environ)
    log = _Log(kmsg=args.kmsg and not args.dryrun, verbose=args.verbose)
    dirs = search_dirs(args.user, env, os.getuid())
    log.debug("search paths: " + " ".join(str(d) for d in dirs))
    sources = find_units(dirs, recursive=args.user)
    for s in sources:
        log.debug(f"loading {s.path}")
    units, warnings = load(sources, dirs)
    result = generate(units, binary=find_binary(sys.argv[0], env), user=args.user)
    for w in (*warnings, *result.warnings):
        log.warn(w)
    if args.dryrun:
        for g in result.units:
            print(f"---{g.service}---")
            print(g.text, end="")
            for link, target in g.links:
                print(f"# link {link} -> {target}")
    else:
        for path in write(result, Path(args.dirs[0])):
            log.debug(f"wrote {path}")
    return 1 if warnings or result.warnings else 0


class _Log:
    """Warnings on stderr (systemd keeps a generator's stderr) and the kernel log."""

    def __init__(self, *, kmsg: bool, verbose: bool) -> None:
        self._verbose = verbose
        self._kmsg: int | None = None
        if kmsg:
            try:
                self._kmsg = os.open("/dev/kmsg", os.O_WRONLY | os.O_CLOEXEC)
            except OSError:
                self._kmsg = None

    def warn(self, message: str) -> None:
        self._emit(4, message)

    def debug(self, message: str) -> None:
        if self._verbose:
            self._emit(7, message)

    def _emit(self, level: int, message: str) -> None:
        print(f"hutch-quadlet: {message}", file=sys.stderr)
        if self._kmsg is not None:
            line = f"<{level}>hutch-quadlet[{os.getpid()}]: {message}\n"
            with contextlib.suppress(OSError):
                os.write(self._kmsg, line.encode())


if __name__ == "__main__":
    sys.exit(main())
