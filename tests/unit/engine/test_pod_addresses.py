"""pod clone of a pod with a static --ip / --ip6: the clone is made with the address,
which the original has back until the clone starts and takes it from a stopped
holder; handed over with --destroy and back when the clone fails."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hutch.api.errors import Conflict
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.api.pods import PodCreateOptions
from hutch.engine import address_claim, networks, pod_addresses
from hutch.engine.network_record import encode, pools
from hutch.runtime.spec_network import Attachment, NetworkSpec
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


def _spec(address: str) -> NetworkSpec:
    a = Attachment("n1", "hutch1", "eth0", address, 24, "10.89.7.1", "10.89.7.0/24", "02:42:0a")
    return NetworkSpec(mode="bridge", attachments=(a,))


def test_the_clone_is_made_with_the_address_then_the_original_has_it_back(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(networks, "publish_dns", lambda _ctx: None)
    options = PodCreateOptions(ip="10.89.7.10")
    held = pod_addresses.static_attachments(ctx, INFRA, options)
    assert [a.address for a in held] == ["10.89.7.10"]
    assert pod_addresses.static_attachments(ctx, INFRA, PodCreateOptions()) == ()
    pod_addresses.hand_over(ctx, held)
    store = NetworkStore(ctx.conn)
    store.attach(CLONE, "n1", ctx.pools, address="10.89.7.10")  # the clone's infra is made
    pod_addresses.give_back(ctx, CLONE, held)
    assert store.attachments(network="n1") == list(held)


def test_a_start_takes_the_address_from_a_stopped_holder_not_a_running_one(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    running = {INFRA}
    monkeypatch.setattr(address_claim, "_running", lambda _ctx, cid: cid in running)
    store = NetworkStore(ctx.conn)
    with pytest.raises(Conflict) as refused:
        address_claim.claim(ctx, CLONE, _spec("10.89.7.10"))
    assert refused.value.message == (
        f"IPAM error: requested ip address 10.89.7.10 is already allocated to container ID {INFRA}"
    )
    assert refused.value.exit_code == 125
    assert [a.container_id for a in store.attachments(network="n1")] == [INFRA]
    running.clear()  # the original stopped: the clone takes its address, MAC and eth0
    address_claim.claim(ctx, CLONE, _spec("10.89.7.10"))
    (taken,) = store.attachments(network="n1")
    assert (taken.container_id, taken.address, taken.mac, taken.position) == (
        CLONE,
        "10.89.7.10",
        "02:42:0a",
        0,
    )
    address_claim.claim(ctx, CLONE, _spec("10.89.7.10"))  # held already: nothing changes
    assert store.attachments(network="n1") == [taken]
    running.add(CLONE)  # and the original, started while the clone runs, is refused
    with pytest.raises(Conflict, match=f"allocated to container ID {CLONE}"):
        address_claim.claim(ctx, INFRA, _spec("10.89.7.10"))


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
