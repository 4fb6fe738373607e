"""label_file: read into the service's labels (KEY=VALUE lines, as env files), relative
to the project, the service's own labels winning; so run gets them as --label values."""

from __future__ import annotations

from pathlib import Path

import pytest

from hutch.api.compose import ComposeProjectOptions
from hutch.compose.errors import ComposeError
from hutch.compose.project import load_project
from hutch.compose.translate import run_options

COMPOSE = """\
services:
  web:
    image: busybox
    label_file: [./one.labels, two.labels]
    labels: {b: from-service}
  db:
    image: busybox
    label_file: ./one.labels
"""


def test_label_files_become_labels(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    (tmp_path / "one.labels").write_text("# comment\na=1\nb=from-file\n")
    (tmp_path / "two.labels").write_text("a=2\nc=3\n")
    project = load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
    assert project.services["web"]["labels"] == {"a": "2", "b": "from-service", "c": "3"}
    assert "label_file" not in project.services["web"]
    options = run_options(
        "p", "db", project.services["db"], project.model, name="p-db-1", image="busybox", labels={}
    )
    assert set(options.labels) == {"a=1", "b=from-file"}


def test_a_missing_label_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    with pytest.raises(ComposeError, match=r"label file .*one\.labels not found"):
        load_project(ComposeProjectOptions(cwd=str(tmp_path), environ={}))
