"""pod clone of a pod with a static --ip / --ip6: the clone is made with the address
in its spec, and in its row only when no other container holds it; its start takes
it from a stopped holder; --destroy hands it over from the original alone. A clone
of a clone that does not hold the address is made as well (podman makes it). Only
the static address moves: the clone's automatic IPv6 on a dual-stack network is its
own from its creation, and each keeps its row on the network all along."""

from __future__ import annotations

import fcntl
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from hutch.api.errors import Conflict
from hutch.api.networks import NetworkSubnet, NetworkSummary
from hutch.engine import address_claim, networks, pod_addresses
from hutch.engine.network_record import encode, pools
from hutch.runtime.spec_network import Attachment, NetworkSpec
from hutch.store import db
from hutch.store.networks import NetworkStore

INFRA = "i" * 64
CLONE = "c" * 64
OTHER = "o" * 64
SECOND = "s" * 64  # a clone of the clone


@pytest.fixture
def ctx(tmp_path: Path) -> Any:
    conn = db.connect(tmp_path / "db.sqlite")
    for cid in (INFRA, CLONE, OTHER, SECOND):
        conn.execute(
            "INSERT INTO containers (id, name, image_id, image_name, created, config) "
            f"VALUES ('{cid}', '{cid[:4]}', 'i', 'i', 0, x'')"
        )
    subnet = NetworkSubnet("10.89.7.0/24", "10.89.7.1", "")
    subnet6 = NetworkSubnet("fd00:7::/64", "fd00:7::1", "")
    net = NetworkSummary("n1", "n" * 64, "bridge", "", (subnet,), False, False, True, (), (), 0.0)
    dual = replace(net, name="d1", id="d" * 64, subnets=(subnet6,), ipv6=True)
    dual = replace(dual, subnets=(NetworkSubnet("10.89.8.0/24", "10.89.8.1", ""), subnet6))
    store = NetworkStore(conn)
    store.create(encode(net), [subnet.subnet])
    store.create(encode(dual), [s.subnet for s in dual.subnets])
    store.attach(INFRA, "n1", pools(net), address="10.89.7.10")
    return SimpleNamespace(conn=conn, pools=pools(net), dual=pools(dual))


def _spec(address: str, network: str = "n1", address6: str = "") -> NetworkSpec:
    a = Attachment(
        network, "hutch1", "eth0", address, 24, "10.89.7.1", "10.89.7.0/24", "02:42:0a",
        address6=address6,
    )  # fmt: skip
    return NetworkSpec(mode="bridge", attachments=(a,))


def _held(store: NetworkStore, network: str) -> dict[str, tuple[str, str]]:
    return {a.container_id: (a.address, a.address6) for a in store.attachments(network=network)}


def test_the_clone_is_made_with_the_address_the_original_holds(ctx: Any) -> None:
    store = NetworkStore(ctx.conn)
    made = store.attach(CLONE, "n1", ctx.pools, address="10.89.7.10", shared=True)
    assert made.address == "10.89.7.10"  # its spec names it
    # the clone is on the network (network inspect, network rm), without the address
    assert _held(store, "n1") == {INFRA: ("10.89.7.10", ""), CLONE: ("", "")}
    with pytest.raises(Conflict, match=f"allocated to container ID {INFRA}"):
        store.attach(OTHER, "n1", ctx.pools, address="10.89.7.10")  # not shared


