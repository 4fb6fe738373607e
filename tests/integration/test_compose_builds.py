"""``compose build`` and ``up`` building the images of services with a build section."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from registry_helpers import running_registry

COMPOSE = """\
services:
  app:
    build:
      context: .
      dockerfile_inline: |
        FROM {image}
        ARG GREETING=none
        ENV GREETING=$$GREETING
      args: {{GREETING: hello}}
      labels: {{team: blue}}
    command: sleep 1000
  tagged:
    image: localhost/cbuild-tagged:1
    build:
      context: ./sub
      dockerfile: Containerfile
      target: final
    command: sleep 1000
"""

STAGES = """\
FROM {image} AS final
ENV STAGE=final
FROM {image} AS other
ENV STAGE=other
"""


def test_up_builds_missing_images_and_build_rebuilds(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE.format(image=base_image))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "Containerfile").write_text(STAGES.format(image=base_image))
    compose = ("compose", "-p", "cbuild", "-f", str(tmp_path / "compose.yaml"))
    bad = hutch(*compose, "up", "--build", "--no-build", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: ")
    # the images are missing: up builds them (PROJECT-SERVICE, or the image key)
    first = hutch(*compose, "up", "-d", timeout=180)
    assert "Service app  Building" in first.stderr
    app = json.loads(hutch("image", "inspect", "cbuild-app").stdout)[0]
    assert app["Config"]["Labels"]["team"] == "blue"
    assert hutch("image", "exists", "localhost/cbuild-tagged:1").returncode == 0
    assert hutch(*compose, "exec", "-T", "app", "sh", "-c", "echo $GREETING").stdout == "hello\n"
    assert hutch(*compose, "exec", "-T", "tagged", "sh", "-c", "echo $STAGE").stdout == "final\n"
    # present images are not built again; nothing is recreated
    again = hutch(*compose, "up", "-d", timeout=60)
    assert "Building" not in again.stderr
    assert "Created" not in again.stderr
    # compose build with a --build-arg; up recreates only the container of the new image
    built = hutch(*compose, "build", "--build-arg", "GREETING=bye", "app", timeout=180)
    assert "Service tagged" not in built.stderr
    third = hutch(*compose, "up", "-d", timeout=60)
    assert "Container cbuild-app-1  Created" in third.stderr
    assert "cbuild-tagged-1  Created" not in third.stderr
    assert hutch(*compose, "exec", "-T", "app", "sh", "-c", "echo $GREETING").stdout == "bye\n"
    hutch(*compose, "down", "-t", "1", timeout=60)
    hutch("rmi", "cbuild-app", "localhost/cbuild-tagged:1")


REGISTRY_COMPOSE = """\
services:
  made:
    image: ${REG}/cpush/made:1
    build:
      context: .
      dockerfile_inline: |
        FROM base
        ENV MADE=yes
    command: sleep 1000
  user:
    image: ${REG}/cpush/made:1
    command: sleep 1000
  absent:
    image: ${REG}/cpush/absent:1
    profiles: [never]
"""


def test_push_then_pull_through_a_registry(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    del base_image  # imported as "base", which the inline file builds from
    with running_registry(tmp_path / "registry", "plain") as registry:
        conf = hutch.env.config_home / "containers" / "registries.conf"
        conf.parent.mkdir(parents=True, exist_ok=True)
        conf.write_text(f'[[registry]]\nlocation = "{registry.host}"\ninsecure = true\n')
        (tmp_path / "compose.yaml").write_text(REGISTRY_COMPOSE)
        (tmp_path / ".env").write_text(f"REG={registry.host}\n")
        compose = ("compose", "-p", "cpush", "-f", str(tmp_path / "compose.yaml"))
        image = registry.ref("cpush/made:1")
        hutch(*compose, "build", timeout=180)
        pushed = hutch(*compose, "push", timeout=120)
        # only the service that builds its image pushes it
        assert "Service made  Pushed" in pushed.stderr
        assert "Service user" not in pushed.stderr
        hutch("rmi", image)
        assert hutch("image", "exists", image, check=False).returncode == 1
        pulled = hutch(*compose, "pull", "user", timeout=120)
        assert "Service user  Pulled" in pulled.stderr
        assert hutch("image", "exists", image).returncode == 0
        # a missing image fails the pull (125), unless failures are ignored
        failed = hutch(*compose, "pull", "absent", check=False, timeout=120)
        assert failed.returncode == 125 and failed.stderr.count("Error: ") == 1
        ignored = hutch(*compose, "pull", "--ignore-pull-failures", "absent", timeout=120)
        assert "Warning" in ignored.stderr
        # up --pull: bad values refused; never with the image gone fails, always fetches it
        bad = hutch(*compose, "up", "-d", "--pull", "sometimes", "user", check=False)
        assert bad.returncode == 125 and "--pull" in bad.stderr
        hutch("rmi", image)
        never = hutch(*compose, "up", "-d", "--pull", "never", "user", check=False, timeout=60)
        assert never.returncode != 0
        hutch(*compose, "up", "-d", "--pull", "always", "user", timeout=120)
        assert hutch(*compose, "exec", "-T", "user", "sh", "-c", "echo $MADE").stdout == "yes\n"
        hutch(*compose, "down", "-t", "1", timeout=60)
        hutch("rmi", image)
