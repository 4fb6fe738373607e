"""Issue 17: ``compose ps`` on the fast path (no typer, the project kept between
commands) prints what typer's path prints, for a real project with real containers;
and ``up``/``create`` pull what ``--pull`` says before they make anything: a service
with ``build`` and ``image`` under ``--no-build`` (loopback registry), and a pull
that fails, or a ``never`` image that is missing, leave no network or volume."""

from __future__ import annotations

import json
import marshal
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, user_conf
from ports import free_port
from registry_helpers import allow_plain_http, running_registry

APP = """\
services:
  db:
    image: {image}
    command: [/bin/sleep, infinity]
    stop_signal: KILL
    volumes: [data:/data]
  cache:
    image: {image}
    command: [/bin/sleep, infinity]
    stop_signal: KILL
  web:
    image: {image}
    command: [/bin/sleep, infinity]
    stop_signal: KILL
    depends_on: [db, cache]
    ports: ["127.0.0.1:{port}:80"]
volumes:
  data: {{}}
"""

# each as typer runs it (--tmpdir is not a global the fast path takes: typer runs the
# command) and as the fast path does; the fast path's first reads the file, the next
# reuses the project it kept
LISTINGS = [
    ("ps",),
    ("ps", "-a"),
    ("ps", "--all", "--format", "json"),
    ("ps", "-q"),
    ("ps", "--services"),
    ("ps", "web", "db"),
    ("ps", "--status", "exited"),
    ("ps", "--filter", "status=running", "--format", "{{.Service}} {{.State}} {{.Ports}}"),
    ("ps", "nosuch"),  # 125: no such service
    ("ps", "--status", "sleeping"),  # 125
    ("ls",),
    ("ls", "-a", "--format", "json"),
    ("ls", "--format", "yaml"),  # 125
    ("config",),
    ("config", "--services"),
    ("config", "--format", "json", "web"),
    ("config", "--images"),
    ("config", "nosuch"),  # 125
    ("images",),
    ("images", "-q", "web", "db"),
    ("images", "nosuch"),  # 125
    ("port", "web", "80"),
    ("port", "--index", "2", "web", "80"),  # 125: no second replica
    ("port", "web", "81"),  # 125: not published
    ("top", "nosuch"),  # 125 (top's rows change with time: compared below by shape)
]


def _slow(hutch: Hutch, *args: str, app: Path) -> tuple[int, str, str]:
    done = hutch("--tmpdir", str(app.parent), "compose", "-f", str(app / "compose.yaml"),
                 *args, check=False, timeout=60)  # fmt: skip
    return done.returncode, done.stdout, done.stderr


def _fast(hutch: Hutch, *args: str, app: Path, **env: str) -> tuple[int, str, str]:
    done = hutch("compose", "-f", str(app / "compose.yaml"), *args, check=False, env=env)
    return done.returncode, done.stdout, done.stderr


def _kept_projects(cache: Path) -> list[str]:
    """The project names of the kept loads (compose/modelcache.py: key, paths, fields)."""
    return sorted(marshal.loads(p.read_bytes())[2][0] for p in cache.glob("[!.]*"))


