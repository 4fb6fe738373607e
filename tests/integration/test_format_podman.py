"""Differential: the same image, container and templates through hutch and Debian's
podman 4.3.1 (the peer, rootless with its own --root), compared output for output.

The templates are the issue's examples; the JSON reports are compared by field
name and JSON type. Known differences are listed where they are allowed.
"""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path

from harness import Hutch
from podman_peer import Run, podman

__all__ = ["podman"]

GOLDEN = json.loads((Path(__file__).parents[1] / "data" / "podman_fields.json").read_text())
# Where hutch follows current podman rather than 4.3.1 (Entrypoint became a list in
# podman 5), or shows a name where 4.3.1 shows a number.
CONTAINER_TYPE_DIFFERENCES = {
    "Config.Entrypoint",
    "Config.StopSignal",
}

CREATE = ("create", "--name", "fmt", "--label", "k=v", "--label", "com.example.x=y")

INSPECT_TEMPLATES = [
    "{{range .Mounts}}{{.Destination}} {{end}}",
    '{{index .Config.Labels "k"}}',
    '{{index .Config.Labels "missing"}}|',
    "{{.Config.Labels.k}} {{.Config.Labels.missing}}",
    "{{json .State.Status}}",
    "{{.State.Status}} {{.State.Running}} {{.State.Paused}}",
    "{{if .State.Running}}up{{else}}down{{end}}",
    "{{.Name}} {{len .Name}} {{upper .Name}}",
    "{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}",
    "{{.ImageName}}",
    # null without a block I/O limit, as podman's; a template sees an empty list
    "{{.HostConfig.BlkioWeightDevice}} {{json .HostConfig.BlkioDeviceReadBps}}",
    "{{len .HostConfig.BlkioDeviceWriteIOps}}",
    "{{.HostConfig.Links}} {{json .HostConfig.Links}} {{range .HostConfig.Links}}x{{end}}",
]
PS_TEMPLATES = [
    "table {{.Names}}\\t{{.Status}}",
    # .State is current podman's (the state's name): 4.3.1 gave the status text there
    "{{.Names}} {{.Mounts}} {{.Labels}} {{.Exited}}",
    "{{.Image}}",
]
IMAGES_TEMPLATES = [
    "{{.Repository}}:{{.Tag}}",
    "table {{.Repository}}\\t{{.Tag}}",
    "{{.Names}} {{.Dangling}} {{.Labels}}",
]
ERRORS = [
    ("ps", "-a", "--format", "{{.Nope}}"),
    ("ps", "-a", "--format", "{{nope .}}"),
    ("ps", "-a", "--format", "{{.Names"),
    ("images", "--format", "{{.Names.foo}}"),
    ("inspect", "--format", "{{.Nope}}", "fmt"),
    ("inspect", "--format", "{{.State.Nope}}", "fmt"),
    ("stop", "nosuch"),
    ("volume", "rm", "nosuch"),
    ("rmi", "nosuch"),
    # inspect prints what it found ([] for nothing), then its own words (exit 125)
    ("inspect", "fmt", "nosuch"),
    ("volume", "inspect", "--format", "{{.Name}}", "vol1", "nosuch", "nosuch2"),
    ("network", "inspect", "fmtnet", "nosuch"),
    ("network", "rm", "nosuch"),
    ("rmi", "nosuch", "nosuch2"),
    ("top", "nosuch"),
    ("inspect", "--type", "bogus", "fmt"),
]
NETWORK_TEMPLATES = [
    "{{range .Subnets}}{{.Subnet}} {{.Gateway}}{{end}}|{{json .Subnets}}|{{.Subnets}}",
    "{{.Name}} {{.Labels}} {{.Driver}} {{.Internal}} {{.DNSEnabled}} {{.IPAMOptions}}",
]


def _types(entry: dict[str, object]) -> dict[str, str]:
    return {k: type(v).__name__ for k, v in entry.items()}


