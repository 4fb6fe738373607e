"""Differential: mount/unmount (inside and outside ``unshare``), the /etc/mtab link,
``start`` of a running container and ``import``'s environment, through hutch and
Debian's podman 4.3.1 on the same rootfs (where 4.3.1 behaves as current podman)."""

from __future__ import annotations

import io
import re
import subprocess
import tarfile
from pathlib import Path

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

# one block per command: "--- ARGS", its output (stderr too), "rc=N"
_STEPS = 'x() { echo "--- $*"; $tool "$@" 2>&1; echo "rc=$?"; }\n'


def _blocks(text: str, names: dict[str, str]) -> list[list[str]]:
    """The output, ids by their names, paths as <path>, podman's words as hutch's;
    each command's lines sorted (the two list mounted containers in their own order)."""
    for full, name in names.items():
        text = text.replace(full, name).replace(full[:12], name)
    text = re.sub(r"/\S+", "<path>", text).replace("podman", "hutch")
    blocks: list[list[str]] = []
    for line in text.splitlines():
        if line.startswith("--- "):
            blocks.append([line])
        elif blocks:
            blocks[-1].append(line)
    return [[b[0], *sorted(b[1:-1]), b[-1]] for b in blocks]


def _ids(tool: Hutch | Run, *names: str) -> dict[str, str]:
    shown = tool("inspect", "--format", "{{.Id}}", *names).stdout.split()
    image = tool("image", "inspect", "--format", "{{.Id}}", "base").stdout.strip()
    return {**dict(zip(shown, names, strict=True)), image.removeprefix("sha256:"): "<image>"}


def _argv(tool: Hutch | Run) -> list[str]:
    """The words that call the tool (podman's with its own --root and --runroot)."""
    if isinstance(tool, Hutch):
        return [str(tool.binary)]
    return list(tool("--version").args[:-1])


def _in_unshare(tool: Hutch | Run, script: str) -> subprocess.CompletedProcess[str]:
    return tool("unshare", "sh", "-c", 'tool="$*"\n' + _STEPS + script, "sh", *_argv(tool))


def _outside(tool: Hutch | Run, script: str) -> str:
    """The steps' output run outside ``unshare`` (podman's debug lines left out)."""
    proc = subprocess.run(
        ["sh", "-c", 'tool="$*"\n' + _STEPS + script, "sh", *_argv(tool)],
        capture_output=True,
        text=True,
        timeout=120,
        env=tool.env.environ() if isinstance(tool, Hutch) else None,
    )
    return "".join(line for line in proc.stdout.splitlines(True) if "time=" not in line)


def test_mount_and_unmount_inside_unshare_as_podman(
    hutch: Hutch, base_image: str, podman: Run
) -> None:
    script = """
x mount c1
p=$($tool mount c1) && test -f "$p/bin/busybox" && echo "visible at the printed path"
x unmount c1
x unmount c1
x mount c1 c2
x mount
x unmount --all
x mount
x unmount nosuch
x unmount c1 nosuch
x unmount
x container mount nosuch
x image unmount base
x image mount base
x image unmount base
x image unmount base
x image unmount -a
"""
    shown = []
    for tool in (hutch, podman):
        tool("create", "--name", "c1", base_image, "true")
        tool("create", "--name", "c2", base_image, "true")
        out = _in_unshare(tool, script).stdout
        assert "visible at the printed path" in out, out
        shown.append(_blocks(out, _ids(tool, "c1", "c2")))
        tool("rm", "c1", "c2")
    assert shown[0] == shown[1]
    # what both print, in hutch's words
    assert ["--- unmount --all", "c1", "c2", "rc=0"] in shown[0]
    assert ["--- unmount c1", "c1", "rc=0"] in shown[0]  # not mounted: no error
    assert ["--- image unmount base", "rc=0"] in shown[0]  # not mounted: nothing printed


