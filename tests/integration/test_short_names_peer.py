"""Differential: short names through registries.conf, as Debian's podman 4.3.1 resolves
them (issue 15): a name without an alias where no unqualified-search registry is set
is refused in podman's words, an alias is announced with its file, and a short name
still finds an image of any registry in local storage."""

from __future__ import annotations

from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture
from ports import free_port


@pytest.fixture
def conf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """A registries.conf with one alias (to a closed loopback port) and no search
    list, as Debian's containers-common ships: for podman (the environment) and
    for hutch (the mapping to pass)."""
    path = tmp_path / "registries.conf"
    path.write_text(f'[aliases]\n"tool" = "127.0.0.1:{free_port()}/team/tool"\n')
    monkeypatch.setenv("CONTAINERS_REGISTRIES_CONF", str(path))
    return {"CONTAINERS_REGISTRIES_CONF": str(path)}


@pytest.mark.parametrize(
    "args",
    [("pull", "nosuch"), ("pull", "-q", "me/app:1"), ("run", "--rm", "nosuch:2", "true")],
    ids=" ".join,
)
def test_a_short_name_without_alias_or_search_list_is_refused_as_podman(
    hutch: Hutch, podman: Run, conf: dict[str, str], args: tuple[str, ...]
) -> None:
    ours = hutch(*args, env=conf, check=False)
    theirs = podman(*args)
    assert (ours.returncode, ours.stderr) == (theirs.returncode, theirs.stderr)
    name = args[-1] if args[0] == "pull" else args[2]
    assert ours.returncode == 125 and ours.stderr == (
        f'Error: short-name "{name}" did not resolve to an alias and no unqualified-search '
        f'registries are defined in "{conf["CONTAINERS_REGISTRIES_CONF"]}"\n'
    )


def test_an_alias_is_announced_with_its_file(
    hutch: Hutch, podman: Run, conf: dict[str, str]
) -> None:
    ours = hutch("pull", "--retry", "0", "tool:2", env=conf, check=False)
    theirs = podman("pull", "tool:2")
    first = f'Resolved "tool" as an alias ({conf["CONTAINERS_REGISTRIES_CONF"]})\n'
    assert ours.stderr.startswith(first) and theirs.stderr.startswith(first)
    assert ours.returncode == theirs.returncode == 125  # the aliased registry is closed
    # -q: neither says it
    assert not hutch(
        "pull", "-q", "--retry", "0", "tool:2", env=conf, check=False
    ).stderr.startswith("Resolved")
    assert not podman("pull", "-q", "tool:2").stderr.startswith("Resolved")


def test_a_short_name_finds_any_registrys_image_in_local_storage(
    hutch: Hutch, base_image: str, podman: Run, conf: dict[str, str]
) -> None:
    # no search list: the local image docker.io/library/shortie:1 is still "shortie:1"
    fmt = "{{.ImageName}}"
    for tool, env in ((hutch, conf), (podman, None)):
        kwargs = {"env": env} if env else {}
        assert tool("tag", "base", "docker.io/library/shortie:1", **kwargs).returncode == 0
        made = tool("create", "--name", "short", "shortie:1", "true", **kwargs)
        assert made.returncode == 0, made.stderr
        shown = tool("inspect", "--format", fmt, "short", **kwargs).stdout
        assert shown == "docker.io/library/shortie:1\n"
        tool("rm", "short", **kwargs)
        tool("rmi", "docker.io/library/shortie:1", **kwargs)


def test_without_any_registries_conf_a_short_name_is_docker_hubs(
    hutch: Hutch, tmp_path: Path
) -> None:
    # a host without podman's files: Docker's rule (podman would refuse)
    env = {"CONTAINERS_REGISTRIES_CONF": str(tmp_path / "none.conf")}
    done = hutch("pull", "--retry", "0", "nosuch", env=env, check=False)
    assert done.returncode == 125
    assert done.stderr.startswith("Trying to pull docker.io/library/nosuch:latest...\n")
