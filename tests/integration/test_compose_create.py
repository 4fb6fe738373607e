"""``compose create`` with up's flags (--build, --no-build, --pull never, --scale,
--remove-orphans), and ``down`` leaving ``run``'s one-off containers to
``--remove-orphans``, as docker compose does: real images, real containers."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch

SERVICES = """\
services:
  web:
    image: {image}
    command: sleep 1000
  app:
    build:
      context: .
      dockerfile_inline: |
        FROM {image}
        ENV MADE=yes
    command: sleep 1000
  absent:
    image: localhost/ccreate-absent:1
    profiles: [never]
"""
OLD = """\
  old:
    image: {image}
    command: sleep 1000
"""


def _states(hutch: Hutch) -> dict[str, str]:
    """Every container of the project, one-offs too: name -> state."""
    listed = hutch(
        "ps", "-a", "--filter", "label=com.docker.compose.project=ccreate", "--format", "json"
    )
    return {row["Names"][0]: row["State"] for row in json.loads(listed.stdout)}


def _one_offs(states: dict[str, str]) -> list[str]:
    return sorted(name for name in states if "-run-" in name)


def test_create_takes_ups_flags_and_down_leaves_one_offs(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    file = tmp_path / "compose.yaml"
    file.write_text(SERVICES.format(image=base_image) + OLD.format(image=base_image))
    compose = ("compose", "-p", "ccreate", "--progress", "plain", "-f", str(file))
    try:
        # --no-build with the image to build missing: refused before anything is made
        refused = hutch(*compose, "create", "--no-build", check=False, timeout=60)
        assert refused.returncode == 125, refused.stderr
        assert "image ccreate-app is missing and --no-build" in refused.stderr
        assert _states(hutch) == {}
        assert hutch("network", "exists", "ccreate_default", check=False).returncode == 1
        # --pull never with the image missing fails as up's does, before anything is made
        never = hutch(*compose, "create", "--pull", "never", "absent", check=False, timeout=60)
        assert never.returncode == 125, never.stderr
        assert "image not known" in never.stderr
        assert "ccreate-absent-1" not in _states(hutch)
        assert hutch("network", "exists", "ccreate_default", check=False).returncode == 1

        # --build builds, --scale makes two of web; nothing is started
        made = hutch(*compose, "create", "--build", "--scale", "web=2", "-y", timeout=180)
        assert " Service app  Building" in made.stderr.splitlines(), made.stderr
        assert _states(hutch) == {
            "ccreate-web-1": "created",
            "ccreate-web-2": "created",
            "ccreate-app-1": "created",
            "ccreate-old-1": "created",
        }
        again = hutch(*compose, "create", "--scale", "web=2", timeout=60)
        assert "Building" not in again.stderr and "Created" not in again.stderr, again.stderr

        # a finished one-off, and old gone from the file: both are orphans
        hutch(*compose, "run", "-T", "web", "true", timeout=60)
        one_off = _one_offs(_states(hutch))
        assert len(one_off) == 1
        file.write_text(SERVICES.format(image=base_image))
        warned = hutch(*compose, "create", "--scale", "web=2", timeout=60)
        assert "Found orphan containers" in warned.stderr, warned.stderr
        assert "ccreate-old-1" in _states(hutch)
        hutch(*compose, "create", "--scale", "web=2", "--remove-orphans", timeout=60)
        assert sorted(_states(hutch)) == ["ccreate-app-1", "ccreate-web-1", "ccreate-web-2"]

        # down leaves run's containers without --remove-orphans (docker compose v2)
        hutch(*compose, "run", "-T", "web", "true", timeout=60)
        down = hutch(*compose, "down", "-t", "0", timeout=60)
        # the one-off left still has the network: docker compose's row
        assert " Network ccreate_default  Resource is still in use" in down.stderr.splitlines()
        left = _states(hutch)
        assert len(_one_offs(left)) == 1 and len(left) == 1, left
        hutch(*compose, "down", "-t", "0", "--remove-orphans", timeout=60)
        assert _states(hutch) == {}
        assert hutch("network", "exists", "ccreate_default", check=False).returncode == 1
    finally:
        hutch(*compose, "down", "-t", "0", "--remove-orphans", check=False, timeout=60)
        hutch("rmi", "-f", "ccreate-app", check=False)
