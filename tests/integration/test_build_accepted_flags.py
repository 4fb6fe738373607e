"""build's flags accepted as no-ops (--isolation, --compress, --disable-compression)
and refused by name (--decryption-key, --sign-by) (issue 15), on real builds."""

from __future__ import annotations

from pathlib import Path

import pytest
from build_helpers import build, write_context
from harness import Hutch

CONTAINERFILE = "FROM base\nRUN echo built > /built\n"


def test_isolation_and_compression_flags_build_as_without(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=CONTAINERFILE)
    flags = ("--isolation", "chroot", "--compress", "-D", "-t", "accepted")
    build(hutch, context, *flags)
    assert hutch("run", "--rm", "accepted", "cat", "/built").stdout == "built\n"
    build(hutch, context, "--isolation=rootless", "--disable-compression=false")
    bad = build(hutch, context, "--isolation", "vm", check=False)
    assert (bad.returncode, 'unrecognized isolation type "vm"' in bad.stderr) == (125, True)


@pytest.mark.parametrize("flags", [["--decryption-key", "k.pem"], ["--sign-by", "ABCD"]])
def test_crypto_flags_are_refused_before_anything_runs(
    hutch: Hutch, base_image: str, tmp_path: Path, flags: list[str]
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=CONTAINERFILE)
    refused = build(hutch, context, *flags, "-t", "never-made", check=False)
    assert refused.returncode == 125
    assert "not supported" in refused.stderr and "STEP" not in refused.stdout
    assert hutch("image", "exists", "never-made", check=False).returncode == 1
