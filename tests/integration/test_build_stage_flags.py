"""``hutch build --from`` and ``--skip-unused-stages`` (issue 15): which image the
first stage stands on and which stages run, seen through real builds."""

from __future__ import annotations

from pathlib import Path

from build_helpers import build, write_context
from harness import Hutch

STAGES = """\
FROM no-such-image.invalid/never:1 AS first
RUN echo first > /first
FROM base AS unused
RUN echo unused-$((40+2))
FROM first
RUN cat /first
"""


def test_from_replaces_the_first_stages_image(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=STAGES)
    missing = build(hutch, context, "--pull=never", check=False)
    assert missing.returncode == 125  # the FROM's own image is nowhere
    built = build(hutch, context, "--pull=never", "--from", base_image, "-t", "from-base")
    assert f"FROM {base_image} AS first" in built.stdout
    assert "unused-42" not in built.stdout  # the unused stage is skipped by default
    assert hutch("run", "--rm", "from-base", "cat", "/first").stdout == "first\n"


def test_skip_unused_stages_false_builds_every_stage(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=STAGES)
    built = build(
        hutch, context, "--from", base_image, "--skip-unused-stages=false", "-t", "all-stages"
    )
    assert "unused-42" in built.stdout
    assert "[2/3] STEP 1/2: FROM base AS unused" in built.stdout
    # --target stops there: the stages after it are not built even then
    first = build(
        hutch, context, "--from", base_image, "--skip-unused-stages=false", "--target", "first"
    )
    assert "unused-42" not in first.stdout
