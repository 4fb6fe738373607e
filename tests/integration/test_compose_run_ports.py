"""compose run publishes the service's own ports only with --service-ports (docker
compose's rule: a one-off container would otherwise take the ports of the running
service), and -p publishes what it names."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from kube_helpers import fetch
from ports import free_port

HTTPD = "echo hi > /tmp/i; exec httpd -f -p 8080 -h /tmp"


def _bindings(hutch: Hutch, name: str) -> dict[str, object]:
    data = json.loads(hutch("container", "inspect", name).stdout)[0]
    return dict(data["HostConfig"]["PortBindings"] or {})


def test_run_service_ports(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    port, other = free_port(), free_port()
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {base_image}\n    ports: ['127.0.0.1:{port}:8080']\n"
    )
    compose = ("compose", "-p", "runports", "-f", str(tmp_path / "compose.yaml"))
    try:
        # without the flag, the service's ports stay unpublished
        hutch(*compose, "run", "-d", "--name", "plain", "web", "sh", "-c", HTTPD)
        assert _bindings(hutch, "plain") == {}
        hutch("rm", "-f", "-t", "0", "plain")
        # with it, the one-off container publishes them and answers there
        hutch(*compose, "run", "-d", "--service-ports", "--name", "served", "web",
              "sh", "-c", HTTPD)  # fmt: skip
        assert list(_bindings(hutch, "served")) == ["8080/tcp"]
        assert fetch(f"http://127.0.0.1:{port}/i") == b"hi\n"
        hutch("rm", "-f", "-t", "0", "served")
        # -p publishes what it names, and not the service's own
        hutch(*compose, "run", "-d", "-p", f"127.0.0.1:{other}:8080", "--name", "named",
              "web", "sh", "-c", HTTPD)  # fmt: skip
        assert fetch(f"http://127.0.0.1:{other}/i") == b"hi\n"
        bound = _bindings(hutch, "named")["8080/tcp"]
        assert [b["HostPort"] for b in bound] == [str(other)]  # type: ignore[attr-defined]
    finally:
        hutch(*compose, "down", "-v", "-t", "0", check=False, timeout=60)
        hutch("rm", "-f", "-t", "0", "plain", "served", "named", check=False)
