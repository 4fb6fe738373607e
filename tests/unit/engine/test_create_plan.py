"""create's pure steps: the flags checked and planned with an image, without a store."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.container_config import NetworkOptions, RunOptions
from hutch.api.errors import InvalidArgument
from hutch.config.settings import Settings
from hutch.engine.create_plan import parse_create, plan_create
from hutch.engine.signal_parse import parse_signal
from hutch.oci.image import ContainerConfig, ImageConfig
from hutch.runtime.restart import RestartPolicy

SETTINGS = Settings(default_network="none", cgroups="disabled")
IMAGE = ImageConfig("amd64", "linux", (), ContainerConfig(exposed_ports=("80/tcp", "53/udp")))


def test_the_default_network_and_the_restart_policy_are_filled_in() -> None:
    request = parse_create(RunOptions("busybox", restart="on-failure:3"), SETTINGS)
    assert request.options.network == "none"  # the [network] default setting
    assert request.restart == RestartPolicy("on-failure", 3)
    assert request.localtime == ()  # no --tz


def test_network_bridge_is_the_default_network_as_for_rootless_podman() -> None:
    assert parse_create(RunOptions("b", network="bridge"), SETTINGS).options.network == "none"
    default = parse_create(RunOptions("b", network="bridge"), Settings(cgroups="disabled"))
    assert default.options.network == "private"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (RunOptions("b", name="-bad"), "running container create option: names must match"),
        (RunOptions("b", stop_signal="SIGNOPE"), "invalid signal: SIGNOPE"),
        (RunOptions("b", restart="sometimes"), "sometimes"),
        (RunOptions("b", stop_signal="0"), "invalid signal: 0"),
        (
            RunOptions("b", detach=True, remove=True, restart="always"),
            "the --rm option conflicts with --restart",
        ),
        # podman's words, attached too, and before the policy is read
        *(
            (
                RunOptions("b", remove=True, restart=policy),
                'the --rm option conflicts with --restart, when the restartPolicy is not "" '
                'and "no"',
            )
            for policy in ("always", "on-failure:3", "never", "bogus")
        ),
        (
            RunOptions("b", sdnotify="ready"),
            'invalid config provided: invalid argument: invalid sdnotify value "ready": must be '
            "conmon, container, healthy or ignore",
        ),
        (RunOptions("b", replace=True), "cannot replace container without --name"),
    ],
)
def test_bad_flags_are_refused_before_anything_is_made(options: RunOptions, message: str) -> None:
    with pytest.raises(InvalidArgument) as exc:
        parse_create(options, SETTINGS)
    assert message in str(exc.value)


@pytest.mark.parametrize("policy", ["no", "on-failure"])
def test_rm_takes_no_restart_policy(policy: str) -> None:
    assert parse_create(RunOptions("b", remove=True, restart=policy), SETTINGS).options.remove


def test_an_existing_cidfile_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cid").write_text("x")
    with pytest.raises(
        InvalidArgument,
        match=r"container id file exists\. Ensure another container is not using it or delete",
    ):
        parse_create(RunOptions("b", cidfile=str(tmp_path / "cid")), SETTINGS)


def test_the_plan_holds_the_record_to_store_and_the_network() -> None:
    request = parse_create(RunOptions("busybox", name="web", restart="always"), SETTINGS)
    plan = plan_create(request, IMAGE, SETTINGS, "overlay")
    assert plan.name == "web"
    assert plan.config.options is request.options
    assert (plan.config.driver, plan.config.restart) == ("overlay", RestartPolicy("always"))
    assert plan.network.mode == "none" and plan.network.ports == ()


def test_publish_all_takes_the_ports_the_image_exposes() -> None:
    options = RunOptions("busybox", network="somenet", net=NetworkOptions(publish_all=True))
    plan = plan_create(parse_create(options, SETTINGS), IMAGE, SETTINGS, "vfs")
    assert plan.network.mode == "bridge"
    assert sorted((p.container_port, p.protocol) for p in plan.network.ports) == [
        (53, "udp"),
        (80, "tcp"),
    ]
    assert all(p.host_port > 0 for p in plan.network.ports)  # chosen free on the host
    assert plan.name  # a random one when none was given


def test_signals_by_name_or_number() -> None:
    assert parse_signal("term") == 15
    assert parse_signal("9") == 9


def test_a_leading_slash_of_the_name_is_dropped() -> None:
    request = parse_create(RunOptions("b", name="/web"), Settings())
    assert request.options.name == "web"
    with pytest.raises(InvalidArgument, match="names must match"):
        parse_create(RunOptions("b", name="//web"), Settings())
    # --name "": no name given, one is made (podman takes it)
    assert parse_create(RunOptions("b", name=""), Settings()).options.name == ""


def test_memory_zero_is_no_limit() -> None:
    from hutch.api.container_config import ResourceOptions

    options = RunOptions("b", resources=ResourceOptions(memory="0"))
    request = parse_create(options, Settings(cgroups="disabled"))
    assert request.options.resources.memory is None
    assert request.options.resources.given_limits() == ()
    with pytest.raises(InvalidArgument, match="the minimum is 6m"):
        parse_create(RunOptions("b", resources=ResourceOptions(memory="1k")), Settings())


@pytest.mark.parametrize("flag", [True, None])
def test_add_host_with_no_hosts_is_refused_as_podman(flag: bool | None) -> None:
    # the flag or containers.conf's no_hosts = true (flag None): podman's words
    from hutch.config.container_defaults import ContainerDefaults

    settings = Settings(cgroups="disabled", defaults=ContainerDefaults(no_hosts=True))
    options = RunOptions("b", net=NetworkOptions(add_hosts=("a:1.2.3.4",), no_hosts=flag))
    with pytest.raises(InvalidArgument, match="--no-hosts and --add-host cannot be set together"):
        parse_create(options, settings)
    alone = RunOptions("b", net=NetworkOptions(add_hosts=("a:1.2.3.4",), no_hosts=False))
    assert parse_create(alone, settings).options.net.add_hosts == ("a:1.2.3.4",)
