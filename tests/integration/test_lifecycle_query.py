"""What ps, inspect and logs show about containers."""

from __future__ import annotations

import json
import time
from datetime import datetime

import pytest
from harness import Hutch
from lifecycle_basics import (
    eventually,
    inspect,
    log_lines,
    no_default_network,  # noqa: F401 - autouse fixture
)

# The keys of `ps --format json` that scripts use (podman's names): a contract.
PS_JSON_KEYS = {
    "Id",
    "Image",
    "ImageID",
    "Command",
    "Created",
    "CreatedAt",
    "State",
    "Status",
    "Exited",
    "ExitCode",
    "StartedAt",
    "ExitedAt",
    "Names",
    "Labels",
    "Ports",
    "Restarts",
    "Mounts",  # the mounts' destinations, as podman
    # and the rest of podman 4.3.1's keys
    "AutoRemove",
    "IsInfra",
    "Namespaces",
    "Networks",
    "Pid",
    "Pod",
    "PodName",
    "Size",
}


@pytest.fixture
def three(hutch: Hutch, base_image: str) -> dict[str, str]:
    """Three containers, oldest first: exited (status 3), created, running."""
    ids = {}
    ids["done"] = hutch("run", "--name", "done", base_image, "sh", "-c", "exit 3", check=False)
    assert ids["done"].returncode == 3
    ids["new"] = hutch("create", "--name", "new", base_image, "true")
    ids["up"] = hutch("run", "-d", "--name", "up", base_image, "sleep", "1000")
    out = {name: r.stdout.strip() for name, r in ids.items() if r.stdout.strip()}
    out["done"] = inspect(hutch, "done")["Id"]
    return out


def test_ps_lists_running_ones_and_all_with_a(hutch: Hutch, three: dict[str, str]) -> None:
    lines = hutch("ps").stdout.splitlines()
    assert lines[0].split() == ["CONTAINER", "ID", "IMAGE", "COMMAND", "CREATED", "STATUS",
                                "PORTS", "NAMES"]  # fmt: skip
    assert len(lines) == 2 and lines[1].startswith(three["up"][:12]) and lines[1].endswith("up")
    names = hutch("ps", "-a", "--format", "{{.Names}} {{.Status}}").stdout.splitlines()
    assert [n.split()[0] for n in names] == ["done", "new", "up"]  # oldest first, as podman
    assert names[2].startswith("up Up ")
    assert names[1] == "new Created"
    assert names[0].startswith("done Exited (3) ") and names[0].endswith(" ago")
    # info counts from the monitors' state, as ps does (not from the database)
    counts = "{{.Store.ContainerStore.Number}} {{.Store.ContainerStore.Running}} " + (
        "{{.Store.ContainerStore.Stopped}}"
    )
    assert hutch("info", "--format", counts).stdout == "3 1 2\n"


def test_ps_quiet_no_trunc_last_latest(hutch: Hutch, three: dict[str, str]) -> None:
    assert hutch("ps", "-q").stdout == three["up"][:12] + "\n"
    assert hutch("ps", "-aq").stdout.split() == [three[n][:12] for n in ("done", "new", "up")]
    assert hutch("ps", "-aq", "--no-trunc").stdout.split() == [
        three[n] for n in ("done", "new", "up")
    ]
    # the two created last, listed as podman lists them: the older first
    assert hutch("ps", "-n", "2", "--format", "{{.Names}}").stdout == "new\nup\n"
    assert hutch("ps", "-l", "--format", "{{.Names}}").stdout == "up\n"
    rows = hutch("ps", "-a", "--noheading").stdout.splitlines()
    assert len(rows) == 3 and not rows[0].startswith("CONTAINER")


def test_ps_format_json_keys_are_a_contract(hutch: Hutch, three: dict[str, str]) -> None:
    data = json.loads(hutch("ps", "-a", "--format", "json").stdout)
    assert [d["Names"] for d in data] == [["done"], ["new"], ["up"]]
    for entry in data:
        assert set(entry) == PS_JSON_KEYS
    done = data[0]
    assert (done["State"], done["ExitCode"], done["Exited"]) == ("exited", 3, True)
    assert done["Command"][0] == "sh"
    assert data[2]["State"] == "running" and data[2]["Id"] == three["up"]
    assert json.loads(hutch("ps", "--format", "json").stdout)[0]["Names"] == ["up"]


def test_ps_of_nothing(hutch: Hutch, base_image: str) -> None:
    assert hutch("ps", "-a", "--noheading").stdout == ""
    assert json.loads(hutch("ps", "-a", "--format", "json").stdout) == []


