"""Differential sweep of the container verbs (issue 15): ``port``'s lookups, ``diff
--format json``, ``logs --color`` and ``--since``/``--until`` as podman reads them,
``healthcheck run``'s words, ``container exists --external``, ``stats -i 0`` and
``export -o`` into a missing directory, through hutch and Debian's podman 4.3.1 on the
same rootfs, compared by exit code, stdout and stderr where 4.3.1 agrees with current
podman's man page."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.fixture(name="pair")
def fixture_pair(hutch: Hutch, base_image: str, podman: Run) -> Iterator[dict[str, str]]:
    """In both: ``done`` (exited 3 after three lines), ``up`` (running, no health check,
    one line);
    each tool's full id of ``done``, as ``hutch``/``podman``."""
    ids = {}
    script = "echo one; echo two; echo three; exit 3"
    exited = ("run", "--name", "done", base_image, "sh", "-c", script)
    assert hutch(*exited, check=False).returncode == podman(*exited).returncode == 3
    for tool, run in (("hutch", hutch), ("podman", podman)):
        up = ("sh", "-c", "echo hi; exec sleep 100")
        assert run("run", "-d", "--name", "up", base_image, *up).returncode == 0
        ids[tool] = run("inspect", "--format", "{{.Id}}", "done").stdout.strip()
    yield ids
    hutch("rm", "-f", "-t", "0", "done", "up", check=False)
    podman("rm", "-f", "-t", "0", "done", "up")


def test_port_lookups_and_refusals(
    hutch: Hutch, podman: Run, base_image: str, pair: dict[str, str]
) -> None:
    # no published port: nothing to say, a port asked for or not
    assert both(hutch, podman, "port", "done") == (0, "", "")
    assert both(hutch, podman, "port", "done", "80") == (0, "", "")
    # with one (a host port of each tool's choosing, so that the two never collide),
    # a port or protocol nothing is published with is not found, sctp included
    for run in (hutch, podman):
        assert (
            run("run", "-d", "--name", "pub", "-p", "80", base_image, "sleep", "100").returncode
            == 0
        )
    try:
        for wanted in ("81", "80/udp", "80/sctp"):
            assert both(hutch, podman, "port", "pub", wanted) == (
                125,
                "",
                f'Error: failed to find published port "{wanted}"\n',
            )
    finally:
        hutch("rm", "-f", "-t", "0", "pub", check=False)
        podman("rm", "-f", "-t", "0", "pub")
    refusals = {
        ("port", "-a", "80"): "no arguments are needed with --all",
        ("port", "-a", "done"): "no arguments are needed with --all",
        ("port", "done", "abc"): 'strconv.ParseUint: parsing "abc": invalid syntax',
        ("port", "done", "99999"): 'strconv.ParseUint: parsing "99999": value out of range',
        ("port", "done", "80/tcp/x"): "port formats are port/protocol. '80/tcp/x' is invalid",
    }
    for args, words in refusals.items():
        assert both(hutch, podman, *args) == (125, "", f"Error: {words}\n")


def test_diff_json_in_podmans_order_and_indent(
    hutch: Hutch, podman: Run, pair: dict[str, str]
) -> None:
    for run in (hutch, podman):
        assert (
            run("exec", "up", "sh", "-c", "mkdir /d1; echo x > /newf; rm /bin/tar").returncode == 0
        )
    code, out, _ = both(hutch, podman, "diff", "--format", "json", "up")
    assert code == 0
    assert list(json.loads(out)) == ["changed", "added", "deleted"]  # podman's struct order
    assert out.startswith('{\n     "changed": [\n          "')  # its Encoder's five spaces
    assert both(hutch, podman, "diff", "--format", "xml", "up") == (
        125,
        "",
        "Error: only supported value for '--format' is 'json'\n",
    )


def test_logs_color_and_times_as_podman(hutch: Hutch, podman: Run, pair: dict[str, str]) -> None:
    white = "".join(f"\x1b[37m{word}\x1b[0m\n" for word in ("one", "two", "three"))
    assert both(hutch, podman, "logs", "--color", "done") == (0, white, "")
    # several: the first named white, the second red, each line after its name (podman
    # reads them side by side: the order between them may vary)
    for tool, run in (("hutch", hutch), ("podman", podman)):
        got = run("logs", "--color", "-n", "done", "up")
        assert got.returncode == 0, (tool, got.stderr)
        assert sorted(got.stdout.splitlines()) == sorted(
            [
                *(f"\x1b[37mdone {word}\x1b[0m" for word in ("one", "two", "three")),
                "\x1b[31mup hi\x1b[0m",
            ]
        ), tool
    lines = "one\ntwo\nthree\n"
    # unix seconds come before durations (0 is 1970), and a duration in --until is
    # ahead of now; a sign is taken
    for flags, out in (
        (("--since", "0"), lines),
        (("--until", "1m"), lines),
        (("--until", "-1m"), ""),
        (("--since", "-1m"), ""),
        (("--since", "+1h"), lines),
        (("--since", "1h", "--until", "1h"), lines),
    ):
        assert both(hutch, podman, "logs", *flags, "done") == (0, out, ""), flags


