"""/run/.containerenv: podman's content, and when a mount at /run leaves it out."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hutch.engine import containerenv
from hutch.engine.container_record import MountRecord
from hutch.runtime.spec import Process, Rootfs, Spec
from hutch.runtime.spec_security import SecuritySpec

IDENTITY = containerenv.ContainerIdentity("web", "ab" * 32, "localhost/base:1", "cd" * 32)


def test_an_unprivileged_container_gets_an_empty_file() -> None:
    assert containerenv.text(None, "1.2.3", rootless=True) == ""


def test_a_privileged_container_is_named_as_podman_names_it() -> None:
    assert containerenv.text(IDENTITY, "1.2.3", rootless=True) == (
        'engine="hutch-1.2.3"\n'
        'name="web"\n'
        f'id="{"ab" * 32}"\n'
        'image="localhost/base:1"\n'
        f'imageid="{"cd" * 32}"\n'
        "rootless=1\n"
    )
    odd = replace(IDENTITY, image_name='we"ird\\')
    assert 'image="we\\"ird\\\\"\n' in containerenv.text(odd, "1", rootless=False)
    assert containerenv.text(IDENTITY, "1", rootless=False).endswith("rootless=0\n")


def _spec(**changes: object) -> Spec:
    base = Spec(
        id="c" * 64,
        hostname="h",
        process=Process(args=("sh",), env=()),
        rootfs=Rootfs(kind="bind", target="/nonexistent"),
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def test_the_file_is_bound_at_run(tmp_path: Path) -> None:
    spec = containerenv.add(
        _spec(etc_files=(("/etc/hosts", "/x"),)), tmp_path, IDENTITY, (), rootless=True
    )
    source = str(tmp_path / containerenv.FILENAME)
    assert spec.etc_files == (("/etc/hosts", "/x"), ("/run/.containerenv", source))
    assert Path(source).read_text().startswith('engine="hutch-')


def test_what_at_run_leaves_it_out(tmp_path: Path) -> None:
    spec = _spec()
    for kind in ("bind", "tmpfs", "image"):
        mounts = (MountRecord(kind, "/run/", "/v"),)
        assert containerenv.add(spec, tmp_path, None, mounts, rootless=True) == spec
    read_only = _spec(security=SecuritySpec(read_only_tmpfs=("/tmp", "/var/tmp", "/run")))
    assert containerenv.add(read_only, tmp_path, None, (), rootless=True) == read_only
    assert not (tmp_path / containerenv.FILENAME).exists()
    for kept in (MountRecord("volume", "/run", "/v"), MountRecord("bind", "/run/secrets", "/v")):
        added = containerenv.add(spec, tmp_path, None, (kept,), rootless=True)
        assert added.etc_files[-1][0] == "/run/.containerenv"
