"""The network helper forked from the monitor (``nethelper._run_attach``), for real."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.runtime import nethelper


def test_a_helper_that_succeeds_returns(tmp_path: Path) -> None:
    # detach with no published ports on record: the helper has nothing to do
    nethelper._run_attach("detach", {"rundir": str(tmp_path), "container_id": "c" * 64})


def test_a_helpers_last_word_is_the_error(tmp_path: Path) -> None:
    with pytest.raises(nethelper.NetworkAttachError) as caught:
        nethelper._run_attach("attach", {"rundir": str(tmp_path)})
    text = str(caught.value)
    assert text.startswith("cannot attach the container to its networks: attach failed: KeyError")


def test_the_monitor_looks_for_forwards_where_the_helper_records_them(tmp_path: Path) -> None:
    from hutch.net import rootless
    from hutch.runtime.spec_network import NetworkSpec

    net = NetworkSpec(mode="bridge", runtime_dir=str(tmp_path), container_id="e" * 64)
    assert nethelper.forwards_file(net) == rootless.forwards_file(tmp_path, "e" * 64)
