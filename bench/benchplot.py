"""The scale case as a PNG: three panels (ps, one more run -d, memory) against the
number of running containers, hutch and podman on each.

matplotlib is the bench's own dependency (pyproject's ``bench`` extra, which
contrib/bench.sh installs): a plot with axes, ticks, a legend and text needs a font
rasteriser, which is no code for this project to own. It is imported only here, and
only when a plot is asked for.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from benchcore import Result, scale_series

PANELS = (
    ("ps", "ps (s)"),
    ("run -d", "run -d of one more (s)"),
    ("PSS", "monitors + network helpers PSS (MB)"),
)
STYLE = {"hutch": ("tab:blue", "o"), "podman": ("tab:orange", "s")}


def write_scale_plot(results: Iterable[Result], path: Path, title: str) -> bool:
    """Write the plot; False when the results hold no scale rows (nothing written)."""
    series = scale_series(results)
    if not series:
        return False
    import matplotlib

    matplotlib.use("Agg")  # no screen here: render straight to the file
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(PANELS), figsize=(13, 4))
    for ax, (what, label) in zip(axes, PANELS, strict=True):
        for side, points in series.get(what, {}).items():
            if points:
                colour, marker = STYLE[side]
                xs, ys = zip(*points, strict=True)
                ax.plot(xs, ys, color=colour, marker=marker, label=side)
        ax.set_xlabel("running containers")
        ax.set_title(label, fontsize=10)
        ax.set_ylim(bottom=0)
        ax.grid(True, alpha=0.3)
        ax.legend()
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True
