"""``[engine] cgroup_manager`` / ``events_logger`` (``--cgroup-manager``,
``--events-backend``): podman's values, and its words for the others."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.errors import InvalidArgument
from hutch.config.settings import check_cgroup_manager, check_events_backend, load_settings


def test_podmans_values_are_accepted() -> None:
    assert [check_cgroup_manager(v) for v in ("", "cgroupfs", "systemd")] == [
        "",
        "cgroupfs",
        "systemd",
    ]
    assert [check_events_backend(v) for v in ("file", "journald", "none")] == [
        "file",
        "journald",
        "none",
    ]


def test_other_values_have_podmans_messages() -> None:
    with pytest.raises(InvalidArgument) as err:
        check_cgroup_manager("foo")
    assert str(err.value) == "cgroup manager must be one of cgroupfs and systemd: invalid argument"
    with pytest.raises(InvalidArgument) as err:
        check_events_backend("foo")
    assert str(err.value) == '"foo" is not a valid events backend: invalid argument'


def test_the_engine_table_of_the_settings_file(tmp_path: Path) -> None:
    user_file = tmp_path / "hutch.toml"
    user_file.write_text('[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "none"\n')
    settings = load_settings(user_file)
    assert (settings.cgroup_manager, settings.events_logger) == ("cgroupfs", "none")
    user_file.write_text('[engine]\nevents_logger = "syslog"\n')
    with pytest.raises(InvalidArgument, match="not a valid events backend"):
        load_settings(user_file)
