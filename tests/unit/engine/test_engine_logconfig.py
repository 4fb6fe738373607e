"""--log-driver and --log-opt: what is accepted and the messages for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import LogOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import logconfig


def test_default_is_k8s_file_in_the_bundle(tmp_path: Path) -> None:
    spec = logconfig.log_spec("", (), tmp_path)
    assert (spec.driver, spec.path, spec.max_size, spec.max_files) == (
        "k8s-file",
        str(tmp_path / "ctr.log"),
        0,
        1,
    )


def test_options_are_parsed(tmp_path: Path) -> None:
    target = tmp_path / "app.log"
    spec = logconfig.log_spec(
        "json-file",
        ("max-size=10mb", "max-file=4", f"path={target}", "tag=web"),
        tmp_path,
    )
    assert spec.driver == "json-file"
    assert spec.max_size == 10 * 1024 * 1024
    assert (spec.max_files, spec.path, spec.tag) == (4, str(target), "web")


@pytest.mark.parametrize(
    ("driver", "opts", "needle"),
    [
        # podman's words where podman refuses it too; hutch's for what only hutch refuses
        ("syslog", (), "^running container create option: invalid log driver: invalid argument$"),
        ("journald", (), "invalid --log-driver 'journald': use one of"),
        ("", ("max-size=lots",), "^invalid size: 'lots'$"),
        ("", ("max-file=0",), "max-file"),
        ("", ("color=red",), "KEY one of max-size"),
        ("", ("max-size",), '^invalid log option "max-size"$'),
        ("", ("path=relative.log",), "must be absolute"),
        ("", ("path=/no/such/dir/x.log",), "does not exist"),
    ],
)
def test_bad_flags_are_refused(driver: str, opts: tuple[str, ...], needle: str) -> None:
    with pytest.raises(InvalidArgument, match=needle):
        logconfig.check(driver, opts)


def test_recorded_options_give_the_same_spec(tmp_path: Path) -> None:
    spec = logconfig.log_spec_of(LogOptions("json-file", ("max-size=1k",)), tmp_path)
    assert (spec.driver, spec.max_size) == ("json-file", 1024)
    # Containers made before the log options existed: the default.
    assert logconfig.log_spec_of(LogOptions(), tmp_path).driver == "k8s-file"
