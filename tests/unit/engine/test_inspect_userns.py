"""``.HostConfig.UsernsMode`` and ``.HostConfig.IDMappings`` as podman 4.3.1 shows them
for each way of making a user namespace (shapes taken from podman on the test host)."""

from __future__ import annotations

from typing import Any

import pytest

from hutch.api.container_config import RunOptions, SecurityOptions
from hutch.api.containers import InspectIDMappings
from hutch.cli import templating
from hutch.engine import userns as um
from hutch.engine.inspect_extras import id_mappings, userns_mode
from hutch.runtime.ids import IdMapEntry
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_userns import UsernsSpec
from hutch.util import gotemplate


def _spec(userns: UsernsSpec) -> Spec:
    return Spec(
        id="c",
        hostname="c",
        process=Process(args=("true",), env=()),
        rootfs=Rootfs(kind="overlay", target="/x"),
        userns=userns,
    )


def _run(**security: Any) -> RunOptions:
    return RunOptions("base", security=SecurityOptions(**security))


@pytest.mark.parametrize(
    ("security", "shown", "expected"),
    [
        ({"userns": "keep-id"}, "keep-id", "private"),
        ({"userns": "keep-id:uid=200,gid=210"}, "keep-id:uid=200,gid=210", "private"),
        ({"userns": "nomap"}, "nomap", "private"),
        ({"userns": "auto"}, "auto", ""),  # podman 4.3.1 shows auto as ""
        ({"userns": "auto:size=500"}, "auto:size=500", ""),
        ({"userns": "host"}, "host", ""),
        ({"uidmap": ("0:1:100",)}, "", "private"),
        ({"subuidname": "alice"}, "", "private"),
        ({}, "", ""),
        ({"userns": "keep-id"}, "container:" + "a" * 64, "container:" + "a" * 64),
    ],
)
def test_userns_mode_as_podman(security: dict[str, Any], shown: str, expected: str) -> None:
    assert userns_mode(_run(**security), shown) == expected


def test_keep_id_maps_show_the_user_at_its_id_as_podman() -> None:
    # hutch-test (uid 1001) with 65536 subordinate ids: podman 4.3.1's exact lines
    uids = um.keep_id_map(1001, 65537)
    spec = _spec(UsernsSpec("keep-id", uids, um.keep_id_map(1001, 65537)))
    shown = id_mappings(_run(userns="keep-id"), spec)
    lines = ("0:1:1001", "1001:0:1", "1002:1002:64535")
    assert shown == InspectIDMappings(lines, lines)
    spec = _spec(UsernsSpec("keep-id", um.keep_id_map(200, 65537), um.keep_id_map(210, 65537)))
    shown = id_mappings(_run(userns="keep-id:uid=200,gid=210"), spec)
    assert shown == InspectIDMappings(
        ("0:1:200", "200:0:1", "201:201:65336"), ("0:1:210", "210:0:1", "211:211:65326")
    )


def test_auto_shows_the_range_chosen_and_none_without_a_namespace() -> None:
    entry = (IdMapEntry(0, 1025, 2000),)
    spec = _spec(UsernsSpec("auto", entry, entry))
    assert id_mappings(_run(userns="auto"), spec) == InspectIDMappings(
        ("0:1025:2000",), ("0:1025:2000",)
    )
    assert id_mappings(_run(userns="host"), _spec(UsernsSpec())) is None
    assert id_mappings(_run(), None) is None
    # no spec to read: the maps as given, one standing for both as podman does
    assert id_mappings(_run(uidmap=("0:1:100",)), None) == InspectIDMappings(
        ("0:1:100",), ("0:1:100",)
    )


def test_a_nil_idmappings_is_a_field_for_templates_not_for_json() -> None:
    row = {"UsernsMode": "", "ShmSize": 1}
    shown = templating.as_struct(row, "*define.InspectContainerHostConfig")
    assert list(shown) == ["UsernsMode", "IDMappings", "ShmSize"]
    assert gotemplate.Template("t", "{{.IDMappings}}").execute(shown) == "<nil>"
    assert "IDMappings" not in templating.as_struct(row, "*define.InspectContainerHostConfig", True)
