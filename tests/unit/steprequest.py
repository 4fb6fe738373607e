"""A RUN step's request for the unit tests of ``build.runstep.build_spec``: the
fields every such test needs, the ones it is about given."""

from __future__ import annotations

from pathlib import Path

from hutch.build.runstep import RunRequest
from hutch.build.stepstate import RunSettings
from hutch.runtime.spec import Rootfs


def step_request(
    tmp_path: Path,
    settings: RunSettings,
    network: str = "host",
    hosts: tuple[tuple[str, str], ...] = (),
    workdir: Path | None = None,
) -> RunRequest:
    return RunRequest(
        step_id="ab" * 32,
        args=("true",),
        env=(),
        cwd="/",
        user="",
        network=network,
        rootfs=Rootfs("bind", str(tmp_path / "root")),
        mounts=(),
        workdir=workdir or tmp_path,
        hosts=hosts,
        settings=settings,
    )
