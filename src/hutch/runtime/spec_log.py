"""Where and how the monitor writes the container's output (``Spec.log``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LogSpec:
    driver: str = "k8s-file"  # runtime/logfile.py: k8s-file, json-file, none
    path: str = ""  # "": ctr.log in the bundle
    max_size: int = 0  # bytes; 0: no limit
    max_files: int = 1  # files kept, the live one included
    tag: str = ""
