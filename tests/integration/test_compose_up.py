"""``hutch compose up/ps/down`` with real containers, rootless: one project, several steps.

The steps share one project to stay lean: up, reach a service by name,
an unchanged second up, a changed environment, scale, down, down -v.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

from harness import Hutch
from ports import free_port

COMPOSE = """\
name: shop
services:
  db:
    image: {image}
    command: ["sh", "-c", "echo ready > /data/state; touch /tmp/ok; exec httpd -f -p 8080 -h /data"]
    volumes: [data:/data]
    ports: ["127.0.0.1:{port}:8080"]
    healthcheck:
      test: test -f /tmp/ok
      interval: 1s
      retries: 30
  web:
    image: {image}
    command: sleep 1000
    stop_grace_period: 1s  # the recreate stops it (sleep, pid 1, ignores SIGTERM): 1 s, not 10
    environment: ["GREETING=${{GREETING:-hi}}"]
    depends_on:
      db: {{condition: service_healthy}}
    networks:
      default:
        aliases: [shopfront]
    links: ["db:database"]
    volumes: [/cache]
    secrets: [token]
    configs: [{{source: motd, target: /etc/motd, mode: 0440}}]
    post_start: [{{command: ["sh", "-c", "echo hooked > /tmp/hook"]}}]
volumes:
  data: {{}}
secrets:
  token: {{file: ./token.txt}}
configs:
  motd: {{content: "welcome $${{USER}}"}}
"""


def ps(hutch: Hutch, compose: tuple[str, ...]) -> dict[str, str]:
    rows = json.loads(hutch(*compose, "ps", "--format", "json").stdout)
    return {row["Name"]: row["ID"] for row in rows}


def test_up_ps_recreate_scale_down(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    port = free_port()
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image, port=port))
    (tmp_path / "token.txt").write_text("s3cret\n")
    compose = ("compose", "-f", str(tmp_path / "compose.yaml"))

    # --wait: detached, back once db is healthy and web running
    started = hutch(*compose, "up", "--wait", "--wait-timeout", "100", timeout=120)
    assert " Container shop-db-1  Healthy" in started.stderr
    assert " Container shop-web-1  Running" in started.stderr
    first = ps(hutch, compose)
    assert sorted(first) == ["shop-db-1", "shop-web-1"]
    # service name DNS on the project's default network, and the named volume
    fetched = hutch("exec", "shop-web-1", "wget", "-q", "-O", "-", "http://db:8080/state")
    assert fetched.stdout == "ready\n"
    # a link is an alias of db; a file secret is bound, a content config written
    # with its mode; the post_start hook ran; a file in the anonymous volume
    # outlives a recreate (below)
    script = (
        "wget -q -O - http://database:8080/state; cat /run/secrets/token /etc/motd; echo; "
        "stat -c %a /etc/motd; cat /tmp/hook; echo kept > /cache/f"
    )
    assert hutch("exec", "shop-web-1", "sh", "-c", script).stdout == (
        "ready\ns3cret\nwelcome ${USER}\n440\nhooked\n"
    )
    assert hutch("volume", "exists", "shop_data", check=False).returncode == 0
    assert hutch("network", "exists", "shop_default", check=False).returncode == 0
    # the published port, from the host; the read-only views
    assert hutch(*compose, "port", "db", "8080").stdout == f"127.0.0.1:{port}\n"
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/state", timeout=10) as reply:
        assert reply.read() == b"ready\n"
    assert "shop" in hutch("compose", "ls", "-q").stdout.split()
    # the name the image reference resolved to, as the container records it
    assert hutch(*compose, "images", "-q").stdout == f"localhost/{base_image}:latest\n"
    assert "sleep 1000" in hutch(*compose, "top", "web").stdout

    # unchanged: nothing is recreated
    again = hutch(*compose, "up", "-d", timeout=120)
    assert "Created" not in again.stderr
    assert ps(hutch, compose) == first

    # a changed environment recreates only that service
    hutch(*compose, "up", "-d", env={"GREETING": "bye"}, timeout=120)
    changed = ps(hutch, compose)
    assert changed["shop-db-1"] == first["shop-db-1"]
    assert changed["shop-web-1"] != first["shop-web-1"]
    env = hutch("exec", "shop-web-1", "sh", "-c", "echo $GREETING; cat /cache/f").stdout
    assert env == "bye\nkept\n"

    # scale: distinct names, reachable by the alias
    hutch(*compose, "up", "-d", "--scale", "web=3", env={"GREETING": "bye"}, timeout=120)
    assert sorted(ps(hutch, compose)) == ["shop-db-1", "shop-web-1", "shop-web-2", "shop-web-3"]

    # down keeps the volume; down -v removes it
    hutch(*compose, "down", "-t", "1", timeout=120)
    assert ps(hutch, compose) == {}
    assert hutch("network", "exists", "shop_default", check=False).returncode != 0
    assert hutch("volume", "exists", "shop_data", check=False).returncode == 0
    hutch(*compose, "down", "-v", timeout=60)
    assert hutch("volume", "exists", "shop_data", check=False).returncode != 0


def test_bad_file_creates_nothing(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  a:\n    image: {base_image}\n    networks: [missing]\n"
    )
    result = hutch("compose", "-f", str(tmp_path / "compose.yaml"), "up", "-d", check=False)
    assert result.returncode == 125
    assert "compose.yaml:4: services.a.networks.missing" in result.stderr
    assert hutch("ps", "-a", "-q").stdout == ""
