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
    stop_grace_period: 1s  # the recreate stops it (sleep, pid 1, ignores SIGTERM): 1 s, not 10
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


KEYS_COMPOSE = """\
services:
  app:
    image: localhost/ckeys-app:1
    build:
      context: .
      network: none
      no_cache: true
      shm_size: 32m
      ulimits: {{nofile: {{soft: 512, hard: 1024}}}}
      tags: [localhost/ckeys-app:extra]
      additional_contexts: {{extra: ./more}}
      dockerfile_inline: |
        FROM {image}
        COPY --from=extra note /note
        RUN tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' > /nets
        RUN ulimit -n > /nofile && df -k /dev/shm | tail -n 1 | tr -s ' ' | cut -d' ' -f2 > /shm
    command: sleep 1000
    deploy:
      restart_policy: {{condition: on-failure, max_attempts: 2}}
"""


def test_build_and_deploy_keys_reach_build_and_run(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(KEYS_COMPOSE.format(image=base_image))
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "note").write_text("from the named context\n")
    compose = ("compose", "-p", "ckeys", "-f", str(tmp_path / "compose.yaml"))
    hutch(*compose, "up", "-d", timeout=180)
    try:
        show = ("exec", "-T", "app", "cat")
        assert hutch(*compose, *show, "/nets").stdout == "lo\n"  # build.network: none
        assert hutch(*compose, *show, "/nofile").stdout == "512\n"
        assert hutch(*compose, *show, "/shm").stdout == "32768\n"
        assert hutch(*compose, *show, "/note").stdout == "from the named context\n"
        assert hutch("image", "exists", "localhost/ckeys-app:extra").returncode == 0
        inspect = json.loads(hutch("inspect", "ckeys-app-1").stdout)[0]
        policy = inspect["HostConfig"]["RestartPolicy"]
        assert (policy["Name"], policy["MaximumRetryCount"]) == ("on-failure", 2)
    finally:
        hutch(*compose, "down", "-t", "0", timeout=60)
        hutch("rmi", "localhost/ckeys-app:1", "localhost/ckeys-app:extra", check=False)


def test_a_refused_key_says_why_and_creates_nothing(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  a:\n    image: {base_image}\n    storage_opt: {{size: 1G}}\n"
        f"  b:\n    build: {{context: ., network: backend}}\n"
    )
    compose = ("compose", "-p", "crefuse", "-f", str(tmp_path / "compose.yaml"))
    result = hutch(*compose, "up", "-d", "a", check=False)
    assert result.returncode == 125
    assert "compose.yaml:4: services.a.storage_opt: storage_opt is not implemented" in result.stderr
    assert "hutch run has no --storage-opt" in result.stderr
    built = hutch(*compose, "build", "b", check=False)
    assert built.returncode == 125
    assert "build.network is not implemented by hutch compose: 'backend': " in built.stderr
    assert hutch("ps", "-a", "-q").stdout == ""
    assert "crefuse" not in hutch("network", "ls").stdout


def test_a_stack_files_swarm_keys_are_ignored_with_a_warning(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """A file written for `docker stack deploy` runs, as under docker compose."""
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: {base_image}\n    command: sleep 300\n"
        "    deploy:\n      placement: {constraints: [node.role == manager]}\n"
        "      update_config: {parallelism: 2}\n"
        "      restart_policy: {condition: on-failure, delay: 5s}\n"
    )
    compose = ("compose", "-p", "cstack", "-f", str(tmp_path / "compose.yaml"))
    result = hutch(*compose, "up", "-d", timeout=120)
    try:
        assert "service 'web': deploy.placement is ignored: " in result.stderr
        assert "service 'web': deploy.update_config is ignored: " in result.stderr
        assert "service 'web': deploy.restart_policy.delay is ignored: " in result.stderr
        inspect = json.loads(hutch("inspect", "cstack-web-1").stdout)[0]
        assert inspect["State"]["Running"] is True
        assert inspect["HostConfig"]["RestartPolicy"]["Name"] == "on-failure"
    finally:
        hutch(*compose, "down", "-t", "0", timeout=60)
