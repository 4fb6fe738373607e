"""``pathlib`` without ``urllib.parse`` at its import, as Python 3.13 has it.

Python 3.10 to 3.12's ``pathlib`` imports ``urllib.parse`` for the one function
``Path.as_uri`` calls, ``quote_from_bytes``; and ``urllib.parse`` imports
``ipaddress``. The two were 1.4 ms of every command that reads a path, which
is every command of hutch's but ``--version`` and ``--help``, and of them
only the few that parse a URL use either (``ps`` and ``images`` none).
Python 3.13's ``pathlib`` imports ``urllib.parse`` in ``as_uri`` itself.

Here, while ``pathlib`` loads, ``urllib.parse`` in ``sys.modules`` is a
stand-in whose ``quote_from_bytes`` imports the real module at its first call;
the stand-in leaves ``sys.modules`` as soon as ``pathlib`` is loaded, so any
later ``import urllib.parse`` is the real module. ``Path.as_uri`` gives what it
gave before (the unit test compares).
"""

from __future__ import annotations

import sys
from types import ModuleType

from hutch.util.onimport import when_imported

_NAME = "urllib.parse"


def install() -> None:
    """Have the next import of ``pathlib`` (3.10 to 3.12) leave ``urllib.parse``."""
    if sys.version_info >= (3, 13) or "pathlib" in sys.modules:
        return
    when_imported("pathlib", stand_ins={_NAME: _stand_in})


def quote_from_bytes(*args: object, **kwargs: object) -> str:
    """``urllib.parse.quote_from_bytes``, imported at the first call."""
    from urllib.parse import quote_from_bytes as real

    return real(*args, **kwargs)  # type: ignore[arg-type]


def _stand_in() -> ModuleType:
    stand_in = ModuleType(_NAME)
    stand_in.quote_from_bytes = quote_from_bytes  # type: ignore[attr-defined]
    return stand_in
