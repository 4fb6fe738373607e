"""TOML reading on every supported Python: ``tomllib`` from 3.11, ``tomli`` on 3.10.

``tomli`` is the library ``tomllib`` was taken from (same API, same error
type), so the rest of hutch imports ``load`` and ``TOMLDecodeError`` from
here and never names either module.
"""

from __future__ import annotations

import sys

if sys.version_info >= (3, 11):
    from tomllib import TOMLDecodeError, load, loads
else:  # pragma: no cover - exercised by the 3.10 lane of contrib/test.sh
    from tomli import TOMLDecodeError, load, loads

__all__ = ["TOMLDecodeError", "load", "loads"]
