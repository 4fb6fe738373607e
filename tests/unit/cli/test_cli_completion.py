"""``hutch completion``: podman's arguments and words, the committed scripts at run time."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.cli import app
from hutch.cli.completion import script
from hutch.cli.completion_tree import load_tree, without_descriptions
from unit.fakes import FakeEngine

REPO = Path(__file__).resolve().parents[3]
FILES = {"bash": "hutch.bash", "zsh": "_hutch", "fish": "hutch.fish"}


def _run(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exc_info:
        app.main(args, engine=FakeEngine())
    code = exc_info.value.code
    return code if isinstance(code, int) else 1


@pytest.mark.parametrize("shell", sorted(FILES))
def test_prints_the_committed_script(shell: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert _run(["completion", shell]) == 0
    assert capsys.readouterr().out == (REPO / "completions" / FILES[shell]).read_text()


def test_file_option_writes_the_script(tmp_path: Path) -> None:
    target = tmp_path / "hutch.fish"
    assert _run(["completion", "-f", str(target), "fish"]) == 0
    assert target.read_text() == (REPO / "completions" / "hutch.fish").read_text()


def test_no_desc_leaves_the_descriptions_out() -> None:
    tree = load_tree()
    plain = script("fish", tree, descriptions=False)
    run_help = next(c for c in tree.subcommands if c.path == ("run",)).help
    assert run_help and run_help not in plain
    assert "-a run" in plain  # the commands stay
    assert all(not c.help for c in without_descriptions(tree).walk())
    zsh = script("zsh", tree, descriptions=False)
    assert "'--root[]" in zsh


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["completion"], "accepts 1 arg(s), received 0"),
        (["completion", "bash", "zsh"], "accepts 1 arg(s), received 2"),
        (["completion", "ksh"], 'invalid argument "ksh" for "hutch completion"'),
        (["completion", "powershell"], "powershell completion is not supported by hutch"),
    ],
)
def test_bad_arguments_in_podman_words(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _run(args) == 125
    assert f"Error: {message}" in capsys.readouterr().err
