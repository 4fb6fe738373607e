"""hutch: a rootless, daemonless container tool.

``hutch.Client`` is its Python API (``hutch/client``, docs/python-api.md),
imported on first use so that ``import hutch`` (which every command does)
stays cheap.
"""

from __future__ import annotations

from hutch.util import codecache as _codecache
from hutch.util import pathlib_quote as _pathlib_quote

# Not typing's: importing typing costs every command ~5 ms (hutch --version
# imports nothing else); mypy takes a constant of this name the same way.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from hutch.client import Client

__version__ = "0.1.0"

# Before any module of hutch defines a dataclass: their generated methods
# come from a disk cache instead of being compiled at every start
# (util/codecache.py says why and how).
CODE_CACHE = _codecache.install(release=__version__)
# pathlib's import of urllib.parse, for Path.as_uri, at its first use instead
# (util/pathlib_quote.py)
_pathlib_quote.install()


def __getattr__(name: str) -> Any:
    if name == "Client":
        from hutch.client import Client

        return Client
    raise AttributeError(f"module 'hutch' has no attribute {name!r}")


__all__ = ["CODE_CACHE", "Client", "__version__"]