def test_unmount_outside_unshare_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """podman's unmount needs no unshare (its mount does): names are checked, printed."""
    results = []
    for tool in (hutch, podman):
        tool("create", "--name", "c1", base_image, "true")
        tool("volume", "create", "vm")
        script = """
x unmount c1
x umount -f c1
x container unmount c1
x unmount --all
x unmount nosuch
x mount c1
x container mount c1
x mount
x image mount base
x image unmount base
x image unmount -a
x image unmount nosuch
x volume unmount vm
x volume mount vm
"""
        results.append(_blocks(_outside(tool, script), _ids(tool, "c1")))
        tool("rm", "c1")
        tool("volume", "rm", "vm")
    assert results[0] == results[1]
    refused = 'Error: cannot run command "hutch container mount" in rootless mode, '
    assert [
        "--- container mount c1",
        refused + "must execute `hutch unshare` first",
        "rc=125",
    ] in results[0]
    assert ["--- unmount c1", "c1", "rc=0"] in results[0]
    assert ["--- volume unmount vm", "vm", "rc=0"] in results[0]


def test_unmount_latest_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    """``--latest`` is not a name: a running container is passed over (nothing
    printed, exit 0), a stopped one not mounted is an error, a mounted one is
    unmounted and its full id printed."""
    outside = """
x unmount --latest
x umount -l
x container unmount -l -f
"""
    results = []
    for tool in (hutch, podman):
        tool("run", "-d", "--name", "busy", base_image, "sleep", "1000")
        noise = _outside(tool, outside)
        tool("stop", "-t", "0", "busy")
        inside = _in_unshare(tool, "x umount -l\nx mount busy\nx umount -l\nx umount -l\n")
        results.append(_blocks(noise + inside.stdout, _ids(tool, "busy")))
        tool("rm", "busy")
    assert results[0] == results[1]
    assert results[0][:3] == [
        ["--- unmount --latest", "rc=0"],
        ["--- umount -l", "rc=0"],
        ["--- container unmount -l -f", "rc=0"],
    ]
    not_mounted = (
        "Error: unmounting container busy: unmounting container busy root filesystem: "
        "layer is not mounted"
    )
    assert results[0][3] == ["--- umount -l", not_mounted, "rc=125"]
    assert results[0][5] == ["--- umount -l", "busy", "rc=0"]  # the full id, by its name


def test_rm_inside_unshare_of_a_mounted_container(hutch: Hutch, base_image: str) -> None:
    """The mount ends with the container: no mount or temp directory is left behind
    (rm deleted the tree under the mount and left it, and system check found it)."""
    hutch("create", "--name", "held", base_image, "true")
    script = """
p=$($tool mount held) && echo hi > "$p/written" && cat "$p/written"
x rm held
grep -c /merged /proc/self/mountinfo || true
"""
    out = _in_unshare(hutch, script).stdout.splitlines()
    assert out == ["hi", "--- rm held", "held", "rc=0", "0"]
    check = hutch("system", "check", check=False)
    assert (check.returncode, check.stdout, check.stderr) == (0, "", "")
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""


def _variant(rootfs_tar: Path, out: Path, *, etc: bool, mtab: bytes | None) -> Path:
    """The busybox rootfs without /etc, or with a file at /etc/mtab."""
    with tarfile.open(rootfs_tar) as src, tarfile.open(out, "w") as dst:
        for member in src.getmembers():
            if not etc and (member.name.startswith("etc/") or member.name == "etc"):
                continue
            dst.addfile(member, src.extractfile(member) if member.isfile() else None)
        if mtab is not None:
            info = tarfile.TarInfo("etc/mtab")
            info.size = len(mtab)
            info.mode = 0o644
            dst.addfile(info, io.BytesIO(mtab))
    out.chmod(0o644)
    return out


