"""The schema check remembers the models that passed (compose/schema.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hutch.compose import schema
from hutch.compose.errors import ComposeError
from hutch.compose.yamlload import load_text

GOOD = "services:\n  web:\n    image: x\n    ports: ['80:80']\n"


@pytest.fixture
def cache(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "hutch" / "compose-schema"


def check(text: str, cache: Path | None) -> None:
    doc = load_text(text, "compose.yaml")
    schema.validate(doc, doc.data, cache)


def test_without_a_directory_nothing_is_kept(tmp_path: Path) -> None:
    check(GOOD, None)
    assert list(tmp_path.iterdir()) == []


def test_a_pass_is_remembered_and_an_error_is_not(cache: Path) -> None:
    check(GOOD, cache)
    assert len(list(cache.iterdir())) == 1
    check(GOOD, cache)  # the same model: the same marker, no second one
    assert len(list(cache.iterdir())) == 1
    bad = "services:\n  web:\n    image: x\n    imagee: y\n"
    for _ in range(2):  # validated (and refused) each time
        with pytest.raises(ComposeError, match="imagee"):
            check(bad, cache)
    assert len(list(cache.iterdir())) == 1


@pytest.mark.parametrize(
    "other",
    [
        # the same text but for one value's type or one key: each a model of its own
        "services:\n  web:\n    image: x\n    ports: [80]\n",
        "services:\n  web:\n    image: x\n    ports: ['81:80']\n",
        "services:\n  web:\n    image: x\n    ports: {'80': 80}\n",
        "services:\n  web:\n    image: x\n    portz: ['80:80']\n",
    ],
)
def test_a_model_that_differs_is_validated_again(cache: Path, other: str) -> None:
    check(GOOD, cache)
    try:
        check(other, cache)
    except ComposeError:
        assert "ports" in other or "portz" in other
        assert len(list(cache.iterdir())) == 1
    else:
        assert len(list(cache.iterdir())) == 2


def test_a_marker_of_another_schema_is_not_taken(
    cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    check(GOOD, cache)
    stricter = tmp_path / "schema.json"
    stricter.write_text('{"type": "object", "additionalProperties": false}')
    monkeypatch.setattr(schema, "SCHEMA_FILE", stricter)
    with pytest.raises(ComposeError, match="additional property 'services'"):
        check(GOOD, cache)


def test_unwritable_cache_only_validates(cache: Path) -> None:
    cache.parent.mkdir(parents=True)
    cache.write_text("a file where the directory would be")
    check(GOOD, cache)
    with pytest.raises(ComposeError):
        check("services:\n  web:\n    image: [x]\n", cache)


def test_the_cli_remembers_in_its_cache_and_then_skips_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(textwrap.dedent(GOOD))
    code = (
        "import sys\n"
        "from hutch.api.compose import ComposeProjectOptions\n"
        "from hutch.cli.state import AppState\n"
        "front = AppState().compose()\n"
        f"front.load(ComposeProjectOptions(cwd={str(tmp_path)!r}, environ={{}}))\n"
        "print('jsonschema' in sys.modules)\n"
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
        ).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["True", "False"]
    assert len(list((tmp_path / "cache" / "hutch" / "compose-schema").iterdir())) == 1
