"""A container that is found but does not start, side by side with Debian's podman 4.3.1
(issue 15): ``start`` names it (``unable to start container "ID": CAUSE``, the id
unquoted with ``-a``) and exits 125 whatever the cause; ``restart`` gives the cause
alone, 125; ``pod start``/``pod restart`` name the member ("starting container ID",
"restarting container ID"); ``run`` keeps the cause alone with 127 for a command not
found and 126 for one that cannot run or a volume that cannot be mounted.

The cause of a command not found is the runtime's own words (runc's for the peer,
hutch's crun-like ones): those compare by their common tail."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

Tool = Callable[..., subprocess.CompletedProcess[str]]
# podman 4.3.1 (runc) and hutch word the command's failure alike from here on
_TAILS = (
    ": OCI runtime attempted to invoke a command that was not found\n",
    ": OCI permission denied\n",
)


def _call(tool: Tool, *args: str) -> subprocess.CompletedProcess[str]:
    if isinstance(tool, Hutch):
        return tool(*args, check=False)
    return tool(*args)


def _shape(result: subprocess.CompletedProcess[str], ids: dict[str, str]) -> tuple[int, str]:
    """The exit code and output (stdout, then stderr) with each id as ``<name>``, a
    store's volumes directory as ``<volumes>`` and the runtime's own words on the
    command cut to ``<cause>``."""
    err = result.stdout + result.stderr
    for name, cid in ids.items():
        err = err.replace(cid, f"<{name}>")
    err = re.sub(r"mount: \S*/volumes/", "mount: <volumes>/", err)
    lines = []
    for line in err.splitlines(True):
        tail = next((t for t in _TAILS if line.endswith(t)), None)
        if tail is not None:
            head = re.match(r'(Error: (?:[a-z ]+ container "?<\w+>"?: )?)', line)
            line = (head.group(1) if head else "") + "<cause>" + tail
        lines.append(line)
    return result.returncode, "".join(lines)


def _made(hutch: Hutch, podman: Run, setup: list[tuple[str, ...]]) -> None:
    """``setup`` in each tool, from no container, pod or volume."""
    for tool in (hutch, podman):
        for clean in (("rm", "-af"), ("pod", "rm", "-af"), ("volume", "rm", "-af")):
            _call(tool, *clean)
        for step in setup:
            done = _call(tool, *step)
            assert done.returncode == 0, (tool, step, done.stderr)


def _both(hutch: Hutch, podman: Run, *argv: str) -> tuple[int, str]:
    """``argv`` through each tool; they must agree (see ``_shape``: the ids of the
    containers there are then are written as ``<name>``)."""
    seen = []
    for tool in (hutch, podman):
        result = _call(tool, *argv)
        listed = _call(tool, "ps", "-a", "--no-trunc", "--format", "{{.Names}} {{.ID}}")
        ids = dict(line.split() for line in listed.stdout.splitlines())
        seen.append(_shape(result, ids))
    assert seen[0] == seen[1], (argv, seen)
    return seen[0]


NOCMD = ("create", "--name", "nocmd", "base", "/nonexistent")
NOEXEC = ("create", "--name", "noexec", "base", "/etc/passwd")
NOT_FOUND = ": OCI runtime attempted to invoke a command that was not found\n"


def test_start_of_a_command_that_cannot_run_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    _made(hutch, podman, [NOCMD, NOEXEC])
    for argv, words in [
        (("start", "nocmd"), 'Error: unable to start container "<nocmd>": <cause>'),
        (("start", "-a", "nocmd"), "Error: unable to start container <nocmd>: <cause>"),
        (("restart", "nocmd"), "Error: <cause>"),
        (("start", "noexec"), 'Error: unable to start container "<noexec>": <cause>'),
        (("restart", "noexec"), "Error: <cause>"),
    ]:
        code, err = _both(hutch, podman, *argv)
        assert code == 125 and err.startswith(words) and err.count("\n") == 1, (argv, err)
    # each one that did not start is reported
    assert _both(hutch, podman, "start", "nocmd", "noexec") == (
        125,
        'Error: unable to start container "<nocmd>": <cause>' + NOT_FOUND
        + 'Error: unable to start container "<noexec>": <cause>: OCI permission denied\n',
    )  # fmt: skip
    # run's own rule: the cause alone, 127 and 126, attached or detached
    for argv, want in [
        (("run", "--name", "r1", "base", "/nonexistent"), 127),
        (("run", "-d", "--name", "r2", "base", "/nonexistent"), 127),
        (("run", "--name", "r3", "base", "/etc/passwd"), 126),
        (("run", "-d", "--name", "r4", "base", "/etc/passwd"), 126),
    ]:
        code, err = _both(hutch, podman, *argv)
        assert code == want and err.startswith("Error: <cause>: OCI "), (argv, err)


def test_start_of_a_volume_that_cannot_be_mounted_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    """Mount words in ``o=`` of a plain volume: mount(8) fails rootless, in both."""
    made = [
        ("volume", "create", "-o", "o=noexec", "tv"),
        ("create", "--name", "vm", "-v", "tv:/data", "base", "true"),
    ]
    cause = (
        "mounting volume tv for container <vm>: mount: <volumes>/tv/_data: permission denied.\n"
        "       dmesg(1) may have more information after failed mount system call.\n\n"
    )
    _made(hutch, podman, made)
    for argv, words in [
        (("start", "vm"), 'Error: unable to start container "<vm>": '),
        (("start", "-a", "vm"), "Error: unable to start container <vm>: "),
        (("restart", "vm"), "Error: "),
    ]:
        assert _both(hutch, podman, *argv) == (125, words + cause)
    # run names no container: 126, podman's code for a start it could not make
    run = ("run", "--name", "vr", "-v", "tv:/data", "base", "true")
    assert _both(hutch, podman, *run) == (126, "Error: " + cause.replace("<vm>", "<vr>"))


def test_a_bind_volume_of_a_missing_device_is_made_and_fails_at_start_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    """type=none,o=bind,device=MISSING: made (only type=bind is refused at create);
    mount(8) refuses the missing device at each start, in both."""
    made = [
        ("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=/missing-h23", "mv"),
        ("create", "--name", "vb", "-v", "mv:/data", "base", "true"),
    ]
    _made(hutch, podman, made)
    assert _both(hutch, podman, "volume", "inspect", "--format", "{{.Options}}", "mv") == (
        0,
        "map[device:/missing-h23 o:bind type:none]\n",
    )
    cause = (
        "mounting volume mv for container <vb>: mount: <volumes>/mv/_data: special device "
        "/missing-h23 does not exist.\n"
        "       dmesg(1) may have more information after failed mount system call.\n\n"
    )
    assert _both(hutch, podman, "start", "vb") == (
        125,
        'Error: unable to start container "<vb>": ' + cause,
    )
    run = ("run", "--name", "vr", "-v", "mv:/data", "base", "true")
    assert _both(hutch, podman, *run) == (126, "Error: " + cause.replace("<vb>", "<vr>"))


def test_a_device_without_a_bind_or_a_typed_volume_is_made_and_fails_at_start_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    """device= without o=bind, and type=ext4: made (hutch refused both at create);
    mount(8) run unprivileged refuses them at each start, before it looks at the
    device: "permission denied" in both."""
    made = [
        ("volume", "create", "-o", "device=/tmp", "dv"),
        ("volume", "create", "-o", "type=ext4", "-o", "device=/dev/null", "ev"),
        ("create", "--name", "vd", "-v", "dv:/data", "base", "true"),
        ("create", "--name", "ve", "-v", "ev:/data", "base", "true"),
    ]
    _made(hutch, podman, made)
    assert _both(hutch, podman, "volume", "inspect", "--format", "{{.Options}}", "dv", "ev") == (
        0,
        "map[device:/tmp]\nmap[device:/dev/null type:ext4]\n",
    )
    for volume, name in (("dv", "vd"), ("ev", "ve")):
        cause = (
            f"mounting volume {volume} for container <{name}>: mount: <volumes>/{volume}/_data: "
            "permission denied.\n"
            "       dmesg(1) may have more information after failed mount system call.\n\n"
        )
        assert _both(hutch, podman, "start", name) == (
            125,
            f'Error: unable to start container "<{name}>": ' + cause,
        )
        run = ("run", "--name", f"r{volume}", "-v", f"{volume}:/data", "base", "true")
        assert _both(hutch, podman, *run) == (
            126,
            "Error: " + cause.replace(f"<{name}>", f"<r{volume}>"),
        )


def test_start_of_an_rm_container_that_fails_removes_it(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    for tool in (hutch, podman):
        _call(tool, "create", "--rm", "--name", "gone", "base", "/nonexistent")
        assert _call(tool, "start", "gone").returncode == 125
        assert _call(tool, "container", "exists", "gone").returncode == 1, tool


def test_pod_start_and_restart_name_the_member_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    made = [
        ("pod", "create", "--name", "p"),
        ("create", "--pod", "p", "--name", "m", "base", "/nonexistent"),
    ]
    _made(hutch, podman, made)
    for verb in ("start", "restart"):
        code, err = _both(hutch, podman, "pod", verb, "p")
        assert (code, err) == (125, f"Error: {verb}ing container <m>: <cause>{NOT_FOUND}")
