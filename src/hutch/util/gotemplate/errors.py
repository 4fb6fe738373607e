"""The one error a template raises, worded as Go's text/template words it."""

from __future__ import annotations


class TemplateError(Exception):
    """A parse or execution error; ``str()`` is Go's message (``template: ...``)."""
