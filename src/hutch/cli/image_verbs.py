"""Registration of the distribution and image-toolbox verbs (one hook in app.py)."""

from __future__ import annotations

import typer

from hutch.cli import (
    history,
    image_exists,
    image_prune,
    load,
    login,
    manifest,
    pull,
    push,
    save,
    tag,
    untag,
)


def register(app: typer.Typer, image_app: typer.Typer) -> None:
    for module in (pull, push, tag, untag, history, save, load):
        module.register(app, image_app)
    login.register(app)
    image_prune.register(image_app)
    image_exists.register(image_app)
    manifest.register(app)
