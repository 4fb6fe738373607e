"""``.Config.Annotations`` as current podman records them (engine/inspect_extras.py):
a flag's annotation only where the flag is set (podman 4.4's rule; 4.3.1 listed
each of them "FALSE" too, tests/integration/test_cli_peer_inspect_fields.py)."""

from __future__ import annotations

from hutch.api.container_config import (
    LifecycleOptions,
    NetworkOptions,
    RunOptions,
    SecurityOptions,
)
from hutch.engine.inspect_extras import podman_annotations


def test_a_plain_container_has_none_of_podmans() -> None:
    assert podman_annotations(RunOptions("i")) == {}
    assert podman_annotations(RunOptions("i", annotations=("x=y",))) == {"x": "y"}


def test_each_flag_set_is_recorded_true() -> None:
    options = RunOptions(
        "i",
        tty=True,
        remove=True,
        lifecycle=LifecycleOptions(init=True),
        security=SecurityOptions(privileged=True),
        net=NetworkOptions(publish_all=True),
    )
    assert podman_annotations(options) == {
        "io.kubernetes.cri-o.TTY": "true",
        "io.podman.annotations.autoremove": "TRUE",
        "io.podman.annotations.init": "TRUE",
        "io.podman.annotations.privileged": "TRUE",
        "io.podman.annotations.publish-all": "TRUE",
    }


def test_podmans_keys_win_over_the_users_only_when_set() -> None:
    given = ("io.podman.annotations.init=mine", "io.podman.annotations.autoremove=mine")
    got = podman_annotations(RunOptions("i", remove=True, annotations=given))
    assert got == {
        "io.podman.annotations.autoremove": "TRUE",
        "io.podman.annotations.init": "mine",
    }