def test_etc_mtab_link_as_podman(
    hutch: Hutch, base_image: str, podman: Run, rootfs_tar: Path, tmp_path: Path
) -> None:
    noetc = _variant(rootfs_tar, tmp_path / "noetc.tar", etc=False, mtab=None)
    own = _variant(rootfs_tar, tmp_path / "own.tar", etc=True, mtab=b"the image's own\n")
    for tool in (hutch, podman):
        assert tool("import", "-q", str(noetc), "noetc").returncode == 0
        assert tool("import", "-q", str(own), "own").returncode == 0
    for args in (
        (base_image, "readlink", "/etc/mtab"),
        ("--read-only", base_image, "readlink", "/etc/mtab"),
        ("noetc", "readlink", "/etc/mtab"),
        ("--read-only", "noetc", "readlink", "/etc/mtab"),
        ("own", "cat", "/etc/mtab"),
        (base_image, "sh", "-c", "grep -c ' /proc proc ' /etc/mtab"),
    ):
        code, out, _ = both(hutch, podman, "run", "--rm", *args)
        assert code == 0 and out in ("/proc/mounts\n", "the image's own\n", "1\n"), args
    # diff leaves it out, as the mount points of /etc's files
    for tool in (hutch, podman):
        tool("run", "--name", "md", base_image, "true")
    assert both(hutch, podman, "diff", "md")[1] == "C /etc\n"
    # hutch's commit leaves it out too; a container of the image gets it at its start
    hutch("commit", "-q", "md", "committed")
    assert "etc/mtab" not in hutch("image", "diff", "committed").stdout
    got = hutch("run", "--rm", "committed", "readlink", "/etc/mtab")
    assert got.stdout == "/proc/mounts\n"
    for tool in (hutch, podman):
        tool("rm", "md")
        tool("rmi", "noetc", "own")
    hutch("rmi", "committed")


def test_start_of_a_running_container_as_podman(hutch: Hutch, base_image: str, podman: Run) -> None:
    for tool in (hutch, podman):
        tool("run", "-d", "--name", "busy", base_image, "sleep", "1000")
        tool("create", "--name", "idle", base_image, "true")
    assert both(hutch, podman, "start", "busy") == (0, "", "")  # nothing to do: no line
    assert both(hutch, podman, "start", "busy", "idle") == (0, "idle\n", "")
    # attached: its output from then on, and 0 when it ends (not its own status)
    attached = []
    for tool in (hutch, podman):
        tool("run", "-d", "--name", "late", base_image, "sh", "-c", "sleep 2; echo done; exit 3")
        got = tool("start", "-a", "late")
        attached.append((got.returncode, got.stdout))
        tool("rm", "-f", "-t", "0", "busy", "idle", "late")
    assert attached[0] == attached[1] == (0, "done\n")


def test_import_adds_no_environment_as_podman(hutch: Hutch, podman: Run, rootfs_tar: Path) -> None:
    for tool in (hutch, podman):
        assert tool("import", "-q", str(rootfs_tar), "imp").returncode == 0
    assert both(hutch, podman, "image", "inspect", "--format", "{{.Config.Env}}", "imp") == (
        0,
        "[]\n",
        "",
    )
    # run gives the default PATH all the same: the command is found
    code, out, _ = both(hutch, podman, "run", "--rm", "imp", "sh", "-c", 'echo "$PATH"')
    assert (code, out) == (0, "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n")
    # and exec into such a container; its configuration shows it, as podman's
    hutch("run", "-d", "--name", "ex", "imp", "sleep", "1000")
    assert hutch("exec", "ex", "sh", "-c", 'echo "$PATH"').stdout == out
    podman("create", "--name", "ex", "imp", "true")
    for tool in (hutch, podman):
        env = tool("inspect", "--format", "{{.Config.Env}}", "ex").stdout
        assert "PATH=" + out.strip() in env.strip("[]\n").split(), env
    podman("rm", "ex")
    hutch("rm", "-f", "-t", "0", "ex")
    for tool in (hutch, podman):
        tool("rmi", "imp")
