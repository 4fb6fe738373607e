"""Differential: ``generate spec`` of one container and one pod made alike in hutch
and Debian's podman 4.3.1. podman writes values it resolved at create (the image's
environment, default limits) that hutch resolves at start, so the keys compared are
those the flags given set: present in both, with the same values."""

from __future__ import annotations

import json
from pathlib import Path

from harness import Hutch
from peer_podman import Run, fixture_podman  # noqa: F401 - the peer's fixture

# (no resource limit: hosts without a delegated cgroup v2 refuse one at create)
CREATE = ("create", "--name", "specc", "-e", "A=1", "-l", "k=v", "-p", "18123:80",
          "--secret", "specs", "--secret", "specs,target=/x/y,uid=5,gid=6,mode=0400",
          "base", "sleep", "100")  # fmt: skip


def _spec(tool: Hutch | Run, *args: str) -> dict[str, object]:
    done = tool("generate", "spec", *args)
    assert done.returncode == 0, done
    # podman 4.3.1 rootless may print "Could not properly complete the spec as
    # expected:" before a pod's JSON (its warning, on stdout): the JSON is after it
    text = done.stdout[done.stdout.index("{") :]
    doc: dict[str, object] = json.loads(text)
    return doc


def test_a_containers_spec_as_podmans(hutch: Hutch, podman: Run, base_image: str) -> None:
    for tool in (hutch, podman):
        assert tool("secret", "create", "specs", "-", input="s3cr3t-value").returncode == 0
    assert hutch(*CREATE).returncode == 0
    assert podman(*CREATE).returncode == 0
    try:
        ours, theirs = _spec(hutch, "specc"), _spec(podman, "specc")
        for key in ("name", "command", "env", "labels", "portmappings"):
            assert key in ours and key in theirs, key
        assert ours["name"] == theirs["name"] == "specc-clone"
        assert ours["command"] == theirs["command"] == ["sleep", "100"]
        assert {"A": "1"}.items() <= ours["env"].items() & theirs["env"].items()  # type: ignore[attr-defined]
        assert ours["labels"] == theirs["labels"] == {"k": "v"}
        assert ours["portmappings"] == theirs["portmappings"]
        assert "containerCreateCommand" in ours and "containerCreateCommand" in theirs
        assert "image" in ours and "image" in theirs
        # podman 4.3.1 (and current, which takes them from its record) leaves the
        # secret's name out of Source; hutch writes it, as a SpecGenerator's Source is
        assert [x.pop("Source") for x in ours["secrets"]] == ["specs", "specs"]  # type: ignore[attr-defined]
        assert [x.pop("Source") for x in theirs["secrets"]] == ["", ""]  # type: ignore[attr-defined]
        assert ours["secrets"] == theirs["secrets"]
        assert "s3cr3t" not in json.dumps(ours)
        # --name=false keeps the name in both
        assert _spec(hutch, "--name=false", "specc")["name"] == "specc"
        assert _spec(podman, "--name=false", "specc")["name"] == "specc"
    finally:
        for tool in (hutch, podman):
            tool("rm", "-f", "specc")
            tool("secret", "rm", "specs")


