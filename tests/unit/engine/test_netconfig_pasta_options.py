"""containers.conf's [network] pasta_options: pasta's own arguments for every
container it connects, before the container's pasta:OPTS (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings, podman_tables
from hutch.engine import netconfig
from hutch.net import backend
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.nethelper import pasta_argv
from hutch.runtime.spec_network import NetworkSpec

IMAGE = ImageConfig("amd64", "linux", (), config=ContainerConfig(cmd=("sh",)))


@pytest.fixture(autouse=True)
def helpers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backend, "tun_problem", lambda: "")


def spec(network: str, settings: Settings) -> NetworkSpec:
    return netconfig.network_spec(RunOptions("i", network=network), IMAGE, settings)


def test_pasta_options_come_before_the_containers_own() -> None:
    settings = Settings(network_backend="pasta", pasta_options=("--mtu", "1400"))
    assert spec("private", settings).helper_args == ("--mtu", "1400")
    assert spec("pasta:--ns-ifname,eth9", settings).helper_args == (
        "--mtu",
        "1400",
        "--ns-ifname",
        "eth9",
    )


def test_pasta_options_replace_hutchs_default_for_the_same_setting(tmp_path: Path) -> None:
    settings = Settings(network_backend="pasta", pasta_options=("-T", "auto"))
    argv = pasta_argv(spec("private", settings), 3, tmp_path / "pid")
    assert argv[-2:] == ["-T", "auto"]
    assert argv.count("-T") == 1  # hutch's "-T none" left out


def test_slirp4netns_does_not_get_them() -> None:
    settings = Settings(network_backend="slirp4netns", pasta_options=("--mtu", "1400"))
    assert spec("private", settings).helper_args == ()


def test_the_key_is_read_from_the_network_table() -> None:
    tables = podman_tables({"network": {"pasta_options": ["-T", "auto"]}})
    assert tables == {"network": {"pasta_options": ["-T", "auto"]}}


def test_a_wrong_type_is_refused(tmp_path: Path) -> None:
    from hutch.config.containers_conf import Sources
    from hutch.config.settings import load_settings

    bad = tmp_path / "m.conf"
    bad.write_text('[network]\npasta_options = "-T auto"\n')
    sources = Sources(config_home=tmp_path, uid=1000, system_dirs=())
    with pytest.raises(InvalidArgument, match="pasta_options must be a list of strings"):
        load_settings(tmp_path / "none.toml", (str(bad),), sources=sources)
