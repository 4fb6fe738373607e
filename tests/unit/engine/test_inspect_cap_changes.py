"""inspect's HostConfig.CapAdd and CapDrop as current podman computes them: against
the default set the container was created with (containers.conf's)."""

from __future__ import annotations

from hutch.api.container_config import RunOptions, SecurityOptions
from hutch.engine.inspect_extras import capability_changes
from hutch.linux.caps import DEFAULT_CAPABILITIES


def options(**security: object) -> RunOptions:
    return RunOptions("base", security=SecurityOptions(**security))  # type: ignore[arg-type]


def test_added_in_the_bounding_sets_order_dropped_sorted() -> None:
    bounding = sorted({*DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN", "CAP_NET_RAW"} - {"CAP_KILL"})
    bounding.remove("CAP_CHOWN")
    assert capability_changes(bounding, options()) == (
        ("CAP_NET_RAW", "CAP_SYS_ADMIN"),
        ("CAP_CHOWN", "CAP_KILL"),
    )
    assert capability_changes(sorted(DEFAULT_CAPABILITIES), options()) == ((), ())


def test_against_containers_conf_and_none_when_privileged() -> None:
    conf = options(default_capabilities=("chown", "NET_RAW"))
    assert capability_changes(["CAP_CHOWN", "CAP_KILL"], conf) == (("CAP_KILL",), ("CAP_NET_RAW",))
    assert capability_changes(["CAP_CHOWN"], options(privileged=True)) == ((), ())
    assert capability_changes(["CAP_CHOWN"], options(default_capabilities=("ALL",))) == ((), ())
