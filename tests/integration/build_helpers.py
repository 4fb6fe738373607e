"""Helpers of the build tests: write a context, build it, read the result."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from harness import Hutch


def write_context(directory: Path, files: dict[str, str], *, containerfile: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Containerfile").write_text(containerfile)
    for name, text in files.items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return directory


def build(
    hutch: Hutch, context: Path, *args: str, check: bool = True, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return hutch("build", *args, str(context), check=check, env=env, timeout=120)


def image_id(result: subprocess.CompletedProcess[str]) -> str:
    """The id a build printed as its last line of standard output."""
    return result.stdout.strip().splitlines()[-1]


def cache_hits(result: subprocess.CompletedProcess[str]) -> int:
    return result.stdout.count("--> Using cache ")


def inspect(hutch: Hutch, name: str) -> dict[str, Any]:
    data = json.loads(hutch("image", "inspect", name).stdout)
    assert isinstance(data, list)
    return dict(data[0])