def test_compact_filename_and_a_new_unique_name(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    hutch("create", "--name", "web", "base", "true")
    hutch("create", "--name", "web-clone", "base", "true")  # the first new name is taken
    compact = hutch("generate", "spec", "-c", "web")
    assert compact.stdout.count("\n") == 1 and json.loads(compact.stdout)["name"] == "web-clone1"
    target = tmp_path / "web.json"
    written = hutch("generate", "spec", "--filename", str(target), "web")
    assert written.stdout == f"{target}\n"
    doc = json.loads(target.read_text())
    assert doc["name"] == "web-clone1" and doc["command"] == ["true"]
    # the spec's name is free: a container of that name can be made
    assert hutch("create", "--name", doc["name"], "base", "true").returncode == 0
    missing = hutch("generate", "spec", "nosuch", check=False)
    assert (missing.returncode, missing.stderr) == (
        125,
        "Error: could not find a pod or container with the id nosuch\n",
    )


def test_a_pods_spec_as_podmans(hutch: Hutch, podman: Run) -> None:
    args = ("pod", "create", "--name", "specp", "--label", "pk=pv")
    assert hutch(*args).returncode == 0
    assert podman(*args).returncode == 0
    try:
        ours, theirs = _spec(hutch, "specp"), _spec(podman, "specp")
        assert ours["name"] == theirs["name"] == "specp-clone"
        assert ours["labels"] == {"pk": "pv"}
        assert {"pk": "pv"}.items() <= theirs["labels"].items()  # type: ignore[attr-defined]
    finally:
        hutch("pod", "rm", "-f", "specp")
        podman("pod", "rm", "-f", "specp")


def test_volumes_mounts_and_resolved_values_as_podmans(
    hutch: Hutch, podman: Run, base_image: str, tmp_path: Path
) -> None:
    """-v (a host directory, a named volume, an anonymous one), --mount (bind, tmpfs),
    --tmpfs, -p, -e and -w: podman's mounts, volumes, image id, environment with the
    image's and the defaults' variables, ports and working directory."""
    host = tmp_path / "vol"
    host.mkdir()
    create = (
        "create", "--name", "specv", "-v", f"{host}:/data:ro", "-v", "specnamed:/n",
        "-v", "/anon", "--mount", f"type=bind,src={host},dst=/m,ro=true",
        "--mount", "type=tmpfs,dst=/t,tmpfs-size=1m", "--tmpfs", "/t2:size=2m",
        "-p", "18125:80", "-e", "A=1", "-w", "/tmp", "--health-cmd", "true",
        "--health-interval", "5s", "base", "sleep", "100",
    )  # fmt: skip
    assert hutch(*create).returncode == 0
    assert podman(*create).returncode == 0
    try:
        docs = {"hutch": _spec(hutch, "specv"), "podman": _spec(podman, "specv")}
        for tool, doc in docs.items():
            run = hutch if tool == "hutch" else podman
            image = run("inspect", "--format", "{{.Image}}", "specv").stdout.strip()
            assert doc["image"] == image, tool
            mounts = {(m["type"], m["destination"], m["source"]) for m in doc["mounts"]}  # type: ignore[attr-defined]
            assert mounts == {
                ("bind", "/data", str(host)),
                ("bind", "/m", str(host)),
                ("tmpfs", "/t", "tmpfs"),
                ("tmpfs", "/t2", "tmpfs"),
            }, tool
            ro = {m["destination"] for m in doc["mounts"] if "ro" in m["options"]}  # type: ignore[attr-defined]
            assert ro == {"/data", "/m"}, tool
            tmpfs = {m["destination"]: m["options"] for m in doc["mounts"] if m["type"] == "tmpfs"}  # type: ignore[attr-defined]
            # --mount's tmpfs-size in bytes in hutch's record, as given in podman's
            assert {"size=1m", "size=1048576"} & set(tmpfs["/t"]), tool
            assert "size=2m" in tmpfs["/t2"], tool
            volumes = {v["Dest"]: v["Name"] for v in doc["volumes"]}  # type: ignore[attr-defined]
            assert sorted(volumes) == ["/anon", "/n"] and volumes["/n"] == "specnamed", tool
            env = doc["env"]
            assert env["A"] == "1" and env["PATH"] and env["TERM"] == "xterm", tool  # type: ignore[index]
            # -v, --mount and --tmpfs are said by mounts and volumes, not again as given
            assert "volumes" not in doc.get("hutch", {}), tool  # type: ignore[operator]
            assert doc["use_image_hosts"] is False, tool
        assert docs["hutch"]["portmappings"] == docs["podman"]["portmappings"]
        # 4.3.1 leaves the working directory and the health check out (current
        # podman's SpecGenerator has work_dir and healthconfig)
        assert docs["hutch"]["work_dir"] == "/tmp"
        health = docs["hutch"]["healthconfig"]
        assert health["Test"][-1] == "true" and health["Interval"] == 5 * 10**9  # type: ignore[index]
    finally:
        for run in (hutch, podman):
            run("rm", "-f", "-v", "specv")
            run("volume", "rm", "-f", "specnamed")
