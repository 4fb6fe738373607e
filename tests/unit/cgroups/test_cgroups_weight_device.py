"""--blkio-weight-device: parsed, placed on the file that can weigh the device, written."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import ResourceOptions
from hutch.api.errors import HostNotReady, InvalidArgument
from hutch.cgroups import v2
from hutch.cgroups.host import CgroupHost
from hutch.cgroups.limits import CGROUPFS, DeviceLimit, ResourceSpec
from hutch.cgroups.manager import weigh_devices
from hutch.engine import resource_inspect
from hutch.engine import resources as r


@pytest.fixture
def sda(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(r, "block_device", lambda path, flag: {"/dev/sda": "8:0"}[path])


def test_parsed_with_the_last_weight_of_a_device(sda: None) -> None:
    spec = r.parse_limits(ResourceOptions(blkio_weight_device=("/dev/sda:300", "/dev/sda:500")))
    assert spec.device_weights == (DeviceLimit("8:0", "io.weight", 500),)
    assert v2.controllers_for(spec) == {"io"}


@pytest.mark.parametrize(
    ("item", "message"),
    [  # podman's words
        ("/dev/sda", "bad format: /dev/sda"),
        (":500", "bad format for device path: :500"),
        ("/tmp:500", "bad format for device path: /tmp:500"),
        ("/dev/sda:", "invalid weight for device: /dev/sda:"),
        ("/dev/sda:heavy", "invalid weight for device: /dev/sda:heavy"),
        ("/dev/sda:5", "invalid weight for device: /dev/sda:5"),
        ("/dev/sda:1001", "invalid weight for device: /dev/sda:1001"),
    ],
)
def test_bad_weights(sda: None, item: str, message: str) -> None:
    with pytest.raises(InvalidArgument) as caught:
        r.parse_limits(ResourceOptions(blkio_weight_device=(item,)))
    assert str(caught.value) == message


def test_a_missing_weight_device_in_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as caught:
        r.parse_limits(ResourceOptions(blkio_weight_device=("/dev/nonexistent:500",)))
    want = (
        "failed to inspect '/dev/nonexistent' in --blkio-weight-device: no such file or directory"
    )
    assert str(caught.value) == want


def test_a_device_that_is_not_a_block_device_is_refused() -> None:
    with pytest.raises(InvalidArgument, match=r"--blkio-weight-device.*not a block device"):
        r.parse_limits(ResourceOptions(blkio_weight_device=("/dev/null:500",)))


def test_one_io_weight_line_per_device_scaled_or_bfq_as_given() -> None:
    spec = ResourceSpec(
        io_weight=100,
        device_weights=(
            DeviceLimit("8:0", "io.weight", 500),
            DeviceLimit("8:16", "io.bfq.weight", 500),
        ),
    )
    files = v2.limit_files(spec, lambda name: False)
    assert files == [
        ("io.weight", "default 910"),
        ("io.weight", f"8:0 {v2.blkio_to_io_weight(500)}"),
        ("io.bfq.weight", "8:16 500"),
    ]


def test_write_limits_writes_each_line_on_its_own(tmp_path: Path) -> None:
    writes: list[str] = []

    class Recorder:
        def __init__(self, path: Path, mode: str) -> None:
            self.path = path

        def __enter__(self) -> Recorder:
            return self

        def __exit__(self, *exc: object) -> None:
            return None

        def write(self, value: str) -> None:
            writes.append(f"{self.path.name}={value}")

    spec = ResourceSpec(
        device_weights=(DeviceLimit("8:0", "io.weight", 10), DeviceLimit("8:16", "io.weight", 1000))
    )
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("builtins.open", Recorder)
        v2.write_limits(tmp_path, spec)
    assert writes == ["io.weight=8:0 1", "io.weight=8:16 10000"]


def _sysfs(tmp_path: Path, device: str, scheduler: str) -> Path:
    queue = tmp_path / "sys" / "dev" / "block" / device / "queue"
    queue.mkdir(parents=True)
    (queue / "scheduler").write_text(scheduler + "\n")
    return tmp_path / "sys"


def test_the_weight_file_follows_the_device(tmp_path: Path) -> None:
    mount = tmp_path / "cgroup"
    mount.mkdir()
    rest = "ctrl=auto rpct=0.00 rlat=25000 wpct=0.00 wlat=25000 min=1.00 max=10000.00"
    (mount / "io.cost.qos").write_text(f"254:0 enable=1 {rest}\n254:16 enable=0 {rest}\n")
    sysfs = _sysfs(tmp_path, "8:0", "mq-deadline kyber [bfq] none")
    _sysfs(tmp_path, "254:0", "[none] mq-deadline")
    _sysfs(tmp_path, "254:16", "[none] mq-deadline")
    assert v2.device_weight_file("8:0", mount, sysfs) == "io.bfq.weight"
    assert v2.device_weight_file("254:0", mount, sysfs) == "io.weight"
    assert v2.device_weight_file("254:16", mount, sysfs) == ""  # io.cost off for it
    assert v2.device_weight_file("8:1", mount, sysfs) == ""  # a partition: no queue


def test_placing_refuses_a_device_the_kernel_cannot_weigh(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(v2, "device_weight_file", lambda device, mount: "")
    with pytest.raises(HostNotReady) as caught:
        weigh_devices((DeviceLimit("254:0", "io.weight", 500),), tmp_path)
    message = str(caught.value)
    assert message.startswith("--blkio-weight-device cannot be enforced for device 254:0: ")
    assert f"echo '254:0 enable=1' > {tmp_path}/io.cost.qos" in message


def test_placing_picks_the_file(sda: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(v2, "device_weight_file", lambda device, mount: "io.bfq.weight")
    host = CgroupHost(CGROUPFS, "/sys/fs/cgroup/u", ("io", "pids"), "", "/sys/fs/cgroup")
    spec = r.plan(ResourceOptions(blkio_weight_device=("/dev/sda:400",)), "", host).spec
    assert spec.device_weights == (DeviceLimit("8:0", "io.bfq.weight", 400),)
    with pytest.raises(HostNotReady, match="the io controller"):
        bare = CgroupHost(CGROUPFS, "/sys/fs/cgroup/u", ("pids",), "", "/sys/fs/cgroup")
        r.plan(ResourceOptions(blkio_weight_device=("/dev/sda:400",)), "", bare)


def test_update_replaces_a_device_weight_and_keeps_the_others(sda: None) -> None:
    current = ResourceSpec(
        device_weights=(DeviceLimit("8:0", "io.weight", 100), DeviceLimit("8:16", "io.weight", 200))
    )
    new = r.merge_update(current, ResourceOptions(blkio_weight_device=("/dev/sda:700",)))
    assert new.device_weights == (
        DeviceLimit("8:0", "io.weight", 700),
        DeviceLimit("8:16", "io.weight", 200),
    )
    changed = r.only_changed(current, new)
    assert ("io.weight", f"8:0 {v2.blkio_to_io_weight(700)}") in v2.limit_files(
        changed, lambda n: False
    )


def test_inspect_shows_the_path_given(sda: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(resource_inspect, "_device_paths", lambda options: {"8:0": "/dev/sda"})
    options = ResourceOptions(blkio_weight_device=("/dev/sda:300",))
    spec = ResourceSpec(backend=CGROUPFS, device_weights=(DeviceLimit("8:0", "io.weight", 300),))
    limits = resource_inspect.inspect_limits(spec, options)
    assert [(w.path, w.weight) for w in limits.blkio_weight_device] == [("/dev/sda", 300)]
    assert options.given_limits() == ("--blkio-weight-device",)
