"""Impossible user namespace requests: one line, exit 125, nothing created or started."""

from __future__ import annotations

import pytest
from harness import Hutch


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--uidmap", "0:1:70000"), "impossible --uidmap"),
        (("--uidmap", "0:0:10", "--uidmap", "5:100:10"), "overlap"),
        (("--gidmap", "0:1"), "CONTAINER:HOST:SIZE"),
        (("--userns", "keep-id:size=1"), "unexpected option"),
        (("--userns", "auto:size=100000"), "no free range"),
        (("--subuidname", "root"), "--subuidname root"),
        (("--userns", "keep-id", "--uidmap", "0:1:1"), "cannot be combined"),
    ],
)
def test_impossible_maps_are_refused(
    hutch: Hutch, base_image: str, args: tuple[str, ...], message: str
) -> None:
    result = hutch("run", "--rm", *args, base_image, "true", check=False)
    assert result.returncode == 125, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.stderr
    assert hutch("ps", "-a", "-q").stdout.strip() == ""
