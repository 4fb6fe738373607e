"""Differential sweep 4 (issue 15): what podman users type most, through hutch and
Debian's podman 4.3.1 on the same rootfs, by exit code, stdout and stderr: run/create's
refusals of -v, --mount, --dns, --ulimit, --restart, --stop-signal, --tz, --pull in
podman's words and the effects of env files, --unsetenv, --dns none and --ulimit host;
ps --last and {{.ImageID}}, images and inspect refusals, image exists, save's missing
directory, pod ps templates, a group without its command, info's default capabilities.
One module-wide set of containers in each tool (the CI budget is tight). Where current
podman differs from 4.3.1 (inspect's StopSignal) hutch is held to current podman."""

from __future__ import annotations

import os
import pwd
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from module_hutch import module_hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.fixture(scope="module")
def hutch(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Hutch]:
    """One hutch for the module (the conftest's is per test)."""
    yield from module_hutch(tmp_path_factory, "sweep4", rootfs_tar)


@pytest.fixture(scope="module")
def made(hutch: Hutch, podman: Run) -> Iterator[None]:
    """In each tool: s4run running, s4cre created, s4pod (no infra) without members."""
    steps = (
        ("run", "-d", "--name", "s4run", "base", "sleep", "1000"),
        ("create", "--name", "s4cre", "--stop-signal", "USR1", "base", "true"),
        ("pod", "create", "--infra=false", "--name", "s4pod"),
    )
    for tool, run in (("hutch", hutch), ("podman", podman)):
        for args in steps:
            got = run(*args) if run is podman else run(*args, check=False)
            assert got.returncode == 0, (tool, args, got.stderr)
    yield
    for run in (hutch, podman):
        run("rm", "-f", "-t", "0", "s4run", "s4cre")
        run("pod", "rm", "-f", "s4pod")


def test_refusals_in_podmans_words(hutch: Hutch, podman: Run, made: None) -> None:
    interface = "can't evaluate field Nope in type interface {}"
    refused = {
        # --dns: none alone; not on a container without a network of its own
        ("run", "--rm", "--dns", "1.1.1.1", "--network", "none", "base", "true"): (
            "conflicting options: dns and the network mode: none"
        ),
        ("run", "--rm", "--dns", "none", "--dns", "1.1.1.1", "base", "true"): (
            "none is not allowed to be specified with other DNS ip addresses"
        ),
        # -v and --mount options
        ("run", "--rm", "-v", "/tmp:/d:ro,rw", "base", "true"): (
            "invalid options \"ro, rw\", can only specify 1 'rw' or 'ro' option"
        ),
        ("run", "--rm", "-v", "", "base", "true"): "container directory cannot be empty",
        ("run", "--rm", "--mount", "type=bind,src=/tmp,dst=/d,relabel=x", "base", "true"): (
            "relabel mount option must be 'private' or 'shared': invalid mount option"
        ),
        ("run", "--rm", "--ulimit", "bogus=1", "base", "true"): (
            'ulimit option "bogus=1" requires name=SOFT:HARD, failed to be parsed: '
            "invalid ulimit type: bogus"
        ),
        # the restart and stop policies, the time zone, a missing image
        ("create", "--restart", "bogus", "base", "true"): (
            'running container create option: "bogus" is not a valid restart policy: '
            "invalid argument"
        ),
        ("create", "--restart", "always:3", "base", "true"): (
            "restart policy retries can only be specified with on-failure restart policy"
        ),
        ("create", "--stop-signal", "0", "base", "true"): "invalid signal: 0",
        ("run", "--rm", "--tz", "Bogus/Zone", "base", "true"): (
            "running container create option: stat /usr/share/zoneinfo/Bogus/Zone: "
            "no such file or directory"
        ),
        ("run", "--rm", "--pull", "never", "nosuchimage"): "nosuchimage: image not known",
        ("pod", "create", "--exit-policy", "bogus"): (
            'running pod create option: invalid pod exit policy: "bogus"'
        ),
        # images, inspect
        ("image", "exists", "Bad"): "repository name must be lowercase",
        ("images", "--filter", "reference"): (
            'invalid image filter "reference": must be in the format '
            '"filter=value or filter!=value"'
        ),
        ("inspect", "--latest", "-f", "{{.Name}}", "s4cre"): (
            "--latest and arguments cannot be used together"
        ),
        ("inspect", "--size", "--type", "image", "base"): 'size is not supported for type "image"',
        ("inspect", "-f", "{{.Nope}}", "base"): (
            "inspecting object: printing inspect output: template: inspect:1:13: executing "
            f'"inspect" at <.Nope>: {interface}'
        ),
        ("save", "-o", "/nonexistent-sweep4/b.tar", "base"): (
            'opening file "/nonexistent-sweep4/b.tar": open /nonexistent-sweep4/b.tar: '
            "no such file or directory"
        ),
        ("pod", "ps", "--format", "{{.Nope}}"): (
            'template: ps:1:13: executing "ps" at <.Nope>: can\'t evaluate field Nope in '
            "type pods.ListPodReporter"
        ),
    }  # fmt: skip
    for args, words in refused.items():
        assert both(hutch, podman, *args) == (125, "", f"Error: {words}\n"), args
    # pod create's -h is --hostname (podman's infra flags are run's), not --help
    ours, theirs = hutch("pod", "create", "-h", check=False), podman("pod", "create", "-h")
    assert ours.returncode == theirs.returncode == 125
    assert (
        ours.stderr
        == theirs.stderr.splitlines(True)[0]
        == ("Error: flag needs an argument: 'h' in -h\n")
    )
    # --stop-timeout is unsigned (podman adds a "See" line)
    ours = hutch("create", "--stop-timeout", "-1", "base", "true", check=False)
    theirs = podman("create", "--stop-timeout", "-1", "base", "true")
    assert ours.returncode == theirs.returncode == 125
    assert ours.stderr == theirs.stderr.splitlines(True)[0]


