"""``generate systemd`` of a pod beside Debian's podman 4.3.1 on a pod made alike:
the same unit names (--pod-prefix, --container-prefix, --separator, --name), and
the same ties between the pod's unit and its members' (Wants/Before, BindsTo/After)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

from hutch.systemd.unitfile import parse, split_words


@pytest.fixture
def pods(hutch: Hutch, podman: Run, base_image: str) -> Iterator[None]:
    for tool in (hutch, podman):
        assert tool("pod", "create", "--name", "gp").returncode == 0
        assert tool("create", "--pod", "gp", "--name", "gm", "base", "sleep", "100").returncode == 0
    yield None
    for tool in (hutch, podman):
        tool("pod", "rm", "-f", "gp")


@pytest.mark.parametrize(
    ("flags", "names"),
    [
        ((), ["container-gm", "pod-gp"]),
        (
            ("--pod-prefix", "pp", "--container-prefix", "cc", "--separator", "_"),
            ["cc_gm", "pp_gp"],
        ),
        (("--pod-prefix", "", "--container-prefix", ""), ["gm", "gp"]),
    ],
)
def test_pod_unit_names_as_podmans(
    hutch: Hutch, podman: Run, pods: object, flags: tuple[str, ...], names: list[str]
) -> None:
    args = ("generate", "systemd", "--format", "json", "--name", *flags, "gp")
    ours, theirs = hutch(*args), podman(*args)
    assert theirs.returncode == 0, theirs
    mine, peer = json.loads(ours.stdout), json.loads(theirs.stdout)
    assert sorted(mine) == sorted(peer) == names
    member, pod = (names[0], names[1])
    for units in (mine, peer):
        pod_unit, member_unit = parse(units[pod], "p"), parse(units[member], "m")
        assert f"{member}.service" in " ".join(pod_unit.values("Unit", "Wants"))
        assert pod_unit.values("Unit", "Before") == [f"{member}.service"]
        assert member_unit.values("Unit", "BindsTo") == [f"{pod}.service"]
        assert f"{pod}.service" in member_unit.values("Unit", "After")


def test_pod_units_run_the_infra_and_the_member(hutch: Hutch, pods: object) -> None:
    units = json.loads(hutch("generate", "systemd", "--format", "json", "--name", "gp").stdout)
    infra = hutch("pod", "inspect", "--format", "{{.InfraContainerID}}", "gp").stdout.strip()
    infra_name = hutch("inspect", "--format", "{{.Name}}", infra).stdout.strip()
    pod_unit = parse(units["pod-gp"], "p")
    assert split_words(pod_unit.values("Service", "ExecStart")[0])[1:] == ["start", infra_name]
    member_unit = parse(units["container-gm"], "m")
    member_start = split_words(member_unit.values("Service", "ExecStart")[0])
    assert member_start[1:] == ["start", "--attach", "gm"]
