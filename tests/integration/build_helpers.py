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


def drop_all_but_base(hutch: Hutch) -> None:
    """The local store as before a first build: its step images (and with them the
    local cache entries) gone, the image ``base`` kept."""
    base = hutch("image", "inspect", "--format", "{{.Id}}", "base").stdout.strip()
    ids = set(hutch("images", "-a", "-q", "--no-trunc").stdout.split())
    others = [i for i in ids if i.removeprefix("sha256:") != base]
    if others:
        hutch("rmi", "-f", *others)
    left = set(hutch("images", "-a", "-q", "--no-trunc").stdout.split())
    assert {i.removeprefix("sha256:") for i in left} == {base}


def refused_before_any_step(hutch: Hutch, directory: Path, *flags: str) -> str:
    """Build a context whose one RUN says so with ``flags``: it must fail with 125
    before any step runs; its standard error."""
    steps = "FROM base\nRUN echo ran-a-step\n"
    result = build(hutch, write_context(directory, {}, containerfile=steps), *flags, check=False)
    assert result.returncode == 125, result
    assert "ran-a-step" not in result.stdout + result.stderr
    return result.stderr


def image_id(result: subprocess.CompletedProcess[str]) -> str:
    """The id a build printed as its last line of standard output."""
    return result.stdout.strip().splitlines()[-1]


def cache_hits(result: subprocess.CompletedProcess[str]) -> int:
    return result.stdout.count("--> Using cache ")


def inspect(hutch: Hutch, name: str) -> dict[str, Any]:
    data = json.loads(hutch("image", "inspect", name).stdout)
    assert isinstance(data, list)
    return dict(data[0])


def stored_config(hutch: Hutch, name: str, directory: Path) -> dict[str, Any]:
    """The image config's ``config`` as stored, Docker's keys too (image inspect shows
    OCI's only, as podman's): read from a ``save`` to a docker-archive."""
    import tarfile

    archive = directory / f"{name}-saved.tar"
    hutch("save", "--format", "docker-archive", "-o", str(archive), name)
    with tarfile.open(archive) as tar:

        def member(path: str) -> Any:
            stream = tar.extractfile(path)
            assert stream is not None, path
            return json.load(stream)

        found: dict[str, Any] = member(member("manifest.json")[0]["Config"])["config"]
    return found
