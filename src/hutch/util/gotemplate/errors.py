"""The one error a template raises, worded as Go's text/template words it."""

from __future__ import annotations


class TemplateError(Exception):
    """A parse or execution error; ``str()`` is Go's message (``template: ...``).
    ``partial``: what an execution had written before it failed (Go's templates
    write as they go, so podman's output holds it ahead of the error)."""

    partial = ""
