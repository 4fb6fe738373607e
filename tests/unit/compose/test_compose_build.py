"""A service's build section -> BuildOptions, and the image name rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hutch.api.compose import (
    ComposeBuildOptions,
    ComposeContainer,
    ComposeProjectOptions,
    ComposePullOptions,
    ComposePushOptions,
)
from hutch.api.errors import HutchError, InvalidArgument
from hutch.cli.compose_ps import row, wanted_statuses
from hutch.cli.templating import render_template
from hutch.compose.build import (
    BUILD_KEYS,
    build_options,
    build_reason,
    build_warnings,
    image_name,
    unsupported_build_keys,
)
from hutch.compose.distribute import pull, push
from hutch.compose.project import load_project
from unit.fakes import FakeEngine, as_engine


def test_image_name_is_the_image_key_else_project_dash_service() -> None:
    assert image_name("shop", "web", {"image": "reg/web:1", "build": {}}) == "reg/web:1"
    assert image_name("shop", "web", {"build": {"context": "/x"}}) == "shop-web"


def test_build_options_from_the_section_and_the_command_line() -> None:
    service = {
        "build": {
            "context": "/src/app",
            "dockerfile": "Containerfile.dev",
            "args": {"A": "1", "B": None},
            "target": "final",
            "labels": {"team": "x"},
        }
    }
    options = build_options(
        "shop", "web", service, ComposeBuildOptions(no_cache=True, pull=True, build_args=("A=2",))
    )
    assert options.context == "/src/app"
    assert options.containerfile == "/src/app/Containerfile.dev"  # relative to the context
    assert options.tags == ("shop-web",)
    assert options.build_args == ("A=2", "B")  # the command line wins; B from the environment
    assert options.target == "final"
    assert options.labels == ("team=x",)
    assert options.no_cache and options.pull == "always"


def test_absolute_dockerfile_and_inline() -> None:
    absolute = {"build": {"context": "/c", "dockerfile": "/elsewhere/Dockerfile"}}
    options = build_options("p", "s", absolute, ComposeBuildOptions())
    assert options.containerfile == "/elsewhere/Dockerfile"
    assert options.pull == "missing"
    inline = {"build": {"context": "/c", "dockerfile_inline": "FROM x\n"}}
    assert build_options("p", "s", inline, ComposeBuildOptions(), "/t/D").containerfile == "/t/D"
    with pytest.raises(ValueError, match="dockerfile_inline"):
        build_options("p", "s", inline, ComposeBuildOptions())


def test_build_keys_hutch_does_not_implement_are_named() -> None:
    service = {"build": {"context": ".", "ssh": {"default": None}, "x-a": 1, "nope": 2}}
    assert unsupported_build_keys(service) == ["build.nope"]
    assert unsupported_build_keys({"image": "x"}) == []
    assert build_reason("build.nope") == ""


@pytest.mark.parametrize(
    ("build", "refused"),
    [
        ({"network": "host", "entitlements": ["network.host"], "platforms": ["linux/amd64"]}, []),
        ({"network": "none", "privileged": False, "isolation": "default"}, []),
        ({"network": "backend"}, ["build.network"]),
        ({"platforms": ["linux/amd64", "linux/arm64"]}, ["build.platforms"]),
        ({"entitlements": ["security.insecure"]}, ["build.entitlements"]),
        ({"privileged": True, "isolation": "hyperv"}, ["build.privileged", "build.isolation"]),
    ],
)
def test_build_keys_refused_by_value_with_a_reason(
    build: dict[str, object], refused: list[str]
) -> None:
    service = {"build": {"context": ".", **build}}
    assert unsupported_build_keys(service) == refused
    for key in refused:
        assert build_reason(key, service)
    if refused == ["build.network"]:
        assert build_reason("build.network", service).startswith(
            "'backend': hutch build's RUN steps have the host's network or none"
        )


def test_every_spec_build_key_is_implemented_or_has_a_reason() -> None:
    spec = json.loads(
        (Path(__file__).parents[3] / "src/hutch/compose/compose-spec.json").read_text()
    )
    keys = spec["definitions"]["service"]["properties"]["build"]["oneOf"][1]["properties"]
    for key in keys:
        assert key in BUILD_KEYS or build_reason(f"build.{key}"), key


def test_build_keys_reach_build_options() -> None:
    service = {
        "build": {
            "context": "/c",
            "network": "none",
            "no_cache": True,
            "pull": True,
            "shm_size": "128m",
            "ulimits": {"nofile": {"soft": 10, "hard": 20}, "nproc": 5},
            "tags": ["reg/app:1"],
            "additional_contexts": {"base": "/c/base", "img": "docker-image://alpine"},
            "platforms": ["linux/amd64"],
            "ssh": {"default": None, "repo": "/k/a,/k/b"},
        }
    }
    options = build_options("p", "s", service, ComposeBuildOptions())
    assert options.ssh == ("default", "repo=/k/a,/k/b")
    assert options.network == "none"
    assert options.no_cache and options.pull == "always"
    assert options.shm_size == "128m"
    assert options.ulimits == ("nofile=10:20", "nproc=5")
    assert options.tags == ("p-s", "reg/app:1")
    assert options.build_contexts == ("base=/c/base", "img=docker-image://alpine")
    assert options.platform == "linux/amd64"
    for network, flag in (("host", "host"), ("default", None)):
        built = build_options("p", "s", {"build": {"network": network}}, ComposeBuildOptions())
        assert built.network == flag


def test_build_secrets_and_cache_from() -> None:
    service = {
        "build": {
            "context": "/c",
            "dockerfile": "Dockerfile",
            "cache_from": ["reg/app/cache", "type=registry,ref=reg/other", "reg/app:cache"],
            "cache_to": ["type=registry,ref=reg/app/cache,mode=max", "type=local,dest=/c"],
            "secrets": [{"source": "npm", "target": "npmrc"}, {"source": "token"}],
            "extra_hosts": {"mirror": "10.0.0.5", "twice": ["10.0.0.6", "::1"]},
        }
    }
    model = {"secrets": {"npm": {"file": "/s/npmrc"}, "token": {"environment": "TOKEN"}}}
    options = build_options("p", "s", service, ComposeBuildOptions(), model=model)
    assert options.secrets == ("id=npmrc,src=/s/npmrc", "id=token,env=TOKEN")
    assert options.add_hosts == ("mirror:10.0.0.5", "twice:10.0.0.6", "twice:::1")
    assert unsupported_build_keys(service) == []
    # the registry repositories are the build's --cache-from/--cache-to
    assert options.cache_from == ("reg/app/cache", "reg/other")
    assert options.cache_to == ("reg/app/cache",)
    # the rest is said and skipped (the spec: an unsupported cache does not stop the build)
    warnings = build_warnings("s", service)
    assert len(warnings) == 2
    assert warnings[0].startswith(
        "service 's': build.cache_from 'reg/app:cache' is ignored: reg/app:cache names one "
        "image; hutch's registry cache is a repository whose tags are the steps' cache keys"
    )
    assert warnings[1].startswith(
        "service 's': build.cache_to 'type=local,dest=/c' is ignored: type=local is BuildKit's"
    )
    with pytest.raises(ValueError, match="build secret 'x' needs a file or environment"):
        build_options(
            "p", "s", {"build": {"secrets": ["x"]}}, ComposeBuildOptions(), model={"secrets": {}}
        )


CACHE_FILE = """\
services:
  app:
    build:
      context: .
      cache_from:
        - reg.io/app/cache
        - type=gha
      cache_to:
        - {entry}
