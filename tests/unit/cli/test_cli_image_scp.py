"""``hutch image scp``: arguments and environment into ScpOptions, podman's output."""

from __future__ import annotations

import pytest

from hutch.api.image_scp import ScpHost, ScpOptions, ScpSide, ScpTransfer
from unit.fakes import FakeEngine, run_cli


def scp(
    argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> tuple[int, str, str, FakeEngine]:
    fake = FakeEngine()
    result = run_cli(["image", "scp", *argv], fake, monkeypatch, capsys)
    return result.code, result.out, result.err, fake


def test_pull_prints_what_was_loaded(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("HUTCH_SCP_SSH", raising=False)
    monkeypatch.delenv("HUTCH_SCP_REMOTE_COMMAND", raising=False)
    code, out, _, fake = scp(["me@h:2222::app"], monkeypatch, capsys)
    assert (code, out) == (0, "Loaded image: localhost/loaded:latest\n")
    assert fake.only_call("images.scp") == ScpOptions(
        ScpTransfer(ScpSide("app", ScpHost("h", "me", 2222)), ScpSide())
    )


def test_quiet_and_the_environment(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUTCH_SCP_SSH", "ssh -F '/a b/config'")
    monkeypatch.setenv("HUTCH_SCP_REMOTE_COMMAND", " env X=1 hutch ")
    code, out, _, fake = scp(["-q", "h::app"], monkeypatch, capsys)
    assert (code, out) == (0, "")
    options = fake.only_call("images.scp")
    assert (options.quiet, options.ssh, options.remote) == (
        True,
        ("ssh", "-F", "/a b/config"),
        "env X=1 hutch",
    )


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        ([], "Error: accepts between 1 and 2 arg(s), received 0\n"),
        (["a", "b::", "c"], "Error: accepts between 1 and 2 arg(s), received 3\n"),
        (["alpine"], "Error: must specify a destination: invalid argument\n"),
    ],
)
def test_bad_arguments_exit_125_before_the_engine(
    argv: list[str],
    words: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err, fake = scp(argv, monkeypatch, capsys)
    assert (code, err) == (125, words)
    assert fake.calls == []


def test_an_unbalanced_quote_in_hutch_scp_ssh_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HUTCH_SCP_SSH", "ssh -o 'x")
    code, _, err, _ = scp(["h::app"], monkeypatch, capsys)
    assert code == 125 and "HUTCH_SCP_SSH=" in err and "No closing quotation" in err
