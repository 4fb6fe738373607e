"""Differential, through hutch and Debian's podman 4.3.1 (issue 15): build's
--pid/--uts/--cgroupns host, its namespace values refused, --device and --stdin in
RUN, --os-feature/--os-version in the image config, cpp on a Containerfile.in,
--logsplit's files; and, hutch alone where podman 4.3.1 cannot (rootless --ipc host
fails in its runtime), --ipc host, a joined namespace and --all-platforms."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import tarfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from build_helpers import build, write_context
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

NS_STEP = (
    "FROM base\nRUN for n in pid uts cgroup ipc; do readlink /proc/self/ns/$n; done; hostname\n"
)
ID = re.compile(r"^[0-9a-f]{64}$")


def _ns_lines(stdout: str) -> list[str]:
    """What the RUN step printed: the namespace links and the host name."""
    return [
        line
        for line in stdout.splitlines()
        if not line.startswith(("STEP ", "--> ", "COMMIT")) and not ID.match(line)
    ]


def _own(name: str) -> str:
    return os.readlink(f"/proc/self/ns/{name}")


def test_host_namespaces_reach_run_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile=NS_STEP)
    argv = ("build", "--no-cache", "--pid", "host", "--uts=host", "--cgroupns", "host")
    mine, theirs = hutch(*argv, str(context)), podman(*argv, str(context))
    assert theirs.returncode == 0, theirs.stderr
    pid, uts, cgroup, ipc, hostname = _ns_lines(mine.stdout)
    assert (pid, uts, cgroup) == (_own("pid"), _own("uts"), _own("cgroup"))
    assert hostname == socket.gethostname()
    assert ipc != _own("ipc")  # not asked: made per step
    # podman's ipc namespace is a step's of its own too, of another id
    assert _ns_lines(theirs.stdout)[:3] == [pid, uts, cgroup]
    assert _ns_lines(theirs.stdout)[4] == hostname
    # without the flags each is the step's own
    default = _ns_lines(hutch("build", "--no-cache", str(context)).stdout)
    assert not {_own("pid"), _own("uts"), _own("ipc")} & set(default)


@pytest.mark.parametrize(
    ("flag", "message"),
    [
        ("--uts=container:foo", "checking uts namespace: stat container:foo"),
        ("--pid=bogus", "checking pid namespace: stat bogus"),
        ("--cgroupns=ns:/nonexistent", "checking cgroup namespace: stat /nonexistent"),
        ("--device=/dev/nonexist", "getting info of source device /dev/nonexist"),
        ("--device=/dev/null:rx", "creating build executor: invalid device mode: rx"),
    ],
)
def test_bad_values_are_refused_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path, flag: str, message: str
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nRUN true\n")
    code, out, err = both(hutch, podman, "build", flag, str(context))
    assert (code, out) == (125, "")
    assert err.startswith("Error: ") and message in err


def test_device_and_stdin_reach_run_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    step = "FROM base\nRUN ls -ln /dev/xnull; read x; echo got=$x\n"
    context = write_context(tmp_path / "ctx", {}, containerfile=step)
    argv = ("build", "--no-cache", "--device", "/dev/null:/dev/xnull:rw", str(context))
    given = (*argv[:2], "--stdin", *argv[2:])
    mine, theirs = hutch(*given, input="hello\n"), podman(*given, input="hello\n")
    assert theirs.returncode == 0, theirs.stderr
    assert _ns_lines(mine.stdout) == _ns_lines(theirs.stdout)
    assert _ns_lines(mine.stdout)[-1] == "got=hello"
    assert re.match(r"^crw-rw-rw- +1 +\d+ +\d+ +1, +3 ", _ns_lines(mine.stdout)[0])
    # without --stdin the step reads an empty input, even with one given
    alone = hutch(*argv, input="hello\n")
    assert _ns_lines(alone.stdout)[-1] == _ns_lines(podman(*argv, input="hello\n").stdout)[-1]
    assert _ns_lines(alone.stdout)[-1] == "got="


def _config(call: Callable[..., subprocess.CompletedProcess[str]], name: str, out: Path) -> Any:
    """The whole image config as stored (a docker-archive's)."""
    archive = out / f"{name}.tar"
    saved = call("save", "--format", "docker-archive", "-o", str(archive), name)
    assert saved.returncode == 0, saved.stderr
    with tarfile.open(archive) as tar:

        def member(path: str) -> Any:
            stream = tar.extractfile(path)
            assert stream is not None, path
            return json.load(stream)

        return member(member("manifest.json")[0]["Config"])


def test_os_feature_and_version_in_the_config_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nLABEL a=b\n")
    flags = ("--os-feature", "f1", "--os-feature", "f2", "--os-feature", "f1-")
    argv = ("build", "-q", *flags, "--os-version", "10.0.1", "-t", "osfields", str(context))
    hutch(*argv)
    assert podman(*argv).returncode == 0
    (tmp_path / "h").mkdir()
    (tmp_path / "p").mkdir()
    mine = _config(lambda *a: hutch(*a, check=False), "osfields", tmp_path / "h")
    theirs = _config(podman, "osfields", tmp_path / "p")
    fields = ("os", "os.version", "os.features")
    assert [mine.get(k) for k in fields] == [theirs.get(k) for k in fields]
    assert [mine.get(k) for k in fields] == ["linux", "10.0.1", ["f2"]]


def test_a_containerfile_in_goes_through_cpp_as_podmans(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    text = '#define GREETING hi\nFROM base\n#include "part.inc"\nLABEL g=GREETING v=VAL\n'
    context = write_context(tmp_path / "ctx", {"part.inc": "LABEL inc=yes\n"}, containerfile="")
    (context / "Containerfile.in").write_text(text)
    argv = ("build", "-q", "-f", str(context / "Containerfile.in"), "--cpp-flag", "-DVAL=7")
    hutch(*argv, "-t", "cpp", str(context))
    assert podman(*argv, "-t", "cpp", str(context)).returncode == 0
    show = ("image", "inspect", "--format", "{{json .Labels}}", "cpp")
    theirs = json.loads(podman(*show).stdout)
    theirs.pop("io.buildah.version")  # buildah's identity label (hutch writes none)
    assert json.loads(hutch(*show).stdout) == theirs == {"g": "hi", "inc": "yes", "v": "7"}


def test_logsplit_names_the_files_as_podman(
    hutch: Hutch, base_image: str, podman: Run, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nLABEL a=b\n")
    runs = {"h": lambda *a: hutch(*a, check=False), "p": podman}
    made = {}
    for who, call in runs.items():
        log = tmp_path / who / "log"
        log.parent.mkdir()
        # --hooks-dir without hooks and --disable-content-trust change nothing (podman's)
        quiet = ("--hooks-dir", "/nonexistent", "--disable-content-trust")
        done = call("build", "-q", *quiet, "--logfile", str(log), "--logsplit", str(context))
        assert (done.returncode, done.stdout, done.stderr) == (0, "", "")
        done = call("build", "-q", "--logfile", str(log), "--logsplit", "--platform=linux/amd64",
                    str(context))  # fmt: skip
        assert done.returncode == 0, done.stderr
        made[who] = {p.name: p.read_text() for p in log.parent.iterdir()}
    assert set(made["h"]) == set(made["p"]) == {"log", "log__", "log_linux_amd64"}
    assert made["h"]["log"] == made["p"]["log"] == ""
    assert ID.match(made["h"]["log__"].strip()) and ID.match(made["p"]["log__"].strip())
    assert made["h"]["log_linux_amd64"] == made["h"]["log__"]


def test_ipc_host_and_a_joined_uts_namespace(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """podman 4.3.1 fails rootless RUN with --ipc host (its runtime's mqueue); hutch's
    runtime keeps the session's. A container's namespace is one of the session's."""
    context = write_context(tmp_path / "ctx", {}, containerfile=NS_STEP)
    lines = _ns_lines(build(hutch, context, "--no-cache", "--ipc", "host").stdout)
    assert lines[3] == _own("ipc")
    hutch("run", "-d", "--name", "uts-owner", "--hostname", "owner", "base", "sleep", "60")
    try:
        pid = hutch("inspect", "--format", "{{.State.Pid}}", "uts-owner").stdout.strip()
        joined = build(hutch, context, "--no-cache", "--uts", f"ns:/proc/{pid}/ns/uts")
        assert _ns_lines(joined.stdout)[1] == os.readlink(f"/proc/{pid}/ns/uts")
        assert _ns_lines(joined.stdout)[-1] == "owner"
    finally:
        hutch("rm", "-f", "-t", "0", "uts-owner", check=False)


def test_all_platforms_builds_the_hosts_and_refuses_others(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    context = write_context(tmp_path / "ctx", {}, containerfile="FROM base\nLABEL a=b\n")
    assert build(hutch, context, "-q", "--all-platforms").returncode == 0
    hutch("manifest", "create", "armlist", "base")
    digest = json.loads(hutch("manifest", "inspect", "armlist").stdout)["manifests"][0]["digest"]
    hutch("manifest", "annotate", "--arch", "arm64", "--variant", "v8", "armlist", digest)
    foreign = write_context(tmp_path / "arm", {}, containerfile="FROM armlist\nLABEL a=b\n")
    refused = build(hutch, foreign, "--all-platforms", "-t", "never-made", check=False)
    assert refused.returncode == 125
    assert "--all-platforms: linux/arm64/v8: only the host's platform" in refused.stderr
    assert "STEP" not in refused.stdout
    assert hutch("image", "exists", "never-made", check=False).returncode == 1
