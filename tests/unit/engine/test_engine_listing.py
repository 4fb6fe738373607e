"""The Docker API's container list (the engine's ``listing``) on a real store in
tmp_path: it reads each container's bundle spec once (a ``network`` filter's read,
for the names it matches, is the one the endpoints come from; only the spec parser
is wrapped, to count its calls), and it lists a container waiting out its restart
back-off without ``all``, as Docker does (ps does not)."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.containers import ListContainersOptions
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import container_record, netquery
from hutch.engine.container_query import ContainerQueries
from hutch.engine.context import EngineContext
from hutch.runtime import state as st
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_io import spec_to_json
from hutch.runtime.spec_network import Attachment, NetworkSpec
from unit.storerows import image_row

FRONT = Attachment("front", "hutch1", "eth0", "10.89.0.2", 24, "10.89.0.1", "10.89.0.0/24")
BACK = Attachment("back", "hutch2", "eth1", "10.89.1.2", 24, "10.89.1.1", "10.89.1.0/24")


@pytest.fixture
def ctx(tmp_path: Path) -> EngineContext:
    ctx = EngineContext(Paths(tmp_path / "data", tmp_path / "run", tmp_path / "cfg"), Settings())
    image_row(ctx.conn, "sha256:i")
    return ctx


def _add(ctx: EngineContext, cid: str, name: str, *attachments: Attachment) -> None:
    config = container_record.ContainerConfig(RunOptions("base"))
    ctx.containers.create(cid, name, "sha256:i", "base", container_record.encode(config))
    spec = Spec(
        id=cid, hostname=name, process=Process(args=("sh",), env=()),
        rootfs=Rootfs("bind", "/x"),
        network=NetworkSpec(mode="bridge" if attachments else "none", attachments=attachments),
    )  # fmt: skip
    userdata = ctx.containers.dirs(cid).userdata
    userdata.mkdir(parents=True, exist_ok=True)
    (userdata / "config.json").write_bytes(spec_to_json(spec))


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry per parse of a bundle's config.json."""
    counted: list[int] = []
    real: Callable[[bytes], Spec] = netquery.spec_from_json

    def counting(raw: bytes) -> Spec:
        counted.append(1)
        return real(raw)

    monkeypatch.setattr(netquery, "spec_from_json", counting)
    return counted


def test_a_network_filter_and_the_listing_share_one_read(
    ctx: EngineContext, reads: list[int]
) -> None:
    _add(ctx, "a" * 64, "a", FRONT)
    _add(ctx, "b" * 64, "b", FRONT, BACK)
    _add(ctx, "c" * 64, "c")
    options = ListContainersOptions(all=True, filters=("network=front",))
    listed = ContainerQueries(ctx).listing(options)
    assert sorted(item.summary.name for item in listed) == ["a", "b"]
    by_name = {item.summary.name: item for item in listed}
    assert list(by_name["b"].networks) == ["front", "back"]
    assert by_name["b"].networks["back"].ip_address == "10.89.1.2"
    assert len(reads) == 3  # each container once, c too (the filter needs its networks)


def test_without_a_network_filter_the_listing_reads_each_once(
    ctx: EngineContext, reads: list[int]
) -> None:
    _add(ctx, "a" * 64, "a", FRONT)
    _add(ctx, "c" * 64, "c")
    listed = ContainerQueries(ctx).listing(ListContainersOptions(all=True))
    assert {item.summary.name: list(item.networks) for item in listed} == {
        "a": ["front"],
        "c": [],
    }
    assert len(reads) == 2
    assert not ContainerQueries(ctx).ls(ListContainersOptions(all=True))[0].networks
    assert len(reads) == 2  # ps reads no bundle unless asked for networks


def test_a_pending_restart_is_listed_as_running_by_the_api_only(ctx: EngineContext) -> None:
    _add(ctx, "a" * 64, "a")
    _add(ctx, "c" * 64, "c")
    me = os.getpid()  # an alive "monitor", or the reader takes the back-off for over
    exited = st.RuntimeState(
        status=st.EXITED, exit_code=1, monitor_pid=me, monitor_start=st.process_start_time(me)
    )
    for cid, restarting in (("a" * 64, True), ("c" * 64, False)):
        path = st.state_path(ctx.containers.dirs(cid).userdata)
        st.write_state(path, replace(exited, restarting=restarting))
    queries = ContainerQueries(ctx)
    (listed,) = queries.listing(ListContainersOptions())
    assert (listed.summary.name, listed.summary.restarting) == ("a", True)
    assert not queries.ls(ListContainersOptions())  # podman's ps: running ones only
    every = {item.summary.name: item.summary.restarting for item in queries.listing(
        ListContainersOptions(all=True))}  # fmt: skip
    assert every == {"a": True, "c": False}
