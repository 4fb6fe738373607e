"""Progress output: podman's plain lines, bars redrawn in place, silence with -q."""

from __future__ import annotations

import io
import re
import threading

import pytest

from hutch.registry import progress as pm
from hutch.registry.progress import Progress, bar_line, choose_mode, human

DIGEST = "sha256:" + "ab" * 32


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_mode_follows_the_stream_and_quiet() -> None:
    assert choose_mode(False, Tty()) == "tty"
    assert choose_mode(False, io.StringIO()) == "plain"
    assert choose_mode(True, Tty()) == "quiet"


def test_human_sizes_as_podman_prints_them() -> None:
    assert human(360) == "360.0b"
    assert human(2 << 20) == "2.0MiB"
    assert human(1536) == "1.5KiB"
    assert human(5 << 30) == "5.0GiB"


def test_bar_fits_the_terminal_and_shows_the_share_done() -> None:
    line = bar_line("Copying blob abababababab", 50, 100, 80)
    assert len(line) < 80
    inner = re.search(r"\[(.*)\]", line)
    assert inner is not None
    body = inner.group(1)
    assert body.count("=") == len(body) // 2 and ">" in body and body.endswith("-")
    assert bar_line("Copying blob abababababab", 100, 100, 80).count(">") == 0
    narrow = bar_line("Copying blob abababababab", 1, 100, 30)
    assert len(narrow) < 30 and "[" not in narrow


def test_plain_lines_are_podmans() -> None:
    out = io.StringIO()
    p = Progress("plain", out)
    p.line("Getting image source signatures")
    blob = p.start("blob", DIGEST, 10)
    p.advance(blob, 10)
    p.finish(blob)
    p.skipped("blob", DIGEST, "skipped: already exists")
    retried = p.start("blob", DIGEST, 10)
    p.finish(retried, "interrupted (reset); retrying")
    assert out.getvalue().splitlines() == [
        "Getting image source signatures",
        f"Copying blob {DIGEST}",
        f"Copying blob {DIGEST} skipped: already exists",
        f"Copying blob {DIGEST}",
        f"Copying blob {DIGEST} interrupted (reset); retrying",
    ]


def test_quiet_prints_nothing() -> None:
    out = Tty()
    p = Progress("quiet", out)
    p.line("Getting image source signatures")
    blob = p.start("blob", DIGEST, 10)
    p.advance(blob, 5)
    p.finish(blob)
    p.skipped("config", DIGEST, "skipped")
    assert out.getvalue() == ""


def test_a_listener_hears_every_step_even_when_quiet() -> None:
    heard: list[tuple[str, str, str, int, int, str]] = []
    p = Progress("quiet", Tty(), listener=lambda *step: heard.append(step))
    blob = p.start("blob", DIGEST, 10)
    p.advance(blob, 4)
    p.advance(blob, 6)
    p.finish(blob, "interrupted (reset); retrying")
    p.finish(blob)
    p.skipped("blob", DIGEST, "skipped: mounted from team/app")
    assert heard == [
        ("start", "blob", DIGEST, 0, 10, ""),
        ("advance", "blob", DIGEST, 4, 10, ""),
        ("advance", "blob", DIGEST, 10, 10, ""),
        ("retry", "blob", DIGEST, 10, 10, "interrupted (reset); retrying"),
        ("done", "blob", DIGEST, 10, 10, "done"),
        ("skipped", "blob", DIGEST, 0, 0, "mounted from team/app"),
    ]


def screen(text: str) -> list[str]:
    """Replay the output on a tiny terminal model: lines, cursor up (F), erase below (J)."""
    lines: list[str] = []
    row = 0
    for token in re.split(r"(\x1b\[\d*[FJ]|\n)", text):
        if not token:
            continue
        if token == "\n":
            row += 1
        elif token.endswith("F"):
            row -= int(token[2:-1] or 1)
        elif token.endswith("J"):
            del lines[row:]
        else:
            while len(lines) <= row:
                lines.append("")
            lines[row] = token
    return lines


def test_tty_bars_redraw_in_place_and_end_in_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pm, "REDRAW", 0.0)
    out = Tty()
    p = Progress("tty", out)
    p.line("Getting image source signatures")
    a = p.start("blob", "sha256:" + "1" * 64, 100)
    b = p.start("blob", "sha256:" + "2" * 64, 200)
    p.advance(a, 50)
    assert screen(out.getvalue())[1:] == [
        bar_line("Copying blob 111111111111", 50, 100, 80),
        bar_line("Copying blob 222222222222", 0, 200, 80),
    ]
    p.advance(a, 50)
    p.finish(a)
    p.advance(b, 100)
    assert screen(out.getvalue()) == [
        "Getting image source signatures",
        "Copying blob 111111111111 done",
        bar_line("Copying blob 222222222222", 100, 200, 80),
    ]
    p.finish(b)
    c = p.start("config", "sha256:" + "3" * 64, 10)
    p.finish(c)
    p.line("Writing manifest to image destination")
    assert screen(out.getvalue()) == [
        "Getting image source signatures",
        "Copying blob 111111111111 done",
        "Copying blob 222222222222 done",
        "Copying config 3333333333 done",  # podman cuts every label to one width
        "Writing manifest to image destination",
    ]


def test_redraws_are_throttled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pm, "REDRAW", 3600.0)
    out = Tty()
    p = Progress("tty", out)
    blob = p.start("blob", DIGEST, 1000)
    drawn = out.getvalue()
    for _ in range(100):
        p.advance(blob, 10)
    assert out.getvalue() == drawn  # within the interval nothing is drawn again
    p.finish(blob)
    assert screen(out.getvalue()) == ["Copying blob abababababab done"]


def test_threads_share_one_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pm, "REDRAW", 0.0)
    out = Tty()
    p = Progress("tty", out)

    def transfer(i: int) -> None:
        blob = p.start("blob", "sha256:" + str(i) * 64, 1000)
        for _ in range(100):
            p.advance(blob, 10)
        p.finish(blob)

    threads = [threading.Thread(target=transfer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(screen(out.getvalue())) == [f"Copying blob {str(i) * 12} done" for i in range(4)]


def test_a_transfer_whose_caller_left_stops_at_its_next_piece() -> None:
    """``cancelled``: each blob's start and each piece ask it; the transfer's own
    cleanup then handles the error as any failure (a temp dir, an upload)."""
    left = threading.Event()
    heard: list[str] = []
    progress = Progress("quiet", listener=lambda action, *_: heard.append(action),
                        cancelled=left.is_set)  # fmt: skip
    blob = progress.start("blob", DIGEST, 10)
    progress.advance(blob, 4)
    progress.checkpoint()
    left.set()
    with pytest.raises(pm.TransferCancelled, match="the client went away"):
        progress.advance(blob, 4)
    with pytest.raises(pm.TransferCancelled):
        progress.start("blob", DIGEST, 10)
    assert heard == ["start", "advance"] and blob.done == 4
    Progress("quiet").checkpoint()  # without ``cancelled`` (the CLI's): never


def test_an_interrupted_transfer_stops_at_its_next_piece() -> None:
    """``interrupt()``: the CLI's ^C, from the main thread (registry/interrupt.py)."""
    progress = Progress("quiet")
    blob = progress.start("blob", DIGEST, 10)
    progress.interrupt()
    with pytest.raises(pm.TransferCancelled, match="interrupted"):
        progress.advance(blob, 4)
    with pytest.raises(pm.TransferCancelled):
        progress.start("blob", DIGEST, 10)
    assert blob.done == 0