def test_compose_ps_fast_path_prints_what_typer_prints(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    app = tmp_path / "fastps"
    app.mkdir()
    port = free_port()
    (app / "compose.yaml").write_text(APP.format(image=base_image, port=port))
    cache = hutch.env.home / ".cache" / "hutch" / "compose-model"
    try:
        hutch("compose", "-f", str(app / "compose.yaml"), "up", "-d", timeout=180)
        hutch("stop", "-t", "0", "fastps-cache-1")  # one exited, for -a and --status
        for args in LISTINGS:
            typer_said = _slow(hutch, *args, app=app)
            assert _fast(hutch, *args, app=app) == typer_said, args
            assert _fast(hutch, *args, app=app) == typer_said, args  # kept
        table = _fast(hutch, "ps", "-a", app=app)[1].splitlines()
        # dependencies first, as before: db and cache, then web
        assert [line.split()[0] for line in table[1:]] == [
            "fastps-cache-1",
            "fastps-db-1",
            "fastps-web-1",
        ]
        assert f"127.0.0.1:{port}->80/tcp" in table[3]
        assert len(list(cache.iterdir())) >= 1
        assert _fast(hutch, "port", "web", "80", app=app) == (0, f"127.0.0.1:{port}\n", "")
        top = _fast(hutch, "top", "web", "db", app=app)
        assert top[0] == 0 and top[1].splitlines()[0] == "fastps-db-1", top
        assert "sleep infinity" in top[1] and "fastps-web-1" in top[1].splitlines()
        rows = json.loads(_fast(hutch, "ps", "-a", "--format", "json", app=app)[1])
        assert {r["Service"]: r["State"] for r in rows} == {
            "cache": "exited",
            "db": "running",
            "web": "running",
        }

        # an edit of the file is seen at once: the kept project is not used
        (app / "compose.yaml").write_text(
            APP.format(image=base_image, port=port).replace("cache", "kache")
        )
        assert _fast(hutch, "ps", "cache", app=app)[0] == 125
        assert _fast(hutch, "ps", "-a", "kache", app=app) == _slow(
            hutch, "ps", "-a", "kache", app=app
        )
        (app / "compose.yaml").write_text(APP.format(image=base_image, port=port))
        # so is .env, and the environment: the project's name follows them
        (app / ".env").write_text("COMPOSE_PROJECT_NAME=other\n")
        assert _fast(hutch, "ps", "-q", app=app)[1] == ""
        (app / ".env").unlink()
        running = _fast(hutch, "ps", "-q", app=app)[1]
        assert len(running.split()) == 2
        assert _fast(hutch, "ps", "-q", app=app, COMPOSE_PROJECT_NAME="other") == (0, "", "")
        assert _fast(hutch, "ps", "-q", app=app)[1] == running
        # a broken file: the same error as typer's path, every time
        (app / "compose.yaml").write_text("services:\n  web: {image: x, bogus: 1}\n")
        broken = _slow(hutch, "ps", app=app)
        assert broken[0] == 125 and "bogus" in broken[2]
        assert _fast(hutch, "ps", app=app) == broken
        assert _fast(hutch, "config", "--services", app=app) == _slow(
            hutch, "config", "--services", app=app
        )
        # down that leaves the project no container forgets its kept loads
        (app / "compose.yaml").write_text(APP.format(image=base_image, port=port))
        assert _fast(hutch, "ps", "-q", app=app)[1] == running
        assert "fastps" in _kept_projects(cache)
        hutch("compose", "-f", str(app / "compose.yaml"), "down", "-t", "0", "web", timeout=120)
        assert "fastps" in _kept_projects(cache)  # db and cache are still there
        hutch("compose", "-f", str(app / "compose.yaml"), "down", "-v", "-t", "0", timeout=120)
        assert "fastps" not in _kept_projects(cache)
    finally:
        (app / "compose.yaml").write_text(APP.format(image=base_image, port=port))
        hutch("compose", "-f", str(app / "compose.yaml"), "down", "-v", "-t", "0",
              check=False, timeout=120)  # fmt: skip


BUILT_AND_NAMED = """\
services:
  app:
    image: {image}
    build:
      context: .
      dockerfile_inline: |
        FROM base
        RUN echo built-here > /made
    command: [cat, /made]
"""


def test_no_build_pulls_a_built_services_image_as_pull_says(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    del base_image  # imported as "base"
    with running_registry(tmp_path / "registry") as registry:
        allow_plain_http(hutch.env.config_home, registry)
        image = registry.ref("cnobuild/app:1")
        context = tmp_path / "pushed"
        context.mkdir()
        (context / "Containerfile").write_text("FROM base\nRUN echo from-registry > /made\n")
        hutch("build", "-q", "-t", image, str(context), timeout=180)
        hutch("push", image, timeout=120)
        file = tmp_path / "compose.yaml"
        file.write_text(BUILT_AND_NAMED.format(image=image))
        compose = ("compose", "-p", "cnobuild", "--progress", "plain", "-f", str(file))
        try:
            # present: --pull always pulls it anyway (docker compose's --pull over the
            # service), before the network; never builds
            up = hutch(*compose, "up", "--no-build", "--pull", "always", timeout=180).stderr
            lines = up.splitlines()
            assert f" Service app  Pulling {image}" in lines, up
            assert lines.index(f" Service app  Pulling {image}") < lines.index(
                " Network cnobuild_default  Created"
            ), up
            assert "Building" not in up
            logs = hutch(*compose, "logs", "--no-log-prefix", "app", timeout=60).stdout
            assert logs == "from-registry\n"
            hutch(*compose, "down", "-t", "0", timeout=60)
            # missing: --pull missing pulls it
            hutch("rmi", "-f", image)
            made = hutch(*compose, "create", "--no-build", "--pull", "missing", timeout=180)
            assert f" Service app  Pulling {image}" in made.stderr.splitlines(), made.stderr
            assert hutch("image", "exists", image, check=False).returncode == 0
            hutch(*compose, "down", "-t", "0", timeout=60)
            # --pull never with it missing: refused before anything is made
            hutch("rmi", "-f", image)
            never = hutch(*compose, "up", "-d", "--no-build", "--pull", "never", check=False)
            assert never.returncode == 125, never.stderr
            assert "image not known" in never.stderr
            assert hutch("network", "exists", "cnobuild_default", check=False).returncode == 1
        finally:
            hutch(*compose, "down", "-t", "0", check=False, timeout=60)
            hutch("rmi", "-f", image, check=False)


FAILING = """\
services:
  web:
    image: {image}
    command: [sleep, "1000"]
    volumes: [data:/data]
volumes:
  data: {{}}
"""


@pytest.mark.parametrize(
    ("pull", "image", "message"),
    [
        ("always", "localhost:1/cfailpull/absent:1", "absent"),  # nothing listens there
        ("missing", "localhost:1/cfailpull/absent:1", "absent"),
        ("never", "localhost/cfailpull-absent:1", "image not known"),
    ],
)
def test_a_failed_pull_leaves_nothing_behind(
    hutch: Hutch, hutch_env: HutchEnv, tmp_path: Path, pull: str, image: str, message: str
) -> None:
    # Refused connections are retried (2 + 4 + 8 s); what is left behind is the point here
    # (test_auto_pull_retry.py has the retries).
    user_conf(hutch_env, "[engine]\nretry = 0\n")
    file = tmp_path / "compose.yaml"
    file.write_text(FAILING.format(image=image))
    compose = ("compose", "-p", "cfailpull", "--progress", "plain", "-f", str(file))
    try:
        for verb in ("up", "create"):
            failed = hutch(*compose, verb, "--pull", pull, check=False, timeout=120)
            assert failed.returncode == 125, failed.stderr
            assert message in failed.stderr, failed.stderr
            assert "Created" not in failed.stderr, failed.stderr
            assert hutch("network", "exists", "cfailpull_default", check=False).returncode == 1
            assert hutch("volume", "exists", "cfailpull_data", check=False).returncode == 1
            assert hutch("ps", "-aq", "--filter", "label=com.docker.compose.project=cfailpull")\
                .stdout == ""  # fmt: skip
    finally:
        hutch(*compose, "down", "-v", "-t", "0", check=False, timeout=60)