def test_templates_errors_and_json_match_podman(
    hutch: Hutch, podman: Run, rootfs_tar: Path
) -> None:
    hutch("import", "-q", str(rootfs_tar), "base")
    podman("import", str(rootfs_tar), "base")
    for tool in (hutch, podman):
        tool(*CREATE, "-v", "vol1:/data", "base", "sleep", "100")
        tool("network", "create", "--subnet", "10.89.7.0/24", "--label", "b=2", "fmtnet")

    def both(*args: str) -> tuple[str, str]:
        return hutch(*args).stdout, podman(*args).stdout

    for template in INSPECT_TEMPLATES:
        mine, theirs = both("inspect", "--format", template, "fmt")
        assert mine == theirs, template
    for template in PS_TEMPLATES:
        mine, theirs = both("ps", "-a", "--format", template)
        assert mine == theirs, template
    # .State in a template is the JSON's State, as current podman's and Docker's
    shown = hutch("ps", "-a", "--format", "{{.Names}} {{.State}}").stdout
    assert shown == "fmt created\n"
    assert json.loads(hutch("ps", "-a", "--format", "json").stdout)[0]["State"] == "created"
    for template in IMAGES_TEMPLATES:
        mine, theirs = both("images", "--format", template)
        assert mine == theirs, template
    for template in NETWORK_TEMPLATES:
        mine, theirs = both("network", "ls", "--filter", "name=fmtnet", "--format", template)
        assert mine == theirs, template
    # {{json .}} alone is --format json: an array, in both
    assert json.loads(hutch("ps", "-a", "--format", "{{ json . }}").stdout)[0]["Names"] == ["fmt"]

    def shape(text: str) -> object:  # JSON: how many objects (ids and paths differ)
        return len(json.loads(text)) if text[:1] == "[" else text

    for argv in ERRORS:
        mine_p, theirs_p = hutch(*argv, check=False), podman(*argv, check=False)
        assert mine_p.returncode == theirs_p.returncode, argv
        # nothing printed before a template error; inspect's found objects
        assert shape(mine_p.stdout) == shape(theirs_p.stdout), argv
        # podman's lines, hutch's hint lines (if any) after them
        lines = theirs_p.stderr.splitlines()
        assert mine_p.stderr.splitlines()[: len(lines)] == lines, argv

    # rmi --force of a missing image is no error in either
    assert hutch("rmi", "--force", "nosuch").returncode == 0
    assert podman("rmi", "--force", "nosuch").returncode == 0

    # JSON reports: podman's field names, each with the same JSON type
    for argv in (("ps", "-a", "--format", "json"), ("images", "--format", "json")):
        (mine_json,) = json.loads(hutch(*argv).stdout)
        (theirs_json,) = json.loads(podman(*argv).stdout)
        assert set(theirs_json) <= set(mine_json), argv
        mine_types, theirs_types = _types(mine_json), _types(theirs_json)
        differing = {k for k in theirs_types if mine_types[k] != theirs_types[k]}
        assert differing == set(), (argv, differing)

    # container and image inspect: podman's keys (bar the golden file's not-yet list)
    # with podman's JSON types, bar the documented differences
    not_yet = set(GOLDEN["container_inspect_not_yet"])
    (mine_c,), (theirs_c,) = (
        json.loads(t("container", "inspect", "fmt").stdout) for t in (hutch, podman)
    )
    for section in ("", "State", "Config", "HostConfig", "NetworkSettings"):
        mine_s = mine_c[section] if section else mine_c
        theirs_s = theirs_c[section] if section else theirs_c
        prefix = f"{section}." if section else ""
        wanted = {k for k in theirs_s if prefix + k not in not_yet}
        assert wanted <= set(mine_s), (section, wanted - set(mine_s))
        differing = {prefix + k for k in wanted if _types(mine_s)[k] != _types(theirs_s)[k]}
        assert differing <= CONTAINER_TYPE_DIFFERENCES, differing
    # inspect -s counts files as podman does; generic inspect finds a volume too
    mine, theirs = both("inspect", "-s", "--format", "{{.SizeRw}} {{.SizeRootFs}}", "fmt")
    assert mine == theirs
    (mine_v,), (theirs_v,) = (json.loads(t("inspect", "vol1").stdout) for t in (hutch, podman))
    # NeedsCopyUp and NeedsChown (omitempty) are still set after create in both: the
    # copy-up waits for the container's first start (engine/volume_firstmount.py)
    # current podman's keys: 4.3.1's, then LockNumber (hutch's is always 0: no lock pool)
    assert list(mine_v) == [*theirs_v, "LockNumber"]
    assert (mine_v["NeedsCopyUp"], mine_v["NeedsChown"]) == (True, True)
    (mine_i,), (theirs_i,) = (
        json.loads(t("image", "inspect", "base").stdout) for t in (hutch, podman)
    )
    assert list(mine_i) == list(theirs_i)
    differing = {k for k in theirs_i if _types(mine_i)[k] != _types(theirs_i)[k]}
    assert differing <= {"RepoTags"}, differing
    assert set(mine_i["GraphDriver"]["Data"]) <= set(theirs_i["GraphDriver"]["Data"])
    # each History entry is v1.History's struct: its keys in the struct's order
    assert [list(h) for h in mine_i["History"]] == [list(h) for h in theirs_i["History"]]
    # the same image has the same size by podman's definition (layers + its own data)
    assert abs(mine_i["Size"] - theirs_i["Size"]) < 2000, (mine_i["Size"], theirs_i["Size"])
    assert (
        hutch("images", "--format", "{{.Size}}").stdout
        == podman("images", "--format", "{{.Size}}").stdout
    )