def test_a_clone_of_a_clone_without_the_address_is_made_and_takes_it_in_turn(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """podman 4.3.1 makes it (it takes addresses at start): the clone's clone is made
    while the original holds the address, and the start of any of the three takes it
    from the others while none runs."""
    running: set[str] = set()
    monkeypatch.setattr(address_claim, "_running", lambda _ctx, cid: cid in running)
    store = NetworkStore(ctx.conn)
    store.attach(CLONE, "n1", ctx.pools, address="10.89.7.10", shared=True)
    running.add(INFRA)
    made = store.attach(SECOND, "n1", ctx.pools, address="10.89.7.10", shared=True)
    assert made.address == "10.89.7.10"
    assert _held(store, "n1") == {INFRA: ("10.89.7.10", ""), CLONE: ("", ""), SECOND: ("", "")}
    with pytest.raises(Conflict, match=f"allocated to container ID {INFRA}"):
        address_claim.claim(ctx, SECOND, _spec("10.89.7.10"))
    running.clear()
    address_claim.claim(ctx, SECOND, _spec("10.89.7.10"))
    running.add(SECOND)
    assert _held(store, "n1") == {INFRA: ("", ""), CLONE: ("", ""), SECOND: ("10.89.7.10", "")}
    for other in (INFRA, CLONE):
        with pytest.raises(Conflict, match=f"allocated to container ID {SECOND}"):
            address_claim.claim(ctx, other, _spec("10.89.7.10"))
    running.clear()
    address_claim.claim(ctx, CLONE, _spec("10.89.7.10"))
    assert _held(store, "n1") == {INFRA: ("", ""), CLONE: ("10.89.7.10", ""), SECOND: ("", "")}


def test_a_dual_stack_clone_holds_its_own_ipv6_from_its_creation(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(networks, "publish_dns", lambda _ctx: None)
    running: set[str] = set()
    monkeypatch.setattr(address_claim, "_running", lambda _ctx, cid: cid in running)
    store = NetworkStore(ctx.conn)
    store.attach(INFRA, "d1", ctx.dual, address="10.89.8.9")
    made = store.attach(CLONE, "d1", ctx.dual, address="10.89.8.9", shared=True)
    # another IPv6 than the original's, and held before the clone first starts:
    # a container made meanwhile is given a third
    assert _held(store, "d1") == {INFRA: ("10.89.8.9", "fd00:7::2"), CLONE: ("", "fd00:7::3")}
    assert store.attach(OTHER, "d1", ctx.dual).address6 == "fd00:7::4"
    spec = _spec("10.89.8.9", "d1", made.address6)
    running.add(OTHER)
    address_claim.claim(ctx, CLONE, spec)  # the original is stopped: only 10.89.8.9 moves
    assert _held(store, "d1") == {
        INFRA: ("", "fd00:7::2"),
        CLONE: ("10.89.8.9", "fd00:7::3"),
        OTHER: ("10.89.8.2", "fd00:7::4"),
    }
    running.add(CLONE)
    with pytest.raises(Conflict, match=f"10.89.8.9 is already allocated to container ID {CLONE}"):
        address_claim.claim(ctx, INFRA, _spec("10.89.8.9", "d1", "fd00:7::2"))
    running.discard(CLONE)  # the clone stopped: the original takes its address back
    address_claim.claim(ctx, INFRA, _spec("10.89.8.9", "d1", "fd00:7::2"))
    assert _held(store, "d1")[INFRA] == ("10.89.8.9", "fd00:7::2")
    assert _held(store, "d1")[CLONE] == ("", "fd00:7::3")


def test_a_static_ipv6_moves_and_the_automatic_ipv4_stays(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(networks, "publish_dns", lambda _ctx: None)
    monkeypatch.setattr(address_claim, "_running", lambda _ctx, cid: False)
    store = NetworkStore(ctx.conn)
    store.attach(INFRA, "d1", ctx.dual, address6="fd00:7::99")
    # given in another spelling than the store's
    made = store.attach(CLONE, "d1", ctx.dual, address6="fd00:7:0::99", shared=True)
    assert _held(store, "d1") == {INFRA: ("10.89.8.2", "fd00:7::99"), CLONE: ("10.89.8.3", "")}
    address_claim.claim(ctx, CLONE, _spec(made.address, "d1", "fd00:7::99"))
    assert _held(store, "d1") == {INFRA: ("10.89.8.2", ""), CLONE: ("10.89.8.3", "fd00:7::99")}


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
    taken = store.attachments(container_id=CLONE)
    assert [(a.address, a.mac, a.position) for a in taken] == [("10.89.7.10", "02:42:0a", 0)]
    assert _held(store, "n1")[INFRA] == ("", "")  # the original's row stays
    address_claim.claim(ctx, CLONE, _spec("10.89.7.10"))  # held already: nothing changes
    assert store.attachments(container_id=CLONE) == taken
    running.add(CLONE)  # and the original, started while the clone runs, is refused
    with pytest.raises(Conflict, match=f"allocated to container ID {CLONE}"):
        address_claim.claim(ctx, INFRA, _spec("10.89.7.10"))


def test_destroy_hands_it_over_from_the_original_alone(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    published: list[object] = []
    monkeypatch.setattr(networks, "publish_dns", published.append)
    specs = {SECOND: _spec("10.89.7.10"), CLONE: _spec("10.89.7.10")}
    monkeypatch.setattr(pod_addresses.cs, "get", lambda _ctx, cid: cid)
    monkeypatch.setattr(pod_addresses, "network_of", specs.__getitem__)
    store = NetworkStore(ctx.conn)
    store.attach(CLONE, "n1", ctx.pools, address="10.89.7.10", shared=True)
    store.attach(SECOND, "n1", ctx.pools, address="10.89.7.10", shared=True)
    pod_addresses.hand_over(ctx, INFRA, CLONE)  # the original is about to go
    assert _held(store, "n1") == {INFRA: ("", ""), CLONE: ("10.89.7.10", ""), SECOND: ("", "")}
    assert published == [ctx]
    # a clone of that clone, destroying the original (INFRA): the address another
    # clone holds stays that one's (the start takes it when that one does not run)
    pod_addresses.hand_over(ctx, INFRA, SECOND)
    assert _held(store, "n1")[CLONE] == ("10.89.7.10", "")
    pod_addresses.hand_over(ctx, "", SECOND)  # a pod without an infra: nothing
    assert _held(store, "n1")[SECOND] == ("", "")


def test_the_name_server_does_not_answer_for_a_clone_without_an_address(
    ctx: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(networks, "publish_dns", lambda _ctx: None)
    named = [SimpleNamespace(id=INFRA, name="orig"), SimpleNamespace(id=CLONE, name="copy")]
    ctx.containers = SimpleNamespace(all=lambda: named)
    NetworkStore(ctx.conn).attach(CLONE, "n1", ctx.pools, address="10.89.7.10", shared=True)
    (n1,) = [n for n in networks._dns_records(ctx) if n["name"] == "n1"]
    # an empty answer would keep a resolver from asking further (no "copy": [])
    assert n1["records"] == {"orig": ["10.89.7.10"], INFRA[:12]: ["10.89.7.10"]}
    assert n1["members"] == {"10.89.7.10": INFRA}


def _starter(ip: str = "", ip6: str = "", network: str = "n1") -> Any:
    net = SimpleNamespace(ip=ip, ip6=ip6)
    options = SimpleNamespace(net=net, network=network)
    return SimpleNamespace(config=SimpleNamespace(options=options))


def test_a_start_holds_its_static_addresses_locked_until_its_command_runs(
    tmp_path: Path,
) -> None:
    """Another start of the same address (a clone's, the original's) waits for the
    lock, then finds this one running: its claim is refused, never both taken."""
    ctx = SimpleNamespace(paths=SimpleNamespace(runtime=tmp_path))
    locks = tmp_path / "netns" / "claims"
    with address_claim.starting(ctx, _starter()):  # type: ignore[arg-type]
        assert not locks.exists()  # no static address: no lock (most containers)
    with address_claim.starting(ctx, _starter("10.89.7.10", "fd00:7:0::99")):  # type: ignore[arg-type]
        names = sorted(p.name for p in locks.iterdir())
        assert names == ["10.89.7.10", "fd00:7::99"]  # one spelling per address
        for name in names:
            with open(locks / name) as other, pytest.raises(BlockingIOError):
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    for name in names:  # released
        with open(locks / name) as other:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    # a network's own ip= (--network NAME:ip=) is as static as --ip
    own = _starter(network="n1:ip=10.89.7.11,n2:ip6=fd00:8::0:5")
    with address_claim.starting(ctx, own):
        assert {"10.89.7.11", "fd00:8::5"} <= {p.name for p in locks.iterdir()}
        with open(locks / "10.89.7.11") as other, pytest.raises(BlockingIOError):
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)


def test_a_holder_in_its_restart_back_off_counts_as_running(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Its monitor starts it again with the address, without a claim: a start of
    the clone meanwhile would run a second container with it."""
    states = {
        "backoff": SimpleNamespace(running=False, state=SimpleNamespace(restarting=True)),
        "exited": SimpleNamespace(running=False, state=SimpleNamespace(restarting=False)),
        "up": SimpleNamespace(running=True, state=SimpleNamespace(restarting=False)),
    }
    monkeypatch.setattr(address_claim.cs, "get", lambda _ctx, cid: states[cid])
    running = {cid: address_claim._running(None, cid) for cid in states}  # type: ignore[arg-type]
    assert running == {"backoff": True, "exited": False, "up": True}
