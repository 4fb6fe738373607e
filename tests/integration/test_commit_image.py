"""``hutch commit``: a container's changes become a new image."""

from __future__ import annotations

import json
import time
from pathlib import Path

from harness import Hutch
from pausepoint import Paused


def test_commit_then_run_shows_file_and_changes(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", "-e", "KEEP=1", base_image, "sh", "-c", "echo made > /made")
    out = hutch(
        "commit", "-q",
        "-c", 'CMD ["sh", "-c", "cat /made; echo $GREETING $KEEP"]',
        "-c", "ENV GREETING=hello",
        "-c", "LABEL purpose=test",
        "-c", "WORKDIR /tmp",
        "-m", "a message", "-a", "someone", "-f", "docker",  # podman: -m needs docker
        "c", "committed:v1",
    ).stdout  # fmt: skip
    image_id = out.strip()
    assert len(image_id) == 64
    assert hutch("run", "--rm", "committed:v1").stdout == "made\nhello 1\n"
    assert hutch("run", "--rm", "committed:v1", "pwd").stdout == "/tmp\n"
    data = json.loads(hutch("image", "inspect", "committed:v1").stdout)[0]
    assert data["Id"] == image_id
    assert data["RepoTags"] == ["localhost/committed:v1"]
    assert data["Author"] == "someone"
    assert data["Labels"] == {"purpose": "test"}
    # podman's (buildah's): -m is the image's comment; the history entry names the image
    assert data["Comment"] == "a message"
    assert data["History"][-1]["comment"] == "FROM localhost/base:latest"
    assert data["History"][-1]["author"] == "someone"
    base = json.loads(hutch("image", "inspect", base_image).stdout)[0]
    assert data["RootFS"]["Layers"][:-1] == base["RootFS"]["Layers"]
    assert len(data["RootFS"]["Layers"]) == len(base["RootFS"]["Layers"]) + 1


def test_commit_keeps_the_container_command_and_deletions(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", "rm /bin/true; echo done")
    hutch("commit", "-q", "c", "img")
    assert hutch("run", "--rm", "img").stdout == "done\n"
    assert hutch("run", "--rm", "img", "ls", "/bin/true", check=False).returncode != 0


def test_commit_of_a_running_container(hutch: Hutch, base_image: str) -> None:
    hutch(
        "run", "-d", "--name", "c", base_image,
        "sh", "-c", "echo live > /live; while true; do sleep 0.1; done",
    )  # fmt: skip
    deadline = time.monotonic() + 10
    while "A /live" not in hutch("diff", "c").stdout:
        assert time.monotonic() < deadline
        time.sleep(0.1)
    hutch("commit", "-q", "--pause", "c", "live")
    assert hutch("run", "--rm", "live", "cat", "/live").stdout == "live\n"
    # --pause stopped the container's processes only for the commit.
    assert hutch("ps", "--format", "{{.Status}}").stdout.startswith("Up")
    state = json.loads(hutch("inspect", "c").stdout)[0]["State"]
    assert state["Running"] is True
    hutch("rm", "-f", "-t", "0", "c")


def test_commit_squash_and_docker_format(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "sh", "-c", "echo s > /s")
    hutch("commit", "-q", "--squash", "--format", "docker", "c", "flat")
    data = json.loads(hutch("image", "inspect", "flat").stdout)[0]
    assert len(data["RootFS"]["Layers"]) == 1
    assert hutch("run", "--rm", "flat", "cat", "/s").stdout == "s\n"


def test_commit_bad_change_is_refused_before_anything(hutch: Hutch, base_image: str) -> None:
    hutch("run", "--name", "c", base_image, "true")
    before = hutch("images", "-q").stdout
    result = hutch("commit", "-c", "RUN echo no", "c", "bad", check=False)
    assert result.returncode == 125
    assert 'invalid change "RUN echo no" - invalid instruction RUN' in result.stderr  # podman's
    assert hutch("images", "-q").stdout == before


def test_import_with_change(hutch: Hutch, base_image: str, rootfs_tar: object) -> None:
    hutch("import", "-c", "ENV A=1", "-c", 'ENTRYPOINT ["echo"]', str(rootfs_tar), "imp")
    assert hutch("run", "--rm", "imp", "x").stdout == "x\n"
    config = json.loads(hutch("image", "inspect", "imp").stdout)[0]["Config"]
    assert "A=1" in config["Env"]


def test_a_killed_commit_leaves_its_container_running(
    hutch: Hutch, base_image: str, tmp_path: Path
) -> None:
    """commit pauses through the monitor with itself as holder; killed, it is resumed."""
    hutch("run", "-d", "--name", "busy", base_image, "sleep", "1000")
    commit = Paused(hutch, "commit-paused", tmp_path / "gate", "commit", "-p", "busy", "snap")
    state = hutch("inspect", "--format", "{{.State.Status}}", "busy").stdout.strip()
    assert state == "paused"
    commit.process.kill()
    commit.process.wait()
    deadline = time.monotonic() + 30
    # The monitor looks at the holder twice a second; allow a loaded machine.
    while hutch("inspect", "--format", "{{.State.Status}}", "busy").stdout.strip() != "running":
        assert time.monotonic() < deadline, "the container stayed paused"
        time.sleep(0.2)
    assert hutch("exec", "busy", "echo", "alive").stdout == "alive\n"
    hutch("rm", "-f", "-t", "0", "busy")
