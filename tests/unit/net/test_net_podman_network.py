"""podman's default network ``podman`` is always there (engine/default_network.py): listed,
inspected and found as podman 4.3.1 shows it, never pruned nor removed (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_actions import ActionReport
from hutch.api.errors import Conflict, InvalidArgument
from hutch.api.networks import NetworkCreateOptions, NetworkRemoveOptions
from hutch.cli.network_render import json_of
from hutch.config.paths import Paths
from hutch.config.settings import Settings
from hutch.engine import default_network
from hutch.engine.context import EngineContext
from hutch.engine.networks import NetworkService
from hutch.store import db
from hutch.store.networks import NetworkRow, NetworkStore

PODMAN_ID = "2f259bab93aaaaa2542ba43ef33eb990d0999ee1b9924b557b7be53c0b7a1bb9"


def _service(tmp_path: Path) -> NetworkService:
    paths = Paths(tmp_path / "data", tmp_path / "run", tmp_path / "config")

    def no_users(names: object) -> list[ActionReport]:
        return []

    return NetworkService(EngineContext(paths, Settings()), no_users)


@pytest.fixture
def service(tmp_path: Path) -> NetworkService:
    return _service(tmp_path)


def test_ls_of_a_new_store_lists_podmans_network(service: NetworkService) -> None:
    (net,) = service.ls(())
    assert (net.name, net.id, net.driver, net.bridge) == ("podman", PODMAN_ID, "bridge", "podman0")
    shown = json_of(net)
    del shown["created"], shown["containers"]  # podman 4.3.1 has no containers key
    assert shown == {
        "name": "podman",
        "id": PODMAN_ID,
        "driver": "bridge",
        "network_interface": "podman0",
        "subnets": [{"subnet": "10.88.0.0/16", "gateway": "10.88.0.1"}],
        "ipv6_enabled": False,
        "internal": False,
        "dns_enabled": False,
        "ipam_options": {"driver": "host-local"},
    }
    assert [n.name for n in service.ls(("driver=bridge", "name=^pod"))] == ["podman"]
    assert service.ls(("label=a",)) == []


def test_exists_and_inspect_by_name_and_id_before_anything_else(tmp_path: Path) -> None:
    assert _service(tmp_path).exists("podman")
    assert _service(tmp_path / "b").exists(PODMAN_ID[:12])
    assert _service(tmp_path / "c").inspect(["podman"])[0].id == PODMAN_ID
    assert not _service(tmp_path / "d").exists("nosuch")


def test_it_is_made_once(service: NetworkService) -> None:
    """Two commands at once: the second insert is left out, the first row stays."""
    first = service.inspect(["podman"])[0]
    other = NetworkStore(db.connect(service._ctx.paths.database))
    late = NetworkRow("podman", PODMAN_ID, "bridge", "podman0", "{}", first.created + 9)
    assert not other.add_missing(late)
    default_network.ensure(other)
    assert [r.created for r in other.all()] == [first.created]


def test_create_of_podman_is_podmans_already_used(service: NetworkService) -> None:
    with pytest.raises(Conflict) as refused:
        service.create(NetworkCreateOptions(name="podman"))
    assert str(refused.value) == "network name podman already used: network already exists"
    assert refused.value.exit_code == 125
    assert service.create(NetworkCreateOptions(name="podman", ignore=True)).id == PODMAN_ID


def test_user_networks_keep_off_its_subnet(service: NetworkService) -> None:
    made = service.create(NetworkCreateOptions(name="front"))
    assert not made.subnets[0].subnet.startswith("10.88.")
    with pytest.raises(InvalidArgument, match="already used"):
        service.create(NetworkCreateOptions(name="over", subnets=("10.88.5.0/24",)))


def test_prune_and_rm_leave_it(service: NetworkService) -> None:
    service.create(NetworkCreateOptions(name="front"))
    assert [r.id for r in service.prune(())] == ["front"]
    (refused,) = service.remove([PODMAN_ID[:12]], NetworkRemoveOptions())
    assert (refused.error, refused.exit_code) == ("default network podman cannot be removed", 125)
    assert [n.name for n in service.ls(())] == ["podman"]


@pytest.mark.parametrize("subnet", ["10.88.0.0/16", "10.88.5.0/24", "10.0.0.0/8"])
def test_a_subnet_over_podmans_default_network_is_refused_in_podmans_words(
    service: NetworkService, subnet: str
) -> None:
    with pytest.raises(InvalidArgument) as err:
        service.create(NetworkCreateOptions(name="n", subnets=(subnet,)))
    assert str(err.value) == f"subnet {subnet} is already used on the host or by another config"
    assert [n.name for n in service.ls(())] == ["podman"]


def test_a_subnet_over_another_networks_is_refused_and_a_free_one_taken(
    service: NetworkService,
) -> None:
    service.create(NetworkCreateOptions(name="a", subnets=("10.90.0.0/24", "fd00:1::/64")))
    for subnets, named in (
        (("10.90.0.0/25",), "10.90.0.0/25"),
        (("10.92.0.0/24", "10.90.0.128/25"), "10.90.0.128/25"),
        (("fd00:1::/48",), "fd00:1::/48"),
    ):
        with pytest.raises(InvalidArgument, match=f"^subnet {named} is already used on the host"):
            service.create(NetworkCreateOptions(name="b", subnets=subnets))
    service.create(NetworkCreateOptions(name="b", subnets=("10.90.1.0/24",)))


def test_an_inspect_template_reaches_podmans_go_fields(service: NetworkService) -> None:
    """network inspect --format: types.Network's fields ({{.Name}}, {{.ID}} in full),
    not the JSON's lower-case keys; {{json .}} of the struct keeps those keys."""
    import json

    from hutch.cli import templating
    from hutch.cli.network_render import inspect_struct
    from hutch.util.gotemplate import gojson

    (net,) = service.ls(())
    fmt = "{{.Name}} {{.ID}} {{.NetworkInterface}} {{.DNSEnabled}} {{.IPAMOptions}} {{.Labels}}"
    shown = templating.render_template(fmt, [inspect_struct(net)], name="inspect")
    assert shown == f"podman {PODMAN_ID} podman0 false map[driver:host-local] map[]\n"
    with pytest.raises(InvalidArgument, match="can't evaluate field name"):
        templating.render_template("{{.name}}", [inspect_struct(net)], name="inspect")
    assert list(json_of(net)) == list(json.loads(gojson.dumps(inspect_struct(net))))


def test_the_id_written_out_is_the_sha256_of_the_name() -> None:
    import hashlib

    assert hashlib.sha256(default_network.NAME.encode()).hexdigest() == default_network.ID
    assert default_network.ID == PODMAN_ID