def test_inspect_has_the_shape_scripts_use(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run", "-d", "--name", "shape", "-e", "FOO=bar", "--restart", "on-failure:2",
        "--stop-timeout", "0", base_image, "sleep", "1000",
    )  # fmt: skip
    data = inspect(hutch, "shape")
    assert data["Name"] == "shape" and len(data["Id"]) == 64
    state = data["State"]
    assert (state["Status"], state["Running"], state["ExitCode"]) == ("running", True, 0)
    assert state["Pid"] > 0 and state["ConmonPid"] > 0
    datetime.fromisoformat(state["StartedAt"].replace("Z", "+00:00"))
    assert "FOO=bar" in data["Config"]["Env"]
    assert data["Config"]["Cmd"] == ["sleep", "1000"]
    assert (data["Path"], data["Args"]) == ("sleep", ["1000"])
    assert isinstance(data["Mounts"], list)
    assert isinstance(data["NetworkSettings"], dict) and "Ports" in data["NetworkSettings"]
    assert data["HostConfig"]["RestartPolicy"] == {"Name": "on-failure", "MaximumRetryCount": 2}
    assert data["Config"]["StopTimeout"] == 0  # not the default 10 (the record's old bug)
    assert data["Config"]["StopSignal"] == "SIGTERM"
    assert hutch("inspect", "-f", "{{.State.Status}}", "shape").stdout == "running\n"
    assert hutch("container", "inspect", "-f", "{{.Config.Cmd}}", "shape").stdout == (
        "[sleep 1000]\n"
    )
    assert json.loads(hutch("inspect", "-f", "{{json .Config.Cmd}}", "shape").stdout) == [
        "sleep",
        "1000",
    ]
    assert "StoppedByUser" not in state  # podman's omitempty: false
    hutch("stop", "-t", "0", "shape")
    state = inspect(hutch, "shape")["State"]
    assert (state["Status"], state["Running"], state["ExitCode"], state["Pid"]) == (
        "exited",
        False,
        137,
        0,
    )
    assert hutch("inspect", "-f", "{{.State.StoppedByUser}}", "shape").stdout == "true\n"
    # a run that ends by itself was not stopped by a user
    assert (
        hutch("run", "--name", "self", base_image, "sh", "-c", "exit 3", check=False).returncode
        == 3
    )
    assert hutch("inspect", "-f", "{{.State.StoppedByUser}}", "self").stdout == "false\n"


# a template reading only these keys takes the state path (cli/inspect.py): the
# record and state file alone, never the whole report
STATE_TEMPLATE = (
    "{{json .State}}|{{.ID}}|{{.Name}}|{{.Image}}|{{.ImageName}}|{{.RestartCount}}|{{.Created}}"
)


def _instant(text: str) -> tuple[str, float]:
    """An RFC 3339 UTC time as (its seconds' text, its fraction), however many digits."""
    whole, _, fraction = text.rstrip("Z").partition(".")
    return whole, float(f"0.{fraction}") if fraction else 0.0


def test_inspect_of_the_state_shows_the_whole_report_s_values(
    hutch: Hutch, three: dict[str, str]
) -> None:
    """Each state (exited, created, running): what a template reading only the state
    prints is what the whole report holds, and a template naming another key (here
    ``.Path``) prints the same through the whole report."""
    for name in ("done", "new", "up"):
        whole = inspect(hutch, name)
        fast = hutch("inspect", "-f", STATE_TEMPLATE, name).stdout.rstrip("\n")
        state, cid, shown, image, image_name, restarts, _created = fast.split("|")
        # a template's JSON marshals a time as Go does (trailing zeros of the fraction
        # dropped: .17175Z where inspect's JSON has .171750Z): the same instant
        shown_state, whole_state = json.loads(state), dict(whole["State"])
        for key in ("StartedAt", "FinishedAt", "CheckpointedAt", "RestoredAt"):
            assert _instant(shown_state.pop(key)) == _instant(whole_state.pop(key)), key
        assert shown_state == whole_state
        assert (cid, shown, image, image_name, restarts) == (
            whole["Id"], whole["Name"], whole["Image"], whole["ImageName"],
            str(whole["RestartCount"]),
        )  # fmt: skip
        slow = hutch("inspect", "-f", STATE_TEMPLATE + "|{{.Path}}", name).stdout
        assert slow == fast + "|" + whole["Path"] + "\n"
    # a missing name among found ones: their lines, then podman's error and 125
    mixed = hutch("inspect", "-f", "{{.Id}}", "new", "nosuch", check=False)
    assert mixed.returncode == 125 and mixed.stdout == three["new"] + "\n"
    assert mixed.stderr.startswith('Error: inspecting object: no such object: "nosuch"')