def _first_line(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stderr.splitlines()[0] if proc.stderr else ""


def test_run_failures_have_podmans_code_and_first_line(
    hutch: Hutch, podman: Run, rootfs_tar: Path
) -> None:
    hutch("import", "-q", str(rootfs_tar), "base")
    podman("import", str(rootfs_tar), "base")

    # a missing --workdir, of a non-root user or of root: 126, podman's words (the id
    # differs); under a volume it is made
    for name, user in (("wd", "1000"), ("wdroot", "0")):
        argv = ("run", "--name", name, "--user", user, "--workdir", "/nonexistent", "base", "true")
        mine, theirs = hutch(*argv, check=False), podman(*argv, check=False)
        assert (mine.returncode, theirs.returncode) == (126, 126), (mine.stderr, theirs.stderr)
        for tool, proc in ((hutch, mine), (podman, theirs)):
            cid = tool("inspect", "--format", "{{.Id}}", name).stdout.strip()
            assert (
                _first_line(proc)
                == f'Error: workdir "/nonexistent" does not exist on container {cid}'
            )
        assert mine.stdout == ""
    argv = ("run", "--rm", "-v", "wdvol:/data", "-w", "/data/sub", "base", "pwd")
    assert hutch(*argv).stdout == podman(*argv).stdout == "/data/sub\n"

    # a published port already in use on the host
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        argv = ("run", "--rm", "-p", f"{port}:80", "base", "true")
        mine, theirs = hutch(*argv, check=False), podman(*argv, check=False)
    assert mine.returncode == theirs.returncode == 126, (mine.stderr, theirs.stderr)
    assert _first_line(mine) == _first_line(theirs), (mine.stderr, theirs.stderr)


IMAGE_TEMPLATES = [
    # an image config's fields are all omitempty: a template sees each one all the same
    "{{.Config.Cmd}}|{{.Config.Entrypoint}}|{{.Config.User}}|{{.Config.WorkingDir}}|",
    "{{.Config.ExposedPorts}}|{{.Config.Labels}}|{{.Config.Volumes}}|{{.Config.StopSignal}}|",
    "{{.Config.ArgsEscaped}} {{len .Config.Cmd}} {{.Os}}/{{.Architecture}}",
]


def test_image_templates_see_every_image_config_field(
    hutch: Hutch, podman: Run, rootfs_tar: Path
) -> None:
    # before, {{.Config.Cmd}} of an image without a CMD was an error ("can't evaluate
    # field Cmd"), where podman prints []
    hutch("import", "-q", str(rootfs_tar), "base")
    podman("import", str(rootfs_tar), "base")
    for template in IMAGE_TEMPLATES:
        for verb in (("image", "inspect"), ("inspect", "--type", "image")):
            mine = hutch(*verb, "--format", template, "base").stdout
            assert mine == podman(*verb, "--format", template, "base").stdout, template
    # and their JSON still leaves the empty ones out
    assert "Cmd" not in json.loads(hutch("image", "inspect", "base").stdout)[0]["Config"]
