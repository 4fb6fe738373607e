"""hutch: a rootless, daemonless container tool."""

__version__ = "0.1.0"
