"""``hutch update --restart`` against a fake engine: the policy reaches the engine,
limits or not; without a flag the engine's refusal stands."""

from __future__ import annotations

import pytest

from hutch.api.container_config import ResourceOptions
from unit.fakes import FakeEngine, run_cli


@pytest.mark.parametrize(
    ("argv", "restart", "memory"),
    [
        (["update", "--restart", "always", "web"], "always", None),
        (["update", "--restart=on-failure:3", "--memory", "64m", "web"], "on-failure:3", "64m"),
        (["container", "update", "-m", "64m", "web"], None, "64m"),
    ],
)
def test_update_passes_the_restart_policy(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    restart: str | None,
    memory: str | None,
) -> None:
    fake = FakeEngine()
    assert run_cli(argv, fake, monkeypatch, capsys).code == 0
    name, options, policy = fake.only_call("containers.update")
    assert name == "web" and policy == restart
    assert isinstance(options, ResourceOptions) and options.memory == memory
