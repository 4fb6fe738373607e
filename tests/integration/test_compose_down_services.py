"""``hutch compose down SERVICE...`` with real containers, rootless: only those services'
containers go, and a network or volume of theirs only when no other container uses it."""

from __future__ import annotations

from pathlib import Path

from harness import Hutch

COMPOSE = """\
name: cdown
services:
  web:
    image: {image}
    command: sleep 1000
    networks: [front, back]
    volumes: [cache:/cache, shared:/shared]
  db:
    image: {image}
    command: sleep 1000
    networks: [back]
    volumes: [shared:/shared]
  side:
    image: {image}
    command: sleep 1000
networks:
  front: {{}}
  back: {{}}
volumes:
  cache: {{}}
  shared: {{}}
"""


def _exists(hutch: Hutch, noun: str, name: str) -> bool:
    return hutch(noun, "exists", name, check=False).returncode == 0


def _names(hutch: Hutch) -> list[str]:
    mine = ("--filter", "label=com.docker.compose.project=cdown", "--format", "{{.Names}}")
    return sorted(hutch("ps", "-a", *mine).stdout.split())


def test_down_of_named_services(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image))
    compose = ("compose", "--progress", "plain", "-f", str(tmp_path / "compose.yaml"))
    try:
        hutch(*compose, "up", "-d", timeout=180)
        assert _names(hutch) == ["cdown-db-1", "cdown-side-1", "cdown-web-1"]

        # an unknown service: refused before anything is removed
        bad = hutch(*compose, "down", "web", "nope", check=False, timeout=60)
        assert bad.returncode == 125
        assert "no such service: nope" in bad.stderr
        assert _names(hutch) == ["cdown-db-1", "cdown-side-1", "cdown-web-1"]

        # web alone, with -v: its own network and volume go, the shared ones stay
        down = hutch(*compose, "down", "-v", "-t", "0", "web", timeout=120)
        assert _names(hutch) == ["cdown-db-1", "cdown-side-1"]
        assert " Container cdown-web-1  Removed" in down.stderr
        assert " Network cdown_back  Resource is still in use" in down.stderr
        assert " Volume cdown_shared  Resource is still in use" in down.stderr
        assert not _exists(hutch, "network", "cdown_front")
        assert not _exists(hutch, "volume", "cdown_cache")
        assert _exists(hutch, "network", "cdown_back")
        assert _exists(hutch, "volume", "cdown_shared")
        assert _exists(hutch, "network", "cdown_default")  # side's, not web's
        assert hutch("exec", "cdown-db-1", "true").returncode == 0

        # db, the last user of back and shared: they go with it
        hutch(*compose, "down", "-v", "-t", "0", "db", timeout=120)
        assert _names(hutch) == ["cdown-side-1"]
        assert not _exists(hutch, "network", "cdown_back")
        assert not _exists(hutch, "volume", "cdown_shared")

        # a service without containers: nothing to do, and no error
        hutch(*compose, "down", "web", timeout=60)
        assert _names(hutch) == ["cdown-side-1"]
    finally:
        hutch(*compose, "down", "-v", "-t", "0", check=False, timeout=120)
    assert _names(hutch) == []
    assert not _exists(hutch, "network", "cdown_default")
