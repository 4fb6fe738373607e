"""Differential: ``inspect``'s ``.HostConfig.UsernsMode`` and ``.HostConfig.IDMappings``
for keep-id, auto, nomap, --uidmap and host, through hutch and Debian's podman 4.3.1
(rootless, same user and subordinate range), compared as printed."""

from __future__ import annotations

import json

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

SHOWN = "{{json .HostConfig.UsernsMode}} {{json .HostConfig.IDMappings}} {{.HostConfig.IDMappings}}"


def _shown(tool: Run, *create: str) -> str:
    made = tool("create", *create, "base", "true")
    assert made.returncode == 0, made.stderr
    cid = made.stdout.strip().splitlines()[-1]
    shown = tool("inspect", "--format", SHOWN, cid)
    assert shown.returncode == 0, shown.stderr
    assert tool("rm", cid).returncode == 0
    return str(shown.stdout)


@pytest.mark.parametrize(
    "create",
    [
        ("--userns", "keep-id"),
        ("--userns", "keep-id:uid=200,gid=210"),
        ("--userns", "nomap"),
        ("--userns", "auto"),
        ("--userns", "auto:size=500"),
        ("--uidmap", "0:1:100"),  # one map given stands for both
        ("--userns", "host"),
        (),
    ],
    ids=lambda a: " ".join(a) or "default",
)
def test_userns_inspect_as_podman(
    hutch: Hutch, base_image: str, podman: Run, create: tuple[str, ...]
) -> None:
    ours = _shown(lambda *a: hutch(*a, check=False), *create)
    assert ours == _shown(podman, *create)
    mode, maps, _ = ours.split(" ", 2)
    if create[-1:] in (("host",), ()):
        assert (mode, maps) == ('""', "null")
    else:
        assert json.loads(maps)["UidMap"], ours


def test_auto_ranges_chosen_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """Three auto containers side by side take consecutive ranges of the sizes asked."""

    def ranges(tool: Run) -> list[str]:
        made = [
            tool("create", *args, "base", "true").stdout.strip().splitlines()[-1]
            for args in (("--userns", "auto"), ("--userns", "auto:size=2000"), ("--userns=auto",))
        ]
        out = [
            tool("inspect", "--format", "{{json .HostConfig.IDMappings}}", c).stdout for c in made
        ]
        assert tool("rm", *made).returncode == 0
        return out

    ours = ranges(hutch)
    assert ours == ranges(podman)
    assert [json.loads(r)["UidMap"] for r in ours] == [
        ["0:1:1024"],
        ["0:1025:2000"],
        ["0:3025:1024"],
    ]


def test_pod_member_shows_the_pods_keep_id_maps(hutch: Hutch, base_image: str, podman: Run) -> None:
    def member(tool: Run) -> tuple[str, str]:
        assert tool("pod", "create", "--name", "pk", "--userns", "keep-id").returncode == 0
        cid = tool("create", "--pod", "pk", "base", "true").stdout.strip().splitlines()[-1]
        infra = tool("pod", "inspect", "--format", "{{.InfraContainerID}}", "pk").stdout.strip()
        infra_shown = tool("inspect", "--format", SHOWN, infra).stdout
        shown = tool("inspect", "--format", SHOWN, cid).stdout.replace(infra, "INFRA")
        assert tool("pod", "rm", "-f", "pk").returncode == 0
        return infra_shown, shown

    ours = member(lambda *a: hutch(*a, check=False))
    assert ours == member(podman)
    assert ours[1].startswith('"container:INFRA" {"UidMap":["0:1:'), ours
