"""A pull's layer rows under its service's row (docker compose's "Pulling fs layer",
"Pull complete", "Already exists"), and ``--quiet-pull`` / ``pull -q`` without them,
against a real registry."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from registry_helpers import allow_plain_http, running_registry


def _layer_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith(" Layer web/")]


def test_pull_rows_show_each_layer_unless_quiet(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    del base_image  # imported as "base": the first layer, present; the second is pulled
    with running_registry(tmp_path / "registry") as registry:
        allow_plain_http(hutch.env.config_home, registry)
        image = registry.ref("clayers/web:1")
        context = tmp_path / "context"
        context.mkdir()
        (context / "f").write_text("a layer of its own\n")
        (context / "Containerfile").write_text("FROM base\nCOPY f /f\n")
        hutch("build", "-q", "-t", image, str(context), timeout=180)
        hutch("push", image, timeout=120)
        file = tmp_path / "compose.yaml"
        file.write_text(f"services:\n  web:\n    image: {image}\n    command: sleep 1000\n")
        plain = ("compose", "-p", "clayers", "--progress", "plain", "-f", str(file))
        as_json = ("compose", "-p", "clayers", "--progress", "json", "-f", str(file))

        def fresh() -> None:  # the image gone, its own layer with it
            hutch(*plain, "down", "-t", "0", timeout=60)
            hutch("rmi", "-f", image, check=False)

        try:
            fresh()
            pulled = hutch(*plain, "pull", timeout=120).stderr
            lines = pulled.splitlines()
            assert lines[0] == f" Service web  Pulling {image}", pulled
            assert lines[-1] == " Service web  Pulled", pulled
            layers = _layer_lines(pulled)
            assert lines[1:-1] == layers, pulled  # between the service's two rows
            ends = {line.split("  ", 1)[1] for line in layers}
            # base's layer is here already; the COPY's is fetched
            assert {"Already exists", "Pulling fs layer", "Pull complete"} <= ends, pulled
            assert "Downloading" not in pulled  # byte counts are for the live view

            fresh()
            quiet = hutch(*plain, "pull", "-q", timeout=120).stderr
            assert quiet.splitlines() == [f" Service web  Pulling {image}", " Service web  Pulled"]

            fresh()
            up = hutch(*plain, "up", "-d", "--quiet-pull", timeout=120).stderr
            assert f" Service web  Pulling {image}" in up.splitlines(), up
            assert _layer_lines(up) == [], up
            assert " Container clayers-web-1  Started" in up.splitlines(), up

            fresh()
            created = hutch(*as_json, "create", timeout=120).stderr
            events = [json.loads(line) for line in created.splitlines()]
            children = [e for e in events if "parent_id" in e]
            assert {e["parent_id"] for e in children} == {"Service web"}, events
            assert {"Already exists", "Pull complete"} <= {e["text"] for e in children}, events
            assert events[0] == {"id": "Service web", "text": "Pulling", "status": image}

            fresh()
            created = hutch(*as_json, "create", "--quiet-pull", timeout=120).stderr
            assert "parent_id" not in created, created
            assert '{"id":"Service web","text":"Pulled"}' in created.splitlines(), created

            fresh()
            ran = hutch(*plain, "run", "--rm", "-T", "--quiet-pull", "web", "cat", "/f")
            assert ran.stdout == "a layer of its own\n"
            assert _layer_lines(ran.stderr) == [], ran.stderr
            assert " Service web  Pulled" in ran.stderr.splitlines(), ran.stderr
        finally:
            hutch(*plain, "down", "-t", "0", check=False, timeout=60)
            hutch("rmi", "-f", image, check=False)
