"""containers.conf's [engine] keys hutch honours besides cgroup_manager,
events_logger and stop_timeout: env, infra_command, image_default_transport,
compression_format, compression_level, retry and retry_delay (issue 15)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.api.images import ManifestPushOptions, PushOptions
from hutch.config.containers_conf import Sources
from hutch.config.settings import Settings, load_settings
from hutch.engine import context
from hutch.engine.pushconvert import LayerCompression, check_compression
from hutch.engine.transports import with_default


def settings(tmp_path: Path, engine_table: str) -> Settings:
    conf = tmp_path / "home" / "containers.conf"
    conf.parent.mkdir(exist_ok=True)
    conf.write_text("[engine]\n" + engine_table)
    sources = Sources(config_home=tmp_path / "home", uid=1000, system_dirs=())
    return load_settings(tmp_path / "none.toml", sources=sources)


def test_the_keys_are_read(tmp_path: Path) -> None:
    got = settings(
        tmp_path,
        'env = ["https_proxy=http://proxy:3128", "A=b=c"]\n'
        'infra_command = "/catatonit"\n'
        'image_default_transport = "oci-archive:"\n'
        'compression_format = "zstd"\n'
        "compression_level = 7\n",
    )
    assert got.engine_env == ("https_proxy=http://proxy:3128", "A=b=c")
    assert got.infra_command == "/catatonit"
    assert got.default_transport == "oci-archive:"
    assert (got.compression_format, got.compression_level) == ("zstd", 7)


def test_podmans_built_in_values_are_hutchs_defaults(tmp_path: Path) -> None:
    got = settings(tmp_path, 'infra_command = "/pause"\nimage_default_transport = "docker://"\n')
    assert (got.infra_command, got.default_transport) == ("", "")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('env = "A=1"', r"\[engine\] env must be a list of strings"),
        ('env = ["A"]', r"\[engine\] env 'A': NAME=VALUE expected"),
        ('env = ["=1"]', r"\[engine\] env '=1': NAME=VALUE expected"),
        ("infra_command = 1", r"\[engine\] infra_command must be a string"),
        ('compression_format = "xz"', r"\[engine\] compression_format 'xz': use gzip"),
        ('compression_level = "5"', r"\[engine\] compression_level must be an integer"),
        ("retry = -1", r"\[engine\] retry must be a whole number, 0 or more"),
        ('retry = "3"', r"\[engine\] retry must be a whole number"),
        ('retry_delay = "soon"', r'\[engine\] retry_delay: time: invalid duration "soon"'),
        ("retry_delay = 2", r"\[engine\] retry_delay must be a string"),
    ],
)
def test_bad_values_are_refused(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(InvalidArgument, match=message):
        settings(tmp_path, table + "\n")


def test_engine_env_is_set_in_hutchs_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUTCH_T_A", "before")
    monkeypatch.delenv("HUTCH_T_B", raising=False)
    context._set_engine_env(("HUTCH_T_A=after", "HUTCH_T_B=x=y"))
    assert (os.environ["HUTCH_T_A"], os.environ["HUTCH_T_B"]) == ("after", "x=y")
    monkeypatch.delenv("HUTCH_T_B")


@pytest.mark.parametrize(
    ("reference", "default", "expected"),
    [
        ("img.tar", "", "img.tar"),
        ("img.tar", "oci-archive:", "oci-archive:img.tar"),
        ("/x/layout:tag", "oci:", "oci:/x/layout:tag"),
        ("docker://alpine", "oci-archive:", "docker://alpine"),  # a transport given
        ("dir:/d", "oci-archive:", "dir:/d"),
        ("alpine", "containers-storage:", "containers-storage:alpine"),
        ("alpine", "dir://", "dir:alpine"),
    ],
)
def test_a_name_without_a_transport_gets_the_default(
    reference: str, default: str, expected: str
) -> None:
    assert with_default(reference, default) == expected


def test_an_unknown_default_transport_is_refused() -> None:
    with pytest.raises(InvalidArgument, match="image_default_transport 'ftp:': use one of"):
        with_default("alpine", "ftp:")


CONF = Settings(compression_format="zstd", compression_level=9)


def test_compression_format_is_the_flags_default_and_does_not_force() -> None:
    got = LayerCompression.of(PushOptions("img"), CONF)
    assert got == LayerCompression("zstd", 9, False)
    assert check_compression(got, None) == "zstd"
    assert LayerCompression.of(PushOptions("img"), Settings()) == LayerCompression(
        None, None, False
    )


def test_the_flags_win_over_the_file() -> None:
    given = PushOptions("img", compression_format="gzip", compression_level=2)
    assert LayerCompression.of(given, CONF) == LayerCompression("gzip", 2, True)
    plain = ManifestPushOptions("l", compression_format="none")
    assert LayerCompression.of(plain, CONF) == LayerCompression("none", None, True)
    unforced = PushOptions("img", compression_format="gzip", force_compression=False)
    assert LayerCompression.of(unforced, CONF).force is False


def test_retry_and_retry_delay_are_read(tmp_path: Path) -> None:
    got = settings(tmp_path, 'retry = 5\nretry_delay = "1m30s"\n')
    assert (got.retry, got.retry_delay) == (5, 90.0)
    podmans = settings(tmp_path, 'retry = 3\nretry_delay = ""\n')  # Debian's file's values
    assert (podmans.retry, podmans.retry_delay) == (3, None)
    assert (Settings().retry, Settings().retry_delay) == (None, None)