"""


@pytest.mark.parametrize(
    ("entry", "error"),
    [
        ("type=registry", "'type=registry': type=registry needs ref=REPOSITORY"),
        (
            "ref=reg.io/c",
            "'ref=reg.io/c': give type=TYPE (type=registry,ref=REPOSITORY) or a reference",
        ),
        ("type=registry,ref=r/c,x", "'type=registry,ref=r/c,x': expected KEY=VALUE, found 'x'"),
        ('""', "an empty cache entry"),
    ],
)
def test_malformed_cache_entries_refused_at_load_naming_the_line(
    tmp_path: Path, entry: str, error: str
) -> None:
    (tmp_path / "compose.yaml").write_text(CACHE_FILE.format(entry=entry))
    with pytest.raises(HutchError) as refused:
        load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={"HOME": "/home/u"}))
    where = f"{tmp_path / 'compose.yaml'}:9: services.app.build.cache_to[0]: "
    assert str(refused.value) == where + error


def test_usable_and_unsupported_cache_entries_load(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(CACHE_FILE.format(entry="type=local,dest=/c"))
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={"HOME": "/u"}))
    service = project.services["app"]
    options = build_options("p", "app", service, ComposeBuildOptions())
    assert (options.cache_from, options.cache_to) == (("reg.io/app/cache",), ())
    assert [w.split(" is ignored: ")[0] for w in build_warnings("app", service)] == [
        "service 'app': build.cache_from 'type=gha'",
        "service 'app': build.cache_to 'type=local,dest=/c'",
    ]


SERVICES = {
    "made": {"image": "reg/made:1", "build": {"context": "/c"}},
    "user": {"image": "reg/made:1"},
    "local": {"build": {"context": "/c"}},
    "skip": {"image": "reg/skip", "pull_policy": "never"},
}


def test_pull_takes_services_that_name_an_image_push_those_that_also_build() -> None:
    engine = FakeEngine()
    lines: list[str] = []
    pull(as_engine(engine), SERVICES, ComposePullOptions(), lines.append)
    assert [(m, o.reference) for m, o in engine.calls] == [
        ("images.pull", "reg/made:1"),
        ("images.pull", "reg/made:1"),
    ]
    engine = FakeEngine()
    push(as_engine(engine), SERVICES, ComposePushOptions(quiet=True), lines.append)
    assert [(m, o.source) for m, o in engine.calls] == [("images.push", "reg/made:1")]
    with pytest.raises(InvalidArgument, match="no such service: nope"):
        pull(as_engine(engine), SERVICES, ComposePullOptions(services=("nope",)), lines.append)


def test_a_failed_pull_stops_unless_ignored_or_the_service_builds() -> None:
    engine = FakeEngine(error=HutchError("manifest unknown"))
    lines: list[str] = []
    with pytest.raises(HutchError):
        pull(as_engine(engine), SERVICES, ComposePullOptions(services=("user",)), lines.append)
    pull(as_engine(engine), SERVICES, ComposePullOptions(services=("made",)), lines.append)
    options = ComposePullOptions(services=("user",), ignore_failures=True)
    pull(as_engine(engine), SERVICES, options, lines.append)
    assert lines[-1] == " Service user  Warning: manifest unknown"


def test_ps_statuses_from_status_and_filter() -> None:
    assert wanted_statuses(["running"], ["status=exited"]) == {"running", "exited"}
    assert wanted_statuses([], []) == set()
    with pytest.raises(InvalidArgument, match="only status=VALUE"):
        wanted_statuses([], ["name=x"])
    with pytest.raises(InvalidArgument, match="invalid status 'sleeping'"):
        wanted_statuses(["sleeping"], [])


def test_ps_rows_render_through_a_go_template() -> None:
    container = ComposeContainer(
        name="p-web-1", id="abc", service="web", number=1, image="img", command="sh",
        status="running", health="", created=0.0, ports=("0.0.0.0:80->80/tcp",),
    )  # fmt: skip
    text = render_template("table {{.Service}}\t{{.State}}\t{{.Ports}}", [row(container)])
    assert text.splitlines() == [
        "SERVICE     STATE       PORTS",
        "web         running     0.0.0.0:80->80/tcp",
    ]


def test_ssh_and_additional_contexts_paths_are_relative_to_the_file(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(
        "services:\n  s:\n    build:\n      context: .\n"
        '      ssh: [default, "repo=./keys/a,/abs/b"]\n'
        "      additional_contexts: {dir: ./more, img: docker-image://alpine}\n"
    )
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    build = project.services["s"]["build"]
    assert build["ssh"] == {"default": None, "repo": f"{tmp_path}/keys/a,/abs/b"}
    assert build["additional_contexts"] == {
        "dir": f"{tmp_path}/more",
        "img": "docker-image://alpine",
    }
    options = build_options("p", "s", project.services["s"], ComposeBuildOptions())
    assert options.ssh == ("default", f"repo={tmp_path}/keys/a,/abs/b")
