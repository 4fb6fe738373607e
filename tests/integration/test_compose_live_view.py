"""What ``compose`` shows while it works: the live view on a terminal (a real
pseudo-terminal), and ``--progress json`` for programs."""

from __future__ import annotations

import json
import re
from pathlib import Path

from harness import Hutch, run_in_pty
from registry_helpers import running_registry

COMPOSE = """\
services:
  made:
    build:
      context: .
      dockerfile_inline: |
        FROM base
        LABEL shown=in-the-view
    command: sleep 1000
    volumes: [data:/data]
  fetched:
    image: {image}
    command: sleep 1000
    depends_on: [made]
volumes:
  data: {{}}
"""

_REDRAW = re.compile(r"\x1b\[(\d+)F\x1b\[J")
_SGR = re.compile(r"\x1b\[[0-9;]*m")


def _screen(text: str) -> list[str]:
    """What stays on the terminal: each redraw goes back up over the view and erases it."""
    lines: list[str] = []
    for part in _REDRAW.split(text):
        if part.isdigit():
            del lines[len(lines) - int(part) :]
        else:
            lines += part.splitlines()
    return lines


def _rows(screen: list[str]) -> list[str]:
    """The view's rows: mark, resource, state (the time and padding left out)."""
    return [re.sub(r"\s+\d+\.\ds$", "", " ".join(r.split())) for r in screen]


def _project(hutch: Hutch, tmp_path: Path, registry_ref: str) -> tuple[str, ...]:
    hutch("push", "base", registry_ref, timeout=120)
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=registry_ref))
    return ("compose", "-p", "cprog", "-f", str(tmp_path / "compose.yaml"))


