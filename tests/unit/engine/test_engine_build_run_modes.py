"""build --pid/--ipc/--uts/--cgroupns, --device and --stdin: parsed as podman build
parses them, and what they make of a RUN step's spec (issue 15)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

from hutch.api.build import BuildNamespaces, BuildOptions
from hutch.api.errors import InvalidArgument
from hutch.build.runstep import build_spec
from hutch.build.stepstate import RunSettings, StepNamespaces
from hutch.config.settings import Settings
from hutch.engine.build import _validate
from hutch.engine.build_run_modes import step_devices, step_namespaces
from hutch.runtime.spec import Spec
from hutch.runtime.spec_security import Device
from unit.steprequest import step_request

SELF_UTS = f"/proc/{os.getpid()}/ns/uts"


@pytest.mark.parametrize("how", ["", "private", "container", None])
def test_private_container_and_empty_make_the_namespace(how: str | None) -> None:
    given = BuildNamespaces(pid=how, ipc=how, uts=how, cgroupns=how)
    assert step_namespaces(given) == StepNamespaces()


def test_host_keeps_hutchs_and_a_path_is_joined() -> None:
    given = BuildNamespaces(pid="host", cgroupns="host", uts=SELF_UTS, ipc="ns:/proc/self/ns/ipc")
    assert step_namespaces(given) == StepNamespaces(
        host=("pid", "cgroup"), joins=(("ipc", "/proc/self/ns/ipc"), ("uts", SELF_UTS))
    )


@pytest.mark.parametrize(
    ("field", "how", "message"),
    [
        ("uts", "container:foo", "checking uts namespace: stat container:foo: no such file"),
        ("pid", "bogus", "checking pid namespace: stat bogus: no such file or directory"),
        ("cgroupns", "ns:/nonexistent", "checking cgroup namespace: stat /nonexistent: no such"),
    ],
)
def test_a_path_that_is_not_there_is_refused_in_podmans_words(
    field: str, how: str, message: str
) -> None:
    with pytest.raises(InvalidArgument, match=f"^{message}"):
        step_namespaces(BuildNamespaces(**{field: how}))


@pytest.mark.parametrize(
    ("item", "message"),
    [
        ("/dev/nonexist", "creating build executor: getting info of source device "
         "/dev/nonexist: stat /dev/nonexist: no such file or directory"),
        ("/dev/null:rx", "creating build executor: invalid device mode: rx"),
        ("/dev/null:/a:/b:c", "creating build executor: invalid device specification: "
         "/dev/null:/a:/b:c"),
    ],
)  # fmt: skip
def test_devices_are_refused_in_podman_builds_words(item: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        step_devices((item,))
    assert caught.value.message == message


def test_devices_as_run_takes_them() -> None:
    assert step_devices(("/dev/null:/dev/xnull:rw", "/dev/zero")) == (
        Device("/dev/null", "/dev/xnull", "rw"),
        Device("/dev/zero", "/dev/zero", "rwm"),
    )


def test_the_flags_reach_the_run_settings() -> None:
    options = BuildOptions(
        context=".",
        namespaces=BuildNamespaces(pid="host"),
        devices=("/dev/null",),
        stdin=True,
    )
    run = _validate(options, Settings())
    assert run.namespaces == StepNamespaces(host=("pid",))
    assert run.devices == (Device("/dev/null", "/dev/null", "rwm"),)
    assert run.stdin is True


def _spec(tmp_path: Path, settings: RunSettings, network: str = "none") -> Spec:
    return build_spec(step_request(tmp_path, settings, network, workdir=tmp_path / "step"), ())


def test_the_step_spec_makes_keeps_and_joins_as_asked(tmp_path: Path) -> None:
    default = _spec(tmp_path, RunSettings())
    assert set(default.namespaces) == {"mount", "pid", "uts", "ipc", "net", "cgroup"}
    assert (default.joins, default.process.stdin, default.security.devices) == ((), False, ())
    assert default.hostname == "ab" * 6
    namespaces = StepNamespaces(host=("pid", "uts"), joins=(("ipc", "/proc/1/ns/ipc"),))
    device = Device("/dev/null", "/dev/xnull", "rw")
    spec = _spec(
        tmp_path,
        RunSettings(namespaces=namespaces, devices=(device,), stdin=True),
        network="host",
    )
    assert spec.namespaces == ("mount", "cgroup")
    assert spec.joins == (("ipc", "/proc/1/ns/ipc"),)
    assert spec.security.devices == (device,)
    assert spec.process.stdin is True
    assert spec.hostname == socket.gethostname()  # --uts host: the host's name


def test_stdin_goes_to_the_step_as_frames_then_its_end() -> None:
    from hutch.build.runstep import _send_input
    from hutch.runtime import attachproto as ap

    ours, monitor = socket.socketpair()
    read_fd, write_fd = os.pipe()
    try:
        os.write(write_fd, b"hello\n")
        assert _send_input(ours, read_fd) == read_fd
        os.close(write_fd)
        assert _send_input(ours, read_fd) is None  # its end: no more reads
        frames = ap.FrameReader().feed(monitor.recv(4096))
        assert frames == [(ap.STDIN, b"hello\n"), (ap.STDIN_EOF, b"")]
        monitor.close()  # a step gone before reading its input: no error, no more input
        zero = os.open("/dev/zero", os.O_RDONLY)
        try:
            assert _send_input(ours, zero) is None
        finally:
            os.close(zero)
    finally:
        ours.close()
        os.close(read_fd)
