"""pod clone of a pod with a static --ip / --ip6: refused while the original holds the
address, handed over with --destroy and back when the clone fails."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hutch.api.errors import Conflict
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.api.pods import PodCreateOptions
from hutch.engine import networks, pod_addresses
from hutch.engine.network_record import encode, pools
from hutch.store import db
from hutch.store.networks import NetworkStore

INFRA = "i" * 64
CLONE = "c" * 64


@pytest.fixture
def ctx(tmp_path: Path) -> Any:
    conn = db.connect(tmp_path / "db.sqlite")
    for cid in (INFRA, CLONE):
        conn.execute(
            "INSERT INTO containers (id, name, image_id, image_name, created, config) "
            f"VALUES ('{cid}', '{cid[:4]}', 'i', 'i', 0, x'')"
        )
    subnet = NetworkSubnet("10.89.7.0/24", "10.89.7.1", "")
    net = NetworkSummary("n1", "n" * 64, "bridge", "", (subnet,), False, False, True, (), (), 0.0)
    NetworkStore(conn).create(encode(net), [subnet.subnet])
    store = NetworkStore(conn)
    store.attach(INFRA, "n1", pools(net), address="10.89.7.10")
    return SimpleNamespace(conn=conn, pools=pools(net))


def test_a_pod_without_an_infra_holds_nothing() -> None:
    assert pod_addresses.static_attachments(None, "", PodCreateOptions(ip="10.89.7.10")) == ()  # type: ignore[arg-type]


def test_a_clone_keeping_it_is_refused_while_the_original_holds_it(ctx: Any) -> None:
    options = PodCreateOptions(ip="10.89.7.10")
    held = pod_addresses.static_attachments(ctx, INFRA, options)
    assert [a.address for a in held] == ["10.89.7.10"]
    with pytest.raises(Conflict) as refused:
        pod_addresses.refuse_taken(held, options)
    assert refused.value.message == (
        f"IPAM error: requested ip address 10.89.7.10 is already allocated to container ID {INFRA}"
    )
    assert refused.value.exit_code == 125
    # a pod without a static address: nothing held, nothing refused
    assert pod_addresses.static_attachments(ctx, INFRA, PodCreateOptions()) == ()
    pod_addresses.refuse_taken((), PodCreateOptions())


def test_destroy_hands_it_over_and_a_failed_clone_hands_it_back(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[object] = []
    monkeypatch.setattr(networks, "publish_dns", published.append)
    held = pod_addresses.static_attachments(ctx, INFRA, PodCreateOptions(ip="10.89.7.10"))
    pod_addresses.hand_over(ctx, held)
    store = NetworkStore(ctx.conn)
    assert store.attach(CLONE, "n1", ctx.pools, address="10.89.7.10").address == "10.89.7.10"
    store.detach(CLONE, "n1")  # the clone failed and was removed
    pod_addresses.take_back(ctx, held)
    assert store.attachments(network="n1") == list(held)
    assert published == [ctx]
