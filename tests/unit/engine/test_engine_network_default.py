"""``network connect bridge``: the default network, as podman's API and CLI answer it."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from hutch.api.errors import Conflict, InvalidArgument
from hutch.api.networks import NetworkConnectOptions
from hutch.engine.networks import _default_network
from hutch.runtime.spec_network import NetworkSpec

CONTAINER = cast(Any, SimpleNamespace(record=SimpleNamespace(id="c" * 64, name="web")))


def _connect(network: str, mode: str, default: str = "private") -> NetworkConnectOptions:
    options = NetworkConnectOptions(network, "web")
    return _default_network(options, CONTAINER, NetworkSpec(mode=mode), default)


def test_a_container_on_the_private_default_is_already_connected() -> None:
    with pytest.raises(Conflict) as exc:
        _connect("bridge", "private")
    assert exc.value.message == (
        f'container {"c" * 64} is already connected to network "bridge": '
        "network is already connected"
    )


def test_a_container_on_user_networks_cannot_add_the_private_default() -> None:
    with pytest.raises(InvalidArgument, match='the default network "bridge" cannot be added'):
        _connect("bridge", "bridge")


def test_a_default_setting_that_names_a_user_network_is_that_network() -> None:
    assert _connect("bridge", "bridge", default="front").network == "front"


def test_other_names_and_other_modes_are_left_to_the_mode_check() -> None:
    assert _connect("front", "private").network == "front"
    assert _connect("bridge", "none").network == "bridge"  # then '"none" is not supported'
