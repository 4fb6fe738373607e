"""Differential test of the container inspect fields scripts read (issue 15):
``.Config.Env``, ``.Config.CreateCommand``, ``.HostConfig.Binds``, ``.HostConfig.CapAdd``
and ``CapDrop``, ``.HostConfig.Ulimits`` and ``.Config.Annotations``, through hutch and
Debian's podman 4.3.1 from the same command lines on the same rootfs. One module-wide
set of containers in each tool (created once: the CI budget is tight); podman's Go
maps (its env, its binds) are compared as sets, and where current podman differs from
4.3.1 (CapDrop, the annotations of flags not given) hutch is held to current podman's
rule."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from harness import Hutch
from module_hutch import module_hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

Inspected = dict[str, dict[str, dict[str, Any]]]  # tool -> container name -> inspect JSON


@pytest.fixture(scope="module")
def hutch(tmp_path_factory: pytest.TempPathFactory, rootfs_tar: Path) -> Iterator[Hutch]:
    """One hutch for the module (the conftest's is per test)."""
    yield from module_hutch(tmp_path_factory, "inspect-fields", rootfs_tar)


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("shared")
    path.chmod(0o755)
    return path


def steps(shared: Path) -> tuple[tuple[str, ...], ...]:
    src = str(shared)
    return (
        ("create", "--name", "plain", "base", "sh"),
        (
            "create", "--name", "full", "-e", "A=1", "-t",
            "-v", f"{src}:/src:ro", "-v", f"{src}:/s2", "-v", f"{src}:/z:z,rshared",
            "-v", "ifv:/nv", "-v", "ifv2:/nv2:ro,nocopy", "-v", "/data",
            "--mount", f"type=bind,src={src},dst=/g,ro",
            "--cap-drop", "chown", "--cap-add", "sys_admin",
            "--ulimit", "nofile=100:200", "--ulimit", "core=1",
            "--annotation", "x=y", "base", "sh",
        ),
        ("run", "--name", "ran", "-e", "B=2", "base", "true"),
        ("run", "--name", "ranu", "-u", "1000", "base", "true"),
    )  # fmt: skip


@pytest.fixture(scope="module")
def inspected(hutch: Hutch, podman: Run, shared: Path) -> Iterator[Inspected]:
    out: Inspected = {}
    names = ("plain", "full", "ran", "ranu")
    for tool, run in (("hutch", hutch), ("podman", podman)):
        for args in steps(shared):
            got = run(*args) if run is podman else run(*args, check=False)
            assert got.returncode == 0, (tool, args, got.stderr)
        listed = run("inspect", *names)
        assert listed.returncode == 0, (tool, listed.stderr)
        out[tool] = {item["Name"]: item for item in json.loads(listed.stdout)}
    yield out
    hutch("rm", "-f", *names, check=False)
    podman("rm", "-f", *names)
    for volume in ("ifv", "ifv2"):
        hutch("volume", "rm", "-f", volume, check=False)
        podman("volume", "rm", "-f", volume)


def _env(item: dict[str, Any]) -> set[str]:
    """The env without the tool's own name and its own id as HOSTNAME."""
    own = f"HOSTNAME={item['Id'][:12]}"
    names = {"container=hutch": "container=TOOL", "container=podman": "container=TOOL"}
    return {"HOSTNAME=ID" if e == own else names.get(e, e) for e in item["Config"]["Env"]}


def test_env_as_created_then_with_home_and_hostname_once_started(inspected: Inspected) -> None:
    ours, theirs = inspected["hutch"], inspected["podman"]
    path = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    expected = {
        "plain": {path, "TERM=xterm", "container=TOOL"},
        "full": {path, "TERM=xterm", "container=TOOL", "A=1"},
        "ran": {path, "TERM=xterm", "container=TOOL", "B=2", "HOME=/root", "HOSTNAME=ID"},
        "ranu": {path, "TERM=xterm", "container=TOOL", "HOME=/home/user", "HOSTNAME=ID"},
    }
    for name, env in expected.items():
        assert _env(ours[name]) == _env(theirs[name]) == env, name
    # podman's map has no order; hutch's is the one 4.3.1 shows most: PATH first, what
    # the start added last
    assert ours["full"]["Config"]["Env"] == [path, "TERM=xterm", "container=hutch", "A=1"]
    assert ours["ran"]["Config"]["Env"][-2:] == ["HOME=/root", f"HOSTNAME={ours['ran']['Id'][:12]}"]


def test_create_command_is_the_whole_command_line(inspected: Inspected, shared: Path) -> None:
    for args in steps(shared):
        name = args[2]
        ours = inspected["hutch"][name]["Config"]["CreateCommand"]
        theirs = inspected["podman"][name]["Config"]["CreateCommand"]
        # podman's first words: its path and the peer fixture's --root/--runroot
        verb = theirs.index(args[0])
        assert (ours[0], os.path.basename(theirs[0])) == ("hutch", "podman")
        assert ours[1:] == theirs[verb:] == list(args), name


def test_generate_systemd_new_reruns_the_recorded_command(
    hutch: Hutch, inspected: Inspected
) -> None:
    unit = hutch("generate", "systemd", "--new", "--name", "--no-header", "plain").stdout
    joined = unit.replace(" \\\n", " ")  # podman's layout: a flag per line
    start = next(line for line in joined.splitlines() if line.startswith("ExecStart="))
    words = start.partition("=")[2].split()
    assert words[:3] == [str(hutch.binary), "run", "--name=plain"], words
    assert words[-2:] == ["base", "sh"] and "hutch" not in words[1:], words


def _binds(item: dict[str, Any]) -> set[str]:
    """Binds with an anonymous volume's name (each tool's own id) as ANON."""
    out = set()
    for bind in item["HostConfig"]["Binds"]:
        name, _, rest = bind.partition(":")
        out.add(f"ANON:{rest}" if len(name) == 64 else bind)
    return out


def test_binds_with_podmans_options(inspected: Inspected, shared: Path) -> None:
    ours, theirs = inspected["hutch"]["full"], inspected["podman"]["full"]
    assert (
        _binds(ours)
        == _binds(theirs)
        == {
            f"{shared}:/src:ro,rprivate,rbind",
            f"{shared}:/s2:rw,rprivate,rbind",
            f"{shared}:/z:z,rshared,rw,rbind",
            f"{shared}:/g:ro,rprivate,rbind",
            "ifv:/nv:rw,rprivate,nosuid,nodev,rbind",
            "ifv2:/nv2:ro,nocopy,rprivate,nosuid,nodev,rbind",
            "ANON:/data:rw,rprivate,nosuid,nodev,rbind",
        }
    )
    # the volumes before the bind mounts, as podman lists them
    kinds = ["/" if b.startswith("/") else "v" for b in ours["HostConfig"]["Binds"]]
    assert kinds == sorted(kinds, reverse=True)
    assert inspected["hutch"]["plain"]["HostConfig"]["Binds"] == []


# what podman 4.3.1 compared with (the runtime tools' set of 14) and current podman's
# containers.conf default set lacks: its CapDrop always had them
OLD_BASE_ONLY = {"CAP_AUDIT_WRITE", "CAP_MKNOD", "CAP_NET_RAW"}


def test_caps_against_the_default_set(inspected: Inspected) -> None:
    for name, added, dropped in (("plain", [], []), ("full", ["CAP_SYS_ADMIN"], ["CAP_CHOWN"])):
        ours = inspected["hutch"][name]["HostConfig"]
        theirs = inspected["podman"][name]["HostConfig"]
        assert ours["CapAdd"] == theirs["CapAdd"] == added, name
        assert ours["CapDrop"] == sorted(set(theirs["CapDrop"]) - OLD_BASE_ONLY) == dropped


def test_ulimits_podmans_defaults_and_order(inspected: Inspected) -> None:
    for name in ("plain", "full"):
        ours = inspected["hutch"][name]["HostConfig"]["Ulimits"]
        theirs = inspected["podman"][name]["HostConfig"]["Ulimits"]
        # NOFILE the user's hard limit (or the flag's); NPROC the kernel's pid_max where
        # the user's hard limit is above it (podman lowers its own limit to it)
        assert ours == theirs, name
    full = inspected["hutch"]["full"]["HostConfig"]["Ulimits"]
    assert full[:2] == [
        {"Name": "RLIMIT_NOFILE", "Soft": 100, "Hard": 200},
        {"Name": "RLIMIT_CORE", "Soft": 1, "Hard": 1},
    ]


# what podman 4.3.1 records of a flag not given, and current podman (4.4's PR 16889)
# no longer does: hutch is held to current podman's rule
UNSET_FLAGS_4_3_1 = {
    "io.kubernetes.cri-o.TTY": "false",
    "io.podman.annotations.autoremove": "FALSE",
    "io.podman.annotations.init": "FALSE",
    "io.podman.annotations.privileged": "FALSE",
    "io.podman.annotations.publish-all": "FALSE",
}


def test_annotations(inspected: Inspected) -> None:
    for name in ("plain", "full"):
        ours = inspected["hutch"][name]["Config"]["Annotations"]
        theirs = inspected["podman"][name]["Config"]["Annotations"]
        unset = {k: v for k, v in theirs.items() if UNSET_FLAGS_4_3_1.get(k) == v}
        assert ours == {k: v for k, v in theirs.items() if k not in unset}, name
    assert inspected["hutch"]["plain"]["Config"]["Annotations"] == {}
    assert inspected["podman"]["plain"]["Config"]["Annotations"] == UNSET_FLAGS_4_3_1
    assert inspected["hutch"]["full"]["Config"]["Annotations"] == {
        "io.kubernetes.cri-o.TTY": "true",
        "x": "y",
    }


# HOME where the container's /etc/passwd is not the image's: one the container
# edited (seen at its next start), an entry added for a user the image lacks, and
# --passwd-entry's. Each: the command line, then what the next start runs (if any).
HOME_CASES = {
    "edited": (
        ("base", "sh", "-c", "echo $HOME; sed -i s#:/root:#:/edited:# /etc/passwd"),
        True,
    ),
    "added": (("-u", "1234", "-w", "/tmp", "base", "sh", "-c", "echo $HOME"), False),
    "entry": (
        ("-u", "1234", "--passwd-entry", "$USERNAME:x:$UID:$GID::/custom:/bin/sh",
         "base", "sh", "-c", "echo $HOME"),
        False,
    ),
}  # fmt: skip


def _homes(run: Run, name: str, args: tuple[str, ...], again: bool) -> tuple[list[str], str]:
    """What the process printed as $HOME at each start, and inspect's HOME ("" none)."""
    first = run("run", "--name", name, *args)
    assert first.returncode == 0, (name, first.stderr)
    printed = first.stdout.split()
    if again:
        second = run("start", "-a", name)
        assert second.returncode == 0, (name, second.stderr)
        printed += second.stdout.split()
    env = json.loads(run("inspect", "--format", "{{json .Config.Env}}", name).stdout)
    run("rm", name)
    return printed, next((e[5:] for e in env if e.startswith("HOME=")), "")


@pytest.mark.parametrize("case", sorted(HOME_CASES))
def test_home_from_the_containers_own_passwd(hutch: Hutch, podman: Run, case: str) -> None:
    args, again = HOME_CASES[case]
    ours = _homes(lambda *a: hutch(*a, check=False), f"home-{case}", args, again)
    theirs = _homes(podman, f"home-{case}", args, again)
    assert ours == theirs, case
