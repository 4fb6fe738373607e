"""--log-driver passthrough (and passthrough-tty): the container has its caller's own
stdin, stdout and stderr, with real containers; beside podman 4.3.1 where both agree."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from harness import Hutch, run_in_pty, user_conf
from lifecycle_basics import (
    eventually,
    inspect,
    no_default_network,  # noqa: F401 - autouse fixture
    one_line_error,
)
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

PT = ("--log-driver", "passthrough")
SPLIT = "echo out; echo err >&2; exit 3"
# A container that runs on without the caller's streams (a caller reading them to
# their end, as the harness does, would wait for its end otherwise)
LINGER = "exec </dev/null >/dev/null 2>&1; sleep 30"


def run_with(hutch: Hutch, args: tuple[str, ...], stdout: int, stderr: int) -> int:
    """``hutch ARGS`` with these descriptors as its stdout and stderr (stdin /dev/null)."""
    argv = [str(hutch.binary), *args]
    null = subprocess.DEVNULL
    environ, home = hutch.env.environ(), hutch.env.home
    streams = {"stdin": null, "stdout": stdout, "stderr": stderr}
    with subprocess.Popen(argv, env=environ, cwd=home, **streams) as proc:
        return proc.wait(timeout=60)


def run_to_files(hutch: Hutch, tmp_path: Path, *args: str) -> tuple[int, str, str]:
    """``hutch ARGS > out 2> err``: the exit code and the files."""
    out, err = tmp_path / "out", tmp_path / "err"
    with out.open("wb") as o, err.open("wb") as e:
        code = run_with(hutch, args, o.fileno(), e.fileno())
    return code, out.read_text(), err.read_text()


def test_each_stream_goes_to_its_own_file_and_the_exit_code_is_the_containers(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    args = ("run", "--rm", *PT, base_image, "sh", "-c", SPLIT)
    assert run_to_files(hutch, tmp_path, *args) == (3, "out\n", "err\n")


@pytest.mark.parametrize("interactive", [("-i",), ()])
def test_stdin_is_passed_with_or_without_i(
    hutch: Hutch, base_image: str, interactive: tuple[str, ...]
) -> None:
    # podman 4.3.1 passes stdin down without -i too (the driver passes all three)
    result = hutch("run", *interactive, "--rm", *PT, base_image, "cat", input="hi\n")
    assert (result.returncode, result.stdout, result.stderr) == (0, "hi\n", "")


def test_the_monitor_never_holds_the_callers_streams(hutch: Hutch, base_image: str) -> None:
    read, write = os.pipe()
    try:
        pipe = os.readlink(f"/proc/self/fd/{write}")  # pipe:[inode]
        args = ("run", "-d", "--name", "d", *PT, base_image, "sleep", "30")
        assert run_with(hutch, args, write, write) == 0
        state = inspect(hutch, "d")["State"]

        def links(pid: int) -> set[str]:
            fds = Path(f"/proc/{pid}/fd")
            return {os.readlink(fd) for fd in fds.iterdir()}

        assert pipe in links(state["Pid"])  # the container's own stdout
        assert pipe not in links(state["ConmonPid"])  # not its monitor's
        os.close(write)
        write = -1
        hutch("rm", "-f", "-t", "0", "d")
        # podman's run -d prints no id: the only writer of the pipe was the container
        assert os.read(read, 100) == b""
    finally:
        os.close(read)
        if write >= 0:
            os.close(write)


def test_detached_output_keeps_going_to_the_callers_files(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    script = "sleep 1; echo late; echo lateerr >&2"
    code, out, err = run_to_files(hutch, tmp_path, "run", "-d", "--name", "late", *PT,
                                  base_image, "sh", "-c", script)  # fmt: skip
    assert (code, out, err) == (0, "", "")  # no id printed, as podman's
    eventually(lambda: (tmp_path / "err").read_text() == "lateerr\n", what="the late output")
    assert (tmp_path / "out").read_text() == "late\n"


def test_logs_and_attach_are_refused_in_podmans_words(hutch: Hutch, base_image: str) -> None:
    hutch("run", "-d", "--name", "quiet", *PT, base_image, "sh", "-c", LINGER)
    logs = hutch("logs", "quiet", check=False)
    assert logs.returncode == 125
    assert one_line_error(logs.stderr) == (
        "Error: this container is using the 'passthrough' log driver, cannot read logs: "
        "this container is not logging output"
    )
    cid = inspect(hutch, "quiet")["Id"]
    attach = hutch("attach", "quiet", check=False)
    assert attach.returncode == 125
    assert one_line_error(attach.stderr) == (
        f"Error: attaching to container {cid}: this container is using the 'passthrough' "
        "log driver, cannot attach: this container is not logging output"
    )
    hutch("rm", "-f", "-t", "0", "quiet")


def test_inspect_shows_the_driver_and_no_log_file(hutch: Hutch, base_image: str) -> None:
    created = hutch("create", "--name", "c", *PT, base_image, "true")
    assert created.stdout == ""  # podman's create prints no id for it
    config = inspect(hutch, "c")["HostConfig"]["LogConfig"]
    assert (config["Type"], config["Path"]) == ("passthrough", "")


def test_start_passes_its_own_streams(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "s", *PT, base_image, "sh", "-c", "echo from-start; cat")
    started = hutch("start", "-a", "s", input="typed\n")
    assert (started.returncode, started.stdout) == (0, "from-start\ntyped\n")


@pytest.mark.parametrize("driver", ["passthrough", "passthrough-tty"])
def test_tty_is_refused_and_nothing_is_made(hutch: Hutch, base_image: str, driver: str) -> None:
    result = hutch("run", "--rm", "-t", "--log-driver", driver, base_image, "true", check=False)
    assert result.returncode == 125
    assert one_line_error(result.stderr) == (
        f"Error: the '--log-driver {driver}' option cannot be used with --tty: the "
        "container's standard streams are the caller's own, and no terminal is relayed"
    )
    assert hutch("ps", "-aq").stdout == ""


def test_on_a_terminal_passthrough_is_refused_and_passthrough_tty_is_not(
    hutch: Hutch, base_image: str
) -> None:
    code, output = run_in_pty(hutch, ["run", "--rm", *PT, base_image, "true"])
    assert code == 125
    assert output.strip() == (
        "Error: the '--log-driver passthrough' option cannot be used on a TTY.  "
        "If you really want it, use '--log-driver passthrough-tty'"
    )
    check = "[ -t 0 ] && [ -t 1 ] && echo terminal"
    code, output = run_in_pty(
        hutch, ["run", "--rm", "--log-driver", "passthrough-tty", base_image, "sh", "-c", check]
    )
    assert (code, output.strip()) == (0, "terminal")


def test_containers_conf_log_driver_passthrough_takes_effect(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    user_conf(hutch.env, '[containers]\nlog_driver = "passthrough"\n')
    code, out, err = run_to_files(hutch, tmp_path, "run", "--name", "conf", base_image,
                                  "sh", "-c", SPLIT)  # fmt: skip
    assert (code, out, err) == (3, "out\n", "err\n")
    assert inspect(hutch, "conf")["HostConfig"]["LogConfig"]["Type"] == "passthrough"
    # the flag still wins
    assert hutch("run", "--rm", "--log-driver", "k8s-file", base_image, "echo", "x").stdout == (
        "x\n"
    )


def test_the_restart_policys_runs_get_no_streams(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    code, _out, _err = run_to_files(hutch, tmp_path, "run", "-d", "--name", "again",
                                    "--restart", "on-failure:2", *PT, base_image,
                                    "sh", "-c", "echo x; exit 1")  # fmt: skip
    assert code == 0

    def ended() -> bool:
        state = inspect(hutch, "again")
        return state["RestartCount"] == 2 and state["State"]["Status"] == "exited"

    eventually(ended, timeout=30, what="the policy's two restarts")
    # podman's too: only the run its caller started wrote into the caller's file
    assert (tmp_path / "out").read_text() == "x\n"


# -- beside podman 4.3.1 ------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("run", "--rm", *PT, "base", "sh", "-c", SPLIT),
        ("run", "--rm", *PT, "base", "sh", "-c", "echo; echo two >&2; echo three"),
        ("run", "-d", "--rm", *PT, "base", "true"),  # no id printed
        ("run", "--rm", "-a", "stdout", *PT, "base", "true"),  # refused
        ("create", *PT, "base", "true"),  # no id printed
    ],
)
def test_outputs_agree_with_podman(
    hutch: Hutch, base_image: str, podman: Run, args: tuple[str, ...]
) -> None:
    both(hutch, podman, *args)


@pytest.mark.parametrize("verb", [("create",), ("run", "-d")])
def test_containers_conf_default_prints_no_id_as_podmans(
    hutch: Hutch,
    base_image: str,
    podman: Run,
    monkeypatch: pytest.MonkeyPatch,
    verb: tuple[str, ...],
) -> None:
    # containers.conf's log_driver alone: podman's create and run -d print nothing,
    # as with the flag (the id is the driver's to withhold, not the flag's)
    conf = user_conf(hutch.env, '[containers]\nlog_driver = "passthrough"\n')
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    name = "conf-" + verb[0]
    code, out, _err = both(hutch, podman, *verb, "--name", name, "base", "sh", "-c", LINGER)
    assert (code, out) == (0, "")
    shown = "{{.HostConfig.LogConfig.Type}}"
    assert both(hutch, podman, "container", "inspect", "--format", shown, name)[1] == (
        "passthrough\n"
    )
    hutch("rm", "-f", "-t", "0", name)
    podman("rm", "-f", "-t", "0", name)


@pytest.mark.parametrize("interactive", [("-i",), ()])
def test_stdin_agrees_with_podman(
    hutch: Hutch, base_image: str, podman: Run, interactive: tuple[str, ...]
) -> None:
    code, out, _err = both(
        hutch, podman, "run", *interactive, "--rm", *PT, "base", "cat", input="a\nb\n"
    )
    assert (code, out) == (0, "a\nb\n")


def test_logs_inspect_and_attach_agree_with_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    both(hutch, podman, "create", "--name", "p", *PT, "base", "sh", "-c", LINGER)
    shown = "{{.HostConfig.LogConfig.Type}}:{{.HostConfig.LogConfig.Path}}"
    assert both(hutch, podman, "container", "inspect", "--format", shown, "p")[1] == (
        "passthrough:\n"
    )
    code, _out, err = both(hutch, podman, "logs", "p")
    assert code == 125 and "'passthrough' log driver, cannot read logs" in err
    both(hutch, podman, "start", "p")
    ours, theirs = hutch("attach", "p", check=False), podman("attach", "p")
    ids = inspect(hutch, "p")["Id"], podman("inspect", "--format", "{{.Id}}", "p").stdout.strip()
    assert (ours.returncode, ours.stderr.replace(ids[0], "ID")) == (
        theirs.returncode,
        theirs.stderr.replace(ids[1], "ID"),
    )
    hutch("rm", "-f", "-t", "0", "p")
    podman("rm", "-f", "-t", "0", "p")
