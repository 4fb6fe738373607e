"""--image-volume and containers.conf's image_volume_mode, prepare_volume_on_create,
interface_name and keyring (issue 15): hutch beside podman 4.3.1 where 4.3.1 knows
the key, hutch alone for interface_name (newer than 4.3.1)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from harness import Hutch, HutchEnv, user_conf
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture

# the file system type mounted at /data, if anything is
SHOW = "grep ' /data ' /proc/mounts | cut -d' ' -f3"


@pytest.fixture(name="volume_image")
def fixture_volume_image(hutch: Hutch, base_image: str, podman: Run, tmp_path: Path) -> str:
    """An image with a VOLUME, built by both."""
    context = tmp_path / "ctx"
    context.mkdir()
    (context / "Containerfile").write_text("FROM base\nVOLUME /data\n")
    hutch("build", "-q", "-t", "volimg", str(context))
    assert podman("build", "-q", "-t", "volimg", str(context)).returncode == 0
    return "volimg"


@pytest.mark.parametrize(("mode", "shown"), [("bind", "ext4"), ("tmpfs", "tmpfs"), ("ignore", "")])
def test_image_volume_modes_as_podman(
    hutch: Hutch, podman: Run, volume_image: str, mode: str, shown: str
) -> None:
    args = ("run", "--rm", "--image-volume", mode, volume_image, "sh", "-c", SHOW)
    ours, theirs = hutch(*args).stdout, podman(*args).stdout
    assert ours == theirs
    if mode != "bind":  # bind: the file system that holds the volumes, whichever it is
        assert ours.strip() == shown


def test_a_bad_image_volume_is_refused_in_podmans_words(
    hutch: Hutch, podman: Run, base_image: str
) -> None:
    code, _, err = both(hutch, podman, "create", "--image-volume", "foo", "base", "true")
    assert code == 125
    assert err == 'Error: invalid image volume mode "foo" required value: bind, tmpfs, ignore\n'


def test_image_volume_mode_is_the_flags_default(
    hutch: Hutch,
    podman: Run,
    volume_image: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text('[engine]\nimage_volume_mode = "tmpfs"\n')
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    # a bind shows the file system of the store it comes from (tmpfs too where a
    # run's temporary directories are on tmpfs)
    store_fs = subprocess.run(
        ["findmnt", "-n", "-o", "FSTYPE", "-T", str(hutch.env.data_home)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]  # a mount point mounted over lists each mount
    for flags, shown in (((), "tmpfs"), (("--image-volume", "bind"), store_fs)):
        args = ("run", "--rm", *flags, volume_image, "sh", "-c", SHOW)
        ours = hutch(*args, env={"CONTAINERS_CONF": str(conf)}).stdout
        theirs = podman(*args).stdout
        assert ours == theirs
        assert ours.strip() == shown


def test_prepare_volume_on_create_copies_up_at_create(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conf = tmp_path / "containers.conf"
    conf.write_text("[containers]\nprepare_volume_on_create = true\n")
    monkeypatch.setenv("CONTAINERS_CONF", str(conf))  # the peer inherits the environment
    hutch("create", "--name", "early", "-v", "earlyv:/etc", "base", "true",
          env={"CONTAINERS_CONF": str(conf)})  # fmt: skip
    assert podman("create", "--name", "early", "-v", "earlyv:/etc", "base", "true").returncode == 0
    flags = ("volume", "inspect", "--format", "{{.NeedsCopyUp}} {{.NeedsChown}}", "earlyv")
    # copied, the owner's change still left for the first start (podman's)
    assert both(hutch, podman, *flags)[1] == "false true\n"
    listed = hutch("run", "--rm", "-v", "earlyv:/m", "base", "ls", "/m").stdout.split()
    assert "passwd" in listed
    both(hutch, podman, "start", "early")
    assert both(hutch, podman, *flags)[1] == "false false\n"
    both(hutch, podman, "rm", "early")


def test_interface_name_device_names_the_link_after_the_bridge(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    # keyring: accepted, as every key podman knows (hutch never makes a keyring)
    user_conf(hutch_env, '[containers]\ninterface_name = "device"\nkeyring = true\n')
    hutch("network", "create", "devnet")
    hutch("network", "create", "othernet")
    bridges = {
        n["name"]: n["network_interface"]
        for n in json.loads(hutch("network", "inspect", "devnet", "othernet").stdout)
    }
    out = hutch("run", "--rm", "--network", "devnet,othernet:interface_name=wan0", "base",
                "cat", "/proc/net/dev").stdout  # fmt: skip
    links = {line.split(":")[0].strip() for line in out.splitlines()[2:]}
    assert links == {"lo", bridges["devnet"], "wan0"}, out
    hutch("create", "--name", "late", "--network", "devnet", "base", "sleep", "60")
    hutch("network", "connect", "othernet", "late")
    hutch("start", "late")
    out = hutch("exec", "late", "cat", "/proc/net/dev").stdout
    links = {line.split(":")[0].strip() for line in out.splitlines()[2:]}
    assert links == {"lo", bridges["devnet"], bridges["othernet"]}, out
    hutch("rm", "-f", "-t", "0", "late")


def test_cgroup_conf_format_as_podman(hutch: Hutch, podman: Run, base_image: str) -> None:
    code, _, err = both(hutch, podman, "create", "--cgroup-conf", "memory.high", "base", "true")
    assert (code, err) == (125, "Error: --cgroup-conf must be formatted KEY=VALUE\n")


def test_cgroup_conf_is_written_or_refused_with_the_reason(
    hutch: Hutch, hutch_env: HutchEnv, base_image: str
) -> None:
    user_conf(hutch_env, '[containers]\ncgroup_conf = ["pids.max=77"]\n')
    args = ("run", "--rm", "--cgroup-conf", "memory.high=64M", "base",
            "cat", "/sys/fs/cgroup/memory.high", "/sys/fs/cgroup/pids.max")  # fmt: skip
    got = hutch(*args, check=False)
    if Path("/sys/fs/cgroup/cgroup.controllers").exists() and got.returncode == 0:
        assert got.stdout.split() == [str(64 << 20), "77"]
    else:  # no cgroup v2 delegated here: refused as a limit flag is (podman ignores it)
        assert got.returncode == 125, got
        assert "cannot be enforced" in got.stderr
        assert "--cgroup-conf" in got.stderr or "cgroup_conf" in got.stderr
