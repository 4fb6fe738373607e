"""``system check [--repair] [--force]``: what killed commands leave is found, and
repaired where that is safe (issue 21). Kills are real (SIGKILL of a command held
at a named pause point), never simulated files, except where no command writes
the leftover on purpose (a stray attach socket, a container dir without a row)."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import tarfile
import time
from pathlib import Path

from harness import Hutch
from pausepoint import Paused


def _tar(path: Path, text: str) -> Path:
    """A one-file layer tar, different for each ``text`` (a layer of its own)."""
    data = text.encode()
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("marker")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return path


def _storage(hutch: Hutch) -> Path:
    return hutch.env.data_home / "hutch" / "storage"


def _kill_at_record(hutch: Hutch, tmp_path: Path, name: str) -> None:
    """``import`` killed with SIGKILL after it stored its layer, before the image row."""
    paused = Paused(
        hutch, "store-before-record", tmp_path / f"gate-{name}", "import",
        str(_tar(tmp_path / f"{name}.tar", name)), name,
    )  # fmt: skip
    pid = int(Path(f"{paused.gate}.reached").read_text())
    os.kill(pid, signal.SIGKILL)
    paused.process.wait(timeout=30)


def test_check_finds_and_repairs_what_killed_commands_leave(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    clean = hutch("system", "check")
    assert (clean.stdout, clean.stderr) == ("", "")

    _kill_at_record(hutch, tmp_path, "killed")
    # A command of the same kind still running (held before its row): not an orphan.
    live = Paused(
        hutch, "store-before-record", tmp_path / "gate-live", "import",
        str(_tar(tmp_path / "live.tar", "live")), "live",
    )  # fmt: skip
    stray_socket = hutch.env.runtime_dir / "hutch" / "a" / ("ab" * 12)
    stray_socket.parent.mkdir(parents=True, exist_ok=True)
    stray_socket.touch()
    stray_dir = _storage(hutch) / "containers" / ("cd" * 32)
    (stray_dir / "userdata").mkdir(parents=True)
    old = time.time() - 60  # (a dir changed in the last seconds may be an rm at work)
    os.utime(stray_dir, (old, old))

    found = hutch("system", "check", check=False)
    assert found.returncode == 125, found
    assert found.stderr.startswith("Error: damage detected in local storage\n")
    damaged = [line for line in found.stdout.splitlines() if line.startswith("Damaged ")]
    kinds = sorted(line.split()[1] for line in damaged)
    assert kinds == ["blob", "container", "layer", "socket"], found.stdout
    assert f"container {stray_dir.name}:" in found.stdout
    assert str(stray_socket) in found.stdout

    repaired = hutch("system", "check", "--repair")
    assert sorted(line.split()[1] for line in repaired.stdout.splitlines()) == [
        "blob:", "container:", "layer:", "socket:",
    ], repaired.stdout  # fmt: skip
    assert not stray_dir.exists() and not stray_socket.exists()

    code, _out, err = live.release()
    assert code == 0, err
    assert hutch("system", "check").stdout == ""
    names = hutch("images", "--format", "{{.Repository}}").stdout.split()
    assert sorted(names) == ["localhost/base", "localhost/live"]
    assert hutch("run", "--rm", base_image, "echo", "ok").stdout == "ok\n"
    # The killed import can be done again (its layer was removed whole).
    hutch("import", str(tmp_path / "killed.tar"), "killed")
    assert hutch("system", "check").stdout == ""


def test_a_runs_pasta_fifo_is_left_while_young_and_repaired_when_old(hutch: Hutch) -> None:
    """A run's pid FIFO for its pasta is in the attach directory while that run sets
    its network up (a check right after a killed run met one its monitor had made);
    one older than a run's setup is debris, named as what it is."""
    attach = hutch.env.runtime_dir / "hutch" / "a"
    attach.mkdir(parents=True, exist_ok=True)
    fifo = attach / "pasta-0123456789abcdef.pid"
    os.mkfifo(fifo, 0o600)
    assert hutch("system", "check").stdout == ""
    old = time.time() - 60
    os.utime(fifo, (old, old))
    found = hutch("system", "check", check=False)
    assert found.returncode == 125, found
    assert found.stdout == (
        f"Damaged socket {fifo}:\n\tthe pid FIFO of a network helper of a run that is gone\n"
    )
    hutch("system", "check", "--repair")
    assert not fifo.exists()
    assert hutch("system", "check").stdout == ""