def test_inspect_type_chooses_container_or_image(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "base", base_image, "true")  # a container named like the image
    as_container = json.loads(hutch("inspect", "base").stdout)[0]
    assert as_container["Name"] == "base"
    as_image = json.loads(hutch("inspect", "--type", "image", "base").stdout)[0]
    assert "Name" not in as_image and as_image["Id"] != as_container["Id"]


def _stamped(hutch: Hutch, name: str, *extra: str) -> list[tuple[float, str]]:
    out = []
    for line in hutch("logs", "-t", *extra, name).stdout.splitlines():
        stamp, text = line.split(" ", 1)
        whole, _, frac = stamp.rstrip("Z").partition(".")
        when = datetime.fromisoformat(whole + "+00:00").timestamp() + float(f"0.{frac}")
        assert len(frac) == 9  # nanoseconds, as podman prints them
        out.append((when, text))
    return out


def test_logs_tail_timestamps_since_until(hutch: Hutch, base_image: str) -> None:
    script = "for i in 1 2 3 4 5 6; do echo out$i; echo err$i >&2; sleep 0.3; done"
    hutch("run", "--name", "talk", base_image, "sh", "-c", script)
    both = hutch("logs", "talk")
    assert both.stdout.splitlines() == [f"out{i}" for i in range(1, 7)]
    assert both.stderr.splitlines() == [f"err{i}" for i in range(1, 7)]
    tail = hutch("logs", "--tail", "3", "talk")
    assert len(tail.stdout.splitlines()) + len(tail.stderr.splitlines()) == 3
    assert hutch("logs", "--tail", "0", "talk").stdout == ""
    assert hutch("logs", "--tail", "-1", "talk").stdout == both.stdout
    stamped = _stamped(hutch, "talk")
    assert [text for _, text in stamped] == [f"out{i}" for i in range(1, 7)]
    assert [t for t, _ in stamped] == sorted(t for t, _ in stamped)
    middle = stamped[2][0]
    since = hutch("logs", "--since", f"{middle:.9f}", "talk").stdout.splitlines()
    assert since == [f"out{i}" for i in range(3, 7)]
    until = hutch("logs", "--until", f"{middle:.9f}", "talk").stdout.splitlines()
    assert until == ["out1", "out2", "out3"]
    assert hutch("logs", "--since", "1h", "talk").stdout == both.stdout
    assert hutch("logs", "--until", "-1h", "talk").stdout == ""  # podman: 1h is ahead
    assert hutch("logs", "--until", "1h", "talk").stdout == both.stdout
    rfc = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + 3600))
    assert hutch("logs", "--since", rfc, "talk").stdout == ""


def test_logs_of_several_containers_are_merged_by_time(hutch: Hutch, base_image: str) -> None:
    """As podman 4.3.1: each line after its container's short id (its name with
    --names), the containers' lines in the order they were written, whatever the
    order of the names."""
    hutch("run", "--name", "a", base_image, "sh", "-c", "echo a1; echo a2")
    hutch("run", "--name", "b", base_image, "echo", "b1")
    a, b = (hutch("inspect", "--format", "{{.Id}}", n).stdout.strip()[:12] for n in "ab")
    merged = f"{a} a1\n{a} a2\n{b} b1\n"
    assert hutch("logs", "a", "b").stdout == merged
    assert hutch("logs", "b", "a").stdout == merged
    assert hutch("logs", "--names", "b", "a").stdout == "a a1\na a2\nb b1\n"


def test_logs_keep_partial_lines_and_long_lines(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "p", base_image, "sh", "-c", "printf 'no newline'")
    assert hutch("logs", "p").stdout == "no newline\n"
    hutch("run", "--name", "long", base_image, "sh", "-c", "head -c 40000 /dev/zero | tr '\\0' x")
    assert hutch("logs", "long").stdout.replace("\n", "") == "x" * 40000


def test_logs_follow_of_an_exited_container_returns(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "gone", base_image, "echo", "bye")
    assert hutch("logs", "-f", "gone", timeout=10).stdout == "bye\n"
    eventually(lambda: log_lines(hutch, "gone") == ["bye"])


def test_logs_since_accepts_a_time_printed_by_logs_t(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "n", base_image, "sh", "-c", "echo one; sleep 0.2; echo two")
    stamps = [line.split(" ", 1)[0] for line in hutch("logs", "-t", "n").stdout.splitlines()]
    assert hutch("logs", "--since", stamps[1], "n").stdout == "two\n"
