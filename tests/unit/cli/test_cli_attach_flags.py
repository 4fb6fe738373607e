"""run/create/start/attach: --tz, --detach-keys, podman's --sig-proxy=false spelling, and
the switches containers.conf also sets (None when not given)."""

from __future__ import annotations

import pytest

from hutch.api.container_config import RunOptions
from hutch.api.containers import ActionReport
from unit.fakes import FakeEngine, run_cli


def _run(argv: list[str], mp: pytest.MonkeyPatch, cap: pytest.CaptureFixture[str]) -> RunOptions:
    fake = FakeEngine()
    result = run_cli(["run", *argv], fake, mp, cap)
    assert result.code == 0, result.err
    options = fake.only_call("containers.run")
    assert isinstance(options, RunOptions)
    return options


def test_run_flags_reach_the_options(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    options = _run(
        ["-it", "--sig-proxy=false", "--detach-keys", "", "--tz", "local", "img", "sh"],
        monkeypatch,
        capsys,
    )
    assert options.lifecycle.sig_proxy is False
    assert options.lifecycle.detach_keys == ""
    assert options.timezone == "local"
    assert options.command == ("sh",)
    defaults = _run(["img"], monkeypatch, capsys)
    assert defaults.lifecycle.sig_proxy is True and defaults.timezone is None


def test_start_passes_detach_keys_and_sig_proxy(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(action_reports=[ActionReport("c", "c" * 64)])
    argv = ["start", "-a", "--detach-keys", "ctrl-x", "--sig-proxy=false", "c"]
    run_cli(argv, fake, monkeypatch, capsys)
    _, options = fake.calls[-1][1]
    assert (options.detach_keys, options.sig_proxy) == ("ctrl-x", False)
    run_cli(["start", "c"], fake, monkeypatch, capsys)
    _, options = fake.calls[-1][1]
    assert (options.detach_keys, options.sig_proxy) == (None, True)


def test_start_prints_no_line_for_a_container_running_already(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """podman's (4.3.1 and current): only the containers it started are printed."""
    reports = [ActionReport("up", "u" * 64, unchanged=True), ActionReport("idle", "i" * 64)]
    fake = FakeEngine(action_reports=reports)
    result = run_cli(["start", "up", "idle"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "idle\n")
    attached = FakeEngine(action_reports=reports[:1])
    result = run_cli(["start", "-a", "up"], attached, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "")  # attached to it: exit 0 when it ends


def test_exec_detach_prints_the_session_id(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine(run_status=4)
    result = run_cli(["exec", "-d", "c", "true"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (0, "e" * 64 + "\n")
    result = run_cli(["exec", "c", "false"], fake, monkeypatch, capsys)
    assert (result.code, result.out) == (4, "")


# The switches containers.conf also sets tell no flag (None) from ``=false``, so that
# the flag turns a file's ``true`` off (issue 15).
SWITCHES = ("--env-host", "--init", "--no-hosts", "--read-only", "--http-proxy", "--privileged")


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ([], None),
        (list(SWITCHES), True),
        ([f"{s}=false" for s in SWITCHES], False),
        ([f"{s}=true" for s in SWITCHES], True),
        ([*SWITCHES, *(f"{s}=0" for s in SWITCHES)], False),  # pflag: the last one wins
    ],
)
def test_a_conf_switch_not_given_is_none(
    words: list[str],
    expected: bool | None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    o = _run([*words, "img"], monkeypatch, capsys)
    got = (o.env_host, o.lifecycle.init, o.net.no_hosts, o.security.read_only, o.http_proxy)
    assert got == (expected,) * 5
    assert o.security.privileged is expected


@pytest.mark.parametrize(("words", "expected"), [([], ""), (["--pull", "never"], "never")])
def test_pull_not_given_is_left_to_containers_conf(
    words: list[str],
    expected: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No --pull: "", which [engine] pull_policy fills (missing without it)."""
    assert _run([*words, "img"], monkeypatch, capsys).pull.policy == expected


@pytest.mark.parametrize("verb", ["run", "create"])
def test_retry_flags_reach_the_pull_options(
    verb: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    argv = [verb, "--retry", "0", "--retry-delay", "250ms", "img"]
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    options = fake.calls[0][1]
    assert (options.pull.retry, options.pull.retry_delay) == (0, "250ms")
    unsaid = _run(["img"], monkeypatch, capsys)
    assert (unsaid.pull.retry, unsaid.pull.retry_delay) == (None, None)


def test_a_negative_retry_is_refused_in_pflags_words(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    result = run_cli(["run", "--retry", "-1", "img"], fake, monkeypatch, capsys)
    assert result.code == 125 and fake.calls == []
    assert 'invalid argument "-1" for "--retry" flag: strconv.ParseUint' in result.err
