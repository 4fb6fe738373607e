"""The demo (a user's install) installs hutch's own packages only: QEMU, the kernel,
the peers and the benchmark tools are the tests' (contrib/setup-host.sh's two lists)."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

CONTRIB = Path(__file__).resolve().parents[3] / "contrib"


def _array(name: str) -> list[str]:
    """The words of a bash array in setup-host.sh, as bash reads them."""
    script = f"source <(sed -n '/^readonly {name}=(/,/^)/p' setup-host.sh)\n"
    script += f'printf "%s\\n" "${{{name}[@]}}"\n'
    done = subprocess.run(
        ["bash", "-c", script], cwd=CONTRIB, capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_the_runtime_list_holds_no_test_tool() -> None:
    runtime, tests = _array("RUNTIME_PACKAGES"), _array("TEST_PACKAGES")
    assert {"uidmap", "passt", "slirp4netns", "fuse-overlayfs", "catatonit"} <= set(runtime)
    test_only = {"qemu-system-x86", "linux-image-amd64", "hyperfine", "iperf3", "podman"}
    assert test_only <= set(tests)
    assert not test_only & set(runtime)
    assert not set(runtime) & set(tests)


def test_the_demo_asks_for_the_runtime_list() -> None:
    demo = (CONTRIB / "demo.sh").read_text()
    # the lines that run it (bash ...setup-host.sh), not those that name it
    setups = re.findall(r"^(.*)\bbash \S*setup-host\.sh", demo, re.MULTILINE)
    assert setups and all("HUTCH_SETUP_RUNTIME=1" in line for line in setups), setups
