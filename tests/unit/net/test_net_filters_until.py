"""network ls/prune --filter until=: older networks match, newer ones do not."""

from __future__ import annotations

import time

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.engine.networks import _match


def _record(created: float) -> NetworkSummary:
    return NetworkSummary(
        name="n",
        id="f" * 64,
        driver="bridge",
        bridge="hutch0",
        subnets=(NetworkSubnet("10.89.0.0/24", "10.89.0.1", ""),),
        internal=False,
        ipv6=False,
        dns=True,
        labels=(("team", "a"),),
        options=(),
        created=created,
    )


def test_until_keeps_networks_created_before_the_time() -> None:
    now = time.time()
    old, new = _record(now - 7200), _record(now - 60)
    assert _match(old, ["until=1h"]) and not _match(new, ["until=1h"])
    assert _match(new, [f"until={now + 10:.0f}"])
    assert not _match(old, ["until=1h", "label=team=b"])  # keys AND


def test_a_bad_until_is_refused() -> None:
    with pytest.raises(InvalidArgument) as refused:
        _match(_record(0), ["until=yesterday-ish"])
    # podman's words
    assert str(refused.value) == 'failed to parse value as time or duration: "yesterday-ish"'
