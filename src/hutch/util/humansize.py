"""Sizes as Docker's and podman's Go code prints them (go-units' HumanSize).

One formatter for every part that shows a size the way the Go tools do:
``system df``, ``image tree``, a log option in inspect, the API's progress
bars. Decimal units, no space, ``precision`` significant digits (10.49MB).
(``ps``/``images`` print podman's other form, with a space: cli/render.py.)
"""

from __future__ import annotations

_UNITS = ("B", "kB", "MB", "GB", "TB")


def human_size(size: float, precision: int = 4) -> str:
    """go-units' HumanSizeWithPrecision; HumanSize when ``precision`` is 4."""
    value = float(size)
    for unit in _UNITS[:-1]:
        if value < 1000:
            return f"{value:.{precision}g}{unit}"
        value /= 1000
    return f"{value:.{precision}g}{_UNITS[-1]}"
