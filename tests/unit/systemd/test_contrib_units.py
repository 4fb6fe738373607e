"""The user units of contrib/systemd: their commands are hutch's own command lines
(run through the CLI against the fake engine), and contrib/install.sh installs
and removes them."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hutch.api.containers import StartOptions
from hutch.api.system import AutoUpdateOptions
from hutch.systemd.unitfile import read, split_words
from unit.fakes import FakeEngine, run_cli

ROOT = Path(__file__).resolve().parents[3]
UNITS = ROOT / "contrib" / "systemd"
HUTCH = "%h/.local/bin/hutch"


def command(unit: str, key: str = "ExecStart") -> list[str]:
    (value,) = read(UNITS / unit).values("Service", key)
    words = split_words(value)
    assert words[0] == HUTCH, words
    return words[1:]


def test_restart_service_starts_the_always_containers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    unit = read(UNITS / "hutch-restart.service")
    assert unit.last("Service", "Type") == "oneshot"
    assert unit.last("Install", "WantedBy") == "default.target"
    fake = FakeEngine()
    assert run_cli(command("hutch-restart.service"), fake, monkeypatch, capsys).code == 0
    names, options = fake.only_call("containers.start")
    assert names == ()
    assert options == StartOptions(all=True, filters=("restart-policy=always",))


def test_auto_update_service_updates_then_prunes(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = FakeEngine()
    assert run_cli(command("hutch-auto-update.service"), fake, monkeypatch, capsys).code == 0
    assert fake.only_call("system.auto_update") == AutoUpdateOptions()
    prune = command("hutch-auto-update.service", "ExecStartPost")
    assert prune == ["image", "prune", "-f"]
    assert run_cli(prune, FakeEngine(), monkeypatch, capsys).code == 0


def test_the_timer_runs_daily_and_catches_up() -> None:
    timer = read(UNITS / "hutch-auto-update.timer")
    assert timer.last("Timer", "OnCalendar") == "daily"
    assert timer.last("Timer", "Persistent") == "true"
    assert timer.last("Install", "WantedBy") == "timers.target"


def test_install_sh_installs_and_removes_the_units(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    script = str(ROOT / "contrib" / "install.sh")
    done = subprocess.run(["bash", script], env=env, capture_output=True, text=True, check=True)
    installed = tmp_path / "config" / "systemd" / "user"
    names = sorted(p.name for p in installed.iterdir())
    assert names == sorted(p.name for p in UNITS.iterdir())
    assert "hutch-restart.service" in names and "hutch-auto-update.timer" in names
    assert "enable --now hutch-auto-update.timer" in done.stdout
    subprocess.run(["bash", script, "--uninstall"], env=env, capture_output=True, check=True)
    assert list(installed.iterdir()) == []


def test_install_sh_system_puts_pages_and_completions_where_they_are_searched(
    tmp_path: Path,
) -> None:
    # contrib/demo.sh's system-wide hutch: every user's man and shells find them
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HUTCH_PREFIX": str(tmp_path)}
    script = str(ROOT / "contrib" / "install.sh")
    subprocess.run(["bash", script, "--system"], env=env, capture_output=True, check=True)
    share = tmp_path / "share"
    pages = sorted(p.name for p in (share / "man" / "man1").iterdir())
    assert "hutch.1" in pages and "hutch-artifact.1" in pages
    assert (share / "bash-completion" / "completions" / "hutch").is_file()
    assert (share / "zsh" / "site-functions" / "_hutch").is_file()
    assert (share / "fish" / "vendor_completions.d" / "hutch.fish").is_file()
    assert not (share / "systemd").exists()  # user units name the user's own hutch
    subprocess.run(
        ["bash", script, "--system", "--uninstall"], env=env, capture_output=True, check=True
    )
    assert list((share / "man" / "man1").iterdir()) == []
    assert not (share / "bash-completion" / "completions" / "hutch").exists()
