"""--systemd: when the mode applies, and what it changes in the spec and the record."""

from __future__ import annotations

from dataclasses import replace

import pytest

from hutch.api.container_config import KernelOptions, LifecycleOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.api.flags import systemd_mode
from hutch.engine import systemd_mode as sd
from hutch.engine.container_record import ContainerConfig
from hutch.oci.image import ContainerConfig as ImageRunConfig
from hutch.runtime.spec import Mount, Process, Rootfs, Spec


def spec(*args: str, mounts: tuple[Mount, ...] = ()) -> Spec:
    return Spec(
        id="ab" * 32,
        hostname="h",
        process=Process(args=args, env=("PATH=/bin",)),
        rootfs=Rootfs(kind="bind", target="/x"),
        mounts=mounts,
    )


def options(mode: str = "true", size: str | None = None) -> RunOptions:
    return RunOptions(
        "img",
        lifecycle=LifecycleOptions(systemd=mode),
        kernel=KernelOptions(shm_size_systemd=size),
    )


@pytest.mark.parametrize(
    ("mode", "args", "expected"),
    [
        ("true", ("/sbin/init",), True),
        ("true", ("/usr/sbin/init",), True),
        ("true", ("/usr/local/sbin/init",), True),
        ("true", ("/lib/systemd/systemd", "--system"), True),
        ("true", ("systemd",), True),
        ("true", ("init",), False),  # podman compares the paths themselves
        ("true", ("sh",), False),
        ("false", ("/sbin/init",), False),
        ("always", ("sh",), True),
    ],
)
def test_when_the_mode_applies(mode: str, args: tuple[str, ...], expected: bool) -> None:
    assert sd.wanted(mode, args) is expected


def test_systemd_mode_mounts_tmpfs_and_sets_container_uuid() -> None:
    given = Mount("tmpfs", "/tmp", "tmpfs", ("size=1m",))
    out, on = sd.apply(spec("/sbin/init", mounts=(given,)), options(size="32m"))
    assert on
    added = [m for m in out.mounts if m is not given]
    assert [m.destination for m in added] == ["/run", "/run/lock", "/var/log/journal"]
    assert all(m.kind == "tmpfs" and f"size={32 << 20}" in m.options for m in added)
    assert "nosuid" in added[0].options and "nodev" in added[0].options
    assert all("tmpcopyup" in m.options for m in added)  # the image's content, copied in
    assert out.process.env == ("PATH=/bin", "container_uuid=" + "ab" * 16)


def test_no_systemd_mode_changes_nothing() -> None:
    before = spec("sh")
    assert sd.apply(before, options()) == (before, False)


def test_the_stop_signal_is_sigrtmin_plus_3_unless_one_is_named() -> None:
    config = ContainerConfig(options=RunOptions("img"), systemd=True)
    assert config.stop_signal == "SIGRTMIN+3"
    assert replace(config, systemd=False).stop_signal == "SIGTERM"
    image = ImageRunConfig(stop_signal="SIGINT")
    assert replace(config, image_config=image).stop_signal == "SIGINT"
    flagged = replace(config, options=RunOptions("img", stop_signal="SIGHUP"))
    assert flagged.stop_signal == "SIGHUP"


def test_a_bad_mode_is_refused_in_podmans_words() -> None:
    assert systemd_mode("always", "--systemd") == "always"
    with pytest.raises(InvalidArgument) as exc:
        systemd_mode("yes", "--systemd")
    assert str(exc.value) == (
        'invalid config provided: --systemd values must be one of "true, false, always": '
        "invalid configuration"
    )
