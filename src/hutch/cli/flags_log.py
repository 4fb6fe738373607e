"""The log flags of ``run`` and ``create``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from hutch.api.container_config import LogOptions

LogDriver = Annotated[
    str | None,
    typer.Option(
        "--log-driver",
        help="Where the output goes: k8s-file (default), json-file (Docker's format) or none.",
    ),
]
LogOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--log-opt",
        help="Log option KEY=VALUE: max-size=10mb, max-file=N, path=FILE, tag=TEXT (repeatable).",
    ),
]


def to_options(log_driver: str | None = None, log_opt: list[str] | None = None) -> LogOptions:
    from hutch.api.container_config import LogOptions

    return LogOptions(driver=log_driver or "", opts=tuple(log_opt or ()))
