"""hutch: a rootless, daemonless container tool."""

from hutch.util import codecache as _codecache

__version__ = "0.1.0"

# Before any module of hutch defines a dataclass: their generated methods
# come from a disk cache instead of being compiled at every start
# (util/codecache.py says why and how).
CODE_CACHE = _codecache.install(release=__version__)