def test_healthcheck_run_words_name_the_full_id(
    hutch: Hutch, podman: Run, pair: dict[str, str]
) -> None:
    ours = {
        "done": hutch("healthcheck", "run", "done", check=False),
        "up": hutch("healthcheck", "run", "up", check=False),
    }
    theirs = {
        "done": podman("healthcheck", "run", "done"),
        "up": podman("healthcheck", "run", "up"),
    }
    for tool, run, runs in (("hutch", hutch, ours), ("podman", podman, theirs)):
        up = run("inspect", "--format", "{{.Id}}", "up").stdout.strip()
        stopped, unchecked = runs["done"], runs["up"]
        assert (stopped.returncode, stopped.stdout, stopped.stderr) == (
            125,
            "",
            f"Error: container {pair[tool]} is not running\n",
        ), tool
        assert (unchecked.returncode, unchecked.stderr) == (
            125,
            f"Error: container {up} has no defined healthcheck\n",
        ), tool


def test_exists_stats_and_export_words(hutch: Hutch, podman: Run, pair: dict[str, str]) -> None:
    assert both(hutch, podman, "container", "exists", "--external", "done") == (0, "", "")
    assert both(hutch, podman, "container", "exists", "--external", "nosuch") == (1, "", "")
    # podman refuses the interval before it looks at cgroups (it has no rootless stats here)
    assert both(hutch, podman, "stats", "--no-stream", "-i", "0", "up") == (
        125,
        "",
        "Error: invalid interval, must be a positive number greater zero\n",
    )
    # a directory gives no data: the size check's words
    assert both(hutch, podman, "secret", "create", "h18dir", "/tmp") == (
        125,
        "",
        "Error: secret data must be larger than 0 and less than 512000 bytes\n",
    )
    target = "/nonexistent-h18/x.tar"
    assert both(hutch, podman, "export", "-o", target, "done") == (
        125,
        "",
        f'Error: creating file "{target}": open {target}: no such file or directory\n',
    )


def test_a_format_with_its_own_range_and_stats_latest(
    hutch: Hutch, podman: Run, pair: dict[str, str]
) -> None:
    # c/common's EnforceRange: the format ranges over the list itself, one line in all
    runs = {
        "hutch": hutch("ps", "-a", "--format", "{{range .}}{{.Names}},{{end}}"),
        "podman": podman("ps", "-a", "--format", "{{range .}}{{.Names}},{{end}}"),
    }
    for tool, got in runs.items():
        assert got.returncode == 0 and got.stdout.count("\n") == 1, (tool, got)
        assert {"done", "up"} <= set(got.stdout.strip().split(",")), tool
    assert both(hutch, podman, "stats", "--no-stream", "-a", "-l") == (
        125,
        "",
        "Error: --all, --latest and containers cannot be used together\n",
    )


def test_events_until_a_duration_streams_that_long(hutch: Hutch, podman: Run) -> None:
    """podman reads ``--until 2s`` as two seconds ahead: it streams until then."""
    for tool, run in (("hutch", hutch), ("podman", podman)):
        start = time.monotonic()
        got = run("events", "--until", "2s", "--filter", "container=nosuch-h18")
        took = time.monotonic() - start
        assert (got.returncode, got.stdout) == (0, ""), tool
        assert 1.5 < took < 30, (tool, took)


def test_update_with_no_flag_prints_the_id(hutch: Hutch, podman: Run, pair: dict[str, str]) -> None:
    """podman (4.3.1 and current) changes nothing and prints the id; hutch refused it."""
    for tool, run in (("hutch", hutch), ("podman", podman)):
        up = run("inspect", "--format", "{{.Id}}", "up").stdout.strip()
        got = run("update", "up")
        assert (got.returncode, got.stdout, got.stderr) == (0, f"{up}\n", ""), tool
