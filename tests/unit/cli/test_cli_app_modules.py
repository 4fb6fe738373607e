"""The verb table of cli/app.py: each top-level word names the module that registers it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
import typer

from hutch.cli import app as cli_app
from hutch.cli.lazy import _name

GROUPS = ("app", "image", "container", "system", "buildx", "volume", "network", "secret", "pod")


def _top_level_words(module: str) -> list[str]:
    apps = {group: typer.Typer() for group in GROUPS}
    importlib.import_module(f"hutch.cli.{module}").register(
        *(apps[g] for g in cli_app.MODULES[module])
    )
    top = apps["app"]
    return [_name(c) for c in top.registered_commands] + [
        g.name or "" for g in top.registered_groups
    ]


def test_verbs_table_matches_what_the_modules_register() -> None:
    found: dict[str, str] = {}
    for module in cli_app.MODULES:
        for word in _top_level_words(module):
            assert word not in found, f"{word} registered by {found.get(word)} and {module}"
            found[word] = module
    assert found == cli_app.VERBS


def test_every_verb_module_is_listed() -> None:
    cli_dir = Path(cli_app.__file__).parent
    with_register = {p.stem for p in cli_dir.glob("*.py") if "\ndef register(" in p.read_text()}
    assert with_register == set(cli_app.MODULES)


@pytest.mark.parametrize("word", ["ps", "run", "logout", "restart"])
def test_a_verb_builds_only_its_module(word: str) -> None:
    app = cli_app.build_app(only=(cli_app.VERBS[word],))
    names = {_name(c) for c in app.registered_commands} | {
        g.name or "" for g in app.registered_groups
    }
    assert word in names
    assert "images" not in names or word == "images"


@pytest.mark.parametrize("group", cli_app.GROUPS_WITH_MODULES)
def test_a_group_with_verb_modules_builds_only_its_own(group: str) -> None:
    modules = cli_app._modules_for(group)
    assert modules and all(m.startswith(f"{group}_") for m in modules)
    app = cli_app.build_app(only=modules)
    # no top-level verb module was loaded (``version`` and ``help`` are app.py's own)
    assert not {_name(c) for c in app.registered_commands} & set(cli_app.VERBS)
    sub = next(g for g in app.registered_groups if g.name == group).typer_instance
    assert sub is not None
    verbs = {"create", "ls", "inspect", "rm", "exists"}
    if group != "secret":  # podman has no secret prune
        verbs.add("prune")
    assert verbs <= {_name(c) for c in sub.registered_commands}


def test_system_service_builds_only_the_system_module() -> None:
    assert cli_app._modules_for("system", ["service", "--time", "0"]) == ("system",)
    assert cli_app._modules_for("system", ["info"]) is None
    app = cli_app.build_app(only=("system",))
    sub = next(g for g in app.registered_groups if g.name == "system").typer_instance
    assert sub is not None and "service" in {_name(c) for c in sub.registered_commands}
