"""build --no-hosts and --http-proxy: RUN's /etc/hosts and proxy variables."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.build import BuildOptions
from hutch.api.errors import InvalidArgument
from hutch.build.runstep import write_etc_files
from hutch.build.stepstate import RunSettings, with_proxy
from hutch.config.container_defaults import ContainerDefaults
from hutch.config.settings import Settings
from hutch.engine.build import _validate
from hutch.engine.environment import PROXY_VARIABLES


@pytest.mark.parametrize("network", ["host", "private", "none", "ns:/proc/1/ns/net"])
def test_no_hosts_writes_no_hosts_file_and_keeps_the_rest(tmp_path: Path, network: str) -> None:
    files = dict(write_etc_files(tmp_path, "step", network, settings=RunSettings(no_hosts=True)))
    assert "/etc/hosts" not in files
    assert not (tmp_path / "hosts").exists()
    assert "/etc/hostname" in files
    # resolv.conf as without the flag: written with a network, the image's without
    assert ("/etc/resolv.conf" in files) is (network != "none")


def test_without_no_hosts_the_hosts_file_is_written(tmp_path: Path) -> None:
    assert "/etc/hosts" in dict(write_etc_files(tmp_path, "step", "host"))


def test_no_hosts_with_add_host_is_refused_as_podman() -> None:
    with pytest.raises(InvalidArgument, match=r"^--no-hosts and --add-host conflict, can not"):
        _validate(BuildOptions(context=".", no_hosts=True, add_hosts=("a:1.2.3.4",)), Settings())
    conf = Settings(defaults=ContainerDefaults(no_hosts=True))
    with pytest.raises(InvalidArgument, match="conflict"):
        _validate(BuildOptions(context=".", add_hosts=("a:1.2.3.4",)), conf)
    # the flag's =false wins over containers.conf's no_hosts
    taken = BuildOptions(context=".", no_hosts=False, add_hosts=("a:1.2.3.4",))
    assert _validate(taken, conf).no_hosts is False


def test_no_hosts_comes_from_the_flag_else_containers_conf() -> None:
    assert _validate(BuildOptions(context="."), Settings()).no_hosts is False
    assert _validate(BuildOptions(context=".", no_hosts=True), Settings()).no_hosts is True
    conf = Settings(defaults=ContainerDefaults(no_hosts=True))
    assert _validate(BuildOptions(context="."), conf).no_hosts is True


def test_http_proxy_takes_hutchs_proxy_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("http_proxy", "http://p:3128")
    monkeypatch.setenv("HTTPS_PROXY", "http://q:3128")
    monkeypatch.setenv("no_proxy", "localhost")
    monkeypatch.setenv("OTHER", "x")
    taken = _validate(BuildOptions(context="."), Settings()).proxy_env
    assert set(taken) == {
        "http_proxy=http://p:3128",
        "HTTPS_PROXY=http://q:3128",
        "no_proxy=localhost",
    }
    off = BuildOptions(context=".", http_proxy=False)
    assert _validate(off, Settings()).proxy_env == ()
    conf_off = Settings(defaults=ContainerDefaults(http_proxy=False))
    assert _validate(BuildOptions(context="."), conf_off).proxy_env == ()
    assert _validate(BuildOptions(context=".", http_proxy=True), conf_off).proxy_env == taken


def test_a_steps_own_env_or_arg_wins_over_the_proxy() -> None:
    env = ("PATH=/bin", "http_proxy=http://mine")
    proxy = ("http_proxy=http://hutch", "https_proxy=http://hutch")
    assert with_proxy(env, proxy) == (*env, "https_proxy=http://hutch")
    assert with_proxy(env, ()) == env
