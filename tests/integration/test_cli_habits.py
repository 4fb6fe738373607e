"""podman's command-line habits, run against podman 4.3.1 itself where it behaves as
current podman: ``--flag=VALUE`` for booleans, ``--log-level`` checking, ``-h``/``help``;
and ``--noout``/``--out``, which take hutch's own output but not a container's."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tarfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from harness import Hutch

Completed = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def podman(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Completed]]:
    """podman in a home and XDG directories of its own (its store is made there).

    podman leaves a pause process holding its user namespace: it is stopped at
    the end, by the pid podman wrote.
    """
    binary = shutil.which("podman")
    assert binary is not None, "podman not found (contrib/setup-host.sh installs it)"
    home = tmp_path_factory.mktemp("podman-home")
    runtime = home / "run"
    runtime.mkdir(mode=0o700)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(home),
        "XDG_RUNTIME_DIR": str(runtime),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "LC_ALL": "C.UTF-8",
    }

    def run(*args: str) -> Completed:
        return subprocess.run(
            [binary, *args],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
            stdin=subprocess.DEVNULL,
        )

    yield run
    pause = runtime / "libpod" / "tmp" / "pause.pid"
    if pause.exists():
        with contextlib.suppress(ProcessLookupError, ValueError):
            os.kill(int(pause.read_text().strip()), signal.SIGKILL)


def _messages(stderr: str) -> list[str]:
    """stderr without podman's log lines about this host (``time="..." level=warning``)."""
    return [line for line in stderr.splitlines() if not line.startswith("time=")]


@pytest.mark.parametrize(
    "args",
    [
        ("ps", "--all=maybe"),
        ("ps", "-a=1", "-q"),
        ("ps", "--all=false", "--noheading=true"),
        ("--log-level", "foo", "ps"),
        ("--log-level", "WARNING", "ps", "-q"),
    ],
)
def test_same_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), ours.stderr
    # podman adds "See 'podman ps --help'" after a flag error: the first line is the message
    assert _messages(ours.stderr)[:1] == _messages(theirs.stderr)[:1]


@pytest.mark.parametrize("args", [("help", "ps"), ("ps", "-h"), ("help",), ("container", "-h")])
def test_help_spellings_print_usage_like_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours = hutch(*args, check=False)
    theirs = podman(*args)
    assert ours.returncode == theirs.returncode == 0, ours.stderr
    assert ours.stdout.startswith("Usage: hutch") and "Usage:" in theirs.stdout


def test_noout_and_out_keep_container_output(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    # a container's output reaches the terminal; hutch's own (the id of -d) does not
    result = hutch("--noout", "run", "--rm=true", base_image, "echo", "from-the-container")
    assert result.stdout == "from-the-container\n"
    assert hutch("--noout", "run", "-d=true", "--name", "quiet", base_image, "true").stdout == ""
    out = tmp_path / "ps.txt"
    assert hutch("--out", str(out), "ps", "-a", "--format", "{{.Names}}").stdout == ""
    assert out.read_text() == "quiet\n"
    assert hutch("rm", "--force=1", "quiet").stdout == "quiet\n"


@pytest.mark.parametrize("spelling", ["-s=TERM", "-s15", "-sSIGTERM", "-s-1", "-s+15", "-sRTMIN+2"])
def test_kill_signal_spellings_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], spelling: str
) -> None:
    args = ("kill", spelling, "nosuch")  # the signal is checked before the container
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, _messages(ours.stderr)) == (
        theirs.returncode,
        _messages(theirs.stderr),
    )


@pytest.mark.parametrize("spelling", ["-s0", "-s99", "-s--1", "-sFOO", "-s="])
def test_kill_bad_signals_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], spelling: str
) -> None:
    args = ("kill", spelling, "nosuch")
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert ours.returncode == theirs.returncode == 125
    assert _messages(ours.stderr) == _messages(theirs.stderr)


def test_kill_delivers_each_spelling(hutch: Hutch, base_image: str) -> None:
    script = "trap 'echo usr1' USR1; echo ready; while true; do sleep 0.1; done"
    hutch("run", "-d", "--name", "trapper", base_image, "sh", "-c", script)
    wait_for_log(hutch, "trapper", "ready\n")
    want = "ready\n"
    for spelling in (("-s=USR1",), ("-s", "-10"), ("-s", "SIGUSR1"), ("--signal=usr1",)):
        hutch("kill", *spelling, "trapper")
        want += "usr1\n"
        wait_for_log(hutch, "trapper", want)
    hutch("rm", "-f", "-t0", "trapper")