def test_damaged_image_is_removed_only_with_its_containers_under_force(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("import", str(_tar(tmp_path / "dmg.tar", "damaged")), "dmg")
    hutch("create", "--name", "onit", "dmg", "/marker")
    diff_id = hutch("image", "inspect", "--format", "{{index .RootFS.Layers 0}}", "dmg").stdout
    layer = _storage(hutch) / "layers" / diff_id.strip().split(":", 1)[1]
    shutil.rmtree(layer)

    found = hutch("system", "check", check=False)
    assert found.returncode == 125
    assert "Damaged image " in found.stdout and "directory is missing" in found.stdout

    kept = hutch("system", "check", "--repair", check=False)
    assert kept.returncode == 125
    assert "still present after repair attempt" in kept.stderr
    assert "onit" in hutch("ps", "-a", "--format", "{{.Names}}").stdout

    forced = hutch("system", "check", "--repair", "--force")
    assert "Deleted image: " in forced.stdout
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout == ""
    assert hutch("images", "--format", "{{.Repository}}").stdout.split() == ["localhost/base"]
    assert hutch("system", "check").stdout == ""


def test_df_and_prune(hutch: Hutch, base_image: str, tmp_path: Path) -> None:
    """``system df`` counts what is there and what a prune frees; ``system prune``
    frees it, in podman's words (verbose and format refused together, exit 125)."""
    hutch("import", str(_tar(tmp_path / "spare.tar", "x" * 5000)), "spare")
    hutch("untag", "spare")  # a dangling image
    hutch("volume", "create", "unused")
    hutch("run", "--name", "done", base_image, "sh", "-c", "head -c 3000 /dev/zero > /f")
    rows = {r["Type"]: r for r in json.loads(hutch("system", "df", "--format", "json").stdout)}
    assert (rows["Images"]["Total"], rows["Images"]["Active"]) == (2, 1)
    assert 5000 <= rows["Images"]["RawReclaimable"] < rows["Images"]["RawSize"]
    assert (rows["Containers"]["Total"], rows["Containers"]["Active"]) == (1, 0)
    # the file and the /etc/mtab link (12 bytes: "/proc/mounts"), which podman counts too
    assert rows["Containers"]["RawSize"] == rows["Containers"]["RawReclaimable"] == 3012
    assert (rows["Local Volumes"]["Total"], rows["Local Volumes"]["Active"]) == (1, 0)
    verbose = hutch("system", "df", "-v").stdout
    assert "Images space usage:" in verbose and "done" in verbose and "unused" in verbose
    both = hutch("system", "df", "-v", "--format", "json", check=False)
    assert (both.returncode, both.stderr) == (
        125, "Error: cannot combine --format and --verbose flags\n",
    )  # fmt: skip

    asked = hutch("system", "prune", input="n\n")
    # podman asks on stdout
    assert asked.stderr == "" and "all dangling images" in asked.stdout
    pruned = hutch("system", "prune", "-f", "--volumes").stdout.splitlines()
    assert pruned[0] == "Deleted Containers" and "Deleted Volumes" in pruned
    assert "unused" in pruned and "Deleted Images" in pruned
    assert pruned[-1].startswith("Total reclaimed space: ")
    after = json.loads(hutch("system", "df", "--format", "json").stdout)
    assert [(r["Type"], r["Total"]) for r in after] == [
        ("Images", 1), ("Containers", 0), ("Local Volumes", 0),
    ]  # fmt: skip
    assert hutch("system", "check").stdout == ""


def test_prune_filters(hutch: Hutch, base_image: str) -> None:
    """``system prune --filter``: label, label! and until choose the containers,
    volumes, networks and images that go; a bad filter fails before anything."""
    hutch("create", "--name", "keep", "--label", "keep=1", base_image, "true")
    hutch("create", "--name", "drop", "--label", "tmp=1", base_image, "true")
    hutch("volume", "create", "--label", "keep=1", "vkeep")
    hutch("volume", "create", "--label", "tmp=1", "vdrop")
    bad = hutch("system", "prune", "-f", "--filter", "dangling=true", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: dangling is an invalid filter")
    old = hutch("system", "prune", "-f", "--volumes", "--filter", "until=1h").stdout
    assert "Deleted" not in old  # everything was created just now
    out = hutch("system", "prune", "-f", "--volumes", "--filter", "label!=keep").stdout
    assert "Deleted Containers" in out and "vdrop" in out
    assert hutch("ps", "-a", "--format", "{{.Names}}").stdout.split() == ["keep"]
    assert hutch("volume", "ls", "-q").stdout.split() == ["vkeep"]


def test_container_and_image_prune_filters(hutch: Hutch, base_image: str) -> None:
    """``container prune`` and ``image prune`` take system prune's --filter."""
    first = hutch("create", "--name", "keep", "--label", "keep=1", base_image, "true")
    second = hutch("create", "--name", "drop", "--label", "tmp=1", base_image, "true")
    bad = hutch("container", "prune", "-f", "--filter", "colour=red", check=False)
    assert bad.returncode == 125 and bad.stderr.startswith("Error: colour is an invalid filter")
    assert hutch("container", "prune", "-f", "--filter", "until=1h").stdout == ""
    out = hutch("container", "prune", "-f", "--filter", "label=tmp").stdout
    assert out.split() == [second.stdout.strip()]
    assert hutch("ps", "-aq", "--no-trunc").stdout.split() == [first.stdout.strip()]
    hutch("tag", base_image, "spare:1")
    hutch("rm", "keep")
    kept = hutch("image", "prune", "-a", "-f", "--filter", "label=none").stdout
    assert kept == ""  # the images carry no such label: nothing goes
    assert "spare:1" in hutch("images", "--format", "{{.Repository}}:{{.Tag}}").stdout
