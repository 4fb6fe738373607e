"""Go's text/tabwriter as podman configures it (minwidth 12, tabwidth 2, padding 2,
padded with spaces): tab-terminated cells aligned in column blocks."""

from __future__ import annotations


def align(text: str, minwidth: int = 12, padding: int = 2, *, unended: bool = False) -> str:
    """Align the tab-terminated cells of ``text`` the way tabwriter.Writer does;
    ``unended``: its last line is all tabwriter was given of that line (callers
    that print the newline themselves leave it out of ``text`` alike)."""
    lines = [line.split("\t") for line in text.split("\n")]
    if unended and len(lines[-1]) > 1 and not lines[-1][-1]:
        # a last line that tabwriter got no newline of (a template's output up to its
        # failure) and that ends in a tab: tabwriter holds no cell after the tab, so
        # the cell before is that line's last, which no column pads
        lines[-1].pop()
    out: list[str] = []
    widths: list[int] = []

    def write(first: int, last: int) -> None:
        for row in lines[first:last]:
            parts = []
            for j, cell in enumerate(row):
                if j < len(row) - 1 and j < len(widths):
                    parts.append(cell.ljust(widths[j]))
                else:
                    parts.append(cell)
            out.append("".join(parts))

    def fmt(line0: int, line1: int) -> None:
        column = len(widths)
        this = line0
        while this < line1:
            if column >= len(lines[this]) - 1:
                this += 1
                continue
            # A block of consecutive lines with a cell in this column.
            write(line0, this)
            line0 = this
            width = minwidth
            discardable = True
            while this < line1 and column < len(lines[this]) - 1:
                cell = lines[this][column]
                width = max(width, len(cell) + padding)
                discardable = discardable and not cell
                this += 1
            widths.append(width)
            fmt(line0, this)
            widths.pop()
            line0 = this
        write(line0, line1)

    fmt(0, len(lines))
    return "\n".join(out)
