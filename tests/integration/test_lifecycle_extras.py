"""Smaller container verbs and flags: rename, container exists/prune, ps filters, sort, size."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_basics import (
    inspect,
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)


def test_rename_keeps_the_container_and_frees_the_old_name(hutch: Hutch, base_image: str) -> None:
    cid = hutch("run", "-d", "--name", "old", base_image, "sleep", "1000").stdout.strip()
    assert hutch("rename", "old", "new").stdout == ""
    assert inspect(hutch, "new")["Id"] == cid
    assert hutch("container", "exists", "old", check=False).returncode == 1
    hutch("container", "rename", cid[:12], "newer")
    assert hutch("ps", "--format", "{{.Names}}").stdout == "newer\n"
    hutch("create", "--name", "old", base_image, "true")  # the old name is free again
    taken = hutch("rename", "old", "newer", check=False)
    assert taken.returncode == 125 and "already in use" in one_line_error(taken.stderr)
    bad = hutch("rename", "old", "no/slash", check=False)
    assert (bad.returncode, bad.stderr) == (
        125,
        "Error: names must match [a-zA-Z0-9][a-zA-Z0-9_.-]*: invalid argument\n",
    )
    missing = hutch("rename", "nope", "x", check=False)
    assert missing.returncode == 125 and "nope" in one_line_error(missing.stderr)


def test_container_exists(hutch: Hutch, base_image: str) -> None:
    cid = hutch("create", "--name", "here", base_image, "true").stdout.strip()
    for name in ("here", cid, cid[:12]):
        result = hutch("container", "exists", name, check=False)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    result = hutch("container", "exists", "gone", check=False)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")


def test_container_prune_removes_stopped_ones_only(hutch: Hutch, base_image: str) -> None:
    exited = hutch("run", "--name", "exited", base_image, "true")
    created = hutch("create", "--name", "created", base_image, "true").stdout.strip()
    running = hutch("run", "-d", "--name", "running", base_image, "sleep", "1000").stdout.strip()
    assert exited.returncode == 0
    declined = hutch("container", "prune", input="n\n")
    assert declined.stdout.startswith("WARNING!") and "Are you sure" in declined.stdout
    assert len(hutch("ps", "-aq").stdout.split()) == 3
    pruned = hutch("container", "prune", "-f").stdout.split()
    assert created in pruned and running not in pruned and len(pruned) == 2
    assert hutch("ps", "-aq", "--no-trunc").stdout.split() == [running]
    assert hutch("container", "prune", "-f").stdout == ""


@pytest.fixture
def mix(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run", "--name", "a-exit2", "-l", "tier=db", base_image, "sh", "-c", "exit 2", check=False
    )
    hutch("run", "--name", "b-exit0", "-l", "tier=web", base_image, "true")
    hutch("run", "-d", "--name", "c-up", "-l", "tier=web", "-l", "x", base_image, "sleep", "1000")
    hutch("create", "--name", "d-new", base_image, "true")


def _names(hutch: Hutch, *args: str) -> list[str]:
    return hutch("ps", *args, "--format", "{{.Names}}").stdout.split()


def test_ps_filters(hutch: Hutch, mix: None) -> None:
    # podman's order: the oldest first
    assert _names(hutch, "--filter", "status=exited") == ["a-exit2", "b-exit0"]
    assert _names(hutch, "-a", "--filter", "status=created") == ["d-new"]
    assert _names(hutch, "--filter", "exited=2") == ["a-exit2"]
    assert _names(hutch, "-a", "--filter", "label=tier=web") == ["b-exit0", "c-up"]
    assert _names(hutch, "-a", "--filter", "label=x") == ["c-up"]
    assert _names(hutch, "-a", "-f", "label=tier=web", "-f", "status=exited") == ["b-exit0"]
    assert _names(hutch, "-a", "--filter", "name=^[ab]-") == ["a-exit2", "b-exit0"]
    assert _names(hutch, "-a", "--filter", "name=c-up", "--filter", "name=d-new") == [
        "c-up",
        "d-new",
    ]
    assert len(_names(hutch, "-a", "--filter", "ancestor=base")) == 4
    assert _names(hutch, "-a", "--filter", "ancestor=other") == []
    cid = inspect(hutch, "c-up")["Id"]
    assert _names(hutch, "-a", "--filter", f"id={cid[:6]}") == ["c-up"]
    assert _names(hutch, "--filter", "label=tier=web") == ["c-up"]  # running only without -a


def test_ps_sort(hutch: Hutch, mix: None) -> None:
    assert _names(hutch, "-a") == ["a-exit2", "b-exit0", "c-up", "d-new"]  # oldest first
    assert _names(hutch, "-a", "--sort", "names") == ["a-exit2", "b-exit0", "c-up", "d-new"]
    by_status = _names(hutch, "-a", "--sort", "status")
    assert by_status[0] == "d-new" and by_status[-1] == "c-up"  # created < exited < running
    ids = hutch("ps", "-a", "--sort", "id", "-q", "--no-trunc").stdout.split()
    assert ids == sorted(ids)


@pytest.mark.parametrize(
    "argv",
    [("--filter", "colour=red"), ("--filter", "status=sleeping"), ("--filter", "name"),
     ("--filter", "exited=x"), ("--sort", "colour")],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_ps_bad_filters_and_sorts(hutch: Hutch, base_image: str, argv: tuple[str, ...]) -> None:
    result = hutch("ps", *argv, check=False)
    assert result.returncode == 125 and result.stdout == ""
    one_line_error(result.stderr)


def test_ps_size_is_the_writable_layer(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "big", base_image, "sh", "-c", "head -c 300000 /dev/zero > /blob")
    hutch("run", "--name", "small", base_image, "true")
    table = hutch("ps", "-a", "--size").stdout.splitlines()
    assert table[0].split()[-1] == "SIZE"
    sizes = {d["Names"][0]: d["Size"]["rwSize"] for d in json.loads(
        hutch("ps", "-a", "--size", "--format", "json").stdout)}  # fmt: skip
    assert 300000 <= sizes["big"] < 400000
    assert sizes["small"] < 10000
    # without --size podman 4.3.1 prints "Size": null
    assert json.loads(hutch("ps", "-a", "--format", "json").stdout)[0]["Size"] is None


def _events(hutch: Hutch, *args: str) -> list[dict[str, object]]:
    out = hutch("events", "--stream=false", "--format", "json", *args).stdout
    return [json.loads(line) for line in out.splitlines()]


def test_a_quick_command_is_started_before_it_dies(hutch: Hutch, base_image: str) -> None:
    """The monitor logs the start a caller asked for before the container can die: the
    caller logged it once "exec" reached it, and a command that exits at once had its
    "died" first now and then (seen 2 runs in 9 under load)."""
    for n in range(6):
        hutch("run", "--rm", "--name", f"quick{n}", base_image, "true")
        hutch("run", "-d", "--rm", "--name", f"quickd{n}", base_image, "true")
    for n in range(6):
        for name, attached in ((f"quick{n}", True), (f"quickd{n}", False)):
            deadline = time.monotonic() + 20  # a detached one may still be running
            while True:
                seen = [e["Status"] for e in _events(hutch, "--filter", f"container={name}")]
                if "remove" in seen or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            # podman's order for run --rm (and run -d --rm): no "cleanup" before the removal
            want = ["create", "init", "start", *(["attach"] if attached else []), "died"]
            assert seen == [*want, "remove"], (name, seen)


def test_events_record_the_life_of_a_container(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "ev", base_image, "sh", "-c", "exit 3", check=False)
    hutch("run", "-d", "--name", "ev2", base_image, "sleep", "1000")
    hutch("kill", "ev2")
    hutch("wait", "ev2")
    hutch("rm", "ev", "ev2")
    seen = [(e["Name"], e["Status"]) for e in _events(hutch, "--filter", "type=container")]
    assert seen == [
        ("ev", "create"), ("ev", "init"), ("ev", "start"), ("ev", "attach"), ("ev", "died"),
        ("ev", "cleanup"),
        ("ev2", "create"), ("ev2", "init"), ("ev2", "start"), ("ev2", "kill"), ("ev2", "died"),
        ("ev2", "cleanup"),
        ("ev", "remove"), ("ev2", "remove"),
    ]  # fmt: skip
    died = _events(hutch, "--filter", "event=died")
    assert [(e["Name"], e["ContainerExitCode"]) for e in died] == [("ev", 3), ("ev2", 137)]
    # the image's resolved name, as podman 4.3.1 shows it for a container of "base"
    assert all(e["Image"] == "localhost/base:latest" and e["Type"] == "container" for e in died)
    templated = hutch(
        "events", "--stream=false", "--filter", "event=died", "--format",
        "{{.Name}} {{.ContainerExitCode}} {{.TimeNano}} {{.ToHumanReadable true}}",
    ).stdout.splitlines()  # fmt: skip
    assert [line.split()[:2] for line in templated] == [["ev", "3"], ["ev2", "137"]]
    assert all(line.split()[2].isdigit() and " container died " in line for line in templated)
    assert [e["Status"] for e in _events(hutch, "--filter", "container=ev2")] == [
        "create", "init", "start", "kill", "died", "cleanup", "remove",
    ]  # fmt: skip
    future = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    assert _events(hutch, "--since", future) == []
    # podman reads a duration in --until as ahead of now, -1h as an hour ago
    assert len(_events(hutch, "--until", "-1h")) == 0
    text = hutch("events", "--stream=false", "--filter", "event=kill").stdout
    assert text.count("\n") == 1 and " container kill " in text and "signal=SIGKILL" in text


def test_events_of_images_and_of_stop(hutch: Hutch, base_image: str, rootfs_tar: object) -> None:
    hutch("tag", base_image, "base:two")
    hutch("rmi", "base:two")
    image_events = _events(hutch, "--filter", "type=image")
    assert [e["Status"] for e in image_events] == ["import", "tag", "untag"]
    hutch("run", "-d", "--name", "s", base_image, "sleep", "1000")
    hutch("stop", "-t", "0", "s")
    statuses = [e["Status"] for e in _events(hutch, "--filter", "container=s")]
    # the monitor's "died" and the command's "stop" race by a few milliseconds
    assert statuses[:3] == ["create", "init", "start"]
    assert sorted(statuses[3:]) == ["cleanup", "died", "stop"], statuses


def test_events_follow_new_ones(hutch: Hutch, base_image: str) -> None:
    import subprocess

    follower = subprocess.Popen(
        [str(hutch.binary), "events", "--filter", "event=create", "--format", "{{.Name}}"],
        stdout=subprocess.PIPE,
        text=True,
        env=hutch.env.environ(),
    )
    try:
        hutch("create", "--name", "late", base_image, "true")
        assert follower.stdout is not None
        assert follower.stdout.readline() == "late\n"
    finally:
        follower.kill()
        follower.wait()


@pytest.mark.parametrize(
    "argv",
    [("--filter", "colour=red"), ("--since", "5x"),
     ("--stream", "maybe")],
    ids=lambda a: " ".join(a),
)  # fmt: skip
def test_events_bad_input(hutch: Hutch, base_image: str, argv: tuple[str, ...]) -> None:
    result = hutch("events", "--stream=false", *argv, check=False)
    assert result.returncode == 125 and result.stdout == ""
    one_line_error(result.stderr)


def test_requires_pidfile_and_rmi(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """--requires starts the required container first and shows in .Dependencies (rm's
    refusal: unit-tested dependents); --pidfile holds the init's pid; run --rmi removes
    the image after the run (and so the container first: --rmi implies --rm)."""
    pidfile = tmp_path / "a.pid"
    first = hutch(
        "create", "--name", "req-a", "--pidfile", str(pidfile), base_image, "sleep", "60"
    ).stdout.strip()
    hutch("create", "--name", "req-b", "--requires", "req-a", base_image, "true")
    hutch("start", "req-b")
    a, b = json.loads(hutch("inspect", "req-a", "req-b").stdout)
    assert a["State"]["Running"] is True
    assert (a["PidFile"], pidfile.read_text()) == (str(pidfile), str(a["State"]["Pid"]))
    assert b["Dependencies"] == [first]
    hutch("rm", "-f", "-t", "0", "--depend", "req-a")
    hutch("tag", base_image, "localhost/rmi-me:1")
    assert hutch("run", "--rmi", "localhost/rmi-me:1", "true").stdout == ""
    assert hutch("image", "exists", "localhost/rmi-me:1", check=False).returncode == 1