def test_run_effects(hutch: Hutch, podman: Run, tmp_path: Path) -> None:
    env_file = tmp_path / "env.list"
    env_file.write_text("  E1= spaced \n# comment\nE2=b c\n")
    env_file.chmod(0o644)
    tmp_path.chmod(0o755)
    assert both(
        hutch, podman, "run", "--rm", "--env-file", str(env_file), "base", "sh", "-c",
        'echo "[$E1|$E2]"',
    ) == (0, "[ spaced |b c]\n", "")  # fmt: skip
    # no PATH at all: busybox sh's own default shows
    assert both(
        hutch, podman, "run", "--rm", "--unsetenv", "PATH", "base", "/bin/sh", "-c",
        'echo "[$PATH]"',
    ) == (0, "[/sbin:/usr/sbin:/bin:/usr/bin]\n", "")  # fmt: skip
    # --dns none: the image's resolv.conf, which this one lacks
    assert both(hutch, podman, "run", "--rm", "--dns", "none", "base", "cat", "/etc/resolv.conf")[
        :2
    ] == (1, "")
    assert both(hutch, podman, "run", "--rm", "--ulimit", "host", "base", "true") == (0, "", "")


def test_listings_and_reports(hutch: Hutch, podman: Run, made: None) -> None:
    # --last below 1 is no limit: the running container only
    assert both(hutch, podman, "ps", "--last", "-1", "--format", "{{.Names}}") == (0, "s4run\n", "")
    for run in (hutch, podman):  # both short, as podman's psReporter
        ids = run("ps", "-a", "--filter", "name=^s4", "--format", "{{.ImageID}}").stdout.split()
        assert [len(i) for i in ids] == [12, 12], ids
        pod = run("pod", "ps", "--filter", "name=^s4pod$", "--format", "{{.Id}} {{.InfraId}}|")
        assert len(pod.stdout) == len("123456789012 |\n"), pod.stdout
    # --pod: tabwriter's padding before the empty pod columns stays, as podman's
    tails = []
    for run in (hutch, podman):
        row = run("ps", "-a", "--pod", "--filter", "name=^s4cre$").stdout.splitlines()[1]
        tails.append(len(row) - len(row.rstrip(" ")))
    assert tails[0] == tails[1] > 0, tails
    assert both(hutch, podman, "info", "--format", "{{.Host.Security.DefaultCapabilities}}") == (
        0,
        "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_NET_BIND_SERVICE,"
        "CAP_SETFCAP,CAP_SETGID,CAP_SETPCAP,CAP_SETUID,CAP_SYS_CHROOT\n",
        "",
    )
    # a pod without containers does not start, in podman's whole words
    pod_id = hutch("pod", "inspect", "--format", "{{.Id}}", "s4pod").stdout.strip()
    ours = hutch("pod", "start", "s4pod", check=False)
    theirs = podman("pod", "start", "s4pod")
    podman_id = podman("pod", "inspect", "--format", "{{.Id}}", "s4pod").stdout.strip()
    assert (ours.returncode, ours.stderr.replace(pod_id, "ID")) == (
        theirs.returncode,
        theirs.stderr.replace(podman_id, "ID"),
    )
    # a group without its command: the help on stdout, podman's error
    ours, theirs = hutch("pod", check=False), podman("pod")
    assert (
        (ours.returncode, ours.stderr.replace("hutch", "podman"))
        == (
            theirs.returncode,
            theirs.stderr,
        )
        == (125, "Error: missing command 'podman pod COMMAND'\n")
    )
    assert ours.stdout.startswith("Usage: hutch pod ")
    # current podman's StopSignal is the signal's name (4.3.1 shows the number)
    shown = hutch("inspect", "--format", "{{.Config.StopSignal}}", "s4cre").stdout
    assert shown == "SIGUSR1\n"
    assert podman("inspect", "--format", "{{.Config.StopSignal}}", "s4cre").stdout == "10\n"


