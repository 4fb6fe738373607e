"""The restart policy: parsed once, applied by the monitor with Docker's rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.runtime.monitor import parse_args
from hutch.runtime.restart import RestartPolicy


@pytest.mark.parametrize(
    ("text", "policy"),
    [
        ("no", RestartPolicy("no")),
        ("always", RestartPolicy("always")),
        ("unless-stopped", RestartPolicy("unless-stopped")),
        ("on-failure", RestartPolicy("on-failure", None)),
        ("on-failure:3", RestartPolicy("on-failure", 3)),
        ("on-failure:0", RestartPolicy("on-failure", 0)),
    ],
)
def test_parse_and_back(text: str, policy: RestartPolicy) -> None:
    assert RestartPolicy.parse(text) == policy
    assert str(policy) == text


def test_never_is_current_podmans_synonym_of_no() -> None:
    assert RestartPolicy.parse("never") == RestartPolicy("no")
    assert not RestartPolicy.parse("never").enabled


def test_the_empty_policy_is_podmans_unset_one_and_restarts_nothing() -> None:
    # podman takes --restart "" (its unset policy); inspect tells it apart, not the monitor
    assert RestartPolicy.parse("") == RestartPolicy("no")


RETRIES_ALONE = "restart policy retries can only be specified with on-failure restart policy"


@pytest.mark.parametrize(
    ("text", "words"),
    [  # podman's words
        ("sometimes", '"sometimes" is not a valid restart policy: invalid argument'),
        ("ON-FAILURE:2", '"ON-FAILURE" is not a valid restart policy: invalid argument'),
        (":", RETRIES_ALONE),
        (":3", RETRIES_ALONE),
        ("always:2", RETRIES_ALONE),
        ("never:2", RETRIES_ALONE),
        ("on-failure:1:2", "invalid restart policy: may specify retries at most once"),
    ],
)
def test_bad_policies_are_refused(text: str, words: str) -> None:
    with pytest.raises(ValueError) as raised:
        RestartPolicy.parse(text)
    assert str(raised.value) == words


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("on-failure:x", 'restart policy retry count: strconv.Atoi: parsing "x": invalid syntax'),
        ("on-failure:-1", "retry count as a number greater than 0"),
        ("on-failure:", 'strconv.Atoi: parsing "": invalid syntax'),
    ],
)
def test_bad_retry_counts_in_podmans_words(text: str, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        RestartPolicy.parse(text)


@pytest.mark.parametrize(
    ("text", "code", "restarts", "stopped", "again"),
    [
        ("no", 1, 0, False, False),
        ("always", 0, 50, False, True),
        ("unless-stopped", 0, 0, False, True),
        ("always", 1, 0, True, False),  # hutch stop wins over every policy
        ("on-failure", 0, 0, False, False),
        ("on-failure", 3, 1000, False, True),
        ("on-failure:2", 1, 1, False, True),
        ("on-failure:2", 1, 2, False, False),
        ("on-failure:0", 1, 0, False, False),
    ],
)
def test_should_restart(text: str, code: int, restarts: int, stopped: bool, again: bool) -> None:
    assert RestartPolicy.parse(text).should_restart(code, restarts, stopped) is again


def test_the_monitor_reads_the_policy_from_its_command_line() -> None:
    args = parse_args(["--bundle", "/b", "--attach", "/s", "--restart", "on-failure:4"])
    assert args.restart == RestartPolicy("on-failure", 4)
    assert parse_args(["--bundle", "/b", "--attach", "/s"]).restart == RestartPolicy("no")


def test_the_policy_update_wrote_outranks_the_command_line(tmp_path: Path) -> None:
    from hutch.runtime.restart import current, write_current

    given = RestartPolicy("no")
    assert current(tmp_path, given) is given  # nothing written: the monitor's own
    write_current(tmp_path, RestartPolicy("on-failure", 2))
    assert current(tmp_path, given) == RestartPolicy("on-failure", 2)
    assert [p.name for p in tmp_path.iterdir()] == ["restart-policy"]  # no temporary left
    (tmp_path / "restart-policy").write_text("sometimes")
    assert current(tmp_path, given) is given  # unreadable: never fail the monitor


def test_the_health_events_switch_reaches_the_monitor() -> None:
    """containers.conf's healthcheck_events = false, through the monitor's options."""
    from hutch.runtime.spawn import MonitorConfig, monitor_args

    config = MonitorConfig(bundle=Path("/b"), attach_socket="/s", gid5_mapped=False)
    assert parse_args(monitor_args(config, False)).health_events is True
    quiet = MonitorConfig(Path("/b"), "/s", False, health_events=False)
    assert parse_args(monitor_args(quiet, False)).health_events is False


def test_the_command_that_writes_the_etc_files_anew_reaches_the_monitor() -> None:
    """The engine's etc_refresh command, run before each of the policy's runs."""
    from hutch.runtime.spawn import MonitorConfig, monitor_args

    refresh = ("/usr/bin/python3", "-m", "hutch.engine.etc_refresh", "/d", "/r", "id")
    config = MonitorConfig(Path("/b"), "/s", False, refresh=refresh)
    assert parse_args(monitor_args(config, False)).refresh == refresh
    bare = MonitorConfig(Path("/b"), "/s", False)
    assert parse_args(monitor_args(bare, False)).refresh == ()
