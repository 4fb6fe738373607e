"""--env-host, --env-merge, --unsetenv and --unsetenv-all of run/create (podman's rules,
checked against podman 4.3.1: -e wins over --unsetenv, HOSTNAME stays)."""

from __future__ import annotations

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import specbuild
from hutch.engine.create_plan import parse_create
from hutch.oci.image import ContainerConfig, ImageConfig

IMAGE = ImageConfig(
    architecture="amd64",
    os="linux",
    diff_ids=(),
    config=ContainerConfig(env=("PATH=/img/bin", "LANG=C.UTF-8", "KEEP=1")),
)


def env_of(options: RunOptions) -> dict[str, str]:
    items = specbuild.environment(options, IMAGE, "host1")
    out = dict(item.split("=", 1) for item in items)
    assert len(out) == len(items), f"duplicate names in {items}"
    return out


def test_unsetenv_drops_defaults_but_not_what_the_flags_set() -> None:
    env = env_of(RunOptions("i", unsetenv=("PATH", "container", "FOO", "HOSTNAME"), env=("FOO=1",)))
    assert "PATH" not in env and "container" not in env
    assert (env["FOO"], env["KEEP"], env["HOSTNAME"]) == ("1", "1", "host1")


def test_the_default_path_where_the_image_has_none() -> None:
    """podman's: an imported image has no env; its containers still show PATH."""
    bare = ImageConfig(architecture="amd64", os="linux", diff_ids=(), config=ContainerConfig())
    items = specbuild.environment(RunOptions("i"), bare, "h")
    assert "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" in items
    assert env_of(RunOptions("i"))["PATH"] == "/img/bin"  # the image's own wins


def test_unsetenv_all_keeps_only_the_flags_and_hostname() -> None:
    env = env_of(RunOptions("i", unsetenv_all=True, tty=True, env=("A=1",)))
    assert env == {"HOSTNAME": "host1", "A": "1"}


def test_unsetenv_of_term_drops_the_terminal_default() -> None:
    assert "TERM" not in env_of(RunOptions("i", tty=True, unsetenv=("TERM",)))


def test_env_host_lies_between_the_image_and_the_flags(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", "/host/bin")
    monkeypatch.setenv("HUTCH_T_ZED", "host")
    monkeypatch.setenv("HUTCH_T_OTHER", "host")
    env = env_of(RunOptions("i", env_host=True, env=("HUTCH_T_ZED=flag",)))
    assert (env["PATH"], env["HUTCH_T_ZED"], env["HUTCH_T_OTHER"]) == ("/host/bin", "flag", "host")
    assert env["LANG"] == "C.UTF-8" and env["HOSTNAME"] == "host1"
    assert "HUTCH_T_OTHER" not in env_of(RunOptions("i"))


def test_env_merge_expands_the_final_environment_in_order() -> None:
    env = env_of(
        RunOptions(
            "i",
            env=("A=a",),
            env_merge=("PATH=/x:${PATH}", "B=$A-${NOT_SET}-b", "PATH=${PATH}:/y", "NEW=${LANG}"),
        )
    )
    assert env["PATH"] == "/x:/img/bin:/y"
    assert (env["B"], env["NEW"]) == ("a--b", "C.UTF-8")


@pytest.mark.parametrize("item", ["NOVALUE", "=x"])
def test_env_merge_needs_a_name_and_a_value(item: str) -> None:
    with pytest.raises(InvalidArgument, match="--env-merge"):
        env_of(RunOptions("i", env_merge=(item,)))


def test_a_bad_env_merge_is_refused_before_the_image_is_looked_at() -> None:
    with pytest.raises(InvalidArgument, match="expected NAME=VALUE"):
        parse_create(RunOptions("i", env_merge=("PATH",)), Settings())


def test_path_first_then_term_container_the_image_and_the_flags() -> None:
    """podman's order as its inspect shows it most often (its map has none): PATH first,
    the image's PATH keeping that place; an image's container= wins, as in podman."""
    img = ImageConfig(
        architecture="amd64",
        os="linux",
        diff_ids=(),
        config=ContainerConfig(env=("A=img", "PATH=/img/bin", "container=oci")),
    )
    items = specbuild.environment(RunOptions("i", env=("B=1",)), img, None)
    assert items == ("PATH=/img/bin", "TERM=xterm", "container=oci", "A=img", "B=1")
    bare = ImageConfig(architecture="amd64", os="linux", diff_ids=(), config=ContainerConfig())
    assert specbuild.environment(RunOptions("i"), bare, "h")[:3] == (
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
        "TERM=xterm",
        "container=hutch",
    )