def test_a_template_that_fails_half_way_prints_what_it_had(
    hutch: Hutch, podman: Run, made: None
) -> None:
    """Go's templates write as they go: podman's output holds the rows before the
    failing action and the row up to it, then the error (exit 125). A table's last,
    unended row is not padded (tabwriter holds no cell after its tab)."""
    volume = ("volume", "create", "s4vol")
    for run in (hutch, podman):
        assert run(*volume).returncode == 0
    try:
        for args in (
            ("ps", "--filter", "name=^s4", "--format", "{{.Names}} {{.Nope}}"),
            ("ps", "--filter", "name=^s4", "--format", "table {{.Names}} {{.Nope}}|"),
            ("ps", "-a", "--sort", "names", "--filter", "name=^s4", "--format",
             '{{.Names}}{{if eq .Names "s4run"}} {{.Nope}}{{end}}'),
            ("images", "--format", "{{.Repository}} {{.Nope}}", "base"),
            ("volume", "ls", "--format", "{{.Name}} {{.Nope}}"),
            ("inspect", "--format", "{{.Name}} {{.Nope}}", "s4run"),
        ):  # fmt: skip
            ours, theirs = hutch(*args, check=False), podman(*args)
            assert ours.returncode == theirs.returncode == 125, (args, ours, theirs)
            assert ours.stderr == theirs.stderr, (args, ours.stderr, theirs.stderr)
            if "table" in args[-1]:  # the header's unknown field: podman's <no value>
                ours_rows, theirs_rows = ours.stdout.splitlines(), theirs.stdout.splitlines()
                assert ours_rows[1:] == theirs_rows[1:] == ["s4run"], (ours_rows, theirs_rows)
            else:
                assert ours.stdout == theirs.stdout != "", (args, ours.stdout, theirs.stdout)
    finally:
        for run in (hutch, podman):
            run("volume", "rm", "s4vol")


def test_run_attached_to_stdin_alone_prints_the_id(hutch: Hutch, podman: Run) -> None:
    """podman's attached start prints the container's id when neither stdout nor
    stderr is attached; the container's own output is not relayed."""
    args = ("run", "-i", "-a", "stdin", "--name", "s4in", "base", "sh", "-c",
            "cat > /dev/null; echo out; exit 3")  # fmt: skip
    try:
        for run in (hutch, podman):
            ran = (
                run(*args, input="hi\n") if run is podman else run(*args, input="hi\n", check=False)
            )
            made = run("inspect", "--format", "{{.Id}}", "s4in").stdout
            assert (ran.returncode, ran.stdout) == (3, made), (ran, made)
            assert len(made) == 65
            run("rm", "-f", "s4in")
    finally:
        hutch("rm", "-f", "s4in", check=False)
        podman("rm", "-f", "s4in")


def test_userns_private_container_and_ns(hutch: Hutch, podman: Run) -> None:
    """--userns private without a map and container: of a missing container: podman's
    refusals; container:NAME and ns:PATH of the session's namespace run there (4.3.1's
    runc fails on them rootless: hutch alone), another's own namespace is refused."""
    for args in (("--userns", "private"), ("--userns", "container:nosuch")):
        assert both(hutch, podman, "run", "--rm", *args, "base", "true")[0] == 125
    default = hutch("run", "--rm", "base", "cat", "/proc/self/uid_map").stdout
    hutch("run", "-d", "--name", "s4ud", "base", "sleep", "100")
    hutch("run", "-d", "--name", "s4uk", "--userns", "keep-id", "base", "sleep", "100")
    try:
        joined = hutch("run", "--rm", "--userns", "container:s4ud", "base", "cat",
                       "/proc/self/uid_map")  # fmt: skip
        assert joined.stdout == default
        pid = hutch("inspect", "--format", "{{.State.Pid}}", "s4ud").stdout.strip()
        by_path = hutch("run", "--rm", "--userns", f"ns:/proc/{pid}/ns/user", "base", "cat",
                        "/proc/self/uid_map")  # fmt: skip
        assert by_path.stdout == default
        own = hutch("run", "--rm", "--userns", "container:s4uk", "base", "true", check=False)
        assert own.returncode == 125 and "a user namespace of its own (keep-id)" in own.stderr
        pid = hutch("inspect", "--format", "{{.State.Pid}}", "s4uk").stdout.strip()
        other = hutch("run", "--rm", "--userns", f"ns:/proc/{pid}/ns/user", "base", "true",
                      check=False)  # fmt: skip
        assert other.returncode == 125 and "not the session's user namespace" in other.stderr
    finally:
        hutch("rm", "-f", "-t", "0", "s4ud", "s4uk")


def test_keep_id_home_by_podmans_rule(hutch: Hutch, podman: Run, tmp_path: Path) -> None:
    """keep-id's passwd line and HOME: the working directory, unless the user's own
    home (or a directory above it) is mounted in the container."""
    home = pwd.getpwuid(os.getuid()).pw_dir
    mounted = tmp_path / "home"
    mounted.mkdir()
    show = ("sh", "-c", f"echo $HOME; grep '^{pwd.getpwuid(os.getuid()).pw_name}:' /etc/passwd")
    for flags in (
        (),
        ("-w", "/tmp"),
        ("-v", f"{mounted}:{home}"),
        ("-v", f"{mounted}:{os.path.dirname(home)}"),
    ):
        code, out, _ = both(hutch, podman, "run", "--rm", "--userns", "keep-id", *flags,
                            "base", *show)  # fmt: skip
        assert code == 0 and out.startswith("/"), (flags, out)
