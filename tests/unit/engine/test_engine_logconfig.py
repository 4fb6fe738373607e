"""--log-driver and --log-opt: what is accepted and the messages for the rest."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hutch.api.container_config import LogOptions
from hutch.api.errors import InvalidArgument
from hutch.engine import logconfig
from hutch.runtime.logfile import LogWriter


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


@pytest.mark.parametrize("driver", ["passthrough", "passthrough-tty"])
def test_passthrough_drivers_are_accepted(tmp_path: Path, driver: str) -> None:
    logconfig.check(driver, ())
    assert logconfig.log_spec(driver, (), tmp_path).driver == driver
    assert logconfig.passes_streams(driver)
    assert LogOptions(driver).passes_streams  # the CLI's and the service's question


@pytest.mark.parametrize("driver", ["", "k8s-file", "json-file", "none"])
def test_other_drivers_keep_their_streams_and_skip_the_checks(driver: str) -> None:
    assert not logconfig.passes_streams(driver)
    assert not LogOptions(driver).passes_streams
    master, slave = os.openpty()
    try:
        logconfig.check_streams(driver, True, (slave, slave, slave))  # nothing refused
    finally:
        os.close(master)
        os.close(slave)


@pytest.mark.parametrize("driver", ["passthrough", "passthrough-tty"])
def test_passthrough_with_tty_is_refused_in_hutchs_words(driver: str) -> None:
    read, write = os.pipe()
    try:
        with pytest.raises(
            InvalidArgument, match=f"^the '--log-driver {driver}' option cannot be used with --tty"
        ):
            logconfig.check_streams(driver, True, (read, write, write))
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.parametrize("which", [0, 1, 2])
def test_passthrough_on_a_terminal_is_refused_in_podmans_words(which: int) -> None:
    read, write = os.pipe()
    master, slave = os.openpty()
    streams = [read, write, write]
    streams[which] = slave
    try:
        with pytest.raises(InvalidArgument) as caught:
            logconfig.check_streams("passthrough", False, streams)
        assert str(caught.value) == (
            "the '--log-driver passthrough' option cannot be used on a TTY.  "
            "If you really want it, use '--log-driver passthrough-tty'"
        )
        logconfig.check_streams("passthrough-tty", False, streams)  # allowed there
    finally:
        for fd in (read, write, master, slave):
            os.close(fd)


def test_passthrough_on_pipes_is_accepted() -> None:
    read, write = os.pipe()
    try:
        logconfig.check_streams("passthrough", False, (read, write, write))
    finally:
        os.close(read)
        os.close(write)


@pytest.mark.parametrize(
    ("driver", "what", "text"),
    [
        (
            "passthrough",
            "read logs",
            "this container is using the 'passthrough' log driver, cannot read logs: "
            "this container is not logging output",
        ),
        (
            "none",
            "read logs",
            "this container is using the 'none' log driver, cannot read logs: "
            "this container is not logging output",
        ),
        (
            "passthrough-tty",
            "attach",
            "this container is using the 'passthrough-tty' log driver, cannot attach: "
            "this container is not logging output",
        ),
    ],
)
def test_the_refusals_of_logs_and_attach_are_podmans(driver: str, what: str, text: str) -> None:
    assert logconfig.without_log_message(driver, what) == text


def test_journald_is_still_refused_naming_the_passthrough_drivers() -> None:
    with pytest.raises(InvalidArgument, match=r"passthrough, passthrough-tty$"):
        logconfig.check("journald", ())


@pytest.mark.parametrize("driver", ["none", "passthrough", "passthrough-tty"])
def test_drivers_without_a_file_write_none(tmp_path: Path, driver: str) -> None:
    writer = LogWriter(driver, str(tmp_path / "ctr.log"))
    writer.write("stdout", b"out\n")
    writer.write("stderr", b"partial")
    writer.flush()
    assert not (tmp_path / "ctr.log").exists()
