"""``hutch generate systemd`` against Debian's podman 4.3.1 on the same container.

Both tools create a container from the same command line; their ``--new``
units must agree on the unit's name, the keys systemd reads, the restart and
timeout settings, and the flags, image and command of the container (each
tool puts its own supervision flags in front). The guest lane runs such
units under a real systemd; here the text is compared.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from harness import Hutch
from lifecycle_basics import one_line_error
from ports import free_port

from hutch.systemd.unitfile import parse, split_words

PORT = free_port()  # free now; a fixed one collided when two lanes ran this file
CREATE = ["--name", "gen", "--label", "a=b", "-p", f"{PORT}:80", "-e", "X=1", "--stop-timeout", "7"]
COMMAND = ["localhost/base", "sleep", "100"]


def podman_unit(rootfs_tar: Path, *flags: str) -> str:
    podman = shutil.which("podman")
    assert podman, "podman is missing: contrib/setup-host.sh installs it"
    # podman refuses a runroot path of more than 50 characters.
    short = Path(tempfile.mkdtemp(prefix="hp-", dir="/tmp"))
    base = [podman, "--root", str(short / "root"), "--runroot", str(short / "run")]

    def run(*args: str) -> str:
        done = subprocess.run([*base, *args], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        run("import", "-q", str(rootfs_tar), "localhost/base")
        run("create", *CREATE, *COMMAND)
        return run("generate", "systemd", *(flags or ("--new",)), "--name", "--no-header", "gen")
    finally:
        subprocess.run([*base, "rm", "-f", "-a"], capture_output=True, timeout=300)
        subprocess.run([*base, "system", "reset", "-f"], capture_output=True, timeout=300)
        subprocess.run([podman, "unshare", "rm", "-rf", str(short)], capture_output=True)


def keys(text: str) -> dict[str, list[str]]:
    f = parse(text, "unit")
    return {f"{e.section}.{e.key}": f.values(e.section, e.key) for e in f.entries}


def container_words(exec_start: str, own: int) -> list[str]:
    """The words after the tool's own prefix (binary, globals, verb, supervision flags)."""
    return split_words(exec_start)[own:]


def test_new_unit_matches_podman(
    hutch: Hutch, base_image: str, rootfs_tar: Path, tmp_path: Path
) -> None:
    hutch("tag", base_image, "localhost/base")
    hutch("create", *CREATE, *COMMAND)
    ours = hutch("generate", "systemd", "--new", "--name", "--no-header", "gen").stdout
    theirs = podman_unit(rootfs_tar)
    assert ours.splitlines()[0] == theirs.splitlines()[0] == "# container-gen.service"
    k_ours, k_theirs = keys(ours), keys(theirs)
    # podman's unit also has ExecStartPre (its cidfile) and RequiresMountsFor.
    extra_theirs = {"Service.ExecStartPre", "Unit.RequiresMountsFor"}
    assert set(k_ours) == set(k_theirs) - extra_theirs
    for key in (
        "Unit.Wants",
        "Unit.After",
        "Service.Environment",
        "Service.Restart",
        "Service.TimeoutStopSec",
        "Service.Type",
        "Service.NotifyAccess",
        "Install.WantedBy",
    ):
        assert k_ours[key] == k_theirs[key], key
    (start_ours,) = k_ours["Service.ExecStart"]
    (start_theirs,) = k_theirs["Service.ExecStart"]
    # hutch run --name=gen --replace --rm --sdnotify=conmon | podman --root R
    # --runroot R run --cidfile=F --cgroups=no-conmon --rm --sdnotify=conmon -d
    # --replace --name gen
    assert container_words(start_ours, 6) == container_words(start_theirs, 14)
    assert container_words(start_ours, 6) == [*CREATE[2:], *COMMAND]
    (stop_ours,) = k_ours["Service.ExecStop"]
    assert split_words(stop_ours)[1:] == ["stop", "--ignore", "-t", "7", "gen"]


def test_template_env_and_time_match_podman(
    hutch: Hutch, base_image: str, rootfs_tar: Path
) -> None:
    """--template (a unit NAME@.service, a container NAME-%i per instance, --new
    implied), --env and -t, as podman 4.3.1 writes them."""
    flags = ("--template", "-e", "A=1", "-e", "B=two words", "-t", "3")
    hutch("tag", base_image, "localhost/base")
    hutch("create", *CREATE, *COMMAND)
    ours = hutch("generate", "systemd", *flags, "--name", "--no-header", "gen").stdout
    theirs = podman_unit(rootfs_tar, *flags)
    assert ours.splitlines()[0] == theirs.splitlines()[0] == "# container-gen@.service"
    k_ours, k_theirs = keys(ours), keys(theirs)
    assert k_ours["Unit.Description"][0].endswith(".service for %I")
    assert k_theirs["Unit.Description"][0].endswith(".service for %I")
    # podman writes --env from a Go map: its order varies, so compare as sets
    assert sorted(k_ours["Service.Environment"]) == sorted(k_theirs["Service.Environment"])
    assert "PODMAN_SYSTEMD_UNIT=%n-%i" in k_ours["Service.Environment"]
    assert k_ours["Service.TimeoutStopSec"] == k_theirs["Service.TimeoutStopSec"] == ["63"]
    start = split_words(k_ours["Service.ExecStart"][0])
    assert "--name=gen-%i" in start and "--replace" in start
    assert split_words(k_ours["Service.ExecStop"][0])[-1] == "gen-%i"
    refused = hutch("generate", "systemd", "--template", "--new=false", "gen", check=False)
    assert (refused.returncode, refused.stderr) == (
        125,
        "Error: --template cannot be set with --new=false\n",
    )


def test_default_unit_starts_the_existing_container(hutch: Hutch, base_image: str) -> None:
    cid = hutch("create", "--name", "old", base_image, "true").stdout.strip()
    text = hutch("generate", "systemd", "old").stdout
    assert text.startswith(f"# container-{cid}.service\n# autogenerated by hutch ")
    start = keys(text)["Service.ExecStart"][0]
    assert split_words(start)[1:] == ["start", "--attach", "old"]


def test_files_and_json(hutch: Hutch, base_image: str) -> None:
    hutch("create", "--name", "f", base_image, "true")
    path = hutch("generate", "systemd", "--name", "--files", "f").stdout.strip()
    assert Path(path).name == "container-f.service"
    assert Path(path).read_text().startswith("# container-f.service\n")
    out = hutch("generate", "systemd", "--name", "--format", "json", "f").stdout
    import json

    assert list(json.loads(out)) == ["container-f"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["nope"], "nope"),
        (["--restart-policy", "sometimes", "c"], "not a valid restart policy"),
        (["--format", "yaml", "c"], "only json"),
    ],
)
def test_bad_input_is_125(hutch: Hutch, base_image: str, argv: list[str], message: str) -> None:
    hutch("create", "--name", "c", base_image, "true")
    result = hutch("generate", "systemd", *argv, check=False)
    assert result.returncode == 125
    assert message in one_line_error(result.stderr)
