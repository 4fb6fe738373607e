"""The run/create flags podman's rules decide (engine/run_flags.py), with podman
4.3.1's words: --umask, --annotation, --label-file, --device-cgroup-rule,
--kernel-memory."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions, SecurityOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine import container_record, run_flags
from hutch.engine.create_plan import parse_create
from unit.engine.test_engine_inspect_record import _inspect


def parsed(options: RunOptions) -> RunOptions:
    return parse_create(options, Settings()).options


@pytest.mark.parametrize(
    ("text", "mask"), [(None, 0o022), ("0077", 0o077), ("77", 0o077), ("7777", 0o7777), ("0", 0)]
)
def test_umask_values(text: str | None, mask: int) -> None:
    assert run_flags.umask(parsed(RunOptions("i", umask=text))) == mask


@pytest.mark.parametrize("text", ["999", "abc", "01777", "", "-1"])
def test_a_bad_umask_is_refused_in_podmans_words(text: str) -> None:
    with pytest.raises(InvalidArgument) as info:
        parsed(RunOptions("i", umask=text))
    assert info.value.message == (
        f"running container create option: invalid umask string {text}: invalid argument"
    )
    assert info.value.exit_code == 125


def test_inspect_shows_the_umask_and_the_annotations(tmp_path: Path) -> None:
    options = RunOptions("i", umask="077", annotations=("z=1=2", "io.podman.annotations.init=x"))
    data = _inspect(tmp_path, container_record.ContainerConfig(options))
    assert data["Config"]["Umask"] == "077"
    annotations = data["Config"]["Annotations"]
    # podman's own keys win over --annotation where their flag is set (not here:
    # current podman records none "FALSE"); a Go map's JSON is in key order
    assert annotations["z"] == "1=2"
    assert annotations["io.podman.annotations.init"] == "x"
    assert list(annotations) == sorted(annotations)
    (tmp_path / "d").mkdir()
    default = _inspect(tmp_path / "d", container_record.ContainerConfig(RunOptions("i")))
    assert default["Config"]["Umask"] == "0022"


def test_an_annotation_needs_a_value() -> None:
    with pytest.raises(InvalidArgument, match=r"^annotations must be formatted KEY=VALUE$"):
        parsed(RunOptions("i", annotations=("foo",)))


def test_label_files_are_read_under_the_label_flags(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HUTCH_T_FROM_ENV", "env")
    monkeypatch.delenv("HUTCH_T_UNSET", raising=False)
    (tmp_path / "a").write_text(
        '# comment\nA=1\n\n  B=2 \n  # indented\nD="q"\nE=x=y\nHUTCH_T_FROM_ENV\nHUTCH_T_UNSET\n'
    )
    (tmp_path / "b").write_text("A=2\nF=f\n")
    options = parsed(
        RunOptions("i", labels=("A=9",), label_files=(str(tmp_path / "a"), str(tmp_path / "b")))
    )
    labels = container_record.ContainerConfig(options).labels
    assert dict(labels) == {
        "A": "9",
        "B": "2 ",
        "D": '"q"',
        "E": "x=y",
        "HUTCH_T_FROM_ENV": "env",
        "F": "f",
    }


def test_bad_label_files(tmp_path: Path) -> None:
    with pytest.raises(InvalidArgument) as info:
        parsed(RunOptions("i", label_files=(str(tmp_path / "nope"),)))
    assert info.value.message == (
        f"unable to process labels: open {tmp_path / 'nope'}: no such file or directory"
    )
    (tmp_path / "l").write_text("B =2\n")
    with pytest.raises(InvalidArgument) as info:
        parsed(RunOptions("i", label_files=(str(tmp_path / "l"),)))
    assert info.value.message == (
        'unable to process labels: name "B " has white spaces, poorly formatted name'
    )


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("bad", 'invalid device cgroup rule requires type, major:Minor, and access rules: "bad"'),
        ("x 1:3 rwm", "invalid device type in device-access-add: x"),
        ("c 1:3 rwx", "invalid device access in device-access-add: x"),
        ("c a:3 r", 'strconv.ParseUint: parsing "a": invalid syntax'),
        # well formed: refused all the same, rootless (current podman's words)
        (
            "c 1:3 rwm",
            "device cgroup rules are not supported in rootless mode or in a user namespace",
        ),
        (
            "c *:* m",
            "device cgroup rules are not supported in rootless mode or in a user namespace",
        ),
        ("b 8 r", "device cgroup rules are not supported in rootless mode or in a user namespace"),
    ],
)
def test_device_cgroup_rules_are_checked_then_refused(rule: str, message: str) -> None:
    options = RunOptions("i", security=SecurityOptions(device_cgroup_rules=(rule,)))
    with pytest.raises(InvalidArgument) as info:
        parsed(options)
    assert info.value.message == message


def test_kernel_memory_is_a_no_op_with_podmans_warning(capsys: pytest.CaptureFixture[str]) -> None:
    assert parsed(RunOptions("i", kernel_memory="10m")).kernel_memory == "10m"
    assert capsys.readouterr().err == (
        "WARN: The --kernel-memory flag is no longer supported. This flag is a noop.\n"
    )


DISCARDED = (
    "Port mappings have been discarded as one of the Host, Container, Pod, and None "
    "network modes are in use\n"
)


@pytest.mark.parametrize("network", ["host", "none", "container:web"])
def test_ports_on_a_network_without_ports_are_dropped_with_podmans_warning(
    network: str, capsys: pytest.CaptureFixture[str]
) -> None:
    published = RunOptions("i", network=network, net=NetworkOptions(publish=("8080:80",)))
    kept = run_flags.without_unusable_ports(published)
    assert (kept.net.publish, capsys.readouterr().err) == ((), DISCARDED)
    # -P alone: dropped without a word, as podman (its warning counts -p's mappings)
    every = RunOptions("i", network=network, net=NetworkOptions(publish_all=True))
    assert not run_flags.without_unusable_ports(every).net.publish_all
    assert capsys.readouterr().err == ""
    # a -p that does not parse is refused all the same
    bad = RunOptions("i", network=network, net=NetworkOptions(publish=("80:x",)))
    with pytest.raises(InvalidArgument, match="invalid port number"):
        run_flags.without_unusable_ports(bad)


def test_ports_reach_a_network_of_the_containers_own(capsys: pytest.CaptureFixture[str]) -> None:
    for network in ("", "private", "pasta", "mynet"):
        options = RunOptions("i", network=network, net=NetworkOptions(publish=("8080:80",)))
        assert run_flags.without_unusable_ports(options) is options
    assert capsys.readouterr().err == ""
    host = RunOptions("i", network="host", net=NetworkOptions(publish=("8080:80",)))
    assert parsed(host).net.publish == ()  # create's checks no longer refuse it


@pytest.mark.parametrize(
    ("streams", "expected"),
    [
        ((), (True, True, True)),
        (("stdout",), (False, True, False)),
        (("STDERR", "stdin"), (True, False, True)),
    ],
)
def test_attach_streams(streams: tuple[str, ...], expected: tuple[bool, bool, bool]) -> None:
    assert run_flags.attached(parsed(RunOptions("i", attach=streams))) == expected


def test_a_bad_attach_stream_is_refused_in_podmans_words() -> None:
    with pytest.raises(InvalidArgument) as info:
        parsed(RunOptions("i", attach=("foo",)))
    assert info.value.message == (
        'invalid stream "foo" for --attach - must be one of stdin, stdout, or stderr: '
        "invalid argument"
    )


def test_listen_fds_for_another_process_or_without_descriptors_pass_none(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    from hutch.engine.run_flags import passed_descriptors

    monkeypatch.setenv("LISTEN_FDS", "1")
    monkeypatch.setenv("LISTEN_PID", str(os.getpid() + 1))  # meant for someone else
    assert passed_descriptors(0) == (0, None)
    monkeypatch.setenv("LISTEN_PID", str(os.getpid()))
    free = os.open("/dev/null", os.O_RDONLY)  # the lowest free number, closed again
    os.close(free)
    monkeypatch.setenv("LISTEN_FDS", str(free - 2))  # reaches the closed descriptor
    assert passed_descriptors(0) == (0, None)
    assert "passing no socket-activated descriptors" in capsys.readouterr().err
    # (the pass-through itself: tests/integration/test_run_passed_fds.py, a real socket)


def test_cgroup_v1_limits_warn_and_are_no_limits_hutch_applies() -> None:
    # run's, update's and clone's --cpu-rt-*, --memory-swappiness: one declaration
    from hutch.api.container_config import ResourceOptions

    limits = ResourceOptions(cpu_rt_period=1000, cpu_rt_runtime=500, memory_swappiness=40)
    assert limits.given_limits() == ()  # no cgroup is made or probed for them
    assert run_flags.cgroup_v1_only(RunOptions("i", resources=limits)) == [
        "Realtime period not supported on cgroups V2 systems",
        "Realtime runtime not supported on cgroups V2 systems",
        "--memory-swappiness is ignored: only a root user's cgroup v1 applies it",
    ]
    assert ResourceOptions(memory_swappiness=-1).cgroup_v1_warnings() == []  # podman's unset
    with pytest.raises(InvalidArgument, match="valid memory swappiness range is 0-100"):
        ResourceOptions(memory_swappiness=101).cgroup_v1_warnings()


def test_a_label_without_a_key_is_refused_in_podmans_words() -> None:
    run_flags.check_labels(["a=b", "c", "d="])
    with pytest.raises(InvalidArgument) as refused:
        run_flags.check_labels(["a=b", "=x"])
    assert str(refused.value) == 'unable to process labels: invalid label format: "=x"'
    with pytest.raises(InvalidArgument) as in_network:
        run_flags.check_labels(["="], "failed to parse labels")  # network create's context
    assert str(in_network.value) == 'failed to parse labels: invalid label format: "="'