def wait_for_log(hutch: Hutch, name: str, want: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    logs = ""
    while time.monotonic() < deadline:
        logs = hutch("logs", name).stdout
        if logs == want:
            return
        time.sleep(0.1)
    raise AssertionError(f"logs of {name}: {logs!r}, not {want!r}")


def test_name_slash_and_memory_zero(hutch: Hutch, base_image: str) -> None:
    # --memory=0 is no limit: it runs on a host without usable cgroups (as here)
    hutch("create", "--name", "/web", "--memory=0", base_image, "true")
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == "web\n"
    assert hutch("inspect", "--format", "{{.HostConfig.Memory}}", "web").stdout == "0\n"
    hutch("rm", "web")


@pytest.mark.parametrize(
    "args",
    [
        # the rest of podman's combination rules: tests/unit/cli/test_cli_targets.py
        ("stop", "--filter", "name=a", "a"),
        ("rm", "-l", "--all"),
        ("pause", "-l", "--cidfile", "x"),
        ("stop", "--cidfile", "/nonexistent/cid"),
        ("start", "--all", "a"),
        ("wait", "--condition", "foo", "a"),
    ],
)
def test_target_flags_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), ours.stderr
    assert _messages(ours.stderr)[:1] == _messages(theirs.stderr)[:1]


def test_target_flags_act_on_the_containers_chosen(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    stubborn = "trap '' TERM; echo up; while true; do sleep 0.1; done"
    cid = tmp_path / "cid"
    for name in ("t1", "t2"):
        hutch("run", "-d", "--name", name, "--label", "grp=x", base_image, "sh", "-c", stubborn)
        wait_for_log(hutch, name, "up\n")
    hutch("create", "--name", "t3", "--cidfile", str(cid), base_image, "sleep", "60")
    # both ignore SIGTERM: one shared wait of 1 s, one warning each (podman's words)
    began = time.monotonic()
    stopped = hutch("stop", "-t", "1", "--filter", "label=grp=x")
    assert time.monotonic() - began < 6, "the two stops did not share their wait"
    warned = [line for line in stopped.stderr.splitlines() if "resorting to SIGKILL" in line]
    assert sorted(warned) == [
        f"WARN: StopSignal SIGTERM failed to stop container {n} in 1 seconds, resorting to SIGKILL"
        for n in ("t1", "t2")
    ]
    assert len(stopped.stdout.split()) == 2
    # --latest is t3, the container created last; --cidfile names it too
    assert hutch("start", "-l").stdout.strip() == cid.read_text().strip()
    assert hutch("wait", "--condition", "running", "t3").stdout == "-1\n"
    assert hutch("kill", "--cidfile", str(cid)).stdout.strip() == cid.read_text().strip()
    assert hutch("wait", "--ignore", "nosuch", "t3").stdout == "-1\n137\n"
    # a container that joins t3's network goes first with --depend, else t3 stays
    hutch("create", "--name", "t4", "--network", "container:t3", base_image, "true")
    refused = hutch("rm", "t3", check=False)
    assert refused.returncode == 125
    assert "has dependent containers which must be removed before it" in refused.stderr
    removed = hutch("rm", "--depend", "t3").stdout.split()
    assert len(removed) == 2 and removed[1] == cid.read_text().strip()
    assert hutch("start", "--all").stdout.count("\n") == 2
    # start --filter: the stopped one it names, by id as podman prints it
    hutch("stop", "-t", "0", "t2")
    t2 = hutch("inspect", "--format", "{{.Id}}", "t2").stdout
    assert hutch("start", "--filter", "name=t2").stdout == t2
    assert hutch("inspect", "--format", "{{.State.Running}}", "t2").stdout == "true\n"
    assert hutch("rm", "-af", "-t", "0").stdout.count("\n") == 2


def test_init_clone_and_latest(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "orig", "-e", "FROM=orig", base_image, "sleep", "60")
    assert hutch("init", "orig").stdout == "orig\n"
    clone_id = hutch("container", "clone", "--run", "orig").stdout.strip()
    # the clone is the latest: -l reaches it from exec, inspect, logs
    assert hutch("exec", "-l", "sh", "-c", "echo $FROM").stdout == "orig\n"
    assert hutch("inspect", "-l", "--format", "{{.Name}}").stdout == "orig-clone\n"
    assert hutch("inspect", "--format", "{{.Id}}", "orig-clone").stdout.strip() == clone_id
    refused = hutch("init", "orig-clone", check=False)
    assert refused.returncode == 125
    assert refused.stderr == (
        f"Error: container {clone_id} has already been created in runtime: "
        "container state improper\n"
    )
    hutch("container", "clone", "--destroy", "orig", "copy")
    names = hutch("ps", "-a", "--format", "{{.Names}}").stdout.split()
    assert sorted(names) == ["copy", "orig-clone"]
    hutch("rm", "-af", "-t", "0")


@pytest.mark.parametrize(
    "args",
    [
        ("--cgroup-manager", "foo", "ps"),
        ("--events-backend", "foo", "ps"),
        ("--cgroup-manager", "cgroupfs", "--events-backend", "none", "ps", "-q"),
    ],
)
def test_engine_flags_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout), ours.stderr
    # podman says where it met the value ("configuring runtime: "); the message is the same
    mine = _messages(ours.stderr)[:1]
    assert [line.removeprefix("Error: ") for line in mine] == [
        line.removeprefix("Error: configuring runtime: ") for line in _messages(theirs.stderr)[:1]
    ]


