"""The compose model: discovery, names, merge, extends, include, profiles, checks."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from hutch.api.compose import ComposeProjectOptions
from hutch.compose.errors import ComposeError
from hutch.compose.project import Project, config_hash, load_project


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text))
    return path


def load(cwd: Path, env: dict[str, str] | None = None, **options: Any) -> Project:
    environ = {"HOME": "/home/u", **(env or {})}
    return load_project(ComposeProjectOptions(cwd=str(cwd), environ=environ, **options))


def error_of(cwd: Path, **options: Any) -> ComposeError:
    with pytest.raises(ComposeError) as info:
        load(cwd, **options)
    assert info.value.exit_code == 125
    return info.value


# --- files, directories, names ----------------------------------------------


def test_discovery_in_parent_with_override_file(tmp_path: Path) -> None:
    write(tmp_path / "My App" / "compose.yaml", "services: {web: {image: a}}\n")
    write(tmp_path / "My App" / "compose.override.yaml", "services: {web: {image: b}}\n")
    sub = tmp_path / "My App" / "sub"
    sub.mkdir()
    project = load(sub)
    assert project.name == "myapp"  # lowercased, invalid characters dropped
    assert project.working_dir == str(tmp_path / "My App")
    assert project.services["web"]["image"] == "b"
    assert [Path(f).name for f in project.config_files] == [
        "compose.yaml",
        "compose.override.yaml",
    ]


def test_compose_yaml_preferred_with_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "docker-compose.yml", "services: {web: {image: old}}\n")
    write(tmp_path / "compose.yaml", "services: {web: {image: new}}\n")
    project = load(tmp_path)
    assert project.services["web"]["image"] == "new"
    assert "multiple config files" in project.warnings[0]


def test_no_file(tmp_path: Path) -> None:
    assert "no configuration file provided" in str(error_of(tmp_path))


def test_compose_file_variable_and_separator(tmp_path: Path) -> None:
    write(tmp_path / "a.yml", "services: {web: {image: a, environment: [X=1]}}\n")
    write(tmp_path / "b.yml", "services: {web: {environment: [Y=2]}}\n")
    env = {"COMPOSE_FILE": "a.yml;b.yml", "COMPOSE_PATH_SEPARATOR": ";"}
    project = load(tmp_path, env)
    assert project.services["web"]["environment"] == {"X": "1", "Y": "2"}


def test_stdin_file(tmp_path: Path) -> None:
    project = load(
        tmp_path, files=("-",), read_stdin=lambda: "name: fromstdin\nservices: {a: {image: x}}\n"
    )
    assert project.name == "fromstdin"


@pytest.mark.parametrize(
    ("options", "env", "expected"),
    [
        ({"project_name": "flag"}, {"COMPOSE_PROJECT_NAME": "env"}, "flag"),
        ({}, {"COMPOSE_PROJECT_NAME": "env"}, "env"),
        ({}, {}, "declared"),
    ],
)
def test_project_name_precedence(
    tmp_path: Path, options: dict[str, Any], env: dict[str, str], expected: str
) -> None:
    write(tmp_path / "compose.yaml", "name: declared\nservices: {a: {image: x}}\n")
    assert load(tmp_path, env, **options).name == expected


def test_invalid_project_name(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services: {a: {image: x}}\n")
    assert "invalid project name 'Bad'" in str(error_of(tmp_path, project_name="Bad"))


def test_project_directory_option(tmp_path: Path) -> None:
    write(tmp_path / "files" / "c.yaml", "services: {a: {image: x, volumes: [./d:/d]}}\n")
    project = load(tmp_path, files=("files/c.yaml",), project_directory="elsewhere")
    assert project.working_dir == str(tmp_path / "elsewhere")
    assert project.services["a"]["volumes"][0]["source"] == str(tmp_path / "elsewhere" / "d")


# --- interpolation and .env ---------------------------------------------------


def test_dotenv_and_shell(tmp_path: Path) -> None:
    write(tmp_path / ".env", "TAG=fromfile\nPORT=8080\n")
    write(
        tmp_path / "compose.yaml",
        """\
        services:
          web:
            image: "busybox:${TAG}"
            ports: ["${PORT}:80"]
            command: echo $$HOME
        """,
    )
    project = load(tmp_path, {"TAG": "fromshell"})
    web = project.services["web"]
    assert web["image"] == "busybox:fromshell"  # the shell wins over .env
    assert web["ports"][0]["published"] == "8080"
    assert web["command"] == ["echo", "$HOME"]


def test_env_file_option_replaces_dotenv(tmp_path: Path) -> None:
    write(tmp_path / ".env", "TAG=dotenv\n")
    write(tmp_path / "one.env", "TAG=one\n")
    write(tmp_path / "two.env", "TAG=two\n")
    write(tmp_path / "compose.yaml", "services: {a: {image: 'x:${TAG}'}}\n")
    project = load(tmp_path, env_files=("one.env", "two.env"))
    assert project.services["a"]["image"] == "x:two"


def test_no_interpolate(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services: {a: {image: 'x:${TAG:?}'}}\n")
    assert load(tmp_path, interpolate=False).services["a"]["image"] == "x:${TAG:?}"


def test_interpolation_error_has_line_and_path(tmp_path: Path) -> None:
    write(
        tmp_path / "compose.yaml",
        "services:\n  a:\n    image: x\n    environment:\n      K: ${NEED:?set NEED}\n",
    )
    err = error_of(tmp_path)
    assert str(err) == (
        f"{tmp_path}/compose.yaml:5: services.a.environment.K: "
        "required variable NEED is missing a value: set NEED"
    )


def test_env_file_of_a_service(tmp_path: Path) -> None:
    write(tmp_path / "web.env", "A=from-file\nB=from-file\n")
    write(
        tmp_path / "compose.yaml",
        """\
        services:
          a:
            image: x
            env_file: [web.env, {path: missing.env, required: false}]
            environment: {B: explicit, FROM_SHELL: null}
        """,
    )
    env = load(tmp_path, {"FROM_SHELL": "s"}).services["a"]["environment"]
    assert env == {"A": "from-file", "B": "explicit", "FROM_SHELL": "s"}


def test_missing_required_env_file(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "services:\n  a:\n    image: x\n    env_file: gone.env\n")
    err = error_of(tmp_path)
    assert err.line == 4
    assert "gone.env not found" in str(err)


# --- schema and semantic checks ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("services:\n  a:\n    image: x\n    imagee: y\n", 4, "services.a.imagee: additional"),
        ("services:\n  a:\n    image: x\n    ports: {a: 1}\n", 4, "services.a.ports: must be"),
        ("services:\n  a:\n    image: [x]\n", 3, "services.a.image: must be a string"),
        ("bogus: 1\nservices: {}\n", 1, "bogus: additional property"),
        (
            "services:\n  a:\n    image: x\n    depends_on:\n      b: {condition: soon}\n",
            5,
            "services.a.depends_on",
        ),
        ("services:\n  a:\n    image: x\n    depends_on: [b]\n", 4, "undefined service 'b'"),
        (
            "services:\n  a:\n    image: x\n    depends_on: [b]\n"
            "  b:\n    image: x\n    depends_on: [a]\n",
            7,
            "dependency cycle: ",
        ),
        ("services:\n  a:\n    image: x\n    networks: [back]\n", 4, "network 'back' is not"),
        ("services:\n  a:\n    image: x\n    volumes: ['data:/d']\n", 4, "volume 'data' is not"),
        (
            "services:\n  a:\n    image: x\n    ports: ['80:80']\n"
            "  b:\n    image: y\n    ports: ['80:81']\n",
            7,
            "port 80/tcp is already published by service 'a'",
        ),
        ("services:\n  a:\n    restart: always\n", 2, "neither an image nor a build"),
        ("services:\n  a:\n    image: x\n    secrets: [s]\n", 4, "secret 's' is not declared"),
        ("services:\n  a:\n    image: x\n    ports: ['1:2:3:4']\n", 4, "invalid port"),
    ],
)
def test_bad_input_names_file_line_and_path(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    write(tmp_path / "compose.yaml", text)
    err = error_of(tmp_path)
    assert message in str(err)
    assert err.line == line
    assert str(err).startswith(f"{tmp_path}/compose.yaml:{line}: ")


def test_x_fields_are_allowed_and_kept_at_top_level(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", "x-note: 1\nservices:\n  a:\n    image: x\n    x-tag: 2\n")
    project = load(tmp_path)
    assert project.model["x-note"] == 1


# --- merge, extends, include, profiles ---------------------------------------------


def test_merge_rules(tmp_path: Path) -> None:
    write(
        tmp_path / "base.yml",
        """\
        services:
          web:
            image: a
            command: [one, two]
            ports: ["80:80", "81:81"]
            volumes: ["./a:/a", "./b:/b"]
            environment: {A: "1", B: "1"}
            cap_add: [NET_ADMIN]
            dns: 1.1.1.1
            labels: {keep: "1", drop: "1"}
        """,
    )
    write(
        tmp_path / "over.yml",
        """\
        services:
          web:
            command: three
            ports: ["81:81", "82:82"]
            volumes: ["./c:/b"]
            environment: [B=2, C=3]
            cap_add: [NET_ADMIN, SYS_TIME]
            dns: [8.8.8.8]
            labels: {drop: !reset null}
            image: !override b
        """,
    )
    web = load(tmp_path, files=("base.yml", "over.yml")).services["web"]
    assert web["command"] == ["three"]
    assert [p["published"] for p in web["ports"]] == ["80", "81", "82"]
    assert [(v["source"][-1], v["target"]) for v in web["volumes"]] == [("a", "/a"), ("c", "/b")]
    assert web["environment"] == {"A": "1", "B": "2", "C": "3"}
    assert web["cap_add"] == ["NET_ADMIN", "SYS_TIME"]
    assert web["dns"] == ["1.1.1.1", "8.8.8.8"]
    assert web["labels"] == {"keep": "1"}
    assert web["image"] == "b"


def test_extends_same_and_other_file(tmp_path: Path) -> None:
    write(
        tmp_path / "common" / "base.yml",
        """\
        services:
          tmpl:
            image: base
            environment: {FROM: base}
            volumes: ["./data:/data"]
        """,
    )
    write(
        tmp_path / "compose.yaml",
        """\
        services:
          mid:
            extends: {file: common/base.yml, service: tmpl}
            environment: {MID: "1"}
          leaf:
            extends: mid
            image: leaf
        """,
    )
    services = load(tmp_path).services
    assert services["leaf"]["image"] == "leaf"
    assert services["leaf"]["environment"] == {"FROM": "base", "MID": "1"}
    # a relative path belongs to the file that wrote it
    assert services["leaf"]["volumes"][0]["source"] == str(tmp_path / "common" / "data")
    assert "extends" not in services["leaf"]


def test_extends_cycle(tmp_path: Path) -> None:
    write(
        tmp_path / "compose.yaml",
        "services:\n  a:\n    extends: b\n    image: x\n  b:\n    extends: a\n",
    )
    assert "circular extends" in str(error_of(tmp_path))


def test_include(tmp_path: Path) -> None:
    write(tmp_path / "db" / ".env", "DB_TAG=15\n")
    write(
        tmp_path / "db" / "compose.yaml",
        """\
        services:
          db:
            image: "postgres:${DB_TAG}"
            volumes: [dbdata:/var/lib/db, ./init:/init]
        volumes:
          dbdata: {}
        """,
    )
    write(
        tmp_path / "compose.yaml",
        "include: [db/compose.yaml]\nservices:\n  web:\n    image: w\n    depends_on: [db]\n",
    )
    project = load(tmp_path)
    assert project.services["db"]["image"] == "postgres:15"
    assert project.services["db"]["volumes"][1]["source"] == str(tmp_path / "db" / "init")
    assert project.model["volumes"]["dbdata"]["name"] == f"{project.name}_dbdata"


def test_include_conflict(tmp_path: Path) -> None:
    write(tmp_path / "other.yaml", "services: {web: {image: a}}\n")
    write(tmp_path / "compose.yaml", "include: [other.yaml]\nservices: {web: {image: b}}\n")
    assert "conflicts" in str(error_of(tmp_path))


PROFILED = """\
services:
  web: {image: w}
  debug: {image: d, profiles: [dev]}
  tools: {image: t, profiles: [dev, ops]}
