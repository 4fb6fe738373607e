"""The click names hutch takes from typer (cli/clicknames.py) are the ones typer uses.

typer 0.28 keeps click private (``typer._click``); if a typer release moves it,
this fails before users see usage errors turn into tracebacks.
"""

from __future__ import annotations

import pytest
import typer

from hutch.cli import clicknames


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.command()
    def hello(name: str = "x") -> None:
        print(name)

    @app.command()
    def bye() -> None:
        pass

    return app


def test_usage_errors_are_the_named_click_exception() -> None:
    with pytest.raises(clicknames.ClickException) as info:
        _app()(args=["hello", "--no-such-flag"], prog_name="t", standalone_mode=False)
    assert "--no-such-flag" in info.value.format_message()
    assert isinstance(info.value, clicknames.NoSuchOption)
    assert info.value.option_name == "--no-such-flag"


def test_the_command_tree_is_made_of_the_named_command() -> None:
    command = typer.main.get_command(_app())
    assert isinstance(command, clicknames.Command)
    subs = getattr(command, "commands", {})
    assert set(subs) == {"hello", "bye"}
    assert all(isinstance(c, clicknames.Command) for c in subs.values())


def test_typer_is_below_the_pydantic_release() -> None:
    # typer 0.29 imports pydantic at every start (HOST-NOTES): the pin in
    # pyproject.toml keeps it out; this catches an environment that ignored it.
    from importlib.metadata import version

    major, minor = (int(part) for part in version("typer").split(".")[:2])
    assert (major, minor) < (0, 29)
