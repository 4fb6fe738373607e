"""The build cache (a hit and a miss for each kind of change) and reproducible builds."""

from __future__ import annotations

import os
from pathlib import Path

from build_helpers import build, cache_hits, image_id, inspect, write_context
from harness import Hutch

FILE = """\
FROM base
ARG FLAVOUR=plain
COPY app/ /app/
RUN echo "$FLAVOUR" > /flavour
LABEL step=four
"""


def _context(tmp_path: Path) -> Path:
    return write_context(
        tmp_path / "ctx",
        {
            "app/main.txt": "v1\n",
            "app/tool.sh": "#!/bin/sh\necho tool\n",
            "notes.tmp": "scratch\n",
            ".containerignore": "*.tmp\napp/*.bak\n",
        },
        containerfile=FILE,
    )


def test_unchanged_rebuild_uses_the_cache_for_every_step(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    first = build(hutch, context)
    assert cache_hits(first) == 0
    second = build(hutch, context)
    # every step is reused, the ARG too (it is a step of its own, as in podman)
    assert cache_hits(second) == 4
    assert image_id(second) == image_id(first)


def test_ignored_file_changed_is_still_a_hit(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = _context(tmp_path)
    first = build(hutch, context)
    (context / "notes.tmp").write_text("changed\n")
    (context / "app" / "old.bak").write_text("new ignored file\n")
    second = build(hutch, context)
    assert cache_hits(second) == 4
    assert image_id(second) == image_id(first)


def test_copy_source_content_change_misses_from_that_step(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    build(hutch, context)
    (context / "app" / "main.txt").write_text("v2\n")
    second = build(hutch, context, "-t", "changed")
    assert cache_hits(second) == 1  # the ARG before the COPY
    assert hutch("run", "--rm", "changed", "cat", "/app/main.txt").stdout == "v2\n"


def test_copy_source_mode_change_misses(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    context = _context(tmp_path)
    build(hutch, context)
    os.chmod(context / "app" / "tool.sh", 0o755)
    second = build(hutch, context, "-t", "moded")
    assert cache_hits(second) == 1  # the ARG before the COPY
    assert hutch("run", "--rm", "moded", "/app/tool.sh").stdout == "tool\n"


def test_build_arg_change_misses_at_its_first_use(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    build(hutch, context)
    second = build(hutch, context, "--build-arg", "FLAVOUR=spicy", "-t", "spicy")
    assert cache_hits(second) == 2  # ARG and COPY; RUN sees the argument
    assert hutch("run", "--rm", "spicy", "cat", "/flavour").stdout == "spicy\n"


def test_instruction_text_change_misses_from_that_step(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    build(hutch, context)
    (context / "Containerfile").write_text(FILE.replace("step=four", "step=4"))
    second = build(hutch, context)
    assert cache_hits(second) == 3
    assert "Using cache" not in second.stdout.split("LABEL")[1]


def test_no_cache_and_layers_false_skip_the_cache(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    build(hutch, context)
    assert cache_hits(build(hutch, context, "--no-cache")) == 0
    assert cache_hits(build(hutch, context, "--layers=false")) == 0


def test_source_date_epoch_gives_the_same_image_twice(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = _context(tmp_path)
    env = {"SOURCE_DATE_EPOCH": "1700000000"}
    first = build(hutch, context, "--no-cache", "-t", "repro1", env=env)
    (context / "app" / "main.txt").touch()  # a new mtime must not matter
    second = build(hutch, context, "--no-cache", "-t", "repro2", env=env)
    assert image_id(first) == image_id(second)
    one, two = inspect(hutch, "repro1"), inspect(hutch, "repro2")
    assert one["Digest"] == two["Digest"]
    assert one["Created"].startswith("2023-11-14T22:13:20")
    third = build(hutch, context, "--no-cache", "--timestamp", "1700000000")
    assert image_id(third) == image_id(first)
