"""The XDG base directories of the user (data, config, cache), as the spec says.

Written here rather than asked of platformdirs: hutch runs only on Linux, where
the rule is one line (``$XDG_*_HOME`` when it is an absolute path, else the
default under the home directory; a relative value is ignored, as the XDG Base
Directory spec says), and platformdirs 4.14 imports ``tempfile`` (so ``shutil``,
``lzma``, ``bz2``, ``random``) on every start: ``hutch ps`` ran 296 million
instructions with it and 279 without (callgrind; README, Dependencies and why).
"""

from __future__ import annotations

import os
from pathlib import Path

# variable -> its default below the home directory
_DEFAULTS = {
    "XDG_DATA_HOME": ".local/share",
    "XDG_CONFIG_HOME": ".config",
    "XDG_CACHE_HOME": ".cache",
}


def user_dir(variable: str, app: str = "hutch") -> Path:
    """``$VARIABLE/APP``, or ``~/DEFAULT/APP`` when it is unset, empty or relative."""
    value = os.environ.get(variable, "")
    if os.path.isabs(value):
        return Path(value) / app
    return Path.home() / _DEFAULTS[variable] / app
