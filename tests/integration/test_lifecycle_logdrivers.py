"""--log-driver k8s-file|json-file|none and --log-opt, with the real monitor."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from lifecycle_basics import (
    eventually,
    inspect,
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)


def test_json_file_writes_dockers_format_and_logs_reads_it(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "j", "--log-driver", "json-file", base_image,
          "sh", "-c", "echo out; echo err >&2; printf tail")  # fmt: skip
    data = inspect(hutch, "j")
    assert data["HostConfig"]["LogConfig"]["Type"] == "json-file"
    log = Path(data["HostConfig"]["LogConfig"]["Path"])  # podman's place (no LogPath)
    records = [json.loads(x) for x in log.read_text().splitlines()]
    assert [(r["stream"], r["log"]) for r in records] == [
        ("stdout", "out\n"),
        ("stderr", "err\n"),
        ("stdout", "tail\n"),
    ]
    assert all(r["time"].endswith("Z") for r in records)
    result = hutch("logs", "j")
    assert (result.stdout, result.stderr) == ("out\ntail\n", "err\n")
    assert hutch("logs", "--tail", "1", "j").stdout == "tail\n"


def test_max_size_rotates_and_logs_reads_the_kept_files(hutch: Hutch, base_image: str) -> None:
    script = "for i in $(seq 10 99); do echo line-$i; done"
    hutch("run", "--name", "r", "--log-opt", "max-size=1k", "--log-opt", "max-file=2",
          base_image, "sh", "-c", script)  # fmt: skip
    log = Path(inspect(hutch, "r")["HostConfig"]["LogConfig"]["Path"])
    rotated = Path(f"{log}.1")
    assert log.stat().st_size <= 1024 and rotated.stat().st_size <= 1024
    assert not Path(f"{log}.2").exists()
    lines = hutch("logs", "r").stdout.splitlines()
    numbers = [int(line.split("-")[1]) for line in lines]
    # The newest lines, oldest first, without a gap; the oldest were dropped.
    assert numbers[-1] == 99 and numbers == list(range(numbers[0], 100)) and numbers[0] > 10


def test_logs_follow_goes_on_across_a_rotation(hutch: Hutch, base_image: str) -> None:
    script = "sleep 1; for i in $(seq 100 399); do echo line-$i; done"
    # max-file large enough that no file is dropped before the follower reads it
    hutch("run", "-d", "--name", "f", "--log-opt", "max-size=2k", "--log-opt", "max-file=20",
          base_image, "sh", "-c", script)  # fmt: skip
    followed = hutch("logs", "-f", "f", timeout=30).stdout.splitlines()
    assert followed == [f"line-{i}" for i in range(100, 400)]
    assert Path(inspect(hutch, "f")["HostConfig"]["LogConfig"]["Path"] + ".1").exists()


def test_none_keeps_no_log_and_logs_says_so(hutch: Hutch, base_image: str) -> None:
    out = hutch("run", "--name", "n", "--log-driver", "none", base_image, "echo", "visible")
    assert out.stdout == "visible\n"  # attached output still reaches the terminal
    assert not Path(inspect(hutch, "n")["HostConfig"]["LogConfig"]["Path"]).exists()
    result = hutch("logs", "n", check=False)
    assert result.returncode == 125
    assert "'none' log driver" in one_line_error(result.stderr)


def test_path_puts_the_log_where_asked(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    target = tmp_path / "app.log"
    hutch("run", "-d", "--name", "p", "--log-opt", f"path={target}", base_image,
          "sh", "-c", "echo here; sleep 30")  # fmt: skip
    eventually(lambda: target.exists() and "here" in target.read_text())
    assert inspect(hutch, "p")["HostConfig"]["LogConfig"]["Path"] == str(target)
    assert hutch("logs", "p").stdout == "here\n"
    hutch("rm", "-f", "-t", "0", "p")


def test_bad_log_flags_create_nothing(hutch: Hutch, base_image: str) -> None:
    for flags in (
        ["--log-driver", "journald"],
        ["--log-opt", "max-size=huge"],
        ["--log-opt", "nope=1"],
    ):
        result = hutch("run", "--name", "bad", *flags, base_image, "true", check=False)
        assert result.returncode == 125, flags
        one_line_error(result.stderr)
    assert hutch("ps", "-aq").stdout == ""
