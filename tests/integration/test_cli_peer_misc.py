"""Differential: what a script meets in ``cp``, ``volume``, ``network``, the prune
questions, ``events``, ``info`` and ``version``, through hutch and Debian's podman 4.3.1
on the same rootfs, compared by exit code, stdout and stderr where 4.3.1 behaves as
current podman (issue 15)."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


@pytest.fixture(name="running")
def fixture_running(hutch: Hutch, base_image: str, podman: Run) -> Iterator[None]:
    """A running container ``h17cp`` in both."""
    for run in (hutch, podman):
        assert run("run", "-d", "--name", "h17cp", base_image, "sleep", "100").returncode == 0
    yield
    hutch("rm", "-f", "-t", "0", "h17cp", check=False)
    podman("rm", "-f", "-t", "0", "h17cp")


def _tar_of(name: str, data: bytes) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as archive:
        entry = tarfile.TarInfo(name)
        entry.size = len(data)
        archive.addfile(entry, io.BytesIO(data))
    return buf.getvalue()


def test_cp_destinations_that_are_not_there(
    hutch: Hutch, podman: Run, running: None, tmp_path: Path
) -> None:
    src = tmp_path / "src"
    (src / "d").mkdir(parents=True)
    (src / "d" / "f1").write_text("hi\n")
    tmp_path.chmod(0o755)
    src.chmod(0o755)
    host_file, host_dir = str(src / "d" / "f1"), str(src / "d")
    gone = "could not be found on container h17cp: no such file or directory"
    for dest in ("/nodir/sub", "/nodir/sub/", "/tmp/newfile/"):
        assert both(hutch, podman, "cp", host_file, f"h17cp:{dest}") == (
            125,
            "",
            f'Error: "{dest}" {gone}\n',
        )
    # a directory to a missing path ending in /: refused too, not created
    assert both(hutch, podman, "cp", host_dir, "h17cp:/tmp/newdir/")[0] == 125
    onto_file = "Error: destination must be a directory when copying a directory\n"
    assert both(hutch, podman, "cp", host_dir, "h17cp:/etc/passwd") == (125, "", onto_file)
    out = tmp_path / "out"
    out.mkdir(mode=0o777)
    out.chmod(0o777)
    assert both(hutch, podman, "cp", "h17cp:/etc", str(src / "d" / "f1")) == (
        125,
        "",
        onto_file,
    )
    missing = f"{out}/nodir/x"
    assert both(hutch, podman, "cp", "h17cp:/etc/hostname", missing) == (
        125,
        "",
        f'Error: "{missing}" could not be found on the host: no such file or directory\n',
    )
    below_file = f"{host_file}/"
    assert both(hutch, podman, "cp", "h17cp:/etc/hostname", below_file) == (
        125,
        "",
        f'Error: "{below_file}" could not be found on the host: stat {below_file}: '
        "not a directory\n",
    )


def test_cp_from_stdin_needs_a_directory_and_a_tar(
    hutch: Hutch, podman: Run, running: None
) -> None:
    # the text of input= goes through as latin-1 bytes would not: keep the tar ASCII
    tar = _tar_of("g1", b"yo\n").decode("ascii")
    stdin_dir = "Error: destination must be a directory when copying from stdin\n"
    for dest in ("/etc/passwd", "/tmp/nonexist"):
        assert both(hutch, podman, "cp", "-", f"h17cp:{dest}", input=tar) == (125, "", stdin_dir)
    assert both(hutch, podman, "cp", "-", "h17cp:/nonexist/", input=tar) == (
        125,
        "",
        'Error: "/nonexist/" could not be found on container h17cp: no such file or directory\n',
    )
    assert both(hutch, podman, "cp", "-", "h17cp:/tmp", input="notatar\n") == (
        125,
        "",
        "Error: source must be a (compressed) tar archive when copying from stdin\n",
    )
    assert both(hutch, podman, "cp", "-", "h17cp:/tmp", input=tar) == (0, "", "")
    assert both(hutch, podman, "exec", "h17cp", "cat", "/tmp/g1") == (0, "yo\n", "")


def test_prune_questions_on_stdout_and_eof(hutch: Hutch, podman: Run, base_image: str) -> None:
    header = (
        "WARNING! This will remove all volumes not used by at least one container. "
        "The following volumes will be removed:\n"
    )
    # nothing to prune: podman's warning line, its words for nothing, no question
    nothing = (0, header + "No dangling volumes found\n", "")
    assert both(hutch, podman, "volume", "prune", input="") == nothing
    for tool in (hutch, podman):
        assert tool("volume", "create", "h17pv").returncode == 0
    for verb in ("container", "image", "network", "volume", "system"):
        # input that ends before an answer: podman's "Error: EOF", exit 125
        code, out, err = both(hutch, podman, verb, "prune", input="")
        assert (code, err) == (125, "Error: EOF\n"), verb
        assert out.startswith("WARNING! ") and out.endswith("[y/N] "), verb
    listed = (
        "WARNING! This will remove all volumes not used by at least one container. "
        "The following volumes will be removed:\nh17pv\nAre you sure you want to continue? "
        "[y/N] "
    )
    assert both(hutch, podman, "volume", "prune", input="n\n") == (0, listed, "")
    assert both(hutch, podman, "volume", "prune", input="yes\n") == (0, listed + "h17pv\n", "")
    assert both(hutch, podman, "volume", "ls", "-q") == (0, "", "")


def test_volume_create_of_a_plugin_driver(hutch: Hutch, podman: Run) -> None:
    assert both(hutch, podman, "volume", "create", "--driver", "bogus", "h17v") == (
        125,
        "",
        "Error: volume h17v uses volume plugin bogus but it could not be retrieved: "
        "no volume plugin with name bogus available: required plugin missing\n",
    )


def test_network_inspect_template_and_lease_range(hutch: Hutch, podman: Run) -> None:
    flags = ["--subnet", "10.97.0.0/24", "--gateway", "10.97.0.1"]
    flags += ["--ip-range", "10.97.0.128/25", "--label", "k=v", "-o", "mtu=1400", "--internal"]
    for tool in (hutch, podman):
        assert tool("network", "create", *flags, "h17net").returncode == 0
    try:
        template = (
            # (not .DNSEnabled: 4.3.1 turns DNS off on an --internal network; current
            # podman's man page does so only with the CNI backend, and hutch keeps it on)
            "{{.Name}} {{.Driver}} {{.Internal}} {{.IPv6Enabled}} {{.Options}} "
            "{{.Labels}} {{.IPAMOptions}} {{range .Subnets}}{{.Subnet}} {{.Gateway}} "
            "{{.LeaseRange.StartIP}}-{{.LeaseRange.EndIP}}{{end}}"
        )
        assert both(hutch, podman, "network", "inspect", "--format", template, "h17net") == (
            0,
            "h17net bridge true false map[mtu:1400] map[k:v] map[driver:host-local] "
            "10.97.0.0/24 10.97.0.1 10.97.0.129-10.97.0.255\n",
            "",
        )
        assert both(hutch, podman, "network", "inspect", "h17net", "--format", "{{.Name}}") == (
            0,
            "h17net\n",
            "",
        )
        ours, theirs = (tool("network", "ls", "--format", "json") for tool in (hutch, podman))
        assert ours.stdout.startswith('[\n  {\n    "name": ') and theirs.stdout.startswith(
            '[\n  {\n    "name": '
        )
    finally:
        hutch("network", "rm", "h17net", check=False)
        podman("network", "rm", "h17net")


def test_volume_events(hutch: Hutch, podman: Run) -> None:
    since = str(int(time.time()) - 1)
    for tool in (hutch, podman):
        assert tool("volume", "create", "h17ev").returncode == 0
        assert tool("volume", "rm", "h17ev").returncode == 0
    template = "{{.Type}} {{.Status}} {{.Name}} {{.ID}}|{{.Image}}|{{.Attributes}}"
    argv = ("events", "--stream=false", "--since", since, "--filter", "type=volume")
    for tool in (hutch, podman):
        # podman's event file is the user's, shared by every podman store: keep ours
        shown = tool(*argv, "--format", template).stdout.splitlines()
        assert [line for line in shown if " h17ev " in line] == [
            "volume create h17ev ||map[]",
            "volume remove h17ev ||map[]",
        ], tool
        lines = tool(*argv).stdout.splitlines()
        assert [line.split(" UTC ", 1)[1] for line in lines if line.endswith(" h17ev")] == [
            "volume create h17ev",
            "volume remove h17ev",
        ], tool


def test_info_and_version_fields_scripts_read(hutch: Hutch, podman: Run) -> None:
    for path in (".Host.CgroupsVersion", ".Host.RemoteSocket.Path", ".Store.GraphRootAllocated"):
        for tool in (hutch, podman):
            shown = tool("info", "--format", "{{" + path + "}}")
            assert shown.returncode == 0 and shown.stdout.strip(), (path, shown)
    assert both(hutch, podman, "info", "--format", "{{.Host.CgroupVersion}}") == (
        125,
        "",
        'Error: template: info:1:7: executing "info" at <.Host.CgroupVersion>: '
        "can't evaluate field CgroupVersion in type *define.HostInfo\n",
    )
    assert both(hutch, podman, "version", "--format", "{{.Server}}") == (0, "<nil>\n", "")
    for tool in (hutch, podman):
        table = tool("version").stdout.splitlines()
        assert [line[:14] for line in table] == [
            "Client:       ",
            "Version:      ",
            "API Version:  ",
            "Go Version:   ",
            "Built:        ",
            "OS/Arch:      ",
        ], table
        shown = tool("version", "--format", "json").stdout
        assert shown.startswith('{"Client":{"APIVersion":') and shown.count("\n") == 1


def test_df_verbose_created_has_no_ago(hutch: Hutch, podman: Run, base_image: str) -> None:
    for tool in (hutch, podman):
        assert tool("create", "--name", "h17df", base_image, "true").returncode == 0
    try:
        for tool in (hutch, podman):
            shown = tool("system", "df", "-v")
            assert shown.returncode == 0 and " ago " not in shown.stdout, shown.stdout
    finally:
        hutch("rm", "h17df", check=False)
        podman("rm", "h17df")


def test_network_connect_events(hutch: Hutch, podman: Run, base_image: str) -> None:
    since = str(int(time.time()) - 1)
    for tool in (hutch, podman):
        assert tool("network", "create", "h17n2").returncode == 0
        started = tool("run", "-d", "--network", "podman", "--name", "h17nc", base_image,
                       "sleep", "100")  # fmt: skip
        assert started.returncode == 0, started
    try:
        for tool in (hutch, podman):
            assert tool("network", "connect", "h17n2", "h17nc").returncode == 0
            assert tool("network", "disconnect", "h17n2", "h17nc").returncode == 0
        template = "{{.Type}} {{.Status}} {{.Name}} {{.Network}} {{.Image}}|{{.Attributes}}"
        argv = ("events", "--stream=false", "--since", since, "--filter", "type=network")
        for tool in (hutch, podman):
            cid = tool("inspect", "--format", "{{.Id}}", "h17nc").stdout.strip()
            shown = tool(*argv, "--format", template).stdout.splitlines()
            assert [line for line in shown if " h17nc " in line] == [
                "network connect h17nc h17n2 |map[]",
                "network disconnect h17nc h17n2 |map[]",
            ], tool
            lines = [line.split(" UTC ", 1)[1] for line in tool(*argv).stdout.splitlines()]
            assert [line for line in lines if cid in line] == [
                f"network connect {cid} (container={cid}, name=h17n2)",
                f"network disconnect {cid} (container={cid}, name=h17n2)",
            ], tool
    finally:
        hutch("rm", "-f", "-t", "0", "h17nc", check=False)
        hutch("network", "rm", "h17n2", check=False)
        podman("rm", "-f", "-t", "0", "h17nc")
        podman("network", "rm", "h17n2")
