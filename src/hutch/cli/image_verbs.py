"""Registration of the distribution and image-toolbox verbs (one hook in app.py)."""

from __future__ import annotations

import typer

from hutch.cli import login, pull, push


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    for module in (pull, push):
        module.register(app, image_app)
    login.register(app)
