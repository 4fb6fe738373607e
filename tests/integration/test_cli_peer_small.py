"""Differential tests of small differences (issue 15): ``volume create -o uid=N`` on its
own and mount words beside ``o=uid=``, ``events --filter type=`` with a type no event
has, inspect's ``.Mounts[].Mode`` and ``.HostConfig.Tmpfs``, and ``Path``/``Args`` of a
one-word command, through hutch and Debian's podman 4.3.1 on the same rootfs."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from peer_podman import Run, both, fixture_podman  # noqa: F401 - the peer's fixture


def test_volume_uid_on_its_own_and_mount_words_beside_o_uid(hutch: Hutch, podman: Run) -> None:
    """-o uid=1000 is kept as given (no UID, the owner stays root); o=nodev,uid=7,noexec
    gives UID 7 and keeps o whole; -o gid=5 -o o=uid=3 keeps gid as given."""
    made = {"vu": ("-o", "uid=1000"), "vm": ("-o", "o=nodev,uid=7,noexec")}
    made["vg"] = ("-o", "gid=5", "-o", "o=uid=3")
    for tool in (hutch, podman):
        for name, opts in made.items():
            assert tool("volume", "create", *opts, name).stdout == f"{name}\n"
    template = "{{.UID}} {{.GID}} {{json .Options}}"
    assert both(hutch, podman, "volume", "inspect", "--format", template, *made) == (
        0,
        '0 0 {"uid":"1000"}\n'
        '7 0 {"UID":"7","o":"nodev,uid=7,noexec"}\n'
        '3 0 {"UID":"3","gid":"5","o":"uid=3"}\n',
        "",
    )
    owners = []
    for run in (hutch, podman):
        paths = run("volume", "inspect", "--format", "{{.Mountpoint}}", "vu", "vm").stdout
        owners.append(run("unshare", "stat", "-c", "%u:%g", *paths.split()).stdout)
    assert owners == ["0:0\n7:0\n"] * 2
    podman("volume", "rm", *made)


def test_events_type_no_event_has_lists_nothing(hutch: Hutch, podman: Run) -> None:
    """podman checks the filter keys only: a type no event has matches nothing."""
    assert both(hutch, podman, "events", "--stream=false", "--filter", "type=bogus") == (
        0,
        "",
        "",
    )


def _mounts(run: Run | Hutch, name: str) -> set[str]:
    out = run("inspect", "--format", "{{json .Mounts}}", name).stdout
    keys = ("Type", "Destination", "Mode", "RW", "Propagation", "Options")
    return {json.dumps([m[k] for k in keys]) for m in json.loads(out)}


def test_inspect_mount_mode_tmpfs_and_binds(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    """.Mounts[].Mode is z or Z as -v or --mount gave it (relabel=shared: z),
    .Mounts has no tmpfs, .HostConfig.Tmpfs has the words given and the defaults podman
    adds, and .HostConfig.Binds keeps z and Z (compared as sets: Go map order)."""
    host = tmp_path / "h"
    host.mkdir()
    host.chmod(0o777)
    args = [
        *("-v", f"{host}:/a", "-v", f"{host}:/b:z", "-v", f"{host}:/c:Z,ro"),
        *("-v", "sv1:/d", "-v", "sv2:/e:z", "-v", "sv3:/f:ro,noexec"),
        *("--mount", f"type=bind,src={host},dst=/g"),
        *("--mount", f"type=bind,src={host},dst=/h,relabel=shared"),
        *("--mount", "type=volume,src=sv4,dst=/i"),
        *("--mount", f"type=bind,src={host},dst=/j,ro=true,bind-propagation=rslave"),
        *("--tmpfs", "/t:size=1m", "--tmpfs", "/u", "--tmpfs", "/w:rw,noexec,size=2k,mode=1777"),
        *("--mount", "type=tmpfs,dst=/m,tmpfs-size=1m"),
        *("--mount", "type=tmpfs,destination=/n,tmpfs-mode=1777,ro=true,noexec"),
        *("--tmpfs", "/q:notmpcopyup,ro", "--tmpfs", "/r:suid,dev,rshared"),
    ]
    for tool in (hutch, podman):
        tool("create", "--name", "mm", *args, base_image, "true")
    assert _mounts(hutch, "mm") == _mounts(podman, "mm")
    ours, theirs = (
        json.loads(run("inspect", "--format", "{{json .HostConfig.Tmpfs}}", "mm").stdout)
        for run in (hutch, podman)
    )
    assert _without_noexec(ours, theirs) == theirs
    assert ours["/t"] == "size=1m,rw,rprivate,noexec,nosuid,nodev,tmpcopyup"
    binds = [
        set(json.loads(run("inspect", "--format", "{{json .HostConfig.Binds}}", "mm").stdout))
        for run in (hutch, podman)
    ]
    assert binds[0] == binds[1]
    podman("rm", "-f", "mm")
    podman("volume", "rm", "sv1", "sv2", "sv3", "sv4")


def _without_noexec(ours: dict[str, str], theirs: dict[str, str]) -> dict[str, str]:
    """hutch's Tmpfs map less the noexec podman's lacks: hutch mounts --tmpfs noexec
    unless exec is given (podman's man page's default; podman 4.3.1 and current
    podman's code mount without it), and says so."""
    return {
        dest: ",".join(w for w in words.split(",") if w != "noexec" or w in theirs[dest])
        for dest, words in ours.items()
    }


def test_path_and_args_of_a_one_word_command(hutch: Hutch, podman: Run, base_image: str) -> None:
    """libpod keeps the whole command as Args when nothing follows Path."""
    made = {
        "one": (base_image, "true"),
        "entry": ("--entrypoint", "/bin/true", base_image),
        "more": (base_image, "sh", "-c", "x y"),
    }
    for tool in (hutch, podman):
        for name, argv in made.items():
            tool("create", "--name", name, *argv)
    template = "{{json .Path}} {{json .Args}}"
    assert both(hutch, podman, "inspect", "--format", template, *made) == (
        0,
        '"true" ["true"]\n"/bin/true" ["/bin/true"]\n"sh" ["-c","x y"]\n',
        "",
    )
    podman("rm", "-f", *made)


def _tmpfs_flags(run: Run | Hutch, image: str) -> list[str]:
    """Each tmpfs's mount flags and whether it is shared, as the container sees them."""
    script = 'for d in /t /r; do grep " $d " /proc/self/mountinfo; done'
    args = ("run", "--rm", "--tmpfs", "/t:size=1m", "--tmpfs", "/r:suid,dev,rshared")
    out = run(*args, image, "sh", "-c", script).stdout
    return [f"{f[4]} {f[5]} {'shared' if 'shared:' in line else ''}" for line in out.splitlines()
            for f in [line.split()]]  # fmt: skip


def test_tmpfs_mount_flags_and_propagation(hutch: Hutch, podman: Run, base_image: str) -> None:
    """--tmpfs's mount is podman's (its flags, but noexec: _without_noexec) and takes a
    propagation (rshared)."""
    ours = _tmpfs_flags(hutch, base_image)
    assert ours == ["/t rw,nosuid,nodev,noexec,relatime ", "/r rw,noexec,relatime shared"]
    assert [line.replace(",noexec", "") for line in ours] == _tmpfs_flags(podman, base_image)


def _kinds(run: Run | Hutch, *args: str) -> list[str]:
    out = run(*args, "--format", "{{range .Mounts}}{{.Type}} {{end}}").stdout
    return list(out.split())


def test_pod_volumes_modes_and_the_order_of_mounts(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    """A pod's -v ...:z and :Z: its members' .Mounts and pod inspect's mounts show the
    Mode, as podman 4.3.1's; .Mounts lists the named volumes, then image mounts, then
    bind mounts, whatever the flags' order (compared as sets within: Go map order)."""
    host = tmp_path / "h"
    host.mkdir()
    host.chmod(0o777)
    for tool in (hutch, podman):
        tool("pod", "create", "--name", "pz", "-v", f"{host}:/src:z", "-v", "pzv:/pv:Z,ro")
        tool("create", "--pod", "pz", "--name", "pzm", "-v", f"{host}:/own:Z", base_image, "true")
        tool(
            "create", "--name", "order", "-v", f"{host}:/b", "-v", "ov:/v",
            "--mount", f"type=image,src={base_image},dst=/img", "-v", "/anon",
            base_image, "true",
        )  # fmt: skip
    assert _mounts(hutch, "pzm") == _mounts(podman, "pzm")
    shown = json.loads(hutch("inspect", "--format", "{{json .Mounts}}", "pzm").stdout)
    assert {m["Destination"]: m["Mode"] for m in shown} == {"/src": "z", "/pv": "Z", "/own": "Z"}
    pods = [
        json.loads(run("pod", "inspect", "--format", "{{json .Mounts}}", "pz").stdout)
        for run in (hutch, podman)
    ]
    assert [(m["Destination"], m["Mode"]) for m in pods[0]] == [("/pv", "Z"), ("/src", "z")]
    assert [(m["Destination"], m["Mode"]) for m in pods[1]] == [("/pv", "Z"), ("/src", "z")]
    for name in ("pzm", "order"):
        assert _kinds(hutch, "inspect", name) == _kinds(podman, "inspect", name), name
    assert _kinds(hutch, "inspect", "order") == ["volume", "volume", "image", "bind"]
    assert _mounts(hutch, "order") == _mounts(podman, "order")
    podman("pod", "rm", "-f", "pz")
    podman("rm", "-f", "-v", "order")
    podman("volume", "rm", "pzv", "ov")
