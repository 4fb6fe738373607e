"""``hutch compose config`` against a real peer: Debian's docker-compose 1.29.

1.29 prints another form (short port and volume strings, commands as
written, no default network), so both outputs are brought to one canonical
form of the parts 1.29 knows before they are compared. Both print ``$`` as
``$$``, so that the output is a valid compose file again.
"""

from __future__ import annotations

import json
import shlex
import shutil
import subprocess
import textwrap
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch

from hutch.compose import syntax

PEER = shutil.which("docker-compose")
VARIABLES = {"TAG": "1.36", "WORKERS": "3"}

CASES: dict[str, dict[str, str]] = {
    "three services, anchors, .env, interpolation": {
        ".env": "HTTP_PORT=8080\nDB_NAME='app db'\n",
        "compose.yaml": """\
            x-common: &common
              restart: unless-stopped
              labels: [tier=app]
            services:
              web:
                <<: *common
                image: "busybox:${TAG}"
                command: httpd -f -p 80 -h /www
                ports: ["${HTTP_PORT}:80", "127.0.0.1:9000:9000/udp"]
                volumes: ["./www:/www:ro", "cache:/cache"]
                depends_on: [db]
              db:
                <<: *common
                image: busybox
                command: ["sh", "-c", "echo $$HOME; sleep 1000"]
                environment:
                  NAME: ${DB_NAME}
                  WORKERS: ${WORKERS:-1}
                  MODE: ${MODE-production}
                healthcheck:
                  test: test -f /ready
                  interval: 5s
              worker:
                image: busybox
                depends_on:
                  db: {condition: service_healthy}
                entrypoint: /bin/sh
                working_dir: /work
                user: "1000"
            volumes:
              cache: {}
        """,
    },
    "extends and env_file": {
        "common.env": "A=from-file\nB=from-file\n",
        "compose.yaml": """\
            services:
              base:
                image: busybox
                env_file: common.env
                environment: [B=explicit, C=3]
              child:
                extends: base
                command: sleep 1
                ports: ["8000-8001:80-81"]
        """,
    },
}


def _canonical_port(item: Any) -> tuple[str, str, int, str]:
    entries = syntax.ports(item) if not isinstance(item, dict) else [item]
    (entry,) = entries
    return (
        entry.get("host_ip", ""),
        str(entry.get("published", "")),
        int(entry["target"]),
        entry.get("protocol", "tcp"),
    )


def _canonical_volume(item: Any) -> tuple[str, str, bool]:
    entry = syntax.volume(item, "/", None) if isinstance(item, str) else item
    return (entry.get("source", ""), entry["target"], bool(entry.get("read_only", False)))


def _words(value: Any) -> list[str] | None:
    return shlex.split(value) if isinstance(value, str) else value


def canonical(model: dict[str, Any]) -> dict[str, Any]:
    services = {}
    for name, svc in (model.get("services") or {}).items():
        test = (svc.get("healthcheck") or {}).get("test")
        services[name] = {
            "image": svc.get("image"),
            "command": _words(svc.get("command")),
            "entrypoint": _words(svc.get("entrypoint")),
            "environment": svc.get("environment") or {},
            "labels": svc.get("labels") or {},
            "depends_on": {k: v["condition"] for k, v in (svc.get("depends_on") or {}).items()},
            "ports": sorted(_canonical_port(p) for p in svc.get("ports") or []),
            "volumes": sorted(_canonical_volume(v) for v in svc.get("volumes") or []),
            "healthcheck": ["CMD-SHELL", test] if isinstance(test, str) else test,
            "restart": svc.get("restart"),
            "working_dir": svc.get("working_dir"),
            "user": svc.get("user"),
        }
    return {"services": services, "volumes": sorted(model.get("volumes") or {})}


@pytest.fixture(params=sorted(CASES))
def project_dir(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    for name, text in CASES[request.param].items():
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def peer(directory: Path, *args: str) -> str:
    if PEER is None:
        pytest.skip("docker-compose (Debian's 1.29) is not installed: contrib/setup-host.sh")
    done = subprocess.run(
        [PEER, "-p", "peer", *args],
        cwd=directory,
        env={"PATH": "/usr/bin:/bin", **VARIABLES},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_config_matches_docker_compose_1_29(hutch: Hutch, project_dir: Path) -> None:
    import yaml

    theirs = yaml.safe_load(peer(project_dir, "config"))
    compose = ("compose", "-p", "peer", "-f", str(project_dir / "compose.yaml"), "config")
    ours = json.loads(hutch(*compose, "--format", "json", env=VARIABLES).stdout)
    assert canonical(ours) == canonical(theirs)
    assert hutch(*compose, "--services", env=VARIABLES).stdout.split() == sorted(theirs["services"])
    yaml_text = hutch(*compose, env=VARIABLES).stdout
    assert yaml.safe_load(yaml_text) == ours


def test_canonical_form_keeps_what_matters() -> None:
    """A difference that matters survives the canonical form (the test above can fail)."""
    theirs = {"services": {"a": {"image": "x", "ports": ["8080:80"], "command": "a b"}}}
    same = {
        "services": {
            "a": {
                "image": "x",
                "command": ["a", "b"],
                "ports": [{"target": 80, "published": "8080", "protocol": "tcp"}],
            }
        }
    }
    assert canonical(same) == canonical(theirs)
    for key, value in (("image", "y"), ("ports", ["8081:80"]), ("command", "a c")):
        changed = {"services": {"a": {**theirs["services"]["a"], key: value}}}
        assert canonical(changed) != canonical(theirs)