def test_network_bridge_is_the_default_network_where_ping_works(
    hutch: Hutch, base_image: str
) -> None:
    hutch("create", "--name", "br", "--network", "bridge", base_image, "true")
    # inspect names the private network by its helper, as current podman does (pasta)
    assert hutch("inspect", "--format", "{{.HostConfig.NetworkMode}}", "br").stdout == "pasta\n"
    hutch("rm", "br")
    # ICMP echo sockets for the container's groups, as podman allows on every network
    ranges = hutch("run", "--rm", base_image, "cat", "/proc/sys/net/ipv4/ping_group_range")
    low, high = ranges.stdout.split()
    assert low == "0" and int(high) > 0


def test_rmi_takes_the_builds_step_images_along(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    (tmp_path / "Containerfile").write_text(f"FROM {base_image}\nRUN touch /a\nRUN touch /b\n")
    hutch("build", "-q", "-t", "built", str(tmp_path))
    before = set(hutch("images", "-a", "-q").stdout.split())
    assert len(before) == 3  # base, the step of RUN touch /a, built
    removed = hutch("rmi", "built").stdout.splitlines()
    assert removed[0] == "Untagged: localhost/built:latest"
    assert len([line for line in removed if line.startswith("Deleted: ")]) == 2
    assert hutch("images", "-a", "--format", "{{.Repository}}").stdout == "localhost/base\n"
    # --no-prune: the step image stays, nameless
    hutch("build", "-q", "-t", "built", str(tmp_path))
    kept = hutch("rmi", "--no-prune", "built").stdout.splitlines()
    assert len([line for line in kept if line.startswith("Deleted: ")]) == 1
    left = hutch("images", "-a", "--format", "{{.Repository}}").stdout.split()
    assert sorted(left) == ["<none>", "localhost/base"]


@pytest.mark.parametrize(
    "args", [("completion",), ("completion", "ksh"), ("completion", "bash", "zsh")]
)
def test_completion_arguments_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], args: tuple[str, ...]
) -> None:
    ours, theirs = hutch(*args, check=False), podman(*args)
    assert (ours.returncode, ours.stdout) == (theirs.returncode, theirs.stdout)
    assert _messages(ours.stderr)[:1] == [
        line.replace("podman", "hutch") for line in _messages(theirs.stderr)[:1]
    ]