"""


@pytest.mark.parametrize(
    ("options", "env", "expected"),
    [
        ({}, {}, ["web"]),
        ({"profiles": ("dev",)}, {}, ["debug", "tools", "web"]),
        ({}, {"COMPOSE_PROFILES": "ops"}, ["tools", "web"]),
        ({"profiles": ("*",)}, {}, ["debug", "tools", "web"]),
        ({"services": ("debug",)}, {}, ["debug", "web"]),
    ],
)
def test_profiles(
    tmp_path: Path, options: dict[str, Any], env: dict[str, str], expected: list[str]
) -> None:
    write(tmp_path / "compose.yaml", PROFILED)
    project = load(tmp_path, env, **options)
    assert sorted(project.services) == expected
    assert project.all_profiles == ("dev", "ops")


def test_dependency_on_a_disabled_service(tmp_path: Path) -> None:
    write(tmp_path / "compose.yaml", PROFILED + "  app: {image: a, depends_on: [debug]}\n")
    assert "which its profiles leave disabled" in str(error_of(tmp_path))


# --- normalisation --------------------------------------------------------------


def test_long_syntax_and_defaults(tmp_path: Path) -> None:
    write(
        tmp_path / "compose.yaml",
        """\
        services:
          web:
            build: ./app
            ports: [8080, "127.0.0.1:9000-9001:90-91/udp", "[::1]:53:53/udp"]
            volumes: [data:/data:nocopy, /tmp, "~/x:/x:ro,Z"]
            networks: [front]
            healthcheck: {test: curl -f localhost}
            secrets: [token]
            read_only: "true"
        networks:
          front: {}
          outside: {external: true}
        volumes:
          data:
        secrets:
          token: {file: ./token.txt}
        """,
    )
    project = load(tmp_path)
    web = project.services["web"]
    assert web["build"] == {"context": str(tmp_path / "app"), "dockerfile": "Dockerfile"}
    assert web["ports"][0] == {"mode": "ingress", "target": 8080, "protocol": "tcp"}
    assert [(p.get("host_ip"), p["target"], p["published"]) for p in web["ports"][1:]] == [
        ("127.0.0.1", 90, "9000"),
        ("127.0.0.1", 91, "9001"),
        ("::1", 53, "53"),
    ]
    assert web["volumes"] == [
        {"type": "volume", "source": "data", "target": "/data", "volume": {"nocopy": True}},
        {"type": "volume", "target": "/tmp"},
        {
            "type": "bind",
            "source": "/home/u/x",
            "target": "/x",
            "read_only": True,
            "bind": {"create_host_path": True, "selinux": "Z"},
        },
    ]
    assert web["networks"] == {"front": None}
    assert web["healthcheck"]["test"] == ["CMD-SHELL", "curl -f localhost"]
    assert web["secrets"] == [{"source": "token"}]
    assert web["read_only"] is True
    networks = project.model["networks"]
    assert networks == {
        "front": {"name": f"{project.name}_front"},
        "outside": {"external": True, "name": "outside"},
    }
    assert project.model["secrets"]["token"]["file"] == str(tmp_path / "token.txt")


def test_config_hash_ignores_scale_only(tmp_path: Path) -> None:
    one = {"image": "x", "scale": 1, "environment": {"A": "1"}}
    assert config_hash(one) == config_hash({**one, "scale": 3})
    assert config_hash(one) != config_hash({**one, "environment": {"A": "2"}})


def test_yaml_and_jsonschema_are_imported_lazily() -> None:
    import subprocess
    import sys

    code = (
        "import sys, hutch.compose.project; "
        "print(sorted(m for m in ('yaml', 'jsonschema') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