def test_the_live_view_has_a_row_per_resource_updated_in_place(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    del base_image  # imported as "base": pushed, and built from
    with running_registry(tmp_path / "registry") as registry:
        conf = hutch.env.config_home / "containers" / "registries.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = true\n')
        image = registry.ref("cprog/fetched:1")
        compose = _project(hutch, tmp_path, image)
        term = {"TERM": "xterm", "NO_COLOR": "1"}
        try:
            code, out = run_in_pty(
                hutch, [*compose, "up", "-d"], cols=120, timeout=240, environ=term
            )
            assert code == 0, out
            assert "\x1b[" in out and _SGR.search(out) is None  # NO_COLOR: no colour
            redraws = _REDRAW.findall(out)
            assert len(redraws) >= 10, out  # drawn again at each event, in place
            rows = _rows(_screen(out))
            assert rows[0] == "[+] Running 6/6", out  # layers are not counted
            assert rows[1].startswith("✔ Service made Built "), out  # the image built
            # the pull's layers, under its row (base's: here already)
            layers = [r for r in rows if re.fullmatch(r"✔ [0-9a-f]{12} Already exists", r)]
            assert layers and rows[3 : 3 + len(layers)] == layers, out
            assert "\n   ✔ " in _SGR.sub("", out), out  # drawn indented
            assert [r for r in rows[2:] if r not in layers] == [
                "✔ Service fetched Pulled",  # the image pulled
                "✔ Network cprog_default Created",
                "✔ Volume cprog_data Created",
                "✔ Container cprog-made-1 Started",
                "✔ Container cprog-fetched-1 Started",
            ], out
            # while the work went on, rows showed their working state with a spinner
            working = {m.group(1) for m in re.finditer(r"[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] \S+ \S+\s+(\w+ing)", out)}
            assert {"Building", "Pulling", "Creating", "Starting"} <= working, out
            code, out = run_in_pty(
                hutch, [*compose, "down", "-v", "-t", "0"], timeout=120, cols=120, environ=term
            )
            assert code == 0, out
            rows = _rows(_screen(out))
            assert rows[0] == "[+] Running 4/4", out
            assert sorted(rows[1:]) == [
                "✔ Container cprog-fetched-1 Removed",
                "✔ Container cprog-made-1 Removed",
                "✔ Network cprog_default Removed",
                "✔ Volume cprog_data Removed",
            ], out
        finally:
            hutch(*compose, "down", "-v", "-t", "0", check=False, timeout=60)
            hutch("rmi", "-f", image, "cprog-made", check=False)


def test_progress_json_is_one_object_a_line(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {base_image}\n    command: sleep 1000\n"
    )
    compose = ("compose", "-p", "cjson", "-f", str(tmp_path / "compose.yaml"))
    try:
        up = hutch(*compose, "--progress", "json", "up", "-d", timeout=120)
        events = [json.loads(line) for line in up.stderr.splitlines()]
        assert events == [
            {"id": "Network cjson_default", "text": "Creating"},
            {"id": "Network cjson_default", "text": "Created"},
            {"id": "Container cjson-web-1", "text": "Creating"},
            {"id": "Container cjson-web-1", "text": "Created"},
            {"id": "Container cjson-web-1", "text": "Starting"},
            {"id": "Container cjson-web-1", "text": "Started"},
        ]
        again = hutch(*compose, "--progress", "json", "up", "-d", timeout=60)
        assert [json.loads(line) for line in again.stderr.splitlines()] == [
            {"id": "Container cjson-web-1", "text": "Running"}
        ]
        # the final error too, as one object, with hutch's exit code
        bad = hutch(*compose, "--progress", "json", "up", "-d", "nope", check=False)
        assert bad.returncode == 125
        assert json.loads(bad.stderr) == {"error": True, "message": "no such service: nope"}
        # every verb's usage errors alike: a bad flag, an unknown service
        flag = hutch(*compose, "--progress", "json", "stop", "-t", "x", check=False)
        assert flag.returncode == 125
        assert json.loads(flag.stderr)["error"] is True
        for verb in ("stop", "logs", "ps", "kill"):
            gone = hutch(*compose, "--progress", "json", verb, "nope", check=False)
            assert gone.returncode == 125, verb
            assert json.loads(gone.stderr) == {"error": True, "message": "no such service: nope"}
        down = hutch("compose", "--progress=json", *compose[1:], "down", "-t", "0", timeout=60)
        assert {json.loads(line)["text"] for line in down.stderr.splitlines()} == {
            "Stopping", "Stopped", "Removing", "Removed"
        }  # fmt: skip
    finally:
        hutch(*compose, "down", "-t", "0", check=False, timeout=60)


def test_compose_runs_dependencies_follow_the_progress_mode(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  db:\n    image: {base_image}\n    command: sleep 1000\n"
        f"  job:\n    image: {base_image}\n    depends_on: [db]\n"
    )
    compose = ("compose", "-p", "crunj", "-f", str(tmp_path / "compose.yaml"))
    try:
        run = hutch(
            *compose, "--progress", "json", "run", "--rm", "-T", "job", "echo", "hi", timeout=120
        )
        assert run.stdout == "hi\n"
        events = [json.loads(line) for line in run.stderr.splitlines()]  # no plain line
        assert {"id": "Container crunj-db-1", "text": "Started"} in events
        assert {"id": "Network crunj_default", "text": "Created"} in events
        quiet = hutch(*compose, "--progress", "quiet", "run", "--rm", "-T", "job", "true")
        assert quiet.stderr == ""
        # exec's usage errors are the JSON line too
        bad = hutch(*compose, "--progress", "json", "exec", "-T", "nope", "true", check=False)
        assert bad.returncode == 125
        assert json.loads(bad.stderr) == {"error": True, "message": "no such service: nope"}
    finally:
        hutch(*compose, "down", "-t", "0", check=False, timeout=60)


def test_an_always_image_gets_its_pull_event(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    del base_image  # imported as "base": pushed to the registry
    with running_registry(tmp_path / "registry") as registry:
        conf = hutch.env.config_home / "containers" / "registries.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = true\n')
        image = registry.ref("calways/web:1")
        hutch("push", "base", image, timeout=120)
        hutch("pull", image, timeout=120)  # present: only the policy pulls it
        (tmp_path / "compose.yaml").write_text(
            f"services:\n  web:\n    image: {image}\n    pull_policy: always\n"
            "    command: sleep 1000\n"
        )
        compose = ("compose", "-p", "calways", "-f", str(tmp_path / "compose.yaml"))
        try:
            up = hutch(*compose, "--progress", "json", "up", "-d", timeout=120)
            events = [json.loads(line) for line in up.stderr.splitlines()]
            layers = [e for e in events if "parent_id" in e]  # present: "Already exists"
            assert layers and events[1 : 1 + len(layers)] == layers, events
            assert {(e["parent_id"], e["text"]) for e in layers} == {
                ("Service web", "Already exists")
            }, events
            assert [e for e in events[: 2 + len(layers)] if e not in layers] == [
                {"id": "Service web", "text": "Pulling", "status": image},
                {"id": "Service web", "text": "Pulled"},
            ], events
            assert events[-1] == {"id": "Container calways-web-1", "text": "Started"}
        finally:
            hutch(*compose, "down", "-t", "0", check=False, timeout=60)
            hutch("rmi", "-f", image, check=False)