def test_completion_file_is_a_script_bash_loads(hutch: Hutch, tmp_path: Path) -> None:
    target = tmp_path / "hutch.bash"
    hutch("completion", "--file", str(target), "bash")
    check = subprocess.run(
        ["bash", "-c", 'source "$1" && complete -p hutch', "_", str(target)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert check.stdout.strip() == "complete -F _hutch hutch", check.stderr


def test_run_timeout_kills_the_container_as_podman(hutch: Hutch, base_image: str) -> None:
    # podman 4.3.1 (conmon --timeout): killed, recorded as exit -1, run exits 255
    ran = hutch("run", "--name", "tmo", "--timeout", "1", base_image, "sleep", "60", check=False)
    assert ran.returncode == 255, ran.stderr
    shown = hutch("inspect", "--format", "{{.State.ExitCode}} {{.Config.Timeout}}", "tmo")
    assert shown.stdout == "-1 1\n"
    assert hutch("ps", "-a", "--format", "{{.Status}}").stdout.startswith("Exited (-1)")
    hutch("rm", "tmo")


def test_exec_privileged_and_preserve_fds(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("run", "-d", "--name", "ex", base_image, "sleep", "60")
    caps = hutch("exec", "--privileged", "ex", "grep", "CapEff", "/proc/self/status").stdout
    last = int(Path("/proc/sys/kernel/cap_last_cap").read_text())
    assert int(caps.split()[1], 16) == (1 << (last + 1)) - 1
    passed = tmp_path / "passed"
    passed.write_text("through fd 3\n")
    # the shell opens the file as fd 3 of hutch, as a podman user's shell would
    command = [str(hutch.binary), "exec", "--preserve-fds", "1", "ex", "cat", "/proc/self/fd/3"]
    got = subprocess.run(
        ["sh", "-c", 'exec "$@" 3<"$0"', str(passed), *command],
        capture_output=True,
        text=True,
        timeout=60,
        env=hutch.env.environ(),
        stdin=subprocess.DEVNULL,
    )
    assert (got.returncode, got.stdout) == (0, "through fd 3\n"), got.stderr
    hutch("rm", "-f", "-t", "0", "ex")


def test_save_to_a_pipe_and_multi_image(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    hutch("tag", base_image, "second:1")
    # no -o: standard output, here a pipe (the archive once went to a temp file in /dev)
    piped = subprocess.run(
        ["sh", "-c", '"$0" save "$1" second:1 | tar -xO manifest.json', hutch.binary, base_image],
        capture_output=True,
        text=True,
        timeout=60,
        env=hutch.env.environ(),
        stdin=subprocess.DEVNULL,
    )
    assert piped.returncode == 0, piped.stderr
    # podman without -m: one image, the other names are more tags for it
    [entry] = json.loads(piped.stdout)
    # podman 4.3.1's order: the other names first, then the first one given
    assert entry["RepoTags"] == ["localhost/second:1", "localhost/base:latest"]
    archive = tmp_path / "two.tar"
    hutch("save", "-m", "-o", str(archive), base_image, "second:1")
    with tarfile.open(archive) as tar:
        member = tar.extractfile("manifest.json")
        assert member is not None
        entries = json.loads(member.read())
    # -m of one image under two names: one entry with both names, as podman writes it
    assert [e["RepoTags"] for e in entries] == [["localhost/base:latest", "localhost/second:1"]]


def test_image_tree_and_diff(hutch: Hutch, base_image: str) -> None:
    tree = hutch("image", "tree", base_image).stdout.splitlines()
    assert tree[1] == "Tags:     [localhost/base:latest]"
    assert tree[3] == "Image Layers"
    assert tree[4].startswith("└── ID: ")
    assert tree[4].endswith(" Top Layer of: [localhost/base:latest]")
    changes = hutch("image", "diff", base_image).stdout.splitlines()
    assert "A /bin/busybox" in changes
    assert all(line.startswith("A /") for line in changes)  # one layer: all added


def test_image_mount_in_unshare_as_podman(hutch: Hutch, base_image: str) -> None:
    refused = hutch("image", "mount", base_image, check=False)
    assert refused.returncode == 125
    assert refused.stderr.strip() == (
        'Error: cannot run command "hutch image mount" in rootless mode, '
        "must execute `hutch unshare` first"
    )
    script = (
        'p=$("$0" image mount "$1") && cat "$p/etc/passwd" >/dev/null && "$0" image unmount "$1"'
    )
    inside = hutch("unshare", "sh", "-c", script, str(hutch.binary), base_image)
    assert len(inside.stdout.split()) == 1 and len(inside.stdout.strip()) == 64


def test_container_runlabel_as_podman(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "labelled", base_image, "true")
    label = 'LABEL run="podman run --rm --name NAME IMAGE echo hi NAME"'
    hutch("commit", "-q", "-c", label, "labelled", "rl")
    hutch("rm", "labelled")
    shown = hutch("container", "runlabel", "--display", "-n", "web", "run", "rl", "x")
    assert shown.stdout == "command: hutch run --rm --name web localhost/rl:latest echo hi web x\n"
    assert hutch("container", "runlabel", "run", "rl", "x").stdout == "hi rl x\n"
    missing = hutch("container", "runlabel", "install", "rl", check=False)
    assert missing.returncode == 125
    assert "Error: cannot find the value of label: install in image: rl" in missing.stderr


def test_volume_mount_in_unshare_as_podman(hutch: Hutch) -> None:
    hutch("volume", "create", "vm")
    refused = hutch("volume", "mount", "vm", check=False)
    assert refused.returncode == 125
    assert "must execute `hutch unshare` first" in refused.stderr
    path = hutch("volume", "inspect", "--format", "{{.Mountpoint}}", "vm").stdout
    script = '"$0" volume mount vm && "$0" volume unmount vm'
    assert hutch("unshare", "sh", "-c", script, str(hutch.binary)).stdout == path + "vm\n"
    hutch("volume", "rm", "vm")


def test_search_a_registrys_catalog_as_podman(
    hutch: Hutch, podman: Callable[..., Completed], base_image: str, tmp_path: Path
) -> None:
    from registry_helpers import running_registry

    with running_registry(tmp_path / "registry") as registry:
        for name in ("alpha/app:1", "alpha/app:2", "tools/alphabet:v1"):
            hutch("push", "-q", "--tls-verify=false", base_image, registry.ref(name))
        insecure = "--tls-verify=false"
        for args in (
            (registry.ref("alpha"),),
            ("--limit", "1", registry.ref("")),
            ("--format", "json", registry.ref("alpha")),
            ("--format", "{{.Index}}|{{.Name}}|{{.Stars}}|{{.Official}}", registry.ref("a")),
            ("--list-tags", "--format", "json", registry.ref("alpha/app")),
            ("--filter", "is-official", registry.ref("alpha")),
            (registry.ref("zzz"),),
        ):
            ours, theirs = hutch("search", insecure, *args), podman("search", insecure, *args)
            assert (ours.stdout, ours.returncode) == (theirs.stdout, theirs.returncode), args
        tags = hutch("image", "search", insecure, "--list-tags", registry.ref("alpha/app"))
        assert sorted(tags.stdout.split()[3::2]) == ["1", "2"]
        missing = hutch("search", insecure, "--list-tags", registry.ref("alpha"), check=False)
        assert missing.returncode == 125 and "getting repository tags: " in missing.stderr


def test_container_mount_in_unshare_as_podman(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "still", base_image, "true")
    hutch("run", "-d", "--name", "live", base_image, "sleep", "1000")
    refused = hutch("mount", "still", check=False)
    assert refused.returncode == 125
    assert refused.stderr.strip() == (
        'Error: cannot run command "hutch mount" in rootless mode, '
        "must execute `hutch unshare` first"
    )
    # a stopped container's files, and a running one's (a second overlay on its upper)
    script = (
        'h="$0"; p=$("$h" mount still) && echo hi > "$p/hello" && "$h" mount && '
        'q=$("$h" container mount live) && echo there > "$q/tmp/x" && '
        '"$h" exec live cat /tmp/x && "$h" umount -a'
    )
    out = hutch("unshare", "sh", "-c", script, str(hutch.binary)).stdout.splitlines()
    still = hutch("inspect", "-f", "{{.Id}}", "still").stdout.strip()
    assert out[0].startswith(still[:12] + "  ")
    assert out[0].endswith("/merged") and out[1] == "there"
    # umount -a leaves the running one mounted, unprinted, as podman's --all does
    assert out[2:] == [still]
    assert hutch("diff", "still").stdout == "A /hello\n"
    hutch("rm", "-f", "-t", "0", "live", "still")
