"""A Containerfile whose name ends in ``.in``, run through cpp(1) first, as
podman-build(1) describes it (for ``#include`` and ``#define``).

cpp is called as buildah calls it: ``-E`` on standard input, ``-iquote`` the
context directory (``#include "part"`` finds the context's files), ``-traditional``
(a Containerfile is not C: no tokenising of its quotes and apostrophes) and
``-undef`` (no ``linux`` macro turning into 1), then $BUILDAH_CPPFLAGS and
--cpp-flag's. The line markers cpp writes are comments to the parser.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from hutch.api.errors import InvalidArgument


def wants_cpp(name: str) -> bool:
    return name.endswith(".in")


def preprocess(
    text: str,
    name: str,
    context_dir: Path,
    flags: Sequence[str],
    environ: Mapping[str, str],
) -> str:
    """``text`` (the Containerfile ``name``) as cpp prints it."""
    import shlex  # here: every build asks wants_cpp, few run cpp
    import shutil
    import subprocess

    cpp = shutil.which("cpp")
    if cpp is None:
        raise InvalidArgument(
            f"preprocessing {name}: cpp not found: a Containerfile ending in .in is run "
            "through the C preprocessor (install cpp, or name the file without .in)"
        )
    argv = [cpp, "-E", "-iquote", str(context_dir), "-traditional", "-undef", "-"]
    try:
        argv += shlex.split(environ.get("BUILDAH_CPPFLAGS", ""))
    except ValueError as exc:
        raise InvalidArgument(f"invalid BUILDAH_CPPFLAGS: {exc}") from None
    argv += flags
    done = subprocess.run(argv, input=text, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        said = done.stderr.strip() or f"exit status {done.returncode}"
        raise InvalidArgument(f"preprocessing {name}: {said}")
    return done.stdout
